"""Writes to users and tokens, audited."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from doudi.accounts import privileges
from doudi.accounts.models import ApiToken, Department, LoginFailure, Role, User
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.crypto import token_digest
from doudi.regions.models import Region


class AccountError(ValueError):
    pass


def holder(user: User) -> privileges.Holder:
    return privileges.Holder(role=user.role, region=user.region_id, active=user.is_active)


def _other_active_admins(user: User) -> int:
    # locked, so that two administrators disabling each other at once cannot both succeed
    admins = User.objects.select_for_update().filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    return len(admins.values_list("pk", flat=True))


def _guard(actor, op: str, target: User | None = None, grant: privileges.Holder | None = None) -> None:
    """Refuse what ``privileges.refusal`` refuses. Commands and system jobs (a string actor) act as
    the system and skip the role and scope checks, but not the last-administrator rule."""
    others = _other_active_admins(target) if target is not None and target.role == Role.ADMIN else 1
    if isinstance(actor, User):
        reason = privileges.refusal(
            holder(actor),
            op,
            holder(target) if target is not None else None,
            grant,
            is_self=target is not None and target.pk == actor.pk,
            other_active_admins=others,
        )
    elif target is not None:
        reason = privileges.last_admin_refusal(holder(target), op, grant, others)
    else:
        reason = None
    if reason:
        raise AccountError(reason)


def _region(region_code: str) -> Region:
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise AccountError("管辖区划不存在")
    return region


def _check_role(role: str, department: str) -> None:
    if role not in Role.values:
        raise AccountError(f"未知角色：{role}")
    if role == Role.DEPARTMENT and department not in Department.values:
        raise AccountError("部门用户必须指定所属部门")


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    region_code: str,
    department: str = "",
    display_name: str = "",
    check_password: bool = True,
    must_change_password: bool = False,
) -> User:
    _check_role(role, department)
    region = _region(region_code)
    _guard(actor, "create", grant=privileges.Holder(role, region.code))
    if User.objects.filter(username=username).exists():
        raise AccountError("用户名已存在")
    user = User(
        username=username,
        role=role,
        region=region,
        department=department,
        display_name=display_name,
        is_staff=(role == Role.ADMIN),
        is_superuser=False,
        must_change_password=must_change_password,
    )
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    record_audit(
        actor=actor,
        action=AuditAction.ACCOUNTS_USER_CREATE,
        region_code=region.code,
        subject_type="user",
        subject_id=user.pk,
        after={"username": username, "role": role, "region": region.code, "department": department},
    )
    return user


@transaction.atomic
def create_token(*, actor, user: User, name: str) -> str:
    """Create an API token for ``user``; the plain token is returned once and never stored."""
    plain = "dd_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=token_digest(plain), prefix=plain[:8])
    record_audit(
        actor=actor,
        action=AuditAction.ACCOUNTS_TOKEN_CREATE,
        region_code=user.region_id or "",
        subject_type="user",
        subject_id=user.pk,
        detail=f"创建API令牌 {name}",
    )
    return plain


@transaction.atomic
def revoke_token(*, actor, token: ApiToken) -> None:
    _guard(actor, "revoke_token", token.user)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        actor=actor,
        action=AuditAction.ACCOUNTS_TOKEN_REVOKE,
        region_code=token.user.region_id or "",
        subject_type="user",
        subject_id=token.user_id,
        detail=f"吊销API令牌 {token.name}",
    )


def user_for_token(plain: str) -> User | None:
    tok = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(plain), revoked_at__isnull=True)
        .first()
    )
    if tok is None or not tok.user.is_active:
        return None
    now = timezone.now()
    # one write a minute at most: an UPDATE on every API call costs more than the call itself
    if tok.last_used_at is None or (now - tok.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=tok.pk).update(last_used_at=now)
    return tok.user


def _audit_user(actor, action: str, user: User, detail: str, before=None, after=None) -> None:
    record_audit(
        actor=actor,
        action=action,
        region_code=user.region_id or "",
        subject_type="user",
        subject_id=user.pk,
        before=before,
        after=after,
        detail=detail,
    )


def _state(user: User) -> dict:
    return {
        "role": user.role,
        "region": user.region_id,
        "department": user.department,
        "active": user.is_active,
    }


@transaction.atomic
def set_active(*, actor, user: User, active: bool) -> User:
    """Disable (the account can neither log in nor use its API tokens) or enable an account."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _guard(actor, "enable" if active else "disable", user)
    if user.is_active == active:
        return user
    before = _state(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    _audit_user(
        actor,
        AuditAction.ACCOUNTS_USER_ENABLE if active else AuditAction.ACCOUNTS_USER_DISABLE,
        user,
        f"{'启用' if active else '停用'}账号 {user.username}",
        before=before,
        after=_state(user),
    )
    return user


# no 0/O, 1/l/I: the generated password is read off a screen and typed in
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 12) -> str:
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isupper() for c in pw) and any(c.islower() for c in pw):
            return pw


@transaction.atomic
def reset_password(*, actor, user: User, password: str | None = None) -> str:
    """Set a new password (``password``, checked by the validators, or a generated one) that the
    user must change at next login. Returns the password, to be shown once; it is never logged."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _guard(actor, "reset_password", user)
    if password:
        validate_password(password, user)
    else:
        password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _audit_user(actor, AuditAction.ACCOUNTS_PASSWORD_RESET, user, f"重置账号 {user.username} 的密码")
    return password


@transaction.atomic
def change_own_password(*, user: User, password: str) -> None:
    """The user chooses a new password (after a reset, or any time)."""
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    _audit_user(user, AuditAction.ACCOUNTS_PASSWORD_CHANGE, user, "本人修改密码")


@transaction.atomic
def change_role(*, actor, user: User, role: str, region_code: str, department: str = "") -> User:
    """Change an account's role, region scope and department."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_role(role, department)
    region = _region(region_code)
    _guard(actor, "change", user, privileges.Holder(role, region.code))
    if role != Role.DEPARTMENT:
        department = ""
    before = _state(user)
    if (user.role, user.region_id, user.department) == (role, region.code, department):
        return user
    user.role, user.region, user.department = role, region, department
    user.is_staff = role == Role.ADMIN
    user.save(update_fields=["role", "region", "department", "is_staff"])
    labels = dict(Role.choices)
    _audit_user(
        actor,
        AuditAction.ACCOUNTS_USER_CHANGE,
        user,
        f"{user.username}：{labels.get(before['role'], before['role'])} {before['region']} → "
        f"{labels.get(role, role)} {region.code}",
        before=before,
        after=_state(user),
    )
    return user


@transaction.atomic
def unlock(*, actor, user: User) -> int:
    """Clear the failed logins that lock ``user`` out; returns how many were cleared."""
    _guard(actor, "unlock", user)
    n, _ = LoginFailure.objects.filter(username=user.username).delete()
    _audit_user(
        actor,
        AuditAction.ACCOUNTS_USER_UNLOCK,
        user,
        f"解除账号 {user.username} 的登录锁定（清除 {n} 次失败记录）",
    )
    return n

"""Writes to users and tokens, audited."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import ApiToken, Department, Role, User
from doudi.core.audit import record_audit
from doudi.core.crypto import token_digest
from doudi.regions.models import Region


class AccountError(ValueError):
    pass


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
) -> User:
    if role not in Role.values:
        raise AccountError(f"未知角色：{role}")
    if role == Role.DEPARTMENT and department not in Department.values:
        raise AccountError("部门用户必须指定所属部门")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise AccountError("管辖区划不存在")
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
    )
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    record_audit(
        actor=actor,
        action="accounts.user_create",
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
        action="accounts.token_create",
        region_code=user.region_id or "",
        subject_type="user",
        subject_id=user.pk,
        detail=f"创建API令牌 {name}",
    )
    return plain


@transaction.atomic
def revoke_token(*, actor, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        actor=actor,
        action="accounts.token_revoke",
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

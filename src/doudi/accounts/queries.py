"""Reads for the user administration: the accounts an actor manages (``accounts.privileges``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from doudi.accounts import privileges
from doudi.accounts.models import ApiToken, LoginFailure, User


def managed_users(actor: User) -> QuerySet[User]:
    """Accounts ``actor`` may see and manage: inside its region subtree, with a role it may grant
    (the SQL form of ``privileges.refusal(actor, "view", target)``). None for non-managers."""
    if not actor.is_active or actor.role not in privileges.MANAGERS or not actor.region_id:
        return User.objects.none()
    prefix = privileges.subtree_prefix(actor.region_id)
    in_scope = Q(region__code__startswith=prefix)
    if actor.role == privileges.ADMIN:
        return User.objects.filter(in_scope | Q(region__isnull=True))
    return User.objects.filter(in_scope, role__in=privileges.grantable_roles(actor.role))


def find_managed_user(actor: User, pk: int) -> User | None:
    return managed_users(actor).select_related("region").filter(pk=pk).first()


def locked_usernames(usernames) -> set[str]:
    """Which of ``usernames`` are locked out by failed logins right now (one query)."""
    since = timezone.now() - dt.timedelta(seconds=settings.DOUDI_LOGIN_LOCK_SECONDS)
    rows = (
        LoginFailure.objects.filter(username__in=list(usernames), at__gte=since)
        .values("username")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.DOUDI_LOGIN_MAX_FAILURES)
    )
    return {r["username"] for r in rows}


def user_list(actor: User, *, role: str = "", region_prefix: str = "", active: str = "", q: str = ""):
    """The filtered list, with the number of valid API tokens of each account."""
    users = managed_users(actor).select_related("region")
    if role:
        users = users.filter(role=role)
    if region_prefix:
        users = users.filter(region__code__startswith=region_prefix)
    if active in ("1", "0"):
        users = users.filter(is_active=active == "1")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return users.annotate(
        n_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True))
    ).order_by("region__code", "role", "username")


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def reload_user(pk: int) -> User:
    """The account fresh from the database (e.g. after its password changed)."""
    return User.objects.get(pk=pk)


def live_token(user: User, token_id: int) -> ApiToken | None:
    """``user``'s token ``token_id`` if it is not revoked, else None."""
    return ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()

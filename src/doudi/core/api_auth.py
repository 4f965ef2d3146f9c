"""Authentication of the JSON API (R-S5): per-user tokens or the web session.

Three ninja auth callables, tried in order; the first that accepts wins:

* ``TokenBearer``   ``Authorization: Bearer <token>``
* ``TokenHeader``   ``X-API-Token: <token>``
* ``SessionCookie`` the logged-in web session; unsafe methods must pass Django's CSRF check

A presented token that is unknown, revoked or belongs to an inactive user is refused with 401 at
once (no fall-back to the session). On success the user's region scope is entered for the rest of
the request (``ScopeMiddleware`` resets it afterwards, so nothing leaks into the next request on the
same thread), ``request.user`` is the authenticated user, and the capability the router demands is
checked (403 otherwise). Use ``api_auth(capability)`` to get the list for a router. The token lookup
itself belongs to ``accounts``, which registers it with ``register_token_lookup`` at startup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from doudi.core.scoping import current_scope, enter_user_scope

UNAUTHENTICATED = "未登录或未提供API令牌"
BAD_TOKEN = "API令牌无效、已吊销，或账号已停用"
CSRF_FAILED = "CSRF校验失败，请刷新页面后重试"
NO_REGION = "账号未设置管辖区划，无法访问登记数据"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CAPABILITY_LABELS = {
    "registry.read": "查看登记数据",
    "registry.reveal": "查看完整身份证号",
    "registry.write": "修改登记数据",
    "registry.import": "导入名册",
    "audit.read": "查看审计日志",
}


def forbidden(capability: str) -> AuthorizationError:
    label = CAPABILITY_LABELS.get(capability, capability)
    return AuthorizationError(403, f"无权{label}")


def auth_user(request: HttpRequest) -> Any:
    """The user the API auth accepted for this request."""
    return request.auth  # type: ignore[attr-defined]


def require_capability(request: HttpRequest, capability: str):
    """The authenticated user, if they hold ``capability``; 403 otherwise."""
    user = auth_user(request)
    if not user.can(capability):
        raise forbidden(capability)
    return user


class _Accepting:
    """Shared acceptance step: active user, scope entered, capability checked."""

    capability: str | None = None

    def accept(self, request: HttpRequest, user) -> Any:
        if user is None or not user.is_active:
            raise AuthenticationError(401, BAD_TOKEN)
        request.user = user
        enter_user_scope(user)
        if self.capability:
            if not user.can(self.capability):
                raise forbidden(self.capability)
            if current_scope() is None:
                raise AuthorizationError(403, NO_REGION)
        return user


# The token -> user lookup; ``accounts`` registers it at startup (``AccountsConfig.ready``) so that
# ``core`` imports no app above it. Without one, every token is refused (401).
_token_lookup: Callable[[str], Any] | None = None


def register_token_lookup(fn: Callable[[str], Any]) -> None:
    """Install the function that returns the active user holding a token (or None)."""
    global _token_lookup
    _token_lookup = fn


def _user_for_token(token: str):
    token = token.strip()
    if not token or _token_lookup is None:
        return None
    return _token_lookup(token)


class TokenBearer(_Accepting, HttpBearer):
    def __init__(self, capability: str | None = None) -> None:
        self.capability = capability
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return self.accept(request, _user_for_token(token))


class TokenHeader(_Accepting, APIKeyHeader):
    param_name = "X-API-Token"

    def __init__(self, capability: str | None = None) -> None:
        self.capability = capability
        super().__init__()

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None  # header absent: let the next method try
        return self.accept(request, _user_for_token(key))


class SessionCookie(_Accepting, APIKeyCookie):
    """The web session. Unlike ninja's ``SessionAuth`` this checks login before CSRF, so an
    anonymous request gets 401 rather than a CSRF error."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, capability: str | None = None) -> None:
        self.capability = capability
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise AuthorizationError(403, CSRF_FAILED)
        return self.accept(request, user)


def api_auth(capability: str | None = None) -> list:
    """The auth list for a router: token (two headers) or session, demanding ``capability``."""
    return [TokenBearer(capability), TokenHeader(capability), SessionCookie(capability)]

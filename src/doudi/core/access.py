"""Access checks for staff pages.

``ScopeMiddleware`` already sets the region scope from ``request.user.region``; ``scoped_view`` adds
what a page needs on top: a logged-in user (else the login page), a region (else a clear Chinese
message instead of a ``ScopeNotSet`` crash) and, optionally, a role capability and/or a predicate on
the user (else 403). The same check is attached to the view as ``doudi_access(user) -> bool``, so the
navigation (the web shell's menu) offers a page exactly to the users the page lets in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render, resolve_url

from doudi.core.http import htmx_redirect
from doudi.core.scoping import current_scope

CAPABILITY_DENIED = {
    "registry.read": "您的角色无权查看救助对象数据",
    "registry.reveal": "您的角色无权查看完整身份证号或敏感信息",
    "audit.read": "只有审计/纪检人员和系统管理员可以查看审计日志",
    "admin": "只有系统管理员可以维护行政区划",
}


def scoped_view(
    arg: Callable | str | None = None,
    *,
    allow: Callable[[Any], bool] | None = None,
    denied: str = "",
):
    """``@scoped_view``, ``@scoped_view("audit.read")`` or ``@scoped_view(allow=may_view, denied="…")``:
    ``allow(user)`` is a predicate the user must pass besides the capability; ``denied`` the 403 message."""
    capability = arg if isinstance(arg, str) else None

    def allowed(user) -> bool:
        """Whether ``user`` may open the view (what the navigation asks)."""
        if not (user.is_authenticated and user.is_active and user.region_id):
            return False
        if capability and not user.can(capability):
            return False
        return allow is None or bool(allow(user))

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                if is_htmx(request):
                    return htmx_redirect(resolve_url(settings.LOGIN_URL))
                return redirect_to_login(request.get_full_path())
            if current_scope() is None:
                return render(request, "no_scope.html", status=403)
            if capability and not user.can(capability):
                raise PermissionDenied(denied or CAPABILITY_DENIED.get(capability, "您无权执行此操作"))
            if allow is not None and not allow(user):
                raise PermissionDenied(denied or "您无权执行此操作")
            return view(request, *args, **kwargs)

        wrapped.doudi_access = allowed  # type: ignore[attr-defined]
        return wrapped

    if callable(arg):
        return decorate(arg)
    return decorate


def is_htmx(request) -> bool:
    """An htmx swap request (not a history restore, which needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
        and request.headers.get("HX-Boosted") != "true"
    )

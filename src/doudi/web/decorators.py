"""Access checks for staff pages.

``ScopeMiddleware`` already sets the region scope from ``request.user.region``; ``scoped_view`` adds
what a page needs on top: a logged-in user (else the login page), a region (else a clear Chinese
message instead of a ``ScopeNotSet`` crash) and, optionally, a role capability (else 403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render, resolve_url

from doudi.core.scoping import current_scope

CAPABILITY_DENIED = {
    "registry.read": "您的角色无权查看救助对象数据",
    "registry.reveal": "您的角色无权查看完整身份证号或敏感信息",
    "audit.read": "只有审计/纪检人员和系统管理员可以查看审计日志",
    "admin": "只有系统管理员可以维护行政区划",
}


def scoped_view(arg: Callable | str | None = None):
    """``@scoped_view`` or ``@scoped_view("audit.read")``."""
    capability = arg if isinstance(arg, str) else None

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                if is_htmx(request):
                    # an XHR would follow a redirect and swap the login page into a fragment
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            if current_scope() is None:
                return render(request, "web/no_scope.html", status=403)
            if capability and not user.can(capability):
                raise PermissionDenied(CAPABILITY_DENIED.get(capability, "您无权执行此操作"))
            return view(request, *args, **kwargs)

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

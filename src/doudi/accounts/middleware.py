"""After an administrator sets or resets a password, the user must choose their own before using
any page (the API, logout and static files stay reachable)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from doudi.core.access import is_htmx
from doudi.core.http import htmx_redirect


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            target = reverse("accounts:own_password")
            exempt = (target, reverse("web:logout"), "/static/", "/api/")
            if not request.path.startswith(exempt):
                if is_htmx(request):
                    return htmx_redirect(target)
                return redirect(target)
        return self.get_response(request)

"""Login throttling: after DOUDI_LOGIN_MAX_FAILURES failures for a username (from any address) within
DOUDI_LOGIN_LOCK_SECONDS, further attempts are refused until the window passes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from doudi.accounts.models import LoginFailure


class LoginLocked(PermissionDenied):
    pass


def _client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") if request else "") or "-"


def is_locked(username: str) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.DOUDI_LOGIN_LOCK_SECONDS)
    n = LoginFailure.objects.filter(username=username, at__gte=since).count()
    return n >= settings.DOUDI_LOGIN_MAX_FAILURES


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            return None
        if is_locked(username):
            # PermissionDenied stops Django from trying other backends; the login form shows it.
            raise LoginLocked("登录失败次数过多，请稍后再试")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            LoginFailure.objects.create(
                username=username, address=_client_address(request), at=timezone.now()
            )
        else:
            LoginFailure.objects.filter(username=username).delete()
        return user

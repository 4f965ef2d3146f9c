"""Login throttling: after DOUDI_LOGIN_MAX_FAILURES failures for a username from one client address
within DOUDI_LOGIN_LOCK_SECONDS, further attempts for that name from that address are refused until the
window passes. Keyed by (name, address), so nobody can lock another person out from elsewhere; the
address honours a trusted proxy (``core.client_ip``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from doudi.accounts.models import LoginFailure
from doudi.core.client_ip import client_address


class LoginLocked(PermissionDenied):
    pass


def _client_address(request) -> str:
    return client_address(request) or "-"


def is_locked(username: str, request=None) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.DOUDI_LOGIN_LOCK_SECONDS)
    n = LoginFailure.objects.filter(
        username=username, address=_client_address(request), at__gte=since
    ).count()
    return n >= settings.DOUDI_LOGIN_MAX_FAILURES


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            return None
        if is_locked(username, request):
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

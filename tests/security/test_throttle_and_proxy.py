"""Lock-out is per (user name, client address); the client address honours only trusted proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from doudi.core.client_ip import client_address
from tests.conftest import YANJI
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, address: str, password: str = "bad", **extra):
    return client.post(reverse("web:login"), {"username": "admin-x", "password": password},
                       REMOTE_ADDR=address, **extra)  # fmt: skip


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(client, make_user):
    make_user("county_officer", YANJI, username="admin-x")
    for _ in range(5):
        _login(client, "203.0.113.9")
    assert "登录失败次数过多" in _login(client, "203.0.113.9", PASSWORD).content.decode()
    response = _login(client, "198.51.100.7", PASSWORD)  # the real user, elsewhere
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(client, make_user, settings):
    settings.DOUDI_TRUSTED_PROXIES = "10.0.0.0/8"
    make_user("county_officer", YANJI, username="admin-x")
    for _ in range(5):
        _login(client, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert (
        "登录失败次数过多"
        in _login(client, "10.0.0.2", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").content.decode()
    )
    ok = _login(client, "10.0.0.2", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("trusted", "remote", "xff", "expected"),
    [
        ("", "10.0.0.2", "203.0.113.9", "10.0.0.2"),  # no trusted proxy: the header is ignored
        ("10.0.0.0/8", "198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not from the proxy: ignored
        ("10.0.0.0/8", "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # spoofed left part ignored
        ("10.0.0.0/8,127.0.0.1", "127.0.0.1", "203.0.113.9, 10.0.0.5", "203.0.113.9"),  # two proxies
        ("10.0.0.0/8", "10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.0/8", "10.0.0.2", "not-an-ip", "10.0.0.2"),
    ],
)
def test_client_address(settings, trusted, remote, xff, expected):
    settings.DOUDI_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff)
    assert client_address(request) == expected


def test_the_public_report_limit_counts_the_forwarded_address(client, settings, regions):
    from doudi.monitoring.loop import views_more

    settings.DOUDI_TRUSTED_PROXIES = "10.0.0.1"
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert views_more._client_address(request) == "203.0.113.9"

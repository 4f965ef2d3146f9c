"""Login, throttling, logout and the pages' access rules."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import YANJI

from .conftest import PASSWORD, assert_csp_clean

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_chinese_with_csp(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作人员登录" in html and 'lang="zh-Hans"' in html
    assert "兜底 · 低收入人口动态监测与分层分类救助" in re.sub(r"<[^>]+>", "", html)
    assert 'name="csrfmiddlewaretoken"' in html
    assert_csp_clean(response)


def test_pages_require_login(client):
    for name in ("web:home", "registry:search", "registry:quality", "web:audit", "regions:tree"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_login_and_logout(client, make_user):
    user = make_user("county_officer", YANJI, username="yanji-officer")
    response = client.post(reverse("web:login"), {"username": "yanji-officer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "县级民政" in home.content.decode()
    assert client.get(reverse("web:logout")).status_code == 405  # logout is POST only
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert client.get("/").status_code == 302
    assert user.pk


def test_wrong_password_shows_generic_chinese_error(client, make_user):
    make_user("county_officer", YANJI, username="yanji-officer")
    response = client.post(reverse("web:login"), {"username": "yanji-officer", "password": "wrong-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名或密码错误" in html
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_error(client, regions):
    response = client.post(reverse("web:login"), {"username": "nobody", "password": "whatever-123"})
    assert "用户名或密码错误" in response.content.decode()


def test_lock_after_five_failures_even_with_the_right_password(client, make_user):
    make_user("county_officer", YANJI, username="yanji-officer")
    for _ in range(4):
        html = client.post(
            reverse("web:login"), {"username": "yanji-officer", "password": "bad"}
        ).content.decode()
        assert "用户名或密码错误" in html
    fifth = client.post(reverse("web:login"), {"username": "yanji-officer", "password": "bad"})
    assert "登录失败次数过多，请15分钟后再试" in fifth.content.decode()
    response = client.post(reverse("web:login"), {"username": "yanji-officer", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_user_without_region_gets_a_message_not_a_crash(client, regions):
    from doudi.accounts.models import User

    user = User.objects.create_user(username="no-region", password=PASSWORD, role="county_officer")
    client.force_login(user)
    for name in ("web:home", "registry:search", "registry:quality", "regions:tree"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "尚未分配管辖区划" in response.content.decode()


def test_department_user_sees_no_registry_data(login, make_user, households):
    client = login(make_user("department_user", YANJI, department="education"))
    home = client.get("/")
    assert home.status_code == 200
    assert "不查看救助对象数据" in home.content.decode()
    assert "counts" not in home.context
    response = client.get(reverse("registry:search"))
    assert response.status_code == 403
    assert "无权查看救助对象数据" in response.content.decode()


def test_htmx_request_after_session_end_redirects_the_whole_page(client, households):
    response = client.get(reverse("registry:search"), {"name": "金明哲"}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/"


def test_csrf_failure_page_is_chinese(make_user, households):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("county_officer", YANJI))
    response = client.post(reverse("registry:export"), {})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()

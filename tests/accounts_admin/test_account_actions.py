"""Disabling, password resets, unlocking and token revocation from the administration pages and
``doudi user``: each audited, each taking effect (login refused, API token rejected)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doudi.accounts import actions, privileges
from doudi.accounts.models import User
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from tests.conftest import PROVINCE

pytestmark = pytest.mark.django_db

PASSWORD = "Test-passw0rd!"  # tests/conftest.py make_user


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def log_in(username: str, password: str = PASSWORD) -> tuple[Client, int]:
    client = Client()
    response = client.post(reverse("web:login"), {"username": username, "password": password})
    return client, response.status_code


def audited(action: str, user: User) -> AuditEvent:
    return AuditEvent.unscoped.filter(action=action, subject_id=str(user.pk)).latest("id")


def test_disable_stops_login_and_enable_restores_it(people, as_user):
    target = people["yj-town"]
    assert log_in("yj-town")[1] == 302
    response = as_user(people["yj-county"]).post(
        reverse("accounts:active", args=[target.pk]), {"active": "0"}
    )
    assert response.status_code == 302
    assert log_in("yj-town")[1] == 200  # the form again: 该账号已停用 / 用户名或密码错误
    assert audited("accounts.user_disable", target).actor_id == people["yj-county"].pk
    as_user(people["yj-county"]).post(reverse("accounts:active", args=[target.pk]), {"active": "1"})
    assert log_in("yj-town")[1] == 302
    assert audited("accounts.user_enable", target).after["active"] is True


def test_a_disabled_users_session_ends(people):
    client, status = log_in("yj-grid")
    assert status == 302 and client.get("/").status_code == 200
    with all_regions():
        actions.set_active(actor=people["admin"], user=people["yj-grid"], active=False)
    assert client.get("/").status_code == 302  # back to the login page


def test_reset_password_is_shown_once_and_must_be_changed(people, as_user):
    target = people["yj-grid"]
    response = as_user(people["yj-county"]).post(reverse("accounts:password", args=[target.pk]), {})
    assert response.status_code == 200
    password = re.search(r'id="new-password-value">([^<]+)<', response.content.decode()).group(1)
    assert audited("accounts.password_reset", target).action == "accounts.password_reset"
    assert password not in str(AuditEvent.unscoped.values_list("after", "detail"))
    assert log_in("yj-grid")[1] == 200  # the old password no longer works
    client, status = log_in("yj-grid", password)
    assert status == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == reverse("accounts:own_password")
    assert client.get("/households/").status_code == 302
    page = client.get(reverse("accounts:own_password"))
    assert "请先设置自己的新密码" in page.content.decode()
    weak = client.post(
        reverse("accounts:own_password"),
        {"old_password": password, "password1": "12345", "password2": "12345"},
    )
    assert weak.status_code == 400 and "密码不符合要求" in weak.content.decode()
    done = client.post(
        reverse("accounts:own_password"),
        {"old_password": password, "password1": "Grid-new-pass-9", "password2": "Grid-new-pass-9"},
    )
    assert done.status_code == 302 and client.get("/").status_code == 200  # still logged in
    target.refresh_from_db()
    assert not target.must_change_password and target.check_password("Grid-new-pass-9")
    assert audited("accounts.password_change", target).actor_id == target.pk


def test_reset_to_a_chosen_password_respects_the_validators(people, as_user):
    target = people["yj-grid"]
    client = as_user(people["admin"])
    response = client.post(reverse("accounts:password", args=[target.pk]), {"password": "12345678"})
    assert response.status_code == 400 and "密码不符合要求" in response.content.decode()
    response = client.post(reverse("accounts:password", args=[target.pk]), {"password": "Chosen-by-admin-7"})
    assert response.status_code == 200 and "Chosen-by-admin-7" in response.content.decode()
    target.refresh_from_db()
    assert target.check_password("Chosen-by-admin-7") and target.must_change_password


def test_locked_out_user_is_shown_and_unlocked(people, as_user, settings):
    settings.DOUDI_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        log_in("yj-town", "wrong-password")
    assert log_in("yj-town")[1] == 200  # locked even with the right password
    client = as_user(people["yj-county"])
    row = client.get("/admin/").content.decode().split('data-username="yj-town"')[1].split("</tr>")[0]
    assert "登录已锁定" in row
    response = client.post(reverse("accounts:unlock", args=[people["yj-town"].pk]))
    assert response.status_code == 302
    assert log_in("yj-town")[1] == 302
    assert "清除 3 次失败记录" in audited("accounts.user_unlock", people["yj-town"]).detail


def test_last_login_is_shown(people, as_user):
    client = as_user(people["admin"])
    row = lambda: client.get("/admin/").content.decode().split('data-username="yj-town"')[1].split("</tr>")[0]  # noqa: E731
    assert "从未登录" in row()
    log_in("yj-town")
    people["yj-town"].refresh_from_db()
    assert people["yj-town"].last_login is not None
    shown = timezone.localtime(people["yj-town"].last_login).strftime("%Y-%m-%d %H:%M")
    assert "从未登录" not in row() and shown in row()


def test_token_revoke_makes_the_api_reject_it(people, as_user, client):
    target = people["yj-county2"]
    with all_regions():
        token = actions.create_token(actor="test", user=target, name="部门对接")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    admin = as_user(people["yb-city"])
    detail = admin.get(reverse("accounts:user", args=[target.pk])).content.decode()
    assert token[:8] in detail and token not in detail
    assert 'data-username="yj-county2"' in admin.get("/admin/").content.decode()
    tok = target.api_tokens.get()
    assert admin.post(reverse("accounts:revoke", args=[target.pk, tok.pk])).status_code == 302
    client.logout()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert audited("accounts.token_revoke", target).actor_id == people["yb-city"].pk
    # another county's officer cannot even find it
    other = as_user(people["ng-county"])
    assert other.post(reverse("accounts:revoke", args=[target.pk, tok.pk])).status_code == 404


def test_nobody_disables_the_last_active_administrator(people, as_user):
    admin, yj_admin = people["admin"], people["yj-admin"]
    assert (
        as_user(admin).post(reverse("accounts:active", args=[yj_admin.pk]), {"active": "0"}).status_code
        == 302
    )
    with pytest.raises(actions.AccountError, match=privileges.LAST_ADMIN):
        actions.set_active(actor="doudi user", user=admin, active=False)
    with pytest.raises(actions.AccountError, match=privileges.LAST_ADMIN):
        actions.change_role(actor="doudi user", user=admin, role="auditor", region_code=PROVINCE)
    with pytest.raises(CommandError, match="最后一位"):
        run("user", "disable", "admin")
    assert User.objects.get(pk=admin.pk).is_active


def test_new_audit_actions_have_chinese_labels(people, as_user):
    client = as_user(people["admin"])
    client.post(reverse("accounts:active", args=[people["charity"].pk]), {"active": "0"})
    client.post(reverse("accounts:unlock", args=[people["charity"].pk]))
    html = client.get(reverse("web:audit")).content.decode()
    assert "停用用户" in html and "解除登录锁定" in html
    from doudi.core.audit_actions import AuditAction

    for action in (
        "user_disable",
        "user_enable",
        "user_change",
        "password_reset",
        "password_change",
        "user_unlock",
    ):
        assert f"accounts.{action}" in AuditAction.values


def test_user_command_disable_enable_reset_unlock(people):
    assert "已停用账号 yj-grid" in run("user", "disable", "yj-grid")[0]
    assert not User.objects.get(username="yj-grid").is_active
    assert "已启用账号 yj-grid" in run("user", "enable", "yj-grid")[0]
    out, err = run("user", "reset-password", "yj-grid")
    password = out.strip()
    user = User.objects.get(username="yj-grid")
    assert user.check_password(password) and user.must_change_password and "只显示这一次" in err
    assert "解除" in run("user", "unlock", "yj-grid")[0]
    with pytest.raises(CommandError, match="密码不符合要求"):
        run("user", "reset-password", "yj-grid", "--password", "123")
    with pytest.raises(CommandError, match="用户不存在"):
        run("user", "disable", "nobody")
    actors = set(AuditEvent.unscoped.filter(subject_id=str(user.pk)).values_list("actor_label", flat=True))
    assert "doudi user" in actors


def test_a_pending_password_change_blocks_pages_but_not_the_api_or_logout(people, client):
    user = people["yj-town"]
    with all_regions():
        actions.reset_password(actor="test", user=user, password="Temporary-pass-1")
        token = actions.create_token(actor="test", user=user, name="对接")
    client.force_login(User.objects.get(pk=user.pk))
    target = reverse("accounts:own_password")
    assert client.get("/monitoring/")["Location"] == target
    htmx = client.get("/households/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == target
    assert client.get(target).status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.post(reverse("web:logout")).status_code == 302

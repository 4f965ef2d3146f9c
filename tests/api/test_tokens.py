"""``doudi token`` and ``doudi user create``: tokens shown once, stored as digests, revocable; accounts
created with Chinese refusals for bad roles, regions and passwords."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from doudi.accounts.models import ApiToken, User
from doudi.core.crypto import token_digest
from doudi.core.models import AuditEvent
from tests.conftest import YANJI, YANJI_T1

from .conftest import body

pytestmark = pytest.mark.django_db


def run(*args, **kwargs) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def officer(make_user):
    return make_user("county_officer", YANJI, username="officer")


def test_create_prints_the_token_once_and_it_authenticates(client, households, officer):
    out, err = run("token", "create", "officer", "--name", "部门对接")
    token = out.strip()
    assert token.startswith("dd_") and len(token) > 30
    assert out.count(token) == 1 and token not in err
    assert "只显示这一次" in err
    response = client.get("/api/v1/households", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [i["household_key"] for i in body(response)["items"]] == ["H-YJ1", "H-YJ2"]
    assert AuditEvent.unscoped.filter(action="accounts.token_create", subject_id=str(officer.pk)).exists()


def test_only_the_digest_is_stored(officer):
    token = run("token", "create", "officer", "--name", "x")[0].strip()
    (row,) = ApiToken.objects.filter(user=officer).values()
    assert row["digest"] == token_digest(token)
    assert row["prefix"] == token[:8]
    assert token not in {str(v) for v in row.values()}
    listing = run("token", "list", "officer")[0]
    assert token[:8] in listing and "有效" in listing
    assert token not in listing and row["digest"] not in listing


def test_revoke_by_name_makes_the_token_401(client, officer):
    token = run("token", "create", "officer", "--name", "old")[0].strip()
    keep = run("token", "create", "officer", "--name", "new")[0].strip()
    assert client.get("/api/v1/me", headers={"X-API-Token": token}).status_code == 200
    assert "已吊销 1 个令牌" in run("token", "revoke", "officer", "--name", "old")[0]
    assert client.get("/api/v1/me", headers={"X-API-Token": token}).status_code == 401
    assert client.get("/api/v1/me", headers={"X-API-Token": keep}).status_code == 200
    assert "已吊销" in run("token", "list", "officer")[0]
    assert AuditEvent.unscoped.filter(action="accounts.token_revoke").count() == 1


def test_revoke_by_prefix_and_all(client, officer):
    a = run("token", "create", "officer", "--name", "a")[0].strip()
    b = run("token", "create", "officer", "--name", "b")[0].strip()
    run("token", "revoke", "officer", "--prefix", a[:8])
    assert client.get("/api/v1/me", headers={"X-API-Token": a}).status_code == 401
    assert client.get("/api/v1/me", headers={"X-API-Token": b}).status_code == 200
    run("token", "revoke", "officer", "--all")
    assert client.get("/api/v1/me", headers={"X-API-Token": b}).status_code == 401
    with pytest.raises(CommandError, match="没有找到"):
        run("token", "revoke", "officer", "--all")


def test_token_command_refusals(officer):
    with pytest.raises(CommandError, match="用户不存在"):
        run("token", "create", "nobody", "--name", "x")
    run("token", "create", "officer", "--name", "same")
    run("token", "create", "officer", "--name", "same")
    with pytest.raises(CommandError, match="同名令牌"):
        run("token", "revoke", "officer", "--name", "same")
    User.objects.filter(pk=officer.pk).update(is_active=False)
    with pytest.raises(CommandError, match="账号已停用"):
        run("token", "create", "officer", "--name", "x")


GOOD_PASSWORD = "Yanji-civil-2025!"


def test_user_create(regions, client):
    out, _ = run(
        "user",
        "create",
        "--username",
        "kim",
        "--role",
        "township_caseworker",
        "--region",
        YANJI_T1,
        "--display-name",
        "金经办",
        "--password",
        GOOD_PASSWORD,
    )
    assert "已创建账号 kim" in out and "进学街道" in out
    user = User.objects.get(username="kim")
    assert (user.role, user.region_id, user.display_name) == ("township_caseworker", YANJI_T1, "金经办")
    assert user.check_password(GOOD_PASSWORD)
    assert AuditEvent.unscoped.filter(action="accounts.user_create", subject_id=str(user.pk)).exists()
    assert client.login(username="kim", password=GOOD_PASSWORD)


def test_user_create_reads_password_from_env_or_prompt(regions, monkeypatch):
    monkeypatch.setenv("DOUDI_PASSWORD", GOOD_PASSWORD)
    run("user", "create", "--username", "a1", "--role", "county_officer", "--region", "222401")
    assert User.objects.get(username="a1").region_id == YANJI  # 6-digit code completed to 12
    monkeypatch.delenv("DOUDI_PASSWORD")
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run("user", "create", "--username", "a2", "--role", "county_officer", "--region", YANJI)
    assert User.objects.get(username="a2").check_password(GOOD_PASSWORD)
    answers = iter([GOOD_PASSWORD, "different-Passw0rd"])
    with pytest.raises(CommandError, match="两次输入的密码不一致"):
        run("user", "create", "--username", "a3", "--role", "county_officer", "--region", YANJI)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "mayor", "--region", YANJI], "未知角色：mayor"),
        (["--role", "county_officer", "--region", "999999"], "管辖区划不存在：999999"),
        (["--role", "county_officer", "--region", "22-24"], "区划代码格式不正确"),
        (["--role", "department_user", "--region", YANJI], "部门用户必须指定所属部门"),
        (["--role", "department_user", "--region", YANJI, "--department", "police"], "未知部门：police"),
    ],
)
def test_user_create_refusals_are_chinese(regions, args, message):
    with pytest.raises(CommandError, match=message):
        run("user", "create", "--username", "bad", "--password", GOOD_PASSWORD, *args)
    assert not User.objects.filter(username="bad").exists()


def test_user_create_refuses_weak_password_and_duplicates(regions):
    with pytest.raises(CommandError, match="密码不符合要求"):
        run(
            "user",
            "create",
            "--username",
            "weak",
            "--role",
            "county_officer",
            "--region",
            YANJI,
            "--password",
            "123",
        )
    run(
        "user",
        "create",
        "--username",
        "dup",
        "--role",
        "county_officer",
        "--region",
        YANJI,
        "--password",
        GOOD_PASSWORD,
    )
    with pytest.raises(CommandError, match="用户名已存在"):
        run(
            "user",
            "create",
            "--username",
            "dup",
            "--role",
            "county_officer",
            "--region",
            YANJI,
            "--password",
            GOOD_PASSWORD,
        )


def test_create_without_name_uses_a_dated_default(officer):
    """The README's `doudi token create USER` works as written: the name defaults to the date."""
    token = run("token", "create", "officer")[0].strip()
    (row,) = ApiToken.objects.filter(user=officer).values("name", "digest")
    assert row["digest"] == token_digest(token)
    assert row["name"].startswith("API令牌 20")

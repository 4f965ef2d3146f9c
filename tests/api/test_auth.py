"""API authentication: tokens in two headers, the web session with CSRF, refusals in Chinese JSON,
and the region scope entered per request and never carried into the next one."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.models import ApiToken, User
from doudi.core.scoping import ScopeNotSet, current_scope
from doudi.registry.models import Household
from tests.conftest import NANGUAN, PROVINCE, YANJI

from .conftest import body

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households"


def keys(response) -> list[str]:
    return [item["household_key"] for item in body(response)["items"]]


def test_bearer_token_authenticates_and_scopes(client, households, make_user, token_for):
    token = token_for(make_user("county_officer", YANJI))
    response = client.get(HOUSEHOLDS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert keys(response) == ["H-YJ1", "H-YJ2"]


def test_x_api_token_header_authenticates(client, households, make_user, token_for):
    token = token_for(make_user("county_officer", NANGUAN))
    response = client.get(HOUSEHOLDS, headers={"X-API-Token": token})
    assert response.status_code == 200
    assert keys(response) == ["H-NG1"]


def test_token_use_is_recorded(client, households, make_user, token_for):
    user = make_user("county_officer", YANJI)
    client.get("/api/v1/me", headers={"X-API-Token": token_for(user)})
    assert ApiToken.objects.get(user=user).last_used_at is not None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer dd_not-a-real-token"},
        {"Authorization": "Bearer "},
        {"X-API-Token": "dd_not-a-real-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["none", "unknown-bearer", "empty-bearer", "unknown-header", "basic"],
)
def test_missing_or_invalid_token_is_401_with_chinese_json(client, households, headers):
    response = client.get(HOUSEHOLDS, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Bearer"
    message = body(response)["error"]
    assert "令牌" in message or "登录" in message


def test_invalid_token_does_not_fall_back_to_session(client, households, make_user):
    client.force_login(make_user("county_officer", YANJI))
    response = client.get(HOUSEHOLDS, headers={"Authorization": "Bearer dd_wrong"})
    assert response.status_code == 401
    assert "令牌" in body(response)["error"]


def test_revoked_token_is_401(client, households, make_user, token_for):
    from doudi.accounts.actions import revoke_token

    user = make_user("county_officer", YANJI)
    token = token_for(user)
    assert client.get("/api/v1/me", headers={"X-API-Token": token}).status_code == 200
    revoke_token(actor="test", token=ApiToken.objects.get(user=user))
    response = client.get("/api/v1/me", headers={"X-API-Token": token})
    assert response.status_code == 401
    assert "吊销" in body(response)["error"]


def test_inactive_user_token_is_401(client, households, make_user, token_for):
    user = make_user("county_officer", YANJI)
    token = token_for(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/me", headers={"X-API-Token": token}).status_code == 401


def test_inactive_user_session_is_401(client, households, make_user):
    user = make_user("county_officer", YANJI)
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/me").status_code == 401


def test_session_auth_reads_in_the_users_scope(client, households, make_user):
    client.force_login(make_user("township_caseworker", "222401001000"))
    response = client.get(HOUSEHOLDS)
    assert response.status_code == 200
    assert keys(response) == ["H-YJ1"]


def test_session_post_requires_csrf_token(households, make_user, persons):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(make_user("county_officer", YANJI))
    url = f"/api/v1/persons/{persons['P-YJ1-1'].pk}/reveal-id"
    refused = csrf_client.post(url)
    assert refused.status_code == 403
    assert "CSRF" in body(refused)["error"]
    csrf_client.get("/api/v1/docs")  # any page rendering the token sets the cookie
    token = csrf_client.cookies["csrftoken"].value
    allowed = csrf_client.post(url, headers={"X-CSRFToken": token})
    assert allowed.status_code == 200


def test_token_post_needs_no_csrf(households, make_user, persons, token_for):
    csrf_client = Client(enforce_csrf_checks=True)
    token = token_for(make_user("county_officer", YANJI))
    url = f"/api/v1/persons/{persons['P-YJ1-1'].pk}/reveal-id"
    assert csrf_client.post(url, headers={"X-API-Token": token}).status_code == 200


def test_anonymous_post_is_401_not_csrf(households, persons):
    response = Client(enforce_csrf_checks=True).post(f"/api/v1/persons/{persons['P-YJ1-1'].pk}/reveal-id")
    assert response.status_code == 401


def test_token_wins_over_a_session_of_another_user(client, households, make_user, token_for):
    client.force_login(make_user("province_officer", PROVINCE))
    token = token_for(make_user("county_officer", NANGUAN))
    response = client.get(HOUSEHOLDS, headers={"X-API-Token": token})
    assert keys(response) == ["H-NG1"]
    me = client.get("/api/v1/me", headers={"X-API-Token": token})
    assert body(me)["region_code"] == NANGUAN


@pytest.mark.parametrize("role", ["department_user", "charity"])
def test_users_without_registry_read_get_403_on_registry_but_200_on_me(
    client, households, make_user, token_for, role
):
    user = make_user(role, PROVINCE, department="health" if role == "department_user" else "")
    headers = {"X-API-Token": token_for(user)}
    refused = client.get(HOUSEHOLDS, headers=headers)
    assert refused.status_code == 403
    assert body(refused)["error"] == "无权查看登记数据"
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_user_without_region_gets_403_not_everything(client, households, make_user, token_for):
    user = make_user("province_officer", PROVINCE)
    User.objects.filter(pk=user.pk).update(region=None)
    response = client.get(HOUSEHOLDS, headers={"X-API-Token": token_for(User.objects.get(pk=user.pk))})
    assert response.status_code == 403
    assert "管辖区划" in body(response)["error"]


def test_scope_does_not_outlive_the_request(client, households, make_user, token_for):
    """The test client runs every request on this same thread, like a reused server worker thread:
    the scope the token auth entered must be gone afterwards, and the next caller sees only theirs."""
    yanji = token_for(make_user("county_officer", YANJI))
    nanguan = token_for(make_user("county_officer", NANGUAN))
    assert current_scope() is None
    assert keys(client.get(HOUSEHOLDS, headers={"X-API-Token": yanji})) == ["H-YJ1", "H-YJ2"]
    assert current_scope() is None
    with pytest.raises(ScopeNotSet):
        Household.objects.count()
    assert client.get(HOUSEHOLDS).status_code == 401  # anonymous right after: nothing inherited
    assert keys(client.get(HOUSEHOLDS, headers={"X-API-Token": nanguan})) == ["H-NG1"]
    assert current_scope() is None


def test_scope_is_reset_even_when_the_handler_fails(client, households, make_user, token_for):
    token = token_for(make_user("county_officer", YANJI))
    assert client.get(f"{HOUSEHOLDS}/999999", headers={"X-API-Token": token}).status_code == 404
    assert client.get(f"{HOUSEHOLDS}?limit=999", headers={"X-API-Token": token}).status_code == 422
    assert current_scope() is None

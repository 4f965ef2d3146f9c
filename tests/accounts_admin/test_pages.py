"""The user administration pages: who may open them (others get 404), what each manager sees, and
refused escalations (R-S5)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from doudi.accounts import privileges
from doudi.accounts.actions import holder
from doudi.accounts.models import User
from doudi.core.models import AuditEvent
from tests.conftest import NANGUAN, YANBIAN, YANJI, YANJI_T1
from tests.web.conftest import assert_csp_clean

pytestmark = pytest.mark.django_db

LIST = "/admin/"


def visible(response) -> set[str]:
    return set(re.findall(r'data-username="([^"]+)"', response.content.decode()))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("yb-city", 200),
        ("yj-county", 200),
        ("yj-town", 404),
        ("yj-grid", 404),
        ("prov", 404),
        ("yj-auditor", 404),
        ("yj-health", 404),
        ("charity", 404),
    ],
)
def test_permissions_matrix(people, as_user, who, status):
    client = as_user(people[who])
    assert client.get(LIST).status_code == status
    assert client.get(reverse("accounts:create")).status_code == status
    assert client.get(reverse("accounts:user", args=[people["yj-grid"].pk])).status_code == status
    home = client.get("/").content.decode()
    assert ("用户管理" in home) == (status == 200)  # the navigation link only for those who can open it


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["admin", "yj-admin", "yb-city", "yj-county", "ng-county"])
def test_each_manager_sees_exactly_what_the_rule_allows(people, as_user, who):
    actor = people[who]
    response = as_user(actor).get(LIST)
    assert response.status_code == 200
    assert_csp_clean(response)
    expected = {
        name
        for name, u in people.items()
        if privileges.refusal(holder(actor), "view", holder(u), is_self=u.pk == actor.pk) is None
    }
    assert visible(response) == expected
    if who == "yj-county":
        assert expected == {"yj-county", "yj-county2", "yj-town", "yj-grid", "yj-health", "charity"}
    for name in set(people) - expected:  # the rest does not exist for this actor
        assert as_user(actor).get(reverse("accounts:user", args=[people[name].pk])).status_code == 404


def test_filters(people, as_user):
    client = as_user(people["admin"])
    assert visible(client.get(LIST, {"role": "county_officer"})) == {"yj-county", "yj-county2", "ng-county"}
    assert visible(client.get(LIST, {"region": NANGUAN})) == {"ng-county", "ng-town"}
    assert visible(client.get(LIST, {"q": "yj-c"})) == {"yj-county", "yj-county2"}
    client.post(reverse("accounts:active", args=[people["charity"].pk]), {"active": "0"})
    assert visible(client.get(LIST, {"active": "0"})) == {"charity"}
    assert client.get(LIST, {"region": "999999000000"}).status_code == 200  # an invalid choice: no filter


def test_create_shows_the_password_once_and_audits(people, as_user):
    client = as_user(people["yj-county"])
    response = client.post(
        reverse("accounts:create"),
        {"username": "new-grid", "display_name": "新网格员", "role": "grid_worker", "region": YANJI_T1},
    )
    assert response.status_code == 200
    html = response.content.decode()
    password = re.search(r'id="new-password-value">([^<]+)<', html).group(1)
    user = User.objects.get(username="new-grid")
    assert user.check_password(password) and user.must_change_password
    assert (user.role, user.region_id) == ("grid_worker", YANJI_T1)
    ev = AuditEvent.unscoped.filter(action="accounts.user_create", subject_id=str(user.pk)).get()
    assert ev.actor_id == people["yj-county"].pk and password not in str(ev.after)
    again = client.get(reverse("accounts:user", args=[user.pk])).content.decode()
    assert password not in again  # shown once


@pytest.mark.parametrize(
    ("role", "region", "message"),
    [
        ("city_officer", YANJI, privileges.HIGHER_GRANT),
        ("province_officer", YANJI, privileges.HIGHER_GRANT),
        ("administrator", YANJI, privileges.HIGHER_GRANT),
        ("auditor", YANJI, privileges.HIGHER_GRANT),
        ("grid_worker", YANBIAN, privileges.WIDER_GRANT),
        ("grid_worker", NANGUAN, privileges.WIDER_GRANT),
    ],
)
def test_escalation_by_post_is_refused_in_chinese(people, as_user, role, region, message):
    client = as_user(people["yj-county"])
    before = AuditEvent.unscoped.count()
    response = client.post(reverse("accounts:create"), {"username": "sneaky", "role": role, "region": region})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(username="sneaky").exists()
    target = people["yj-town"]
    response = client.post(reverse("accounts:change", args=[target.pk]), {"role": role, "region": region})
    assert response.status_code == 400 and message in response.content.decode()
    target.refresh_from_db()
    assert (target.role, target.region_id) == ("township_caseworker", YANJI_T1)
    assert AuditEvent.unscoped.count() == before


def test_an_officer_cannot_edit_itself_upward_or_wider(people, as_user):
    me = people["yj-county"]
    client = as_user(me)
    for role, region in (("city_officer", YANBIAN), ("county_officer", YANBIAN), ("grid_worker", YANJI_T1)):
        response = client.post(reverse("accounts:change", args=[me.pk]), {"role": role, "region": region})
        assert response.status_code == 400
    me.refresh_from_db()
    assert (me.role, me.region_id) == ("county_officer", YANJI)
    response = client.post(reverse("accounts:active", args=[me.pk]), {"active": "0"})
    assert response.status_code == 400 and privileges.SELF_DISABLE in response.content.decode()


def test_officer_changes_a_subordinate_within_its_rank(people, as_user):
    target = people["yj-grid"]
    response = as_user(people["yb-city"]).post(
        reverse("accounts:change", args=[target.pk]), {"role": "county_officer", "region": YANJI}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.region_id) == ("county_officer", YANJI)
    ev = AuditEvent.unscoped.filter(action="accounts.user_change").get()
    assert ev.before["role"] == "grid_worker" and ev.after["role"] == "county_officer"


def test_department_user_needs_a_department(people, as_user):
    client = as_user(people["yj-county"])
    response = client.post(
        reverse("accounts:create"), {"username": "dept", "role": "department_user", "region": YANJI}
    )
    assert response.status_code == 400 and "部门用户必须指定所属部门" in response.content.decode()
    response = client.post(
        reverse("accounts:create"),
        {"username": "dept", "role": "department_user", "region": YANJI, "department": "education"},
    )
    assert response.status_code == 200 and User.objects.get(username="dept").department == "education"


def test_the_list_is_phone_friendly(people, as_user):
    html = as_user(people["admin"]).get(LIST).content.decode()
    assert 'name="viewport" content="width=device-width' in html
    assert 'class="table table-cards" id="users-table"' in html
    cells = re.findall(r"<td[^>]*>", html.split('id="users-table"')[1].split("</table>")[0])
    assert cells and all("data-label=" in c for c in cells)  # cells stack as labelled cards at 360 px

"""The home page shows each role its to-do: counts that link to the filtered list (and count exactly
what the list shows), the first warnings with their deadlines, nothing from another region."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.conftest import CHANGCHUN, YANBIAN, YANJI, YANJI_T2

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def world(raise_on, staff, loop):
    """延吉: an overdue red warning waiting for dispatch (H-YJ1), one assigned to grid1 (H-YJ1, due
    later), one dispatched to 北山 (H-YJ2); 南关: an overdue red warning (H-NG1)."""
    today = timezone.localdate()
    to_dispatch = raise_on("H-YJ1", indicator="W-ILL", level="red")
    assigned = loop.assign(
        loop.dispatch(raise_on("H-YJ1", indicator="W-EXP", level="yellow", raised_on=today))
    )
    t2 = loop.dispatch(
        raise_on("H-YJ2", indicator="W-EXP", level="orange", raised_on=today), township=YANJI_T2
    )
    other = raise_on("H-NG1", indicator="W-ILL", level="red")
    return {"to_dispatch": to_dispatch, "assigned": assigned, "t2": t2, "other": other}


def _todo(client):
    response = client.get("/")
    assert response.status_code == 200
    return response, response.context["todo"]


def _counts(todo) -> dict[str, int]:
    return {c.label: c.count for c in todo.counts}


def _rows(todo) -> list[int]:
    return [r["pk"] for r in todo.rows]


def _listed(client, link: str) -> int:
    html = client.get(link).content.decode()
    return len(set(re.findall(r'data-warning="(\d+)"', html)))


def test_county_officer_sees_what_to_dispatch_overdue_and_red(world, staff, as_user):
    c = as_user(staff["county"])
    response, todo = _todo(c)
    assert _counts(todo) == {"待派发": 1, "待我处理（含逾期升级）": 1, "逾期未办结": 1, "红色预警": 1}
    assert _rows(todo) == [world["to_dispatch"].pk]
    html = response.content.decode()
    assert f'data-warning="{world["other"].pk}"' not in html and "王建国" not in html and "H-NG1" not in html
    assert "期限" in html and "已逾期" in html
    for count in todo.counts:  # every number is exactly what its link lists
        assert _listed(c, count.link) == count.count, count.label


def test_township_caseworker_sees_what_to_assign_and_visits_due(world, staff, as_user):
    c = as_user(staff["t2"])
    _, todo = _todo(c)
    counts = _counts(todo)
    assert counts["待指派网格员"] == 1 and counts["待入户核查"] == 0 and counts["逾期未办结"] == 0
    assert _rows(todo) == [world["t2"].pk]
    c = as_user(staff["t1"])
    _, todo = _todo(c)
    counts = _counts(todo)
    assert counts["待指派网格员"] == 0 and counts["待入户核查"] == 1
    assert counts["逾期未办结"] == 1 and counts["红色预警"] == 1  # the county's red one is in 进学街道
    for count in todo.counts:
        assert _listed(c, count.link) == count.count, count.label


def test_grid_worker_sees_only_own_visits_with_due_dates(world, staff, as_user):
    c = as_user(staff["grid1"])
    response, todo = _todo(c)
    assert _counts(todo) == {"待入户核查": 1, "核查已逾期": 0}
    assert _rows(todo) == [world["assigned"].pk]
    assert f"期限 {world['assigned'].deadline.isoformat()}" in response.content.decode()
    for who in ("grid1b", "grid2"):
        _, todo = _todo(as_user(staff[who]))
        assert _counts(todo)["待入户核查"] == 0 and _rows(todo) == []


def test_city_and_province_see_overdue_and_red_per_subordinate_region(world, staff, as_user, make_user):
    _, todo = _todo(as_user(staff["city"]))
    by_code = {r.code: r for r in todo.regions}
    assert (by_code[YANJI].overdue, by_code[YANJI].red) == (1, 1)
    assert all(r.code.startswith("2224") for r in todo.regions)
    assert _counts(todo)["逾期未办结"] == 1  # 南关 is not the city's
    province = as_user(make_user("province_officer", "220000000000"))
    response, todo = _todo(province)
    by_code = {r.code: r for r in todo.regions}
    assert (by_code[YANBIAN].overdue, by_code[YANBIAN].red) == (1, 1)
    assert (by_code[CHANGCHUN].overdue, by_code[CHANGCHUN].red) == (1, 1)
    assert _listed(province, by_code[CHANGCHUN].red_link) == 1
    assert _listed(province, by_code[YANBIAN].overdue_link) == 1
    assert 'id="todo-regions"' in response.content.decode()


def test_department_user_sees_needs_waiting_for_an_answer(raise_on, staff, loop, as_user):
    w = loop.to("verified", raise_on("H-YJ1"))
    loop.dispose(w, kind="referral", detail={"departments": ["medical_insurance"]})
    response, todo = _todo(as_user(staff["medical"]))
    assert _counts(todo) == {"待答复的救助需求": 1}
    assert "H-YJ1" in response.content.decode()
    _, todo = _todo(as_user(staff["education"]))
    assert _counts(todo) == {"待答复的救助需求": 0}


def test_auditor_sees_recent_audit_and_an_unlinked_charity_is_told_why_it_has_nothing(
    world, staff, as_user, make_user
):
    response = as_user(staff["auditor"]).get("/")
    assert response.context["todo"] is None and response.context["recent_audit"]
    assert 'id="recent-audit"' in response.content.decode()
    charity = as_user(make_user("charity", YANJI)).get("/")
    html = charity.content.decode()
    assert charity.status_code == 200 and "您的账号尚未关联慈善组织" in html  # the charity app's home panel


def test_inbox_region_filter_stays_inside_scope(world, staff, as_user):
    c = as_user(staff["county"])
    assert _listed(c, f"/monitoring/warnings/?view=open&region={YANJI_T2}") == 1
    assert _listed(c, "/monitoring/warnings/?view=open&region=220102000000") == 0  # 南关: not theirs

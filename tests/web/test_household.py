"""The household page as of a date, audited reveals, and the data-quality list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, YANJI, YANJI_T1

from .conftest import JIN_ID18, assert_csp_clean

pytestmark = pytest.mark.django_db


def _url(hh, **params) -> str:
    url = reverse("registry:household", args=[hh.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _member_names(response) -> list[str]:
    return [row["p"].name for row in response.context["members"]]


def test_household_page_shows_members_and_history(login, make_user, households):
    client = login(make_user("township_caseworker", YANJI_T1))
    response = client.get(_url(households["H-YJ1"], as_of="2025-01-01"))
    assert response.status_code == 200
    assert _member_names(response) == ["金明哲", "朴英子"]
    html = response.content.decode()
    assert "户主" in html and "配偶" in html and "男" in html and "女" in html
    assert "74 岁" in html  # 金明哲, born 1950-03-01, on 2025-01-01
    assert "222401********" + JIN_ID18[-4:] in html and JIN_ID18 not in html
    assert "显示" in html  # the reveal button
    assert "2024-03-01" in html and "低保对象" in html  # category history
    assert "2024-01-01" in html and "经办人录入" in html  # membership history with source
    assert_csp_clean(response)


def test_household_outside_scope_is_404(login, make_user, households):
    client = login(make_user("county_officer", YANJI))
    response = client.get(_url(households["H-NG1"]))
    assert response.status_code == 404
    assert "王建国" not in response.content.decode()
    # a household in the other township of the same county is also outside a township user's scope
    client = login(make_user("township_caseworker", YANJI_T1))
    assert client.get(_url(households["H-YJ2"])).status_code == 404


def test_as_of_shows_members_of_that_date(login, make_user, households, person):
    from doudi.registry import actions

    with all_regions():
        actions.end_membership(actor="test", person=person("P-YJ1-2"), on=dt.date(2025, 1, 1), reason="迁出")
        actions.add_person_to_household(
            actor="test",
            household=households["H-YJ1"],
            person_key="P-YJ1-3",
            name="金小龙",
            id_number=None,
            relation="grandchild",
            since=dt.date(2025, 6, 1),
        )
    client = login(make_user("county_officer", YANJI))
    before = client.get(_url(households["H-YJ1"], as_of="2024-12-31"))
    assert _member_names(before) == ["金明哲", "朴英子"]  # the spouse left later; the grandchild came later
    after = client.get(_url(households["H-YJ1"], as_of="2025-06-01"))
    assert _member_names(after) == ["金明哲", "金小龙"]
    html = after.content.decode()
    assert "身份证号缺失" in html  # data-quality note for the member without a number
    assert "孙子女" in html


def test_as_of_htmx_returns_the_snapshot_partial(login, make_user, households):
    client = login(make_user("county_officer", YANJI))
    response = client.get(_url(households["H-YJ1"], as_of="2023-06-01"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="members"' in html
    assert "2023-06-01 这一天该户没有登记的家庭成员" in html


def test_bad_as_of_falls_back_to_today_with_a_message(login, make_user, households):
    client = login(make_user("county_officer", YANJI))
    response = client.get(_url(households["H-YJ1"], as_of="2025-13-45"))
    assert response.status_code == 200
    assert "应为YYYY-MM-DD格式" in response.content.decode()
    assert _member_names(response) == ["金明哲", "朴英子"]


def test_reveal_returns_full_number_and_is_audited(login, make_user, households, person):
    user = make_user("township_caseworker", YANJI_T1)
    client = login(user)
    jin = person("P-YJ1-1")
    response = client.post(reverse("registry:reveal_id", args=[jin.pk]))
    assert response.status_code == 200
    assert JIN_ID18 in response.content.decode()
    assert "no-store" in response.headers["Cache-Control"]
    events = AuditEvent.unscoped.filter(action="registry.reveal_id", actor=user, subject_id=str(jin.pk))
    assert events.count() == 1
    assert events.get().region_code == YANJI_T1


def test_reveal_is_post_only(login, make_user, households, person):
    client = login(make_user("township_caseworker", YANJI_T1))
    assert client.get(reverse("registry:reveal_id", args=[person("P-YJ1-1").pk])).status_code == 405


def test_grid_worker_cannot_reveal(login, make_user, households, person):
    user = make_user("grid_worker", YANJI_T1)
    client = login(user)
    page = client.get(_url(households["H-YJ1"])).content.decode()
    assert "btn-reveal" not in page and "222401********" in page
    response = client.post(reverse("registry:reveal_id", args=[person("P-YJ1-1").pk]))
    assert response.status_code == 403
    assert JIN_ID18 not in response.content.decode()
    assert not AuditEvent.unscoped.filter(action="registry.reveal_id").exists()


def test_reveal_outside_scope_is_404_and_not_logged(login, make_user, households, person):
    client = login(make_user("county_officer", NANGUAN))
    response = client.post(reverse("registry:reveal_id", args=[person("P-YJ1-1").pk]))
    assert response.status_code == 404
    assert not AuditEvent.unscoped.filter(action="registry.reveal_id").exists()


def test_reveal_needs_csrf(make_user, households, person):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("township_caseworker", YANJI_T1))
    assert client.post(reverse("registry:reveal_id", args=[person("P-YJ1-1").pk])).status_code == 403


@pytest.fixture
def facts(households, person):
    from doudi.registry import actions

    with all_regions():
        actions.record_person_fact(
            actor="test",
            person=person("P-YJ1-1"),
            kind="disability",
            value={"kind": "肢体", "grade": 2},
            valid_from=dt.date(2024, 5, 1),
            source="department",
            source_ref="CDPF-2024-05",
        )
        actions.record_person_fact(
            actor="test",
            person=person("P-YJ1-2"),
            kind="employment",
            value={"employed": False},
            valid_from=dt.date(2024, 2, 1),
            source="home_visit",
        )


def test_sensitive_facts_are_sealed_until_revealed(login, make_user, households, facts):
    user = make_user("township_caseworker", YANJI_T1)
    client = login(user)
    html = client.get(_url(households["H-YJ1"], as_of="2024-06-01")).content.decode()
    assert "已加密（点击查看）" in html
    assert "肢体" not in html  # the disability value stays sealed
    assert "就业：否" in html  # non-sensitive facts are shown
    assert "部门数据" in html and "CDPF-2024-05" in html and "2024-05-01" in html
    response = client.post(
        reverse("registry:reveal_facts", args=[households["H-YJ1"].pk]) + "?as_of=2024-06-01"
    )
    assert response.status_code == 200
    revealed = response.content.decode()
    assert "类别：肢体；等级：2" in revealed and "已加密" not in revealed
    assert AuditEvent.unscoped.filter(
        action="registry.reveal_facts", actor=user, subject_id=str(households["H-YJ1"].pk)
    ).exists()


def test_facts_before_their_start_are_not_shown(login, make_user, households, facts):
    client = login(make_user("township_caseworker", YANJI_T1))
    html = client.get(_url(households["H-YJ1"], as_of="2024-04-01")).content.decode()
    assert "残疾" not in html and "就业" in html


def test_grid_worker_sees_sealed_facts_without_reveal(login, make_user, households, facts):
    client = login(make_user("grid_worker", YANJI_T1))
    html = client.get(_url(households["H-YJ1"], as_of="2024-06-01")).content.decode()
    assert "已加密（无权查看）" in html and "点击查看" not in html
    response = client.post(reverse("registry:reveal_facts", args=[households["H-YJ1"].pk]))
    assert response.status_code == 403


def test_data_quality_lists_invalid_and_missing_numbers_in_scope(login, make_user, households):
    from doudi.core import idnumber
    from doudi.registry import actions

    good = idnumber.make("222401", dt.date(2010, 3, 5), 7, male=False)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    with all_regions():
        actions.add_person_to_household(
            actor="test",
            household=households["H-YJ2"],
            person_key="P-YJ2-2",
            name="李小雨",
            id_number=bad,
            relation="child",
            since=dt.date(2024, 1, 1),
        )
        actions.add_person_to_household(
            actor="test",
            household=households["H-NG1"],
            person_key="P-NG1-2",
            name="王小军",
            id_number=None,
            relation="child",
            since=dt.date(2024, 1, 1),
        )
    response = login(make_user("county_officer", YANJI)).get(reverse("registry:quality"))
    html = response.content.decode()
    assert "李小雨" in html and "王小军" not in html
    assert f"222401********{bad[-4:]}" in html and bad not in html
    assert "身份证号校验位错误" in html
    assert_csp_clean(response)
    nanguan = login(make_user("county_officer", NANGUAN)).get(reverse("registry:quality")).content.decode()
    assert "王小军" in nanguan and "身份证号缺失" in nanguan and "李小雨" not in nanguan


def test_household_key_link_opens_the_household_in_scope_only(login, make_user, households):
    """The target of household keys in exported reports (issue 9, item 8)."""
    county = login(make_user("county_officer", YANJI))
    response = county.get("/households/key/", {"k": "H-YJ1", "as_of": "2025-01-01"})
    assert response.status_code == 302
    assert response["Location"] == f"/households/{households['H-YJ1'].pk}/?as_of=2025-01-01"
    assert county.get("/households/key/", {"k": "H-NG1"}).status_code == 404
    assert county.get("/households/key/", {"k": "nope"}).status_code == 404
    assert county.get("/households/key/").status_code == 404

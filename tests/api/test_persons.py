"""GET /api/v1/persons, /persons/{id} and POST /persons/{id}/reveal-id."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import idnumber
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.registry import actions
from tests.conftest import NANGUAN, PROVINCE, YANJI, YANJI_T1

from .conftest import ID_NUMBERS, body

pytestmark = pytest.mark.django_db

URL = "/api/v1/persons"


def person_keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["person_key"] for item in body(response)["items"]]


def test_lookup_by_id_number_and_name(make_user, caller, households):
    county = caller(make_user("county_officer", YANJI))
    response = county.post(URL + "/search", dict(id_number=ID_NUMBERS["P-YJ1-2"]))
    (row,) = body(response)["items"]
    assert row["person_key"] == "P-YJ1-2"
    assert row["name"] == "朴英子"
    assert row["id_masked"] == idnumber.mask(ID_NUMBERS["P-YJ1-2"])
    assert row["household_key"] == "H-YJ1" and row["relation"] == "spouse"
    assert row["region_name"] == "进学街道"
    assert [c["category"] for c in row["categories"]] == ["DIBAO"]
    assert ID_NUMBERS["P-YJ1-2"] not in response.content.decode()
    assert person_keys(county.get(URL, name="李春花")) == ["P-YJ2-1"]
    assert (
        person_keys(county.post(URL + "/search", dict(name="金明哲", id_number=ID_NUMBERS["P-YJ1-2"]))) == []
    )


def test_lookup_outside_scope_finds_nothing(make_user, caller, households):
    county = caller(make_user("county_officer", YANJI))
    response = county.post(URL + "/search", dict(id_number=ID_NUMBERS["P-NG1-1"]))
    assert body(response) == {"count": 0, "limit": 50, "offset": 0, "items": []}
    assert person_keys(county.get(URL, name="王建国")) == []


def test_lookup_needs_a_criterion(make_user, caller, households):
    county = caller(make_user("county_officer", YANJI))
    response = county.get(URL)
    assert response.status_code == 422
    assert body(response) == {"error": "请提供身份证号或姓名", "path": "id_number"}
    assert county.get(URL, name="  ").status_code == 422


def test_invalid_number_is_found_and_described(make_user, caller, households):
    valid = idnumber.make("222401", dt.date(1990, 1, 1), 123, male=True)
    bad = valid[:17] + ("0" if valid[17] != "0" else "1")  # wrong check character
    with all_regions():
        actions.add_person_to_household(
            actor="test",
            household=households["H-YJ1"],
            person_key="P-BAD",
            name="崔明",
            id_number=bad,
            relation="child",
            since=dt.date(2024, 1, 1),
        )
    county = caller(make_user("county_officer", YANJI))
    (row,) = body(county.post(URL + "/search", dict(id_number=bad)))["items"]
    assert row["id_status"] == "invalid" and row["id_status_label"] == "无效"
    assert row["id_problem"]


def test_person_detail(make_user, caller, persons):
    with all_regions():
        actions.record_person_fact(
            actor="test",
            person=persons["P-YJ1-1"],
            kind="serious_illness",
            value={"code": "C34"},
            valid_from=dt.date(2024, 5, 1),
            source="department",
        )
    township = caller(make_user("grid_worker", YANJI_T1))
    response = township.get(f"{URL}/{persons['P-YJ1-1'].pk}")
    data = body(response)
    assert data["person_key"] == "P-YJ1-1" and data["household_key"] == "H-YJ1"
    assert data["id_masked"] == idnumber.mask(ID_NUMBERS["P-YJ1-1"])
    (fact,) = data["facts"]
    assert fact["kind"] == "serious_illness" and fact["value"] is None and fact["sensitive"] is True
    assert "C34" not in response.content.decode()
    assert ID_NUMBERS["P-YJ1-1"] not in response.content.decode()


def test_person_detail_outside_scope_is_404(make_user, caller, persons):
    township = caller(make_user("grid_worker", YANJI_T1))
    assert township.get(f"{URL}/{persons['P-YJ2-1'].pk}").status_code == 404
    assert body(township.get(f"{URL}/{persons['P-NG1-1'].pk}")) == {"error": "记录不存在"}


def _reveals() -> list[AuditEvent]:
    return list(AuditEvent.unscoped.filter(action="registry.reveal_id").order_by("id"))


def test_reveal_returns_the_full_number_and_is_audited(make_user, caller, persons):
    user = make_user("township_caseworker", YANJI_T1)
    person = persons["P-YJ1-1"]
    response = caller(user).post(f"{URL}/{person.pk}/reveal-id")
    assert response.status_code == 200
    assert body(response) == {
        "person_id": person.pk,
        "id_number": ID_NUMBERS["P-YJ1-1"],
        "id_masked": idnumber.mask(ID_NUMBERS["P-YJ1-1"]),
    }
    (event,) = _reveals()
    assert event.actor_id == user.pk and event.subject_id == str(person.pk)
    assert event.region_code == YANJI_T1
    assert ID_NUMBERS["P-YJ1-1"] not in event.detail


@pytest.mark.parametrize(
    ("role", "department"), [("grid_worker", ""), ("department_user", "health"), ("charity", "")]
)
def test_reveal_without_capability_is_403_and_not_audited(make_user, caller, persons, role, department):
    user = make_user(role, YANJI_T1, department=department)
    response = caller(user).post(f"{URL}/{persons['P-YJ1-1'].pk}/reveal-id")
    assert response.status_code == 403
    assert "无权" in body(response)["error"]
    assert _reveals() == []


def test_reveal_outside_scope_is_404_and_not_audited(make_user, caller, persons):
    county = caller(make_user("county_officer", NANGUAN))
    assert county.post(f"{URL}/{persons['P-YJ1-1'].pk}/reveal-id").status_code == 404
    assert county.post(f"{URL}/99999999/reveal-id").status_code == 404
    assert _reveals() == []


def test_reveal_needs_post(make_user, caller, persons):
    province = caller(make_user("province_officer", PROVINCE))
    assert province.get(f"{URL}/{persons['P-YJ1-1'].pk}/reveal-id").status_code == 405

"""POST /api/v1/households and /api/v1/households/{id}/supporters: 201 with the new ids, 422 in the
shared error shape naming the member row, scope (422 for a region outside it, 404 for a household)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import idnumber
from doudi.core.scoping import all_regions
from doudi.registry.models import Household, LegalSupporter, Person
from tests.api.conftest import Caller, body
from tests.conftest import NANGUAN_T1, YANJI_T1

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"
HEAD_ID = idnumber.make("222401", dt.date(1958, 4, 2), 210, male=True)
DAUGHTER_ID = idnumber.make("222401", dt.date(2012, 6, 1), 211, male=False)
FATHER_ID = idnumber.make("220102", dt.date(1932, 2, 2), 5, male=True)
BODY = {
    "region_code": YANJI_T1,
    "area_type": "城市",
    "address": "进学街道新兴小区3号楼2单元501",
    "on": "2025-07-01",
    "members": [
        {"name": "崔永浩", "id_number": HEAD_ID, "relation": "head", "sex": "M"},
        {"name": "崔美玲", "id_number": DAUGHTER_ID, "relation": "child", "birth_date": "2012-06-01"},
    ],
}


@pytest.fixture
def caller(client):
    """``caller(user)`` → the test client with a fresh API token of ``user``."""
    from doudi.accounts.actions import create_token

    def make(user) -> Caller:
        with all_regions():
            return Caller(client, create_token(actor="test", user=user, name="test"))

    return make


@pytest.fixture
def township(make_user, caller, households):
    return caller(make_user("township_caseworker", YANJI_T1))


def test_create_returns_201_and_the_household_is_found(township):
    response = township.post(URL, BODY)
    assert response.status_code == 201, response.content
    data = body(response)
    assert data["household_key"] == f"W{YANJI_T1}-00001"
    detail = body(township.get(f"{URL}/{data['id']}"))
    assert sorted(m["name"] for m in detail["members"]) == ["崔永浩", "崔美玲"]
    assert all(m["id_masked"] and HEAD_ID not in str(detail) for m in detail["members"])
    found = body(township.post(URL + "/search", {"id_number": DAUGHTER_ID}))
    assert [i["household_key"] for i in found["items"]] == [data["household_key"]]


def test_the_applications_contract_wrapper_is_accepted(township):
    response = township.post(URL, {"household": BODY})
    assert response.status_code == 201, response.content


def test_bad_input_is_422_naming_the_row(township):
    bad = BODY["members"][1]["id_number"][:17] + "0"
    bad = bad if not idnumber.validate(bad).valid else bad[:17] + "1"
    members = [BODY["members"][0], {**BODY["members"][1], "id_number": bad}]
    response = township.post(URL, {**BODY, "members": members})
    assert response.status_code == 422
    data = body(response)
    assert data["path"] == "members[1].id_number"
    assert data["error"] == "第2位成员（崔美玲）：身份证号校验位错误"
    response = township.post(URL, {**BODY, "members": [{**m, "relation": "户主"} for m in BODY["members"]]})
    assert body(response)["path"] == "members[1].relation" and "只能有一位户主" in body(response)["error"]
    with all_regions():
        assert not Household.unscoped.filter(household_key__startswith="W").exists()


def test_duplicate_person_is_refused(township):
    jin = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)  # H-YJ1's head
    members = [{"name": "金明哲", "id_number": jin, "relation": "head"}]
    data = body(township.post(URL, {**BODY, "members": members}))
    assert data["path"] == "members[0].id_number"
    assert idnumber.mask(jin) in data["error"] and "进学街道" in data["error"]


def test_region_outside_scope_is_422_and_household_outside_scope_404(township, households):
    response = township.post(URL, {**BODY, "region_code": NANGUAN_T1})
    assert response.status_code == 422
    assert body(response) | {"errors": None} == {
        "error": "所选区划不在您的管辖范围内",
        "path": "region_code",
        "errors": None,
    }
    other = households["H-NG1"].pk
    with all_regions():
        person_id = Person.unscoped.get(person_key="P-NG1-1").pk
    payload = {"person_id": person_id, "name": "王父", "id_number": FATHER_ID, "relation": "parent"}
    assert township.post(f"{URL}/{other}/supporters", payload).status_code == 404
    assert township.get(f"{URL}/{other}/supporters").status_code == 404


def test_read_only_roles_cannot_register(make_user, caller, households):
    grid = caller(make_user("grid_worker", YANJI_T1))
    assert grid.post(URL, BODY).status_code == 403


def test_supporter_registered_listed_masked_and_ended(township):
    hid = body(township.post(URL, BODY))["id"]
    with all_regions():
        daughter = Person.unscoped.get(household_id=hid, relation="child")
    payload = {
        "person_id": daughter.pk, "name": "崔大成", "id_number": FATHER_ID, "relation": "grandparent",
        "address": "长春市南关区某街1号", "on": "2025-07-01",
    }  # fmt: skip
    response = township.post(f"{URL}/{hid}/supporters", payload)
    assert response.status_code == 201, response.content
    link = body(response)
    assert link["id_masked"] == idnumber.mask(FATHER_ID) and FATHER_ID not in response.content.decode()
    assert link["relation_label"] == "祖父母" and link["lives_in_household"] is False
    listed = body(township.get(f"{URL}/{hid}/supporters"))
    assert [s["name"] for s in listed] == ["崔大成"]
    bad = township.post(f"{URL}/{hid}/supporters", {**payload, "relation": "nephew"})
    assert bad.status_code == 422 and body(bad)["path"] == "relation"
    not_member = township.post(f"{URL}/{hid}/supporters", {**payload, "person_id": 10**9})
    assert not_member.status_code == 422 and body(not_member)["path"] == "person_id"
    ended = township.post(f"{URL}/{hid}/supporters/{link['id']}/end", {"on": "2025-08-01"})
    assert ended.status_code == 200 and body(ended)["valid_to"] == "2025-08-01"
    with all_regions():
        assert LegalSupporter.unscoped.get(pk=link["id"]).valid_to == dt.date(2025, 8, 1)

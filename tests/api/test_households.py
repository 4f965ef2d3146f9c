"""GET /api/v1/households and /api/v1/households/{id}: filters, paging, as-of snapshots, masking,
sensitive facts without values, 404 outside scope, 422 in the shared error shape, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.core import idnumber
from doudi.core.scoping import all_regions
from doudi.registry import actions
from tests.conftest import NANGUAN, PROVINCE, YANJI, YANJI_T1, YANJI_T2

from .conftest import ID_NUMBERS, body

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["household_key"] for item in body(response)["items"]]


@pytest.fixture
def province(make_user, caller, households):
    return caller(make_user("province_officer", PROVINCE))


def test_list_row_shape(province, households):
    response = province.get(URL, name="金明哲")
    data = body(response)
    assert data["count"] == 1 and data["limit"] == 50 and data["offset"] == 0
    (row,) = data["items"]
    assert row == {
        "id": households["H-YJ1"].pk,
        "household_key": "H-YJ1",
        "region_code": YANJI_T1,
        "region_name": "进学街道",
        "area_type": "urban",
        "area_type_label": "城市",
        "head_name": "金明哲",
        "member_count": 2,
        "categories": ["DIBAO"],
    }


def test_filters(province):
    assert keys(province.get(URL)) == ["H-NG1", "H-YJ1", "H-YJ2"]
    assert keys(province.get(URL, name="李春花")) == ["H-YJ2"]
    assert keys(province.get(URL, name="李")) == ["H-YJ2"]  # a name's beginning
    assert keys(province.get(URL, name="春花")) == []  # province-wide: beginnings only
    assert keys(province.get(URL, name="春花", region=YANJI)) == ["H-YJ2"]
    assert keys(province.get(URL, household_key="H-YJ")) == ["H-YJ1", "H-YJ2"]
    assert keys(province.post(URL + "/search", dict(id_number=ID_NUMBERS["P-NG1-1"]))) == ["H-NG1"]
    assert keys(province.post(URL + "/search", dict(id_number=ID_NUMBERS["P-YJ1-2"].lower()))) == ["H-YJ1"]
    assert keys(province.post(URL + "/search", dict(id_number="not a number"))) == []
    assert keys(province.get(URL, region=YANJI)) == ["H-YJ1", "H-YJ2"]
    assert keys(province.get(URL, region="222401002")) == ["H-YJ2"]
    assert keys(province.get(URL, category="DIBAO")) == ["H-NG1", "H-YJ1", "H-YJ2"]
    assert keys(province.get(URL, category="TEKUN")) == []
    assert keys(province.get(URL, area_type="rural")) == []
    assert keys(province.get(URL, category="", area_type="")) == ["H-NG1", "H-YJ1", "H-YJ2"]


def test_legacy_15_digit_number_finds_the_household(province):
    legacy = ID_NUMBERS["P-YJ2-1"][:6] + ID_NUMBERS["P-YJ2-1"][8:17]
    assert len(legacy) == 15
    assert keys(province.post(URL + "/search", dict(id_number=legacy))) == ["H-YJ2"]


def test_region_filter_cannot_widen_the_scope(make_user, caller, households):
    township = caller(make_user("township_caseworker", YANJI_T1))
    assert keys(township.get(URL, region=PROVINCE)) == ["H-YJ1"]
    assert keys(township.get(URL, region=NANGUAN)) == []


def test_paging(province):
    first = body(province.get(URL, limit=2))
    second = body(province.get(URL, limit=2, offset=2))
    assert first["count"] == second["count"] == 3
    assert [i["household_key"] for i in first["items"]] == ["H-NG1", "H-YJ1"]
    assert [i["household_key"] for i in second["items"]] == ["H-YJ2"]
    assert body(province.get(URL, limit=200))["limit"] == 200


def test_identity_numbers_never_appear_in_full(province, households):
    text = province.get(URL).content.decode()
    text += "".join(province.get(f"{URL}/{h.pk}").content.decode() for h in households.values())
    for number in ID_NUMBERS.values():
        assert number not in text


@pytest.mark.parametrize(
    ("params", "path", "fragment"),
    [
        ({"limit": "201"}, "limit", "200"),
        ({"limit": "0"}, "limit", "1"),
        ({"limit": "many"}, "limit", "整数"),
        ({"offset": "-1"}, "offset", "0"),
        ({"category": "RICH"}, "category", "DIBAO"),
        ({"area_type": "suburban"}, "area_type", "urban"),
        ({"region": "22x"}, "region", "区划代码"),
        ({"name": "名" * 65}, "name", "64"),
    ],
)
def test_bad_list_parameters_are_422_with_path(province, params, path, fragment):
    response = province.get(URL, **params)
    assert response.status_code == 422
    data = body(response)
    assert data["path"] == path
    assert fragment in data["error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["error"])  # a Chinese sentence
    assert data["errors"][0] == {"error": data["error"], "path": path}


@pytest.fixture
def history(households):
    """H-YJ1 over time: a spouse who left in 2025, a TEKUN spell, a sensitive disability fact, a
    non-sensitive employment fact, household income (sensitive) and a later address change."""
    from doudi.registry.models import Person

    hh = households["H-YJ1"]
    with all_regions():
        head = Person.objects.get(person_key="P-YJ1-1")
        spouse = Person.objects.get(person_key="P-YJ1-2")
        actions.record_person_fact(
            actor="test",
            person=head,
            kind="disability",
            value={"kind": "肢体", "grade": 2},
            valid_from=dt.date(2024, 6, 1),
            source="department",
            source_ref="batch-7",
        )
        actions.record_person_fact(
            actor="test",
            person=head,
            kind="employment",
            value={"employed": False},
            valid_from=dt.date(2024, 2, 1),
            source="home_visit",
        )
        actions.record_household_fact(
            actor="test",
            household=hh,
            kind="income",
            value={"yuan": 6000},
            valid_from=dt.date(2024, 1, 1),
            source="self_declared",
        )
        actions.set_category(
            actor="test", person=head, category="TEKUN", since=dt.date(2025, 1, 1), source="caseworker"
        )
        actions.end_membership(actor="test", person=spouse, on=dt.date(2025, 6, 1), reason="去世")
    return hh


def test_detail_as_of_dates(province, history):
    url = f"{URL}/{history.pk}"
    before = body(province.get(url, as_of="2023-12-31"))
    assert before["members"] == [] and before["current_category"] is None
    early = body(province.get(url, as_of="2024-04-01"))
    assert [m["person_key"] for m in early["members"]] == ["P-YJ1-1", "P-YJ1-2"]
    assert early["current_category"] == "DIBAO"
    head = early["members"][0]
    assert head["age"] == 74 and head["relation_label"] == "户主"
    assert head["id_masked"] == idnumber.mask(ID_NUMBERS["P-YJ1-1"])
    assert [c["category"] for c in head["categories"]] == ["DIBAO"]
    later = body(province.get(url, as_of="2025-07-01"))
    assert [m["person_key"] for m in later["members"]] == ["P-YJ1-1"]
    assert [c["category"] for c in later["members"][0]["categories"]] == ["TEKUN"]
    assert later["current_category"] == "TEKUN"
    assert later["as_of"] == "2025-07-01"


def test_detail_sensitive_facts_have_no_value(province, history):
    data = body(province.get(f"{URL}/{history.pk}", as_of="2024-07-01"))
    facts = {f["kind"]: f for f in data["members"][0]["facts"]}
    assert facts["disability"] == {
        "kind": "disability",
        "kind_label": "残疾",
        "value": None,
        "sensitive": True,
        "source": "department",
        "source_label": "部门数据",
        "source_ref": "batch-7",
        "valid_from": "2024-06-01",
        "valid_to": None,
    }
    assert facts["employment"]["value"] == {"employed": False}
    assert facts["employment"]["sensitive"] is False
    hfacts = {f["kind"]: f for f in data["facts"]}
    assert hfacts["income"]["value"] is None and hfacts["income"]["sensitive"] is True
    assert hfacts["location"]["value"] == {"region_code": YANJI_T1, "area_type": "urban"}
    text = province.get(f"{URL}/{history.pk}", as_of="2024-07-01").content.decode()
    assert "肢体" not in text and "6000" not in text


def test_detail_defaults_to_today(province, households):
    from django.utils import timezone

    data = body(province.get(f"{URL}/{households['H-YJ2'].pk}"))
    assert data["as_of"] == timezone.localdate().isoformat()
    assert data["region_name"] == "北山街道" and data["region_code"] == YANJI_T2


@pytest.mark.parametrize("as_of", ["2024-13-01", "2024-02-30", "20240101", "yesterday", "2024-1-1"])
def test_detail_bad_date_is_422(province, households, as_of):
    response = province.get(f"{URL}/{households['H-YJ1'].pk}", as_of=as_of)
    assert response.status_code == 422
    data = body(response)
    assert data["path"] == "as_of"
    assert "YYYY-MM-DD" in data["error"]


def test_detail_outside_scope_is_404_like_a_missing_row(make_user, caller, households):
    county = caller(make_user("county_officer", YANJI))
    outside = county.get(f"{URL}/{households['H-NG1'].pk}")
    missing = county.get(f"{URL}/987654")
    assert outside.status_code == missing.status_code == 404
    assert body(outside) == body(missing) == {"error": "记录不存在"}


def test_detail_bad_id_is_422(province):
    assert body(province.get(f"{URL}/abc"))["path"] == "household_id"
    assert province.get(f"{URL}/0").status_code == 422
    assert province.get(f"{URL}/{2**70}").status_code == 422


def _grow(n_households: int, members: int) -> None:
    with all_regions():
        for i in range(n_households):
            hh = actions.create_household(
                actor="test",
                household_key=f"H-X{i:03}",
                region_code=YANJI_T1,
                area_type="rural",
                since=dt.date(2024, 1, 1),
            )
            for j in range(members):
                p = actions.add_person_to_household(
                    actor="test",
                    household=hh,
                    person_key=f"P-X{i:03}-{j}",
                    name=f"测试{j}",
                    id_number=idnumber.make("222401", dt.date(1970, 1, 1 + j), 200 + i, male=True),
                    relation="head" if j == 0 else "child",
                    since=dt.date(2024, 1, 1),
                )
                actions.set_category(
                    actor="test", person=p, category="MARGINAL", since=dt.date(2024, 2, 1), source="roster"
                )


def test_list_query_count_is_fixed(province, households, django_assert_max_num_queries):
    """No query per row: a page of 33 households costs no more than a page of 1."""
    _grow(30, 3)
    with CaptureQueriesContext(connection) as small:
        assert len(keys(province.get(URL, limit=1))) == 1
    with CaptureQueriesContext(connection) as large:
        assert len(keys(province.get(URL, limit=200))) == 33
    assert len(large) <= len(small) <= 7  # token + last-used, page, count, members, categories, regions
    # a lookup that fits on the first page needs no COUNT
    with django_assert_max_num_queries(6):
        province.get(URL, name="测试1")
    with django_assert_max_num_queries(6):
        province.post(URL + "/search", dict(id_number=ID_NUMBERS["P-YJ1-1"]))

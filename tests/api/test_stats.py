"""GET /api/v1/stats/categories: counts of the caller's subtree only, as of a date."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from doudi.registry import actions
from tests.conftest import NANGUAN, PROVINCE, YANJI

from .conftest import body

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/categories"


def test_counts_by_scope(make_user, caller, households):
    for region, n_households, n_persons in [(PROVINCE, 3, 4), (YANJI, 2, 3), (NANGUAN, 1, 1)]:
        data = body(caller(make_user("county_officer", region)).get(URL, as_of="2024-06-01"))
        assert data["totals"] == {"households": n_households, "persons": n_persons}
        assert data["rows"] == [
            {
                "category": "DIBAO",
                "category_label": "低保对象",
                "area_type": "urban",
                "area_type_label": "城市",
                "households": n_households,
                "persons": n_persons,
            }
        ]
        assert data["scope_region_code"] == region
        assert data["as_of"] == "2024-06-01"


def test_counts_follow_the_date(make_user, caller, persons):
    with all_regions():
        actions.set_category(
            actor="test",
            person=persons["P-NG1-1"],
            category="TEKUN",
            since=dt.date(2025, 1, 1),
            source="caseworker",
        )
    county = caller(make_user("county_officer", NANGUAN))
    assert body(county.get(URL, as_of="2024-02-01"))["rows"] == []  # before any category began
    assert [r["category"] for r in body(county.get(URL, as_of="2024-06-01"))["rows"]] == ["DIBAO"]
    assert [r["category"] for r in body(county.get(URL, as_of="2025-06-01"))["rows"]] == ["TEKUN"]


def test_bad_date_is_422(make_user, caller, households):
    response = caller(make_user("county_officer", YANJI)).get(URL, as_of="2024/06/01")
    assert response.status_code == 422
    assert body(response)["path"] == "as_of"

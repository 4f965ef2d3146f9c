"""A fixed small world (both counties, every topic) with the cells built, and officers of every level."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, NANGUAN_T1, PROVINCE, YANBIAN, YANJI, YANJI_T1, YANJI_T2

from . import world as w

FIXED = {
    "people": [(YANJI_T1, "DIBAO", "urban", dt.date(2025, 1, 1), None), (YANJI_T2, "TEKUN", "rural",
               dt.date(2025, 1, 1), None), (NANGUAN_T1, "DIBAO", "urban", dt.date(2025, 1, 1), None)],
    "applications": [(YANJI_T1, "confirmed", dt.date(2026, 3, 3)), (NANGUAN_T1, "submitted", dt.date(2026, 4, 1))],
    "deadlines": [(YANJI_T1, "confirm", dt.date(2026, 5, 1), None)],
    "warnings": [(YANJI_T1, dt.date(2026, 2, 1), dt.date(2026, 2, 10), None, True, "red", "none"),
                 (NANGUAN_T1, dt.date(2026, 2, 1), dt.date(2026, 2, 10), dt.date(2026, 2, 5), False, "red",
                  "referral")],
    "exits": [(YANJI_T2, "terminate", "DIBAO", dt.date(2026, 1, 20))],
    "needs": [(YANJI_T1, "education", "pushed", dt.date(2026, 3, 1), None, 5)],
    "payments": [(YANJI_T1, "DIBAO", "paid", dt.date(2026, 4, 1), 800), (NANGUAN_T1, "DIBAO", "paid",
                  dt.date(2026, 4, 1), 700)],
    "complaints": [(YANJI_T2, "service", dt.date(2026, 5, 5), dt.date(2026, 5, 20), None)],
}  # fmt: skip


@pytest.fixture
def officers(make_user):
    return {
        "province": make_user("province_officer", PROVINCE),
        "city": make_user("city_officer", YANBIAN),
        "county": make_user("county_officer", YANJI),
        "nanguan": make_user("county_officer", NANGUAN),
        "township": make_user("township_caseworker", YANJI_T1),
        "auditor": make_user("auditor", PROVINCE),
        "grid": make_user("grid_worker", YANJI_T1),
    }


@pytest.fixture
def built(officers):
    from doudi.dashboards import actions

    with all_regions():
        w.build(FIXED, officers["province"])
        actions.refresh(today=w.TODAY)
    return FIXED

"""Fixtures for the Django side of the policy engine: the baseline parameter store, users, a 延吉
household with dated facts, and helpers to change a parameter through the reviewed workflow."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doudi.core.scoping import all_regions
from tests.conftest import CHANGCHUN, NANGUAN, YANBIAN, YANJI, YANJI_T1, YANJI_T2  # noqa: F401

AS_OF = dt.date(2025, 8, 1)
SIMPLE_INPUT = {
    "as_of": "2025-08-01",
    "region": "222401",
    "area_type": "urban",
    "household": {
        "income_total": 6000,
        "income_months": 12,
        "members": [
            {
                "id": "m1",
                "birth_date": "1950-01-01",
                "relation": "head",
                "disability": {"kind": "physical", "grade": 2},
            }
        ],
    },
}


@pytest.fixture(autouse=True)
def _fresh_parameter_cache():
    from doudi.policy import params_store

    params_store.clear_cache()
    yield
    params_store.clear_cache()


@pytest.fixture
def store(regions):
    """The shipped baseline loaded into the parameter store (as ``doudi init`` does)."""
    from doudi.policy.actions import load_baseline_parameters

    with all_regions():
        return load_baseline_parameters(actor="test")


@pytest.fixture
def users(make_user, store):
    return {
        "county": make_user("county_officer", YANJI),
        "county_nanguan": make_user("county_officer", NANGUAN),
        "city": make_user("city_officer", YANBIAN),
        "city_changchun": make_user("city_officer", CHANGCHUN),
        "province": make_user("province_officer", "220000000000"),
        "township": make_user("township_caseworker", YANJI_T1),
        "township2": make_user("township_caseworker", YANJI_T2),
        "grid": make_user("grid_worker", YANJI_T1),
    }


@pytest.fixture
def change_standard(users):
    """``change_standard(value, effective_from)``: 延吉's urban standard changed by a county proposal
    approved by the city; returns the proposal."""
    from doudi.policy import actions

    def change(value: str, effective_from: dt.date, *, key: str = "dibao_standard.urban"):
        with all_regions():
            p = actions.propose_parameter_change(
                actor=users["county"],
                region_code=YANJI,
                changes=[{"key": key, "value": value, "effective_from": effective_from.isoformat()}],
                reason="测试：调整城市低保标准",
            )
            return actions.approve_proposal(actor=users["city"], proposal=p, note="同意")

    return change


@pytest.fixture
def assessed_household(households, store):
    """H-YJ1 (延吉 进学街道, urban: 金明哲 b. 1950 and 朴英子 b. 1952) with income, assets and a few
    person facts recorded from 2024-01-01; other facts left unrecorded (defaults)."""
    from doudi.registry import actions
    from doudi.registry.models import Person

    hh = households["H-YJ1"]
    start = dt.date(2024, 1, 1)
    with all_regions():
        head = Person.unscoped.get(person_key="P-YJ1-1")
        actions.record_household_fact(
            actor="test", household=hh, kind="income", value={"total": 9600, "months": 12},
            valid_from=start, source="self_declared", source_ref="申报-1",
        )  # fmt: skip
        actions.record_household_fact(
            actor="test", household=hh, kind="assets",
            value={"financial": 5000, "vehicles": 0, "dwellings": 1, "business": False,
                   "nonresidential_property": False},
            valid_from=start, source="department",
        )  # fmt: skip
        actions.record_person_fact(
            actor="test", person=head, kind="disability", value={"kind": "physical", "grade": 2},
            valid_from=start, source="department", source_ref="残联-7",
        )  # fmt: skip
        actions.record_person_fact(
            actor="test", person=head, kind="supporter", value={"has_capable_supporter": True},
            valid_from=start, source="home_visit",
        )  # fmt: skip
    return hh


def table_counts() -> dict[str, int]:
    """Rows in every table (through the unscoped base manager)."""
    from django.apps import apps

    return {m._meta.label: m._base_manager.count() for m in apps.get_models()}


def as_json(response) -> dict:
    return json.loads(response.content)

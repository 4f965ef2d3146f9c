"""Extraction (registry → the columnar tables of ``assess_table``) gives exactly the input of the
single-household path (``policy.snapshot.contract_input_for``), reads facts holding on the date, and is
set-based."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.core.scoping import all_regions, using_scope
from doudi.policy import extract
from doudi.policy.rules import AssessmentInputError, build_tables, parse_input
from doudi.policy.snapshot import contract_input_for
from doudi.registry import actions
from doudi.registry.models import Household
from tests.policy_runs.conftest import AS_OF, demo_households, outsiders

pytestmark = pytest.mark.django_db


def _rows(ex: extract.Extract) -> dict[int, tuple[dict, list[dict], tuple[str, str]]]:
    """household id → (household row, member rows, (region, area type)) of an extract."""
    info = ex.assessable.to_pylist()
    households = ex.households.to_pylist()
    members: dict[int, list[dict]] = {}
    for m in ex.members.to_pylist():
        members.setdefault(m.pop("household"), []).append(m)
    return {
        row["household_id"]: (households[i], members[i], (row["region_code"], row["area_type"]))
        for i, row in enumerate(info)
    }


def _single(household: Household, as_of: dt.date):
    data, _ = contract_input_for(household, as_of)
    h, m = build_tables([parse_input(data)])
    row = {k: v[0] for k, v in h.to_pydict().items() if k != "param_group"}
    members = [{k: v for k, v in r.items() if k != "household"} for r in m.to_pylist()]
    return row, members, (data["region"].ljust(12, "0"), data["area_type"])


def test_every_demo_household_extracts_to_the_single_path_input(demo):
    with all_regions():
        rows = _rows(extract.extract(AS_OF))
        households = demo_households()
        assert len(rows) == len(households) == 40
        for h in households:
            assert rows[h.pk] == _single(h, AS_OF), h.household_key
        # the demo has sensitive (encrypted) facts of every kind the rules read
        assert any(m["disability_kind"] for _, ms, _ in rows.values() for m in ms)
        assert any(m["serious_illness"] for _, ms, _ in rows.values() for m in ms)


def test_facts_hold_on_half_open_intervals(demo):
    with all_regions():
        h = demo_households()[0]
        before = _rows(extract.extract(AS_OF))[h.pk][0]["income_fen"]
        change = AS_OF + dt.timedelta(days=10)
        actions.record_household_fact(
            actor="test", household=h, kind="income", value={"total": 123456.78, "months": 6},
            valid_from=change, source="home_visit",
        )  # fmt: skip
        day_before = _rows(extract.extract(change - dt.timedelta(days=1)))[h.pk][0]
        on_the_day = _rows(extract.extract(change))[h.pk][0]
    assert day_before["income_fen"] == before
    assert (on_the_day["income_fen"], on_the_day["income_months"]) == (12345678, 6)
    with all_regions():
        assert _rows(extract.extract(change))[h.pk] == _single(h, change)


def test_households_that_cannot_be_assessed_are_listed_with_the_reason(demo):
    with all_regions():
        first, second = demo_households()[:2]
        actions.record_household_fact(
            actor="test", household=second, kind="income", value={"total": -5}, valid_from=AS_OF,
            source="caseworker",
        )  # fmt: skip
        with pytest.raises(AssessmentInputError):
            parse_input(contract_input_for(second, AS_OF)[0])
        early = extract.extract(dt.date(2018, 1, 1))  # before any membership
        ex = extract.extract(AS_OF)
    reasons = dict(zip(ex.info["household_id"].to_pylist(), ex.info["skip_reason"].to_pylist(), strict=True))
    assert reasons[first.pk] is None
    assert reasons[second.pk] == extract.SKIP_BAD.format(what="家庭收入")
    assert ex.households.num_rows == 39 and ex.info.num_rows == 40 + outsiders()
    assert set(early.info["skip_reason"].to_pylist()) == {extract.SKIP_NO_MEMBERS}
    assert early.households.num_rows == 0 and early.members.num_rows == 0


def test_a_household_without_income_is_skipped_not_assessed_as_zero(regions, households):
    with all_regions():
        ex = extract.extract(AS_OF)
    assert set(ex.info["skip_reason"].to_pylist()) == {extract.SKIP_NO_INCOME}
    assert ex.households.num_rows == 0


def test_extraction_is_set_based_and_scoped(demo):
    with all_regions(), CaptureQueriesContext(connection) as all_queries:
        whole = extract.extract(AS_OF)
    assert len(all_queries) <= 8  # ids + households, memberships, person facts, household facts, categories
    with all_regions():
        chunked = extract.concat(list(extract.iter_extracts(AS_OF, chunk_size=7)), AS_OF)
    assert chunked.info.equals(whole.info)
    assert chunked.households.equals(whole.households) and chunked.members.equals(whole.members)
    with using_scope("222401001000"):
        township = extract.extract(AS_OF)
    regions = set(township.info["region_code"].to_pylist())
    assert regions == {"222401001000"} and 0 < township.info.num_rows < 40


def test_extraction_needs_a_scope(demo):
    from doudi.core.scoping import ScopeNotSet

    with pytest.raises(ScopeNotSet):
        extract.extract(AS_OF)

"""Decisions sealed before TEKUN became per person (rule set 2024-2.1) replay to the identical result.

The fixture holds contract inputs, parameter rows and results produced by the 2024-2.1 code itself
(a mixed household with a TEKUN-eligible elder, and two dwellings without a floor area)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from doudi.core import crypto
from doudi.policy import service
from doudi.policy.models import Decision
from doudi.policy.rules import RULE_SET_VERSION

pytestmark = pytest.mark.django_db
FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "decisions_2024_2_1.json").read_text("utf-8"))


def _sealed(household, case: dict, version: str) -> Decision:
    result = case["result"]
    return Decision.unscoped.create(
        household=household,
        region_code=household.region_code,
        as_of=dt.date.fromisoformat(case["input"]["as_of"]),
        input_snapshot={"provenance": []},
        input_enc=crypto.encrypt_json({"input": case["input"], "provenance": []}),
        parameters=FIXTURE["parameters"],
        rule_set_version=version,
        result={"household_category": result["household_category"]},
        result_enc=crypto.encrypt_json(result),
        household_category=result["household_category"],
        monthly_total=result["monthly_total"],
    )


@pytest.mark.parametrize("index", range(len(FIXTURE["cases"])))
def test_old_decision_replays_exactly(assessed_household, index):
    assert FIXTURE["rule_set_version"] == "2024-2.1" != RULE_SET_VERSION
    decision = _sealed(assessed_household, FIXTURE["cases"][index], FIXTURE["rule_set_version"])
    outcome = service.replay(decision)
    assert outcome.identical, outcome.diff()
    assert outcome.rule_set_version == "2024-2.1"


def test_same_input_under_the_current_rules_differs(assessed_household):
    # The guard of the test above: the current reading would not reproduce the old results.
    case = FIXTURE["cases"][0]
    decision = _sealed(assessed_household, case, RULE_SET_VERSION)
    replayed = service.replay(decision).replayed
    assert [m["categories"] for m in replayed["members"]] == [["TEKUN", "FPJC"], ["FPJC"]]
    assert case["result"]["household_category"] is None

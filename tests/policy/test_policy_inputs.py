"""Invalid input raises AssessmentInputError with the JSON path of the problem."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest

from doudi.core import idnumber
from doudi.policy.rules import AssessmentInputError, assess, assess_many

from ._factory import member, request


def base():
    return request([member("m1"), member("m2", age=10)], income_total=6000)


def _set(path, value):
    def mutate(data):
        target = data
        for part in path[:-1]:
            target = target[part]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


H, M = "household", "members"
CASES = [
    (_set(("as_of",), KeyError), "as_of"),
    (_set(("as_of",), "2025/08/01"), "as_of"),
    (_set(("as_of",), "2025-02-30"), "as_of"),
    (_set(("as_of",), "20250801"), "as_of"),
    (_set(("region",), "2224"), "region"),
    (_set(("region",), 222401), "region"),
    (_set(("region",), "110101"), "region"),  # no parameters outside Jilin
    (_set(("area_type",), "town"), "area_type"),
    (_set(("area_type",), KeyError), "area_type"),
    (_set(("nonsense",), 1), "nonsense"),
    (_set(("parameters",), [1]), "parameters"),
    (_set(("parameters", "foo"), 1), "parameters.foo"),
    (_set(("parameters", "dibao_standard"), -1), "parameters.dibao_standard"),
    (_set(("parameters", "dibao_standard"), "760"), "parameters.dibao_standard"),
    (_set(("parameters", "dibao_standard"), 760.123), "parameters.dibao_standard"),
    (_set(("parameters", "marginal_income_multiple"), 1.23456), "parameters.marginal_income_multiple"),
    (_set(("parameters", "topup_combination"), "max"), "parameters.topup_combination"),
    (_set(("parameters", "asset_max_dwellings"), 1.5), "parameters.asset_max_dwellings"),
    (_set(("parameters", "dibao_standard_urban"), 700), "parameters.dibao_standard_urban"),  # contradicts 760
    (_set((H,), KeyError), "household"),
    (_set((H,), []), "household"),
    (_set((H, "extra"), 1), "household.extra"),
    (_set((H, "income_total"), KeyError), "household.income_total"),
    (_set((H, "income_total"), None), "household.income_total"),
    (_set((H, "income_total"), -1), "household.income_total"),
    (_set((H, "income_total"), "6000"), "household.income_total"),
    (_set((H, "income_total"), True), "household.income_total"),
    (_set((H, "income_total"), 1.005), "household.income_total"),
    (_set((H, "income_total"), float("nan")), "household.income_total"),
    (_set((H, "income_total"), float("inf")), "household.income_total"),
    (_set((H, "income_total"), 10**10), "household.income_total"),
    (_set((H, "income_months"), 0), "household.income_months"),
    (_set((H, "income_months"), 12.5), "household.income_months"),
    (_set((H, "income_months"), None), "household.income_months"),
    (_set((H, "rigid_expenditure_12m"), {"food": 1}), "household.rigid_expenditure_12m.food"),
    (_set((H, "rigid_expenditure_12m"), {"medical": -5}), "household.rigid_expenditure_12m.medical"),
    (_set((H, "assets"), {"vehicles": -1}), "household.assets.vehicles"),
    (_set((H, "assets"), {"vehicles": 1.5}), "household.assets.vehicles"),
    (_set((H, "assets"), {"business": "no"}), "household.assets.business"),
    (_set((H, "assets"), {"boats": 1}), "household.assets.boats"),
    (_set((H, "existing"), ["DIBAO"]), "household.existing[0]"),
    (_set((H, "existing"), "FPJC"), "household.existing"),
    (_set((H, M), []), "household.members"),
    (_set((H, M), {"id": "m1"}), "household.members"),
    (_set((H, M, 1), "m2"), "household.members[1]"),
    (_set((H, M, 1, "id"), "m1"), "household.members[1].id"),
    (_set((H, M, 1, "id"), KeyError), "household.members[1].id"),
    (_set((H, M, 1, "id"), 7), "household.members[1].id"),
    (_set((H, M, 1, "nickname"), "x"), "household.members[1].nickname"),
    (_set((H, M, 1, "birth_date"), KeyError), "household.members[1].birth_date"),
    (_set((H, M, 1, "birth_date"), "1990-13-01"), "household.members[1].birth_date"),
    (_set((H, M, 1, "birth_date"), "2025-08-02"), "household.members[1].birth_date"),  # after as_of
    (_set((H, M, 0, "id_number"), "222401195001011233"), "household.members[0].id_number"),  # bad check char
    (_set((H, M, 0, "id_number"), "12345"), "household.members[0].id_number"),
    (_set((H, M, 0, "id_number"), 222401195001011232), "household.members[0].id_number"),
    (_set((H, M, 0, "relation"), "cousin"), "household.members[0].relation"),
    (_set((H, M, 0, "disability"), {"kind": "arm", "grade": 1}), "household.members[0].disability.kind"),
    (_set((H, M, 0, "disability"), {"kind": "visual", "grade": 5}), "household.members[0].disability.grade"),
    (_set((H, M, 0, "disability"), {"kind": "visual", "grade": 0}), "household.members[0].disability.grade"),
    (_set((H, M, 0, "disability"), {"kind": "visual"}), "household.members[0].disability.grade"),
    (
        _set((H, M, 0, "disability"), {"kind": "visual", "grade": 1, "x": 1}),
        "household.members[0].disability.x",
    ),
    (_set((H, M, 0, "disability"), "severe"), "household.members[0].disability"),
    (_set((H, M, 0, "adl_failed"), 7), "household.members[0].adl_failed"),
    (_set((H, M, 0, "adl_failed"), -1), "household.members[0].adl_failed"),
    (_set((H, M, 0, "serious_illness"), None), "household.members[0].serious_illness"),
    (_set((H, M, 0, "serious_illness"), 1), "household.members[0].serious_illness"),
    (_set((H, M, 0, "employed"), "yes"), "household.members[0].employed"),
    (_set((H, M, 0, "own_income_monthly"), -0.01), "household.members[0].own_income_monthly"),
    (_set((H, M, 0, "own_assets_ok"), None), "household.members[0].own_assets_ok"),
    (_set((H, M, 0, "has_capable_supporter"), "false"), "household.members[0].has_capable_supporter"),
    (_set((H, M, 0, "name"), ""), "household.members[0].name"),
]


@pytest.mark.parametrize(("mutate", "path"), CASES, ids=[c[1] + f"#{i}" for i, c in enumerate(CASES)])
def test_invalid_input_path(mutate, path):
    data = base()
    mutate(data)
    with pytest.raises(AssessmentInputError) as err:
        assess(data)
    assert err.value.path == path
    assert err.value.as_dict() == {"error": err.value.message, "path": path}
    assert err.value.message


def test_input_must_be_an_object():
    with pytest.raises(AssessmentInputError) as err:
        assess([])  # type: ignore[arg-type]
    assert err.value.path == ""


def test_region_existence_is_the_callers_check():
    data = base()
    assert assess(data, region_exists=lambda code: code == "222401000000")["household_category"] == "DIBAO"
    with pytest.raises(AssessmentInputError) as err:
        assess(data, region_exists=lambda code: False)
    assert err.value.path == "region"


def test_defaults_and_accepted_forms():
    data = request([{"id": "m1", "birth_date": "1980-01-01"}], income_total=Decimal("6000.10"))
    del data["parameters"]
    data["household"]["rigid_expenditure_12m"] = None
    data["household"]["assets"] = None
    data["household"]["existing"] = None
    result = assess(data)
    assert result["household_category"] == "DIBAO"
    data["as_of"] = dt.date(2025, 8, 1)
    data["household"]["members"][0] = {
        "id": "m1",
        "id_number": idnumber.make("222401", dt.date(1980, 1, 1), 3, male=False),
    }
    assert assess(data)["monthly_total"] == result["monthly_total"]
    legacy = "222401800101301"  # 15-digit legacy number, upgraded (R-H1)
    data["household"]["members"][0] = {"id": "m1", "id_number": legacy}
    assert assess(data)["household_category"] == "DIBAO"


def test_float_money_is_read_exactly():
    assert assess(request(income_total=9119.99))["per_capita_monthly_income"] == "760.00"
    assert assess(request(income_total=9119.99))["household_category"] == "DIBAO"


def test_batch_error_carries_the_index():
    good = base()
    bad = copy.deepcopy(good)
    bad["household"]["members"][1]["adl_failed"] = 9
    with pytest.raises(AssessmentInputError) as err:
        assess_many([good, good, bad])
    assert err.value.index == 2
    assert err.value.path == "household.members[1].adl_failed"
    assert assess_many([]) == []


def test_date_before_the_first_known_figure_falls_back_with_a_warning():
    # Issue 9 item 10: was refused (no parameters before 2024-04-03); now the earliest figure, flagged.
    data = base()
    data["as_of"] = "2024-01-15"
    for m in data["household"]["members"]:
        m["birth_date"] = "2000-01-01"
    result = assess(data)
    used = {p["key"]: p for p in result["parameters_used"]}
    assert "2024-04-03" in used["asset.financial_months"]["note_zh"]
    assert "当地标准待录入" in result["explanation_zh"]

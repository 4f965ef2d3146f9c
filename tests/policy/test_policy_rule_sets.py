"""R-A1's dwelling alternative, and the earlier rule set (2024-2.1) kept for replaying sealed decisions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from doudi.policy.rules import assess, codes

from ._factory import criterion, lines, member, request


def _tekun(mid: str, age: int) -> dict:
    return member(mid, age=age, own_income_monthly=0, own_assets_ok=True, has_capable_supporter=False)


@pytest.mark.parametrize(
    ("floor_area", "passes"),
    [
        (None, False),  # area unknown: two dwellings fail as before
        (120, True),  # 60 m² per person = 2 × the local average of 30
        (Decimal("120.02"), False),  # 60.01 m² per person
    ],
)
def test_two_small_dwellings_pass_on_floor_area(floor_area, passes):
    assets = {"dwellings": 2} if floor_area is None else {"dwellings": 2, "floor_area": floor_area}
    result = assess(request([member("a"), member("b")], income_total=6000, assets=assets))
    a1 = criterion(result, "R-A1")
    assert a1["passed"] is passes
    assert (result["household_category"] == "DIBAO") is passes
    if floor_area is not None:
        assert "人均住房面积" in a1["detail"] and "当地人均 30 平方米的 2 倍（60 平方米）" in a1["detail"]
        used = {p["key"] for p in result["parameters_used"]}
        assert {"asset.floor_area_multiple", "asset.avg_floor_area"} <= used


def test_result_names_rule_set_and_contract_version():
    result = assess(request([member("a")]))
    assert result["rule_set_version"] == codes.RULE_SET_VERSION == "2024-2.2"
    assert result["contract_version"] == 2


def test_earlier_rule_set_keeps_household_level_tekun():
    # Rule set 2024-2.1 (decisions sealed before R-T4 changed): a mixed household is one DIBAO household.
    data = request([_tekun("a", 75), _tekun("b", 40)], income_total=0)
    old = assess(data, rule_set=codes.RULE_SET_HOUSEHOLD_TEKUN)
    assert old["rule_set_version"] == "2024-2.1"
    assert old["household_category"] == "DIBAO"
    assert [m["categories"] for m in old["members"]] == [["DIBAO"], ["DIBAO"]]
    assert "monthly" not in old["members"][0] and "contract_version" not in old
    assert criterion(old, "R-T4")["passed"] is False
    assert lines(old, "R-B1") == [("R-B1", None, 1520)]
    assert "成员 a 本人符合 R-T1、R-T2、R-T3" in old["explanation_zh"]
    new = assess(data)
    assert [m["categories"] for m in new["members"]] == [["TEKUN"], ["DIBAO"]]


def test_earlier_rule_set_ignores_the_floor_area():
    data = request([member("a"), member("b")], income_total=6000, assets={"dwellings": 2, "floor_area": 60})
    old = assess(data, rule_set=codes.RULE_SET_HOUSEHOLD_TEKUN)
    assert criterion(old, "R-A1")["passed"] is False
    assert "asset.avg_floor_area" not in {p["key"] for p in old["parameters_used"]}


def test_unknown_rule_set_is_refused():
    with pytest.raises(ValueError):
        assess(request([member("a")]), rule_set="1999-1")


def test_floor_area_is_validated():
    from doudi.policy.rules import AssessmentInputError

    with pytest.raises(AssessmentInputError) as exc:
        assess(request([member("a")], assets={"dwellings": 2, "floor_area": Decimal("1.001")}))
    assert exc.value.path == "household.assets.floor_area" and "住房面积" in exc.value.message

"""Benefit rules R-B1..R-B5 and the contract's example (DOMAIN §6, contracts/assessment.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import idnumber
from doudi.policy.rules import assess

from ._factory import PINNED, born, lines, member, request


def contract_example() -> dict:
    """The contract's input with a valid identity number (its example number has a wrong check character)."""
    return {
        "as_of": "2025-08-01",
        "region": "222401",
        "area_type": "urban",
        "parameters": {"dibao_standard": 760},
        "household": {
            "income_total": 6000,
            "income_months": 12,
            "rigid_expenditure_12m": {"medical": 0, "education": 0, "housing": 0, "care": 0},
            "assets": {
                "financial": 0,
                "vehicles": 0,
                "dwellings": 1,
                "business": False,
                "nonresidential_property": False,
            },
            "existing": [],
            "members": [
                {
                    "id": "m1",
                    "id_number": "222401195001011232",
                    "name": "金某",
                    "birth_date": "1950-01-01",
                    "relation": "head",
                    "disability": {"kind": "physical", "grade": 2},
                    "serious_illness": False,
                    "employed": False,
                    "in_school": False,
                    "adl_failed": 0,
                    "own_income_monthly": 0,
                    "own_assets_ok": True,
                    "has_capable_supporter": True,
                }
            ],
        },
    }


def test_contract_example():
    result = assess(contract_example())
    assert result["as_of"] == "2025-08-01"
    assert result["household_category"] == "DIBAO"
    assert result["low_income"] is True
    assert result["per_capita_monthly_income"] == "500.00"
    assert result["members"] == [
        {
            "id": "m1",
            "categories": ["DIBAO"],
            "care_level": None,
            "single_person_dibao": False,
            "monthly": 152,
        }
    ]
    assert result["benefits"] == [
        {"rule": "R-B1", "member": None, "monthly": 260},
        {"rule": "R-B2", "member": "m1", "monthly": 152},  # severe 0.20 beats elderly 0.10 (highest)
    ]
    assert result["monthly_total"] == 412
    d1 = next(c for c in result["criteria"] if c["rule"] == "R-D1")
    assert d1["passed"] is True and d1["detail"].startswith("人均月收入 500.00 元 < 低保标准 760 元")
    used = {p["key"]: p for p in result["parameters_used"]}
    # The override equals the resolved 延吉 value, so the resolved row's provenance is kept.
    assert used["dibao_standard.urban"]["value"] == "760"
    assert used["dibao_standard.urban"]["effective_from"] == "2025-07-01"
    assert result["rule_set_version"]
    assert "412" in result["explanation_zh"]


def test_contract_example_without_override_resolves_the_same_standard():
    data = contract_example()
    del data["parameters"]
    assert assess(data)["monthly_total"] == 412


def test_contract_example_id_number_as_printed_is_invalid_input():
    from doudi.policy.rules import AssessmentInputError

    data = contract_example()
    data["household"]["members"][0]["id_number"] = "222401195001011233"
    with pytest.raises(AssessmentInputError) as err:
        assess(data)
    assert err.value.path == "household.members[0].id_number"


def test_birth_date_from_valid_id_number():
    data = contract_example()
    m = data["household"]["members"][0]
    del m["birth_date"]
    m["id_number"] = idnumber.make("222401", dt.date(1950, 1, 1), 7, male=True)
    assert assess(data)["monthly_total"] == 412


def test_r_b1_differential_times_household_size():
    # n = 3, p = 400 → (760 − 400) × 3 = 1080.
    result = assess(request([member("a"), member("b"), member("c")], income_total=14400))
    assert lines(result, "R-B1") == [("R-B1", None, 1080)]


@pytest.mark.parametrize(
    ("income_total", "n", "expected"),
    [
        (9116.40, 1, 1),  # differential 0.30 pays 1 (R-B5)
        (9119.99, 1, 1),  # 0.00083… pays 1
        (7915.20, 1, 100),  # 659.60 → 100.40 rounds down
        (7914, 1, 101),  # 659.50 → 100.50 rounds half-up
        (10000, 3, 1447),  # 3 × 760 − 10000/12 = 1446.666… (exact, not from a rounded p)
    ],
)
def test_r_b5_rounding_of_the_differential(income_total, n, expected):
    members = [member(f"m{i}") for i in range(n)]
    assert lines(assess(request(members, income_total=income_total)), "R-B1") == [("R-B1", None, expected)]


def test_r_b5_half_up_on_a_top_up_line():
    # S = 765, minor top-up 0.10 → 76.5 → 77.
    params = dict(PINNED, dibao_standard=765)
    result = assess(
        request([member("kid", age=10, has_capable_supporter=True)], income_total=0, parameters=params)
    )
    assert lines(result, "R-B2") == [("R-B2", "kid", 77)]


@pytest.mark.parametrize(
    ("combination", "expected"),
    [("highest", 152), ("sum", 380)],  # ill 0.2 + severe 0.2 + ≥ 70 0.1 = 0.5 × 760
)
def test_r_b2_combination(combination, expected):
    params = dict(PINNED, topup_combination=combination)
    m = member("m1", age=75, serious_illness=True, disability={"kind": "physical", "grade": 1})
    result = assess(request([m], parameters=params))
    assert lines(result, "R-B2") == [("R-B2", "m1", expected)]
    assert result["monthly_total"] == 760 + expected


@pytest.mark.parametrize(
    ("birth", "topup"),
    [
        (born(70), 76),  # 70 on as_of: elderly 0.10
        (born(70, days_after=1), None),  # 69
        (born(17), 76),  # minor
        (born(18), None),  # 18 on as_of: no longer a minor
        (born(18, days_after=1), 76),  # still 17
    ],
)
def test_r_b2_age_groups(birth, topup):
    result = assess(request([member("m1", birth_date=birth)]))
    assert lines(result, "R-B2") == ([("R-B2", "m1", topup)] if topup else [])


def test_r_b2_only_for_dibao_households():
    marginal = assess(request([member("x"), member("m1", age=75)], income_total=20000))
    assert marginal["household_category"] == "MARGINAL"
    assert lines(marginal, "R-B2") == []  # aged ≥ 70 alone is not a R-D4 ground


def test_r_b2_zero_share_is_not_a_line():
    params = dict(PINNED, topup_elderly_70=0)
    assert lines(assess(request([member("m1", age=75)], parameters=params)), "R-B2") == []


def test_r_b4_single_person_dibao_amount_and_minimum():
    members = [member("m1"), member("m2", serious_illness=True, own_income_monthly=759.8)]
    result = assess(request(members, income_total=24000))
    assert lines(result) == [("R-B4", "m2", 1), ("R-B2", "m2", 152)]
    members[1]["own_income_monthly"] = 300.5
    assert lines(assess(request(members, income_total=24000)), "R-B4") == [("R-B4", "m2", 460)]  # 459.5 → 460


def test_r_b3_uses_min_wage_and_tekun_multiple():
    params = dict(PINNED, tekun_basic_multiple=1.35, min_wage_monthly=1780)
    m = member("m1", age=80, has_capable_supporter=False, adl_failed=5)
    result = assess(request([m], parameters=params))
    # 1.35 × 760 = 1026; 0.30 × 1780 = 534.
    assert lines(result) == [("R-B3-basic", "m1", 1026), ("R-B3-care", "m1", 534)]


def test_monthly_total_is_the_sum_of_lines():
    members = [member("a", age=75, disability={"kind": "mental", "grade": 1}), member("b", age=5)]
    result = assess(request(members, income_total=3000))
    assert result["monthly_total"] == sum(b["monthly"] for b in result["benefits"])
    assert [b["rule"] for b in result["benefits"]] == ["R-B1", "R-B2", "R-B2"]

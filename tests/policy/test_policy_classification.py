"""Table-driven boundary tests per rule id (DOMAIN §5): R-D1, R-M1, R-R1, R-A1, R-T1..R-T5, R-D4, R-D5."""

from __future__ import annotations

import pytest

from doudi.policy.rules import AssessmentInputError, assess

from ._factory import born, criterion, lines, member, member_result, request

# S = 760, multiple 2 (2S = 1520), ceiling 36000/yr (3000/month), rigid share 0.60.


@pytest.mark.parametrize(
    ("income_total", "n", "expected"),
    [
        (0, 1, "DIBAO"),
        (9119.99, 1, "DIBAO"),  # p = 759.999… < S
        (9120, 1, "MARGINAL"),  # R-D1: p equal to S is not DIBAO; R-M1: S ≤ p
        (18239.99, 1, "MARGINAL"),  # p just below 2S
        (18240, 1, None),  # R-M1: p exactly 2S is not MARGINAL (rigid band, no expense)
        (18240, 2, "MARGINAL"),  # the same income shared by two is p = 760
        (18239.99, 2, "DIBAO"),
    ],
)
def test_income_bands(income_total, n, expected):
    members = [member(f"m{i}") for i in range(n)]
    result = assess(request(members, income_total=income_total))
    assert result["household_category"] == expected
    assert result["low_income"] is (expected is not None)


def test_dibao_criterion_names_the_numbers():
    result = assess(request(income_total=6000))
    c = criterion(result, "R-D1")
    assert c["passed"] is True
    assert "人均月收入 500.00 元 < 低保标准 760 元" in c["detail"]


def test_income_months_other_than_twelve():
    # 4,500 over 6 months for one person: p = 750 < 760.
    result = assess(request(income_total=4500, income_months=6))
    assert result["household_category"] == "DIBAO"
    assert result["per_capita_monthly_income"] == "750.00"
    assert lines(result, "R-B1") == [("R-B1", None, 10)]


@pytest.mark.parametrize(
    ("income_total", "expense", "expected"),
    [
        (24000, 14400, None),  # p = 2000; expense exactly 60 % of income fails ("more than")
        (24000, 14400.01, "RIGID"),  # just above passes
        (18240, 20000, "RIGID"),  # p exactly 2S is in the rigid band
        (35999.99, 30000, "RIGID"),  # p just below the ceiling (3000/month)
        (36000, 30000, None),  # p at the ceiling is not RIGID
        (18239.99, 20000, "MARGINAL"),  # below 2S the household is MARGINAL, not RIGID (R-C2 order)
    ],
)
def test_rigid_band_and_expense(income_total, expense, expected):
    result = assess(request(income_total=income_total, rigid={"medical": expense}))
    assert result["household_category"] == expected


def test_rigid_expense_sums_kinds_and_scales_income_to_twelve_months():
    # 12,000 over 6 months → 24,000 per 12 months; 60 % = 14,400; p = 2,000.
    kinds = {"medical": 4000, "education": 4000, "housing": 4000, "care": 2400}
    assert assess(request(income_total=12000, income_months=6, rigid=kinds))["household_category"] is None
    kinds["care"] = 2400.01
    result = assess(request(income_total=12000, income_months=6, rigid=kinds))
    assert result["household_category"] == "RIGID"
    assert (
        "刚性支出 14400.01 元 > 家庭12个月收入 24000.00 元的 60%（14400.00 元）"
        in criterion(result, "R-R1")["detail"]
    )


@pytest.mark.parametrize(
    ("assets", "n", "passes"),
    [
        ({"financial": 18240}, 1, True),  # exactly 24 × S per person
        ({"financial": 18240.01}, 1, False),
        ({"financial": 36480}, 2, True),  # per-capita
        ({"financial": 36480.01}, 2, False),
        ({"vehicles": 0}, 1, True),
        ({"vehicles": 1}, 1, False),
        ({"dwellings": 1}, 1, True),
        ({"dwellings": 2}, 1, False),
        ({"dwellings": 0}, 1, True),
        ({"business": True}, 1, False),
        ({"nonresidential_property": True}, 1, False),
        ({}, 1, True),
    ],
)
def test_asset_test(assets, n, passes):
    members = [member(f"m{i}") for i in range(n)]
    for income, category in ((0, "DIBAO"), (9120 * n, "MARGINAL"), (24000 * n, "RIGID")):
        result = assess(request(members, income_total=income, assets=assets, rigid={"medical": 20000 * n}))
        assert criterion(result, "R-A1")["passed"] is passes
        assert result["household_category"] == (category if passes else None)


def test_asset_failure_names_the_item():
    result = assess(request(assets={"vehicles": 2, "financial": 20000}))
    detail = criterion(result, "R-A1")["detail"]
    assert "人均金融资产 20000.00 元 > 24 个月低保标准 18240 元" in detail
    assert "非豁免机动车 2 辆 > 0 辆" in detail
    assert "住房 0 套 ≤ 1 套" in detail


def _tekun_candidate(mid="m1", **fields):
    base = {"own_income_monthly": 0, "own_assets_ok": True, "has_capable_supporter": False}
    base.update(fields)
    return member(mid, **base)


@pytest.mark.parametrize(
    ("age", "days_after", "meets"),
    [
        (60, 0, True),  # birthday exactly on as_of counts: 60
        (59, 0, False),
        (60, 1, False),  # turns 60 tomorrow
        (15, 0, True),
        (16, 0, False),  # exactly 16 is not < 16
        (16, 1, True),  # still 15
        (0, 0, True),
        (95, 0, True),
    ],
)
def test_tekun_age_boundaries(age, days_after, meets):
    m = _tekun_candidate(birth_date=born(age, days_after=days_after))
    result = assess(request([m]))
    assert criterion(result, "R-T1", "m1")["passed"] is meets
    assert (result["household_category"] == "TEKUN") is meets


DISABILITY_T1 = {
    "intellectual": {1, 2, 3},
    "mental": {1, 2, 3},
    "physical": {1, 2},
    "visual": {1},
    "hearing": set(),
    "speech": set(),
    "multiple": set(),
}
SEVERE = {kind: {1, 2} | ({3} if kind in ("intellectual", "mental") else set()) for kind in DISABILITY_T1}


@pytest.mark.parametrize("kind", sorted(DISABILITY_T1))
@pytest.mark.parametrize("grade", [1, 2, 3, 4])
def test_tekun_disability_list(kind, grade):
    m = _tekun_candidate(age=40, disability={"kind": kind, "grade": grade})
    result = assess(request([m]))
    meets = grade in DISABILITY_T1[kind]
    assert criterion(result, "R-T1", "m1")["passed"] is meets
    assert result["household_category"] == ("TEKUN" if meets else "DIBAO")


@pytest.mark.parametrize("kind", sorted(SEVERE))
@pytest.mark.parametrize("grade", [1, 2, 3, 4])
def test_severe_disability_topup(kind, grade):
    m = member("m1", age=40, disability={"kind": kind, "grade": grade})
    result = assess(request([m]))
    expected = [("R-B2", "m1", 152)] if grade in SEVERE[kind] else []
    assert lines(result, "R-B2") == expected


@pytest.mark.parametrize(
    ("own_income", "assets_ok", "meets"),
    [(0, True, True), (759.99, True, True), (760, True, False), (0, False, False)],
)
def test_tekun_no_source_of_living(own_income, assets_ok, meets):
    m = _tekun_candidate(age=70, own_income_monthly=own_income, own_assets_ok=assets_ok)
    result = assess(request([m]))
    assert criterion(result, "R-T2", "m1")["passed"] is meets
    assert (result["household_category"] == "TEKUN") is meets


def test_tekun_requires_no_capable_supporter():
    result = assess(request([_tekun_candidate(age=70, has_capable_supporter=True)]))
    assert criterion(result, "R-T3", "m1")["passed"] is False
    assert result["household_category"] == "DIBAO"


@pytest.mark.parametrize(
    ("adl", "level", "care"),
    [(0, "self", 192), (1, "partial", 384), (3, "partial", 384), (4, "full", 576), (6, "full", 576)],
)
def test_care_level_and_tekun_benefit(adl, level, care):
    result = assess(request([_tekun_candidate(age=80, adl_failed=adl)]))
    assert result["household_category"] == "TEKUN"
    assert result["members"] == [
        {
            "id": "m1",
            "categories": ["TEKUN"],
            "care_level": level,
            "single_person_dibao": False,
            "monthly": 988 + care,
        }
    ]
    # R-B3: basic 1.3 × 760 = 988; care share × 1920.
    assert lines(result) == [("R-B3-basic", "m1", 988), ("R-B3-care", "m1", care)]
    assert result["monthly_total"] == 988 + care
    assert criterion(result, "R-T5", "m1")["passed"] is True


def test_tekun_household_is_not_assessed_for_dibao():
    result = assess(request([_tekun_candidate("a", age=75), _tekun_candidate("b", age=10)], income_total=0))
    assert result["household_category"] == "TEKUN"
    assert not [c for c in result["criteria"] if c["rule"] in ("R-D1", "R-M1", "R-R1")]
    assert not lines(result, "R-B1")
    assert [m["categories"] for m in result["members"]] == [["TEKUN"], ["TEKUN"]]


def test_tekun_is_per_person_in_a_mixed_household():
    # R-T4 (as changed): a meets R-T1–R-T3 and is TEKUN; b (aged 40) is assessed alone for DIBAO.
    members = [_tekun_candidate("a", age=75), _tekun_candidate("b", age=40)]
    result = assess(request(members, income_total=0))
    assert result["household_category"] == "DIBAO"
    assert criterion(result, "R-T4", "a")["passed"] is True
    assert criterion(result, "R-T4", "b")["passed"] is False
    assert "R-T1" in criterion(result, "R-T4", "b")["detail"]
    assert [m["categories"] for m in result["members"]] == [["TEKUN"], ["DIBAO"]]
    assert [m["care_level"] for m in result["members"]] == ["self", None]
    # the rest is a one-person household: (760 − 0) × 1
    assert lines(result, "R-B1") == [("R-B1", None, 760)]
    assert [m["monthly"] for m in result["members"]] == [988 + 192, 0]
    assert result["monthly_total"] == 760 + 988 + 192
    assert "其中 1 人按人认定为特困人员" in result["explanation_zh"]
    assert "成员 a 同时符合" in result["explanation_zh"]
    assert "成员 b 不认定为特困人员：40 周岁" in result["explanation_zh"]


def test_elderly_person_with_an_earning_sibling_is_tekun():
    # The case: an 80-year-old living with an earning sibling (not a legal supporter). Before,
    # the pair was one household with p = 1500 > S and got nothing; now the elder is TEKUN and the
    # sibling's own income is assessed without the elder's headcount.
    elder = _tekun_candidate("elder", age=80)
    sibling = member("sib", age=56, relation="sibling", employed=True, own_income_monthly=3000)
    result = assess(request([elder, sibling], income_total=36000))
    assert member_result(result, "elder")["categories"] == ["TEKUN"]
    assert member_result(result, "sib")["categories"] == []
    assert result["household_category"] is None
    assert result["per_capita_monthly_income"] == "3000.00"
    assert lines(result) == [("R-B3-basic", "elder", 988), ("R-B3-care", "elder", 192)]
    assert result["low_income"] is True


def test_tekun_members_income_leaves_the_household():
    # Two members; a (TEKUN) has own income 100/month, counted in the 12-month household income 9600.
    # Remaining household: (9600 − 12 × 100) / 12 / 1 = 700 < 760 → DIBAO, differential 60.
    a = _tekun_candidate("a", age=70, own_income_monthly=100)
    b = member("b", birth_date="1985-01-01")
    result = assess(request([a, b], income_total=9600))
    assert result["household_category"] == "DIBAO"
    assert result["per_capita_monthly_income"] == "700.00"
    assert lines(result, "R-B1") == [("R-B1", None, 60)]


@pytest.mark.parametrize(
    ("age", "in_school", "current", "tekun"),
    [
        (17, False, ["TEKUN"], True),  # a TEKUN minor keeps TEKUN until 18
        (17, False, [], False),  # 16–17 without TEKUN now: has capacity to work (R-T1)
        (19, True, ["TEKUN"], True),  # past 18 while in school
        (19, False, ["TEKUN"], False),
    ],
)
def test_tekun_minor_keeps_tekun(age, in_school, current, tekun):
    kid = _tekun_candidate("k", age=age, in_school=in_school, current=current)
    result = assess(request([kid], income_total=0))
    assert ("TEKUN" in member_result(result, "k")["categories"]) is tekun
    assert criterion(result, "R-T1", "k")["passed"] is tekun


def test_current_is_validated():
    with pytest.raises(AssessmentInputError) as exc:
        assess(request([_tekun_candidate("k", age=17, current=["SOMETHING"])]))
    assert exc.value.path == "household.members[0].current[0]"


def test_single_person_dibao_from_marginal_household():
    # R-D4: n = 2, p = 1000 (MARGINAL); m2 severely disabled with no own income.
    members = [member("m1"), member("m2", disability={"kind": "physical", "grade": 1})]
    result = assess(request(members, income_total=24000))
    assert result["household_category"] == "MARGINAL"
    assert member_result(result, "m1") == {
        "id": "m1",
        "categories": ["MARGINAL"],
        "care_level": None,
        "single_person_dibao": False,
        "monthly": 0,
    }
    assert member_result(result, "m2")["categories"] == ["DIBAO"]
    assert member_result(result, "m2")["single_person_dibao"] is True
    assert lines(result) == [("R-B4", "m2", 760), ("R-B2", "m2", 152)]
    assert criterion(result, "R-D4", "m2")["passed"] is True


@pytest.mark.parametrize(
    ("fields", "single"),
    [
        ({"serious_illness": True}, True),
        ({"disability": {"kind": "mental", "grade": 3}}, True),
        ({"disability": {"kind": "physical", "grade": 3}}, False),  # not severe
        ({"serious_illness": True, "own_income_monthly": 760}, False),  # own income not below S
        ({"serious_illness": True, "own_income_monthly": 700}, True),
    ],
)
def test_r_d4_conditions(fields, single):
    members = [member("m1"), member("m2", **fields)]
    result = assess(request(members, income_total=24000))
    assert result["household_category"] == "MARGINAL"
    assert member_result(result, "m2")["single_person_dibao"] is single


@pytest.mark.parametrize("expense", [0, 50000])  # R-D5 holds whether or not the household is RIGID
@pytest.mark.parametrize(
    ("fields", "single"),
    [
        ({"age": 30, "serious_illness": True}, True),
        ({"age": 18, "serious_illness": True}, True),  # adult on the birthday
        ({"birth_date": born(18, days_after=1), "serious_illness": True}, False),  # still 17
        ({"age": 30, "serious_illness": True, "employed": True}, False),
        ({"age": 30, "serious_illness": True, "own_assets_ok": False}, False),
        ({"age": 30, "serious_illness": True, "own_income_monthly": 760}, False),
        ({"age": 30}, False),  # neither ill nor severely disabled
        ({"age": 30, "disability": {"kind": "visual", "grade": 2}}, True),
    ],
)
def test_r_d5_single_person_dibao_from_rigid_band(expense, fields, single):
    # n = 2, p = 2000: in the rigid band [1520, 3000).
    result = assess(
        request([member("m1"), member("m2", **fields)], income_total=48000, rigid={"medical": expense})
    )
    assert result["household_category"] == ("RIGID" if expense else None)
    assert member_result(result, "m2")["single_person_dibao"] is single
    special = [c for c in result["criteria"] if c["rule"] == "R-D5"]
    assert [c["passed"] for c in special] == ([] if fields.keys() == {"age"} else [single])
    if single:
        assert ("R-B4", "m2", 760) in lines(result)
        assert result["low_income"] is True


def test_r_d5_not_above_the_ceiling():
    result = assess(
        request([member("m1"), member("m2", serious_illness=True)], income_total=72000)
    )  # p = 3000
    assert member_result(result, "m2")["single_person_dibao"] is False
    assert result["low_income"] is False


def test_existing_categories_carry():
    result = assess(request(income_total=100000, existing=["FPJC", "OTHER", "FPJC"]))
    assert result["household_category"] is None
    assert result["low_income"] is True
    assert result["members"][0]["categories"] == ["FPJC", "OTHER"]
    assert "防止返贫监测对象、其他困难人员身份予以保留" in result["explanation_zh"]

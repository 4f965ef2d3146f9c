"""The published Jilin figures in the baseline (issue 9 item 10, DOMAIN §4): per-county province floors,
the local standards of 临江 and 吉林市城区, the minimum wage per county (previous year's, R-B3), the
fallback for dates before the first known figure, and a resolver that never crashes on a region."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.policy.rules import (
    AssessmentInputError,
    ParameterError,
    UnknownRegionError,
    assess,
    baseline_parameters,
    load_baseline_rows,
    region_ancestry,
    resolve_parameters,
)
from doudi.policy.rules.params import FLOOR_NOTE

from ._factory import member, request

LINJIANG = "220681"  # 临江市: local standards from 临民联发〔2024〕1号
CHANGYI, CHUANYING = "220202", "220204"  # 吉林市城区 districts: local standards from 2022-07-01
NONGAN = "220122"  # 农安县: only the province floors are known
NANGUAN = "220102"  # 长春市区: 2,120-yuan minimum wage tier from 2024-10-01


def dibao(region: str, area: str, on: dt.date):
    return baseline_parameters(region, area, on).entry(f"dibao_standard.{area}")


@pytest.mark.parametrize(
    ("area", "on", "value", "floor"),
    [
        ("urban", dt.date(2022, 6, 1), "550", True),  # 2022 floor
        ("urban", dt.date(2023, 6, 1), "550", False),  # the local figure before the 2024 change
        ("urban", dt.date(2024, 1, 3), "560", True),  # 2024 floor, before the local notice of 01-08
        ("urban", dt.date(2024, 1, 8), "560", False),  # 临民联发〔2024〕1号, from the day it was issued
        ("rural", dt.date(2024, 1, 7), "410", False),
        ("rural", dt.date(2025, 8, 1), "470", False),
    ],
)
def test_linjiang_local_standards(area, on, value, floor):
    entry = dibao(LINJIANG, area, on)
    assert (entry.value_text(), entry.floor) == (value, floor)
    assert entry.region_code == "220681000000"
    assert ("临民联发〔2024〕1号" in entry.source) is (not floor)
    assert (entry.note_zh() == FLOOR_NOTE) is floor


@pytest.mark.parametrize("district", [CHANGYI, CHUANYING, "220202001000"])
def test_jilin_city_districts(district):
    before = dibao(district, "urban", dt.date(2022, 6, 30))
    assert (before.value_text(), before.floor) == ("600", True)
    local = dibao(district, "urban", dt.date(2023, 6, 1))
    assert (local.value_text(), local.floor, local.unverified) == ("600", False, False)
    assert "吉林市民政局" in local.source and local.effective_from == dt.date(2022, 7, 1)
    assert dibao(district, "rural", dt.date(2023, 6, 1)).value_text() == "410"
    # the 2024 floor (660 / 470) is above the 2022 local figures: the county must have raised them
    later = dibao(district, "urban", dt.date(2024, 6, 1))
    assert (later.value_text(), later.floor) == ("660", True)
    assert dibao(district, "rural", dt.date(2024, 6, 1)).value_text() == "470"


def test_county_with_only_province_floors():
    p2023 = dibao(NONGAN, "urban", dt.date(2023, 12, 31))
    p2024 = dibao(NONGAN, "urban", dt.date(2024, 1, 1))
    assert (p2023.value_text(), p2024.value_text()) == ("550", "660")
    assert p2023.floor and p2024.floor
    assert "吉民发〔2022〕15号" in p2023.source and "吉民发〔2023〕67号" in p2024.source
    assert p2024.as_used()["note_zh"] == FLOOR_NOTE
    assert dibao(NONGAN, "rural", dt.date(2025, 3, 1)).value_text() == "470"


def test_minimum_wage_is_the_previous_years_per_county():
    def wage(region: str, on: dt.date) -> Decimal:
        return baseline_parameters(region, "urban", on).decimal("min_wage.monthly")

    # R-B3: the local minimum wage of the previous year; the 2024-10-01 tiers count from 2025
    assert wage(NANGUAN, dt.date(2024, 12, 31)) == 1880
    assert wage(NANGUAN, dt.date(2025, 1, 1)) == 2120
    assert wage(CHANGYI, dt.date(2025, 1, 1)) == 1920
    assert wage(LINJIANG, dt.date(2024, 6, 1)) == 1540
    assert wage(LINJIANG, dt.date(2025, 6, 1)) == 1780
    entry = baseline_parameters(NANGUAN, "urban", dt.date(2025, 6, 1)).entry("min_wage.monthly")
    assert entry.effective_from == dt.date(2024, 10, 1) and "吉政函〔2024〕66号" in entry.source
    assert not entry.unverified and not entry.note_zh()


def test_full_care_tekun_in_a_2120_area_is_paid_on_2120():
    # Issue 9: on the province's lowest tier (1780) this person was paid 0.30 × 340 = 102 yuan too little.
    data = request(
        [member("m1", age=80, adl_failed=6, has_capable_supporter=False)], parameters={}, region=NANGUAN
    )
    result = assess(data)
    lines = {b["rule"]: b["monthly"] for b in result["benefits"]}
    assert lines["R-B3-care"] == 636  # 0.30 × 2120
    assert lines["R-B3-basic"] == 1001  # 1.3 × 770, 南关区's 2024 floor
    used = {p["key"]: p for p in result["parameters_used"]}
    assert used["min_wage.monthly"]["value"] == "2120" and "note_zh" not in used["min_wage.monthly"]
    assert used["dibao_standard.urban"]["note_zh"] == FLOOR_NOTE
    assert f"城市低保标准 770 元为{FLOOR_NOTE}" in result["explanation_zh"]


def test_local_figure_has_no_floor_warning():
    result = assess(request(income_total=0, parameters={}, region=LINJIANG, as_of=dt.date(2025, 3, 1)))
    used = {p["key"]: p for p in result["parameters_used"]}
    assert used["dibao_standard.urban"]["value"] == "560" and "note_zh" not in used["dibao_standard.urban"]
    assert "省定最低指导标准" not in result["explanation_zh"]


def test_dates_before_the_first_known_figure_fall_back_with_the_warning():
    on = dt.date(2021, 6, 1)
    params = baseline_parameters(NONGAN, "urban", on)
    entry = params.entry("dibao_standard.urban")
    assert entry.value_text() == "550" and entry.before_first and entry.floor
    assert FLOOR_NOTE in entry.note_zh() and "2022-01-01" in entry.note_zh()
    wage = params.entry("min_wage.monthly")  # previous year's: 2020, before the 2021-12-01 figures
    assert wage.value_text() == "1540" and wage.before_first
    params.check_complete()  # an assessment runs instead of being refused
    result = assess(request(income_total=0, parameters={}, region=NONGAN, as_of=on))
    assert result["household_category"] == "DIBAO"
    text = result["explanation_zh"]
    assert f"城市低保标准 550 元为{FLOOR_NOTE}" in text
    assert "认定日期早于已录入的最早标准" in text and "暂按 2022-01-01 起执行的标准计算" in text
    assert "暂按 2024-04-03 起执行的标准计算" in text  # e.g. the asset limits, grouped by date
    assert text.count("认定日期早于已录入的最早标准") == 1
    assert (
        not baseline_parameters(NONGAN, "urban", dt.date(2022, 1, 1))
        .entry("dibao_standard.urban")
        .before_first
    )


def test_sources_are_recorded_for_every_published_row():
    rows = [r for r in load_baseline_rows() if r.key in ("dibao_standard.urban", "min_wage.monthly")]
    counties = {r.region_code for r in rows if r.region_code != "220000000000"}
    assert len(counties) == 69
    assert all(r.source and len(r.source) <= 300 for r in load_baseline_rows())
    assert all("http" not in r.source for r in load_baseline_rows())


# --- resolve_parameters is total on regions (issue 9 item 1) -----------------------------------------


@pytest.mark.parametrize("ancestry", [[], ["110101000000", "110100000000", "110000000000"], ["2224"], [None]])
def test_resolve_parameters_rejects_a_region_outside_the_province(ancestry):
    # [] used to raise IndexError (monitoring filtered an out-of-province ancestry down to nothing)
    with pytest.raises(UnknownRegionError) as err:
        resolve_parameters(load_baseline_rows(), ancestry, "urban", dt.date(2025, 1, 1))
    assert isinstance(err.value, ParameterError) and err.value.key == "region"
    assert "不属于吉林省区划" in err.value.message


@pytest.mark.parametrize("code", ["110101", "110101001000", "", "12345", "22040a", None])
def test_baseline_parameters_rejects_unknown_codes(code):
    with pytest.raises(UnknownRegionError):
        baseline_parameters(code, "urban", dt.date(2025, 1, 1))  # type: ignore[arg-type]


def test_obsolete_county_code_of_the_province_uses_flagged_province_floors():
    code = "220381"  # 公主岭市's former code (now 220184): not in the division tree
    params = baseline_parameters(code, "urban", dt.date(2025, 6, 1))
    params.check_complete()
    entry = params.entry("dibao_standard.urban")
    assert (entry.value_text(), entry.region_code, entry.floor) == ("560", "220000000000", True)
    wage = params.entry("min_wage.monthly")
    assert (wage.value_text(), wage.unverified) == ("1780", True)
    assert region_ancestry(code)[-1] == "220000000000"


def test_assessment_for_an_out_of_province_region_is_a_region_error():
    with pytest.raises(AssessmentInputError) as err:
        assess(request(parameters={}, region="110101"))
    assert err.value.path == "region" and "不属于吉林省区划" in str(err.value)


def test_baseline_rows_are_unique():
    rows = load_baseline_rows()
    ids = [(r.key, r.region_code, r.area_type, r.effective_from, r.floor) for r in rows]
    assert len(ids) == len(set(ids))

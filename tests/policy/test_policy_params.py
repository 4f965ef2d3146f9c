"""Parameter rows, the Jilin baseline, region ancestry and the resolver (DOMAIN §4)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest

from doudi.policy.rules import (
    ParameterError,
    ParamRow,
    assess,
    baseline_parameters,
    load_baseline_rows,
    region_ancestry,
    resolve_parameters,
)
from doudi.policy.rules.params import ASSESSMENT_KEYS

from ._factory import request

YANJI = "222401000000"
PROVINCE = "220000000000"


def row(key, region, value, start, end=None, area=None, source="test"):
    return ParamRow.from_mapping(
        {
            "key": key,
            "region_code": region,
            "area_type": area,
            "value": value,
            "effective_from": start,
            "effective_to": end,
            "source": source,
        }
    )


def test_region_ancestry():
    assert region_ancestry("222401101000") == ["222401101000", "222401000000", "222400000000", PROVINCE]
    assert region_ancestry("222401") == [YANJI, "222400000000", PROVINCE]
    assert region_ancestry("222401101203") == [
        "222401101203",
        "222401101000",
        YANJI,
        "222400000000",
        PROVINCE,
    ]
    assert region_ancestry(PROVINCE) == [PROVINCE]
    for bad in ("22240", "2224011", "22240a", "", "２２２４０１"):
        with pytest.raises(ValueError):
            region_ancestry(bad)


@pytest.mark.parametrize(
    ("region", "area", "on", "value", "unverified"),
    [
        ("222401", "urban", dt.date(2025, 6, 30), "660", True),
        ("222401", "urban", dt.date(2025, 7, 1), "760", False),
        ("222401101000", "urban", dt.date(2025, 8, 1), "760", False),  # a township inherits its county
        # was the province-wide guess 640 (unverified); now 南关区's 2024 province floor (issue 9 item 10)
        ("220102", "urban", dt.date(2025, 8, 1), "770", False),
    ],
)
def test_dibao_standard_resolution(region, area, on, value, unverified):
    params = baseline_parameters(region, area, on)
    entry = params.entry("dibao_standard.urban")
    assert entry.value_text() == value
    assert entry.unverified is unverified
    assert params.dibao_standard == Decimal(value)


def test_rural_standard_and_area_specific_ceiling():
    rural = baseline_parameters("222401", "rural", dt.date(2025, 8, 1))
    assert rural.dibao_standard == Decimal("415")  # 延吉's 2022 rural floor (no 2024 rural floor published)
    assert rural.entry("dibao_standard.rural").floor is True
    assert rural.entry("rigid_income_ceiling.annual").value == Decimal("19472")
    urban_2021 = baseline_parameters("222401", "urban", dt.date(2021, 6, 1))
    assert urban_2021.entry("rigid_income_ceiling.annual").value == Decimal("33396")
    rural_2021 = baseline_parameters("222401", "rural", dt.date(2021, 6, 1))
    assert rural_2021.entry("rigid_income_ceiling.annual").value == Decimal("16067")


def test_min_wage_tiers_for_yanji():
    assert baseline_parameters("222401", "urban", dt.date(2025, 8, 1)).decimal("min_wage.monthly") == 1920
    assert baseline_parameters("222401", "urban", dt.date(2024, 8, 1)).decimal("min_wage.monthly") == 1760
    # 长春市区 is in the 2,120 tier from 2024-10-01 (was the province's lowest tier 1780)
    assert baseline_parameters("220102", "urban", dt.date(2025, 8, 1)).decimal("min_wage.monthly") == 2120


def test_baseline_is_complete_for_assessment_dates():
    rows = load_baseline_rows()
    assert {r.key for r in rows} >= set(ASSESSMENT_KEYS)
    for region in ("222401", "220102", "222401101000", "220800000000"):
        for area in ("urban", "rural"):
            for on in (dt.date(2024, 4, 3), dt.date(2025, 1, 1), dt.date(2026, 12, 31)):
                baseline_parameters(region, area, on).check_complete()


def test_baseline_defaults_match_domain():
    p = baseline_parameters("222401", "urban", dt.date(2025, 8, 1))
    expected = {
        "marginal_income_multiple": "2",
        "rigid_expense_share": "0.60",
        "tekun_basic_multiple": "1.3",
        "tekun_care_share.full": "0.30",
        "tekun_care_share.partial": "0.20",
        "tekun_care_share.self": "0.10",
        "topup.serious_illness": "0.30",  # DOMAIN §4: 吉林市's published share (was a 0.20 placeholder)
        "topup.severe_disability": "0.20",
        "topup.elderly_70": "0.10",
        "topup.minor": "0.10",
        "topup_combination": "highest",
        "asset.financial_months": "24",
        "asset.max_dwellings": "1",
        "income_lookback_months": "12",
        "dibao_gradual_exit_months": "6",
        "temp_aid.epidemic_months": "1",
        "temp_aid.township_cap_multiple": "4",
        "temp_aid.small_first_cap": "1000",
        "review_interval_months.stable": "12",
        "review_interval_months.unstable": "6",
        "rigid_validity_months": "12",
        "warning.deadline_wd.red": "3",
        "warning.deadline_wd.orange": "7",
        "warning.deadline_wd.yellow": "15",
        "monitor_after_exit_months": "24",
    }
    assert {k: p.entry(k).value_text() for k in expected} == expected
    assert p.entry("topup.minor").unverified is True
    assert p.entry("marginal_income_multiple").unverified is False


def test_most_specific_region_wins_then_area_then_latest():
    rows = [
        row("k", PROVINCE, "1", "2020-01-01", area="urban"),
        row("k", YANJI, "2", "2020-01-01"),
        row("k", YANJI, "3", "2024-01-01"),
        row("k", YANJI, "4", "2023-01-01", area="urban"),
        row("k", "222401101000", "5", "2030-01-01"),  # not yet effective → falls back to the county
    ]
    ancestry = region_ancestry("222401101000")
    assert resolve_parameters(rows, ancestry, "urban", dt.date(2025, 1, 1)).text("k") == "4"
    assert resolve_parameters(rows, ancestry, "rural", dt.date(2025, 1, 1)).text("k") == "3"
    assert resolve_parameters(rows, ancestry, "rural", dt.date(2022, 1, 1)).text("k") == "2"
    assert resolve_parameters(rows, ancestry, "urban", dt.date(2030, 1, 1)).text("k") == "5"
    assert (
        "k" not in resolve_parameters(rows, ["220100000000", PROVINCE], "rural", dt.date(2025, 1, 1)).entries
    )


def test_effective_to_is_inclusive():
    rows = [row("k", PROVINCE, "1", "2020-01-01", "2020-12-31"), row("k", PROVINCE, "2", "2021-01-01")]
    assert resolve_parameters(rows, [PROVINCE], "urban", dt.date(2020, 12, 31)).text("k") == "1"
    assert resolve_parameters(rows, [PROVINCE], "urban", dt.date(2021, 1, 1)).text("k") == "2"


@pytest.mark.parametrize(
    "bad",
    [
        {"area_type": "town"},
        {"effective_from": "2020/01/01"},
        {"effective_to": "2019-01-01"},
        {"region_code": "22"},
        {"key": "dibao_standard.urban", "value": "-1"},
        {"key": "rigid_expense_share", "value": "0.123456"},
        {"key": "topup_combination", "value": "max"},
        {"key": "tekun_disability.max_grade", "value": "arm:2"},
        {"key": ""},
    ],
)
def test_invalid_rows_are_rejected(bad):
    data = {"key": "marginal_income_multiple", "region_code": PROVINCE, "area_type": None, "value": "2"}
    data |= {"effective_from": "2020-01-01", "effective_to": None, "source": "x"}
    data |= bad
    with pytest.raises(ParameterError):
        ParamRow.from_mapping(data)


def test_row_round_trip():
    for r in load_baseline_rows():
        assert ParamRow.from_mapping(r.as_dict()) == r


def test_override_provenance():
    base = baseline_parameters("222401", "urban", dt.date(2025, 8, 1))
    same = base.with_overrides({"dibao_standard": Decimal("760")})
    assert same.entry("dibao_standard.urban") == base.entry("dibao_standard.urban")
    changed = base.with_overrides({"dibao_standard": Decimal("800"), "topup_combination": "sum"})
    entry = changed.entry("dibao_standard.urban")
    assert entry.override and entry.value == Decimal("800") and "parameters.dibao_standard" in entry.source
    assert changed.ints.dibao_fen == 80000 and changed.ints.topup_sum is True
    assert base.ints.dibao_fen == 76000  # the original is untouched
    with pytest.raises(ParameterError):
        base.with_overrides({"nope": 1})


def test_rural_dibao_standard_override_targets_area_type():
    result = assess(request(income_total=6000, area_type="rural", parameters={"dibao_standard": 600}))
    used = {p["key"]: p["value"] for p in result["parameters_used"]}
    assert used["dibao_standard.rural"] == "600"
    assert result["benefits"][0] == {"rule": "R-B1", "member": None, "monthly": 100}


def test_parameters_used_lists_what_the_rules_read():
    result = assess(request(income_total=6000, parameters={}))
    keys = [p["key"] for p in result["parameters_used"]]
    assert keys[0] == "dibao_standard.urban"
    assert "tekun_basic_multiple" not in keys and "min_wage.monthly" not in keys
    assert all({"key", "value", "effective_from", "source"} <= set(p) for p in result["parameters_used"])


def test_policy_package_imports_without_django():
    code = (
        "import sys, doudi.policy as p; p.assess; "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith(('django.', 'ninja'))], 'django'"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)

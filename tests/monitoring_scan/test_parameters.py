"""Indicators are dated per-region parameters changed through the reviewed mechanism (DOMAIN §4, R-M12)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from doudi.monitoring.scans import params
from doudi.policy import params_store
from doudi.policy.actions import approve_proposal, propose_parameter_change
from doudi.policy.models import ParameterValue

from .conftest import AS_OF, NG, T1, D, make_family, open_warnings, run_all, write_batch

pytestmark = pytest.mark.django_db

YANJI = "222401000000"


def hardship_students():
    yanji = make_family("H-YJ", region=T1, category="MARGINAL")
    nanguan = make_family("H-NG", region=NG, category="MARGINAL")
    write_batch(1, "student", [
        {"person": f.head, "stage": "senior", "school": "一中", "hardship_flag": True} for f in (yanji, nanguan)
    ])  # fmt: skip
    return yanji, nanguan


def test_baseline_defaults_resolve_for_every_indicator(scan_env):
    row = params.resolve(T1, "urban", AS_OF)
    assert row["edu_on"] and row["edu_level"] == "yellow" and row["dsr_level"] == "orange"
    assert (row["ill_t"], row["inc_t"], row["rigid_share"]) == (params.Decimal("0.5"), params.Decimal("0.30"),
                                                                params.Decimal("0.60"))  # fmt: skip
    assert (row["dl_red"], row["dl_orange"], row["dl_yellow"]) == (3, 7, 15)


def test_an_approved_proposal_disables_w_edu_for_one_county(scan_env, make_user):
    county = make_user("county_officer", YANJI)
    city = make_user("city_officer", "222400000000")
    with all_regions():
        proposal = propose_parameter_change(
            actor=county,
            region_code=YANJI,
            reason="本县教育资助已全覆盖，停用因学预警",
            changes=[{"key": "warning.W-EDU.enabled", "value": "false", "effective_from": "2025-07-01"}],
        )
        approve_proposal(actor=city, proposal=proposal)
    params_store.clear_cache()
    yanji, nanguan = hardship_students()
    run_all()
    assert [w.household_id for w in open_warnings("W-EDU")] == [nanguan.household.pk]
    # before the change took effect the indicator was on in 延吉 too
    assert params.resolve(T1, "urban", D(2025, 6, 30))["edu_on"] is True


def test_a_county_row_changes_the_level_of_an_indicator(scan_env):
    ParameterValue.objects.create(key="warning.W-EDU.level", region_code=YANJI, value="red", unit="enum",
                                  effective_from=dt.date(2025, 1, 1), source="测试")  # fmt: skip
    params_store.clear_cache()
    hardship_students()
    run_all()
    assert sorted((w.region_code, w.level) for w in open_warnings("W-EDU")) == [(NG, "yellow"), (T1, "red")]


def test_a_threshold_change_moves_the_firing_point(scan_env):
    from decimal import Decimal

    ParameterValue.objects.create(key="warning.W-ILL.threshold", region_code=YANJI, value="0.4", unit="ratio",
                                  effective_from=dt.date(2025, 1, 1), source="测试")  # fmt: skip
    params_store.clear_cache()
    fam = make_family("H", income={"total": 24000, "months": 12})
    write_batch(1, "medical_expense", [{"person": fam.head, "period_start": D(2025, 7, 1), "period_end": D(2025, 7, 31),
                                        "total_expense": Decimal(20000), "out_of_pocket": Decimal(9600)}])  # fmt: skip
    run_all()
    assert [w.level for w in open_warnings("W-ILL")] == ["orange"]  # 9,600 = 0.4 × 24,000


def test_an_invalid_value_is_refused_by_the_proposal(scan_env, make_user):
    from doudi.policy.actions import PolicyError

    county = make_user("county_officer", YANJI)
    with all_regions(), pytest.raises(PolicyError, match="取值应为"):
        propose_parameter_change(
            actor=county, region_code=YANJI, reason="x",
            changes=[{"key": "warning.W-EDU.level", "value": "purple", "effective_from": "2025-07-01"}],
        )  # fmt: skip

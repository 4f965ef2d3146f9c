"""Proactive discovery (R-M16): unmatched department records with strong signals → potential cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from doudi.core import idnumber
from doudi.monitoring.models import EarlyWarning, PotentialCase

from .conftest import NG, T1, D, make_family, open_warnings, run_all, write_batch

pytestmark = pytest.mark.django_db

OUT_A = idnumber.make("222401", D(1970, 2, 2), 51, male=True)
OUT_B = idnumber.make("222401", D(1985, 4, 4), 52, male=False)
OUT_C = idnumber.make("220102", D(1960, 6, 6), 53, male=True)


def outsider(number, name="赵大", region=T1, **cols):
    return {"person": None, "id_number": number, "name": name, "region_code": region, **cols}


def severe(number, region=T1, grade=1):
    return outsider(number, region=region, disability_kind="physical", disability_grade=grade,
                    certified_on=D(2025, 7, 1))  # fmt: skip


def cases():
    return list(PotentialCase.unscoped.order_by("id"))


def test_severe_disability_without_employment(scan_env):
    write_batch(1, "disability", [severe(OUT_A), severe(OUT_B, grade=3), severe(OUT_C, region=NG)])
    # OUT_C pays social insurance: employed, not a strong signal
    write_batch(
        2, "social_insurance", [outsider(OUT_C, region=NG, month="2025-07", contribution_base=Decimal(3000))]
    )
    result = run_all()
    [case] = cases()
    assert case.id_index and case.region_code == T1 and case.status == "open"
    assert case.name == "赵大" and case.birth_date == D(1970, 2, 2) and case.id_masked == "未知"
    assert [s["signal"] for s in case.signals] == ["severe_disability_no_employment"]
    assert OUT_A not in str(case.signals)  # no plain identity number anywhere
    [w] = open_warnings("W-NEW")
    assert w.potential_case_id == case.pk and w.household_id is None and w.region_code == T1
    assert w.level == "orange" and w.dedupe_key == f"W-NEW:p{case.pk}"
    # straight into the township's inbox
    assert (w.status, w.township_code) == ("dispatched", T1)
    assert result.potential["new"] == 1


def test_the_case_shows_the_masked_number_the_intake_stored(scan_env):
    write_batch(1, "disability", [severe(OUT_A)], masked=True)
    run_all()
    [case] = cases()
    assert case.id_masked == OUT_A[:6] + "********" + OUT_A[-4:]
    assert OUT_A not in str(case.signals)


def test_registry_persons_are_not_potential_cases(scan_env):
    fam = make_family("H")
    write_batch(1, "disability", [{"person": fam.head, "disability_kind": "physical", "disability_grade": 1,
                                   "certified_on": D(2025, 7, 1)}])  # fmt: skip
    run_all()
    assert cases() == [] and [w.indicator for w in open_warnings()] == ["W-DIS"]


def test_large_medical_expense_at_the_amount(scan_env):
    def med(number, amount, end):
        return outsider(number, period_start=D(2025, 6, 1), period_end=end, total_expense=Decimal(amount) * 2,
                        out_of_pocket=Decimal(amount))  # fmt: skip

    write_batch(1, "medical_expense", [
        med(OUT_A, "12000", D(2025, 6, 30)), med(OUT_A, "8000", D(2025, 7, 31)),  # 20,000: at the amount
        med(OUT_B, "12000", D(2025, 6, 30)), med(OUT_B, "7999.99", D(2025, 7, 31)),  # below
        med(OUT_C, "30000", D(2025, 4, 30)),  # outside the 3 months
    ])  # fmt: skip
    run_all()
    [case] = cases()
    assert len(case.signals) == 2 and {s["signal"] for s in case.signals} == {"large_medical_expense"}
    assert case.birth_date == D(1970, 2, 2)


def test_disaster_with_collapsed_dwelling_is_red(scan_env):
    def dsr(number, damage):
        return outsider(number, event="洪涝", occurred_on=D(2025, 7, 10), dwelling_damage=damage)

    write_batch(1, "disaster", [dsr(OUT_A, "collapsed"), dsr(OUT_B, "minor"), dsr(OUT_C, "severe")])
    run_all()
    levels = sorted(EarlyWarning.unscoped.values_list("region_code", "level"))
    assert levels == [(T1, "orange"), (T1, "red")]


def test_records_without_a_number_or_region_are_not_routed(scan_env):
    write_batch(
        1,
        "disability",
        [
            severe(None),
            outsider(
                OUT_B, region=None, disability_kind="mental", disability_grade=2, certified_on=D(2025, 7, 1)
            ),
        ],
    )
    result = run_all()
    # the second has no region but its number names the county 222401
    [case] = cases()
    assert case.region_code == "222401000000"
    assert result.potential["skipped_no_id"] == 1
    # known only by its county: it waits in the county inbox to be dispatched
    assert EarlyWarning.unscoped.get().status == "raised"


def test_discovery_is_idempotent_and_merges_by_person(scan_env):
    write_batch(1, "disability", [severe(OUT_A)])
    run_all()
    assert run_all().potential["new"] == 0
    assert len(cases()) == 1 and EarlyWarning.unscoped.count() == 1
    write_batch(
        2, "disaster", [outsider(OUT_A, event="洪涝", occurred_on=D(2025, 7, 10), dwelling_damage="severe")]
    )
    result = run_all()
    assert result.potential["new"] == 0 and result.potential["merged"] == 1
    [case] = cases()
    assert [s["signal"] for s in case.signals] == ["severe_disability_no_employment", "disaster_dwelling"]
    [w] = open_warnings("W-NEW")
    assert len(w.evidence) == 2 and w.merged_count == 2


def test_dismissed_case_is_not_reopened_by_the_same_records(scan_env):
    write_batch(1, "disability", [severe(OUT_A)])
    run_all()
    PotentialCase.unscoped.update(status="dismissed")
    EarlyWarning.unscoped.update(is_open=False, status="closed", closed_on=D(2025, 8, 5))
    assert run_all().potential["new"] == 0
    assert len(cases()) == 1

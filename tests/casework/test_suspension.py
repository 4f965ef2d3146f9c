# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""Suspension (R-W34): held from the month after, cleared in time → resume with the held months paid as
arrears (an event payments listens to); too late → termination with a letter; missed monthly checks."""

from __future__ import annotations

import pytest

from doudi.casework.events import CaseChange
from doudi.casework.lifecycle_actions import (
    clear_suspension,
    lapse_suspensions,
    record_presence_check,
    suspend,
)
from doudi.casework.models import Case, CaseDecision, Suspension
from doudi.core.scoping import all_regions
from tests.casework.life_helpers import D, case, events_of, letters_of, today  # noqa: F401

pytestmark = pytest.mark.django_db


def _case(pk):
    with all_regions():
        return Case.unscoped.get(pk=pk)


def test_suspend_then_clear_in_time_pays_the_held_months(case, staff, today):
    today(D(2027, 2, 10))
    s = suspend(actor=staff["township"], case=case, cause="bank_failure", on=D(2026, 12, 20))
    assert s.start_month == D(2027, 1, 1) and _case(case.pk).state == "suspended"
    assert suspend(actor=staff["township"], case=case, cause="bank_failure", on=D(2026, 12, 21)).pk == s.pk
    assert [lt.context["action_label"] for lt in letters_of(case, "suspension")] == ["暂停发放"]
    seen, stop = events_of(CaseChange.SUSPENSION_CLEARED)
    try:
        clear_suspension(actor=staff["township"], suspension=s, on=D(2027, 2, 10))
    finally:
        stop()
    assert _case(case.pk).state == "active"
    assert seen and seen[0]["held_from"] == D(2027, 1, 1) and seen[0]["held_until"] == D(2027, 2, 1)
    with all_regions():
        resume = CaseDecision.unscoped.get(case=case, kind="resume")
    assert resume.effective_month == D(2027, 1, 1)


def test_cleared_too_late_terminates_without_the_held_months(case, staff, today):
    today(D(2027, 5, 3))
    s = suspend(actor=staff["township"], case=case, cause="refused_visit", on=D(2026, 12, 20))
    clear_suspension(actor=staff["township"], suspension=s, on=D(2027, 4, 2))  # Jan–Apr: 4 months > 3
    c = _case(case.pk)
    assert c.state in ("terminated", "transitioned") and c.pay_until == D(2026, 12, 1)
    with all_regions():
        assert Suspension.unscoped.get(pk=s.pk).outcome == "terminated"
    assert any(lt.context["action_label"] == "终止救助" for lt in letters_of(case, "suspension"))


def test_daily_pass_lapses_old_suspensions(case, staff, today):
    today(D(2027, 5, 3))
    suspend(actor=staff["township"], case=case, cause="missed_checks", on=D(2026, 12, 20))
    assert lapse_suspensions(D(2027, 3, 31)) == 0
    assert lapse_suspensions(D(2027, 4, 1)) == 1
    assert _case(case.pk).state in ("terminated", "transitioned")


def test_two_missed_checks_in_a_row_suspend(case, staff, today):
    today(D(2027, 3, 5))
    record_presence_check(actor=staff["grid"], case=case, month=D(2027, 1, 1), passed=False)
    record_presence_check(actor=staff["grid"], case=case, month=D(2027, 2, 1), passed=True)
    assert _case(case.pk).state == "active"
    record_presence_check(actor=staff["grid"], case=case, month=D(2027, 3, 1), passed=False)
    assert _case(case.pk).state == "active"  # Feb passed: not consecutive
    record_presence_check(actor=staff["grid"], case=case, month=D(2027, 2, 1), passed=False)  # corrected
    c = _case(case.pk)
    assert c.state == "suspended"
    with all_regions():
        assert Suspension.unscoped.get(case=c, outcome="").cause == "missed_checks"

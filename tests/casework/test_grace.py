# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""Gradual exit (R-W33, R-X2): employment income between S and the ceiling → a grace record for the
param months with the amount kept and its letter; outside the band refused; the daily pass ends it
after its last month with termination and the direct transition (R-X1)."""

from __future__ import annotations

import pytest

from doudi.casework.base import CaseworkError
from doudi.casework.lifecycle_actions import open_change_review
from doudi.casework.models import Case, GracePeriod
from doudi.casework.review_decide_actions import decide_review
from doudi.casework.review_schedule_actions import end_due_grace
from doudi.core.scoping import all_regions
from tests.casework.life_helpers import D, case, letters_of, set_income, today  # noqa: F401

pytestmark = pytest.mark.django_db


def _review(case, staff):
    return open_change_review(
        actor=staff["grid"], case=case, trigger="grid", change_type="employment", on=D(2026, 12, 1)
    )


def test_employment_grace_keeps_the_amount_for_six_months_then_ends_with_transition(
    case, staff, family, today
):
    household, _ = family
    set_income(household, 21600, D(2026, 12, 1))  # 900 a person: ≥ S 760, < 1.5 × S
    review = decide_review(
        actor=staff["county"],
        review=_review(case, staff),
        outcome="grace",
        on=D(2026, 12, 3),
        trigger="employment",
    )
    with all_regions():
        grace = GracePeriod.unscoped.get(case=case)
        c = Case.unscoped.get(pk=case.pk)
    assert review.outcome == "grace" and c.state == "grace" and c.monthly_total == case.monthly_total
    assert (grace.start_month, grace.end_month) == (D(2027, 1, 1), D(2027, 6, 1))
    assert (grace.original_tier, grace.original_amount, grace.trigger) == (
        "DIBAO",
        case.monthly_total,
        "employment",
    )
    (letter,) = letters_of(case, "grace")
    assert letter.context["grace_end"] == "2027年6月"
    today(D(2027, 7, 1))
    assert end_due_grace(D(2027, 6, 30)) == 0
    assert end_due_grace(D(2027, 7, 1)) == 1
    with all_regions():
        c = Case.unscoped.get(pk=case.pk)
        grace = GracePeriod.unscoped.get(case=case)
        marginal = Case.unscoped.get(household=household, tier="MARGINAL")
    assert c.state == "transitioned" and c.pay_until == D(2027, 6, 1) and grace.ended_on == D(2027, 7, 1)
    assert marginal.since == D(2027, 7, 1)
    assert end_due_grace(D(2027, 7, 2)) == 0


def test_grace_refused_outside_the_income_band(case, staff, family):
    household, _ = family
    set_income(household, 6000, D(2026, 12, 1))  # still under S
    with pytest.raises(CaseworkError):
        decide_review(
            actor=staff["county"],
            review=_review(case, staff),
            outcome="grace",
            on=D(2026, 12, 3),
            trigger="employment",
        )


def test_head_death_grace_only_where_the_region_says_so(case, staff):
    with pytest.raises(CaseworkError):
        decide_review(
            actor=staff["county"],
            review=_review(case, staff),
            outcome="grace",
            on=D(2026, 12, 3),
            trigger="head_death",
        )

# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""Changes between reviews (R-W32): a change opens a change review due in working days; a second change
joins the open review; the reporter must be inside the case's region."""

from __future__ import annotations

import pytest

from doudi.casework.lifecycle_actions import open_change_review
from doudi.casework.models import Case, CaseReview
from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days
from tests.casework.life_helpers import D, case  # noqa: F401

pytestmark = pytest.mark.django_db


def test_change_opens_review_due_in_working_days(case, staff):
    review = open_change_review(
        actor=staff["grid"],
        case=case,
        trigger="grid",
        change_type="employment",
        on=D(2026, 12, 1),
        detail="儿子就业",
    )
    assert review.kind == "change" and review.state == "open"
    assert review.due == add_working_days(D(2026, 12, 1), 15)
    assert "就业" in review.change_detail and "儿子就业" in review.change_detail
    with all_regions():
        assert Case.unscoped.get(pk=case.pk).state == "under_review"


def test_second_change_joins_the_open_review(case, staff):
    first = open_change_review(
        actor=staff["township"], case=case, trigger="family", change_type="income", on=D(2026, 12, 1)
    )
    second = open_change_review(
        actor=staff["township"],
        case=case,
        trigger="warning",
        on=D(2026, 12, 2),
        detail="预警：收入增加",
        warning_id=77,
    )
    assert first.pk == second.pk
    with all_regions():
        assert CaseReview.unscoped.filter(case=case).count() == 1
        r = CaseReview.unscoped.get(pk=first.pk)
    assert "预警：收入增加" in r.change_detail and r.warning_id == 77


def test_reporter_outside_the_region_is_refused(case, staff):
    with pytest.raises(PermissionError):
        open_change_review(actor=staff["other_township"], case=case, trigger="family", on=D(2026, 12, 1))


def test_death_opens_the_review_and_ends_payment_of_the_last_paid_person(case, staff, family):
    from doudi.casework.lifecycle_actions import record_death
    from doudi.casework.models import DeathRecord

    _, people = family
    record_death(
        actor="system",
        person=people[0],
        died_on=D(2026, 12, 3),
        source="cremation",
        source_ref="HH-1",
        on=D(2026, 12, 4),
    )
    with all_regions():
        c = Case.unscoped.get(pk=case.pk)
        review = CaseReview.unscoped.get(case=case, state="open")
    assert c.pay_until is None  # the spouse is still paid
    assert review.trigger == "data" and review.change_type == "death"
    again = record_death(
        actor="system", person=people[0], died_on=D(2026, 12, 3), source="cremation", on=D(2026, 12, 5)
    )
    with all_regions():
        assert DeathRecord.unscoped.count() == 1 and again.recorded_on == D(2026, 12, 4)
    record_death(
        actor=staff["township"], person=people[1], died_on=D(2026, 12, 5), source="family", on=D(2026, 12, 6)
    )
    with all_regions():
        c = Case.unscoped.get(pk=case.pk)
        assert CaseReview.unscoped.filter(case=case).count() == 1  # joined the open review
    assert c.pay_until == D(2026, 12, 1)  # month of death (pay.death_rule)

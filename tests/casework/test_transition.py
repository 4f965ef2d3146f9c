# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""R-W36, R-X1 and the tiers' own review rhythm (R-W9, R-W30): a former TEKUN household that fits DIBAO
is moved over directly; TEKUN is reviewed yearly whatever its class; RIGID is re-recognised for its
validity, or ends."""

from __future__ import annotations

import pytest

from doudi.casework.lifecycle_actions import open_change_review
from doudi.casework.models import Case, CaseReview
from doudi.casework.review_decide_actions import decide_review, end_notice
from doudi.casework.review_schedule_actions import open_due_reviews
from doudi.core.scoping import all_regions
from tests.casework.life_helpers import D, case, letters_of, today  # noqa: F401

pytestmark = pytest.mark.django_db


def _as(case, **values):
    with all_regions():
        Case.unscoped.filter(pk=case.pk).update(**values)
        return Case.unscoped.get(pk=case.pk)


def test_former_tekun_household_that_fits_dibao_is_moved_over(case, staff, today):
    case = _as(case, tier="TEKUN")  # the family's facts fit DIBAO, not TEKUN
    review = open_change_review(
        actor=staff["township"], case=case, trigger="family", change_type="health", on=D(2026, 12, 1)
    )
    review = decide_review(
        actor=staff["county"],
        review=review,
        outcome="transition",
        on=D(2026, 12, 2),
        reasons=["身体状况好转"],
    )
    today(D(2026, 12, 10))
    end_notice(actor=staff["county"], review=review, on=D(2026, 12, 10))
    with all_regions():
        old = Case.unscoped.get(pk=case.pk)
        new = Case.unscoped.get(household=case.household_id, tier="DIBAO")
    assert old.state == "transitioned" and old.pay_until == D(2026, 12, 1)
    assert new.pay_from == D(2027, 1, 1) and new.monthly_total > 0 and new.basis_id is not None
    assert letters_of(case, "transition")[0].context["to_tier"] == "最低生活保障"


def test_tekun_is_reviewed_yearly_whatever_its_class(case, staff):
    case = _as(case, tier="TEKUN", review_class="C")
    review = open_change_review(actor=staff["township"], case=case, trigger="family", on=D(2026, 12, 1))
    decide_review(actor=staff["county"], review=review, outcome="unchanged", on=D(2026, 12, 2))
    with all_regions():
        assert Case.unscoped.get(pk=case.pk).next_review == D(2027, 12, 2)


def test_rigid_is_re_recognised_for_its_validity(case, staff, today):
    case = _as(case, tier="RIGID", review_class="", next_review=D(2027, 1, 4), monthly_total=0)
    today(D(2027, 1, 5))
    assert open_due_reviews(D(2027, 1, 4)) == 1
    with all_regions():
        review = CaseReview.unscoped.get(case=case)
    assert review.kind == "rigid"
    decide_review(actor=staff["county"], review=review, outcome="unchanged", on=D(2027, 1, 5))
    with all_regions():
        assert Case.unscoped.get(pk=case.pk).next_review == D(2028, 1, 5)  # rigid_validity_months 12


def test_rigid_not_re_recognised_ends_without_notice(case, staff, today):
    case = _as(case, tier="RIGID", review_class="", next_review=D(2027, 1, 4), monthly_total=0)
    today(D(2027, 1, 5))
    open_due_reviews(D(2027, 1, 4))
    with all_regions():
        review = CaseReview.unscoped.get(case=case)
    review = decide_review(
        actor=staff["county"],
        review=review,
        outcome="terminate",
        on=D(2027, 1, 5),
        reasons=["有效期满未重新认定"],
    )
    assert review.state == "decided"
    with all_regions():
        assert Case.unscoped.get(pk=case.pk).state in ("terminated", "transitioned")

# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""The daily review scheduler (R-W30, R-W31, R-W9): reviews open at the due date in one set-based pass,
idempotently; RIGID cases are re-recognised; class C (or the region's rule) asks for a visit; a
declared emergency's extension moves due dates; the clock's daily pass runs it."""

from __future__ import annotations

import pytest

from doudi.casework import clock_actions
from doudi.casework.models import Case, CaseReview
from doudi.casework.review_schedule_actions import daily, open_due_reviews
from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days
from tests.casework.life_helpers import D, case, today  # noqa: F401

pytestmark = pytest.mark.django_db


def _set(case, **values):
    with all_regions():
        Case.unscoped.filter(pk=case.pk).update(**values)


def _reviews(case):
    with all_regions():
        return list(CaseReview.unscoped.filter(case=case))


def test_due_case_gets_one_review_and_the_pass_is_idempotent(case, today):
    assert case.review_class == "A" and case.next_review == D(2027, 11, 13)  # class A: 12 months
    assert open_due_reviews(D(2027, 11, 12)) == 0
    assert open_due_reviews(D(2027, 11, 13)) == 1
    assert open_due_reviews(D(2027, 11, 13)) == 0
    assert open_due_reviews(D(2027, 11, 16)) == 0
    (review,) = _reviews(case)
    assert (review.kind, review.trigger, review.state) == ("periodic", "due", "open")
    assert review.opened_on == D(2027, 11, 13) and review.due == add_working_days(D(2027, 11, 13), 15)
    assert not review.visit_needed
    with all_regions():
        assert Case.unscoped.get(pk=case.pk).state == "under_review"


def test_class_c_asks_for_a_visit_and_rigid_is_re_recognised(case):
    _set(case, review_class="C", next_review=D(2027, 2, 1))
    open_due_reviews(D(2027, 2, 1))
    (review,) = _reviews(case)
    assert review.visit_needed and review.state == "visit" and "C类" in review.visit_reasons[0]
    _set(case, tier="RIGID", next_review=D(2027, 6, 1), review_class="")
    with all_regions():
        CaseReview.unscoped.filter(case=case).update(state="decided")
    open_due_reviews(D(2027, 6, 1))
    assert sorted(r.kind for r in _reviews(case)) == ["periodic", "rigid"]


def test_declared_emergency_extends_due_dates(case, staff):
    from doudi.policy import params_store
    from doudi.policy.models import ParameterValue

    with all_regions():
        ParameterValue.objects.create(
            key="review.emergency_extension_days",
            region_code="222401000000",
            area_type=None,
            value="30",
            unit="days",
            effective_from=D(2027, 10, 1),
            effective_to=D(2027, 12, 31),
            source="延吉市重大突发事件应急响应",
        )
    params_store.clear_cache()
    assert open_due_reviews(D(2027, 11, 13)) == 0
    assert open_due_reviews(D(2027, 12, 13)) == 1


def test_clock_daily_pass_opens_reviews(case, today):
    today(D(2027, 11, 13))
    result = clock_actions.daily(D(2027, 11, 13))
    assert result["reviews_opened"] == 1 and result["reviews_prepared"] == 1
    (review,) = _reviews(case)
    assert review.verification is not None  # re-run under the application's authorizations
    assert not review.visit_needed and review.state == "open"  # class A, data unchanged: no visit
    assert daily(D(2027, 11, 13))["reviews_opened"] == 0

# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""The monitoring loop's "existing recipient no longer eligible" disposition (R-M15, R-M13) lands in
casework as a change review on the household's open case (R-W32), the warning named on it."""

from __future__ import annotations

import pytest

from doudi.casework.models import CaseReview
from doudi.core.scoping import all_regions, using_scope
from tests.casework.life_helpers import D, case  # noqa: F401
from tests.conftest import YANJI, YANJI_T1

pytestmark = pytest.mark.django_db


def test_eligibility_disposition_opens_a_change_review(case, staff, family, make_user):
    from doudi.monitoring.loop import disposition_actions, visit_actions, warning_actions

    household, _ = family
    grid, county = staff["grid"], staff["county"]
    with all_regions():
        w = warning_actions.raise_warning(
            actor="scan",
            household=household,
            indicator="W-ELIG",
            level="orange",
            raised_on=D(2026, 12, 1),
            evidence=[{"source": "社保", "batch_id": 1, "record_id": "r1", "detail": "新增工资收入"}],
        )
    with using_scope(YANJI):
        warning_actions.dispatch(actor=county, warning=w, township_code=YANJI_T1)
    with using_scope(YANJI_T1):
        warning_actions.assign(actor=staff["township"], warning=w, user=grid)
        visit_actions.record_visit(
            actor=grid,
            warning=w,
            visited_on=D(2026, 12, 1),
            visitors=["张网格", "李协理"],
            findings="儿子就业，收入增加",
            hardship_found=False,
        )
        w.refresh_from_db()
        d = disposition_actions.dispose(
            actor=staff["township"], warning=w, kind="eligibility", detail={}, note=""
        )
    with all_regions():
        (review,) = CaseReview.unscoped.filter(case=case)
    assert review.trigger == "warning" and review.warning_id == w.pk and review.state == "open"
    assert "监测预警复核测算" in review.change_detail
    assert d.detail["reviews"] == [review.pk] and d.detail["decision_id"]

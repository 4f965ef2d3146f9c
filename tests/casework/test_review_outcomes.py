# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""A review's outcomes (R-W30, R-W31): unchanged keeps the amount and sets the next review; adjust
re-runs the assessment, takes effect the month after with its letter (unless under the threshold); only
the confirming authority decides; a visit asked for must be done first."""

from __future__ import annotations

import pytest

from doudi.casework.base import CaseworkError
from doudi.casework.lifecycle_actions import open_change_review
from doudi.casework.models import Case, CaseDecision, CaseReview
from doudi.casework.review_decide_actions import decide_review, record_visit
from doudi.core.scoping import all_regions
from tests.casework.life_helpers import D, case, letters_of, set_income  # noqa: F401

pytestmark = pytest.mark.django_db
DEC_1 = D(2026, 12, 1)


def _review(case, staff, on=DEC_1):
    return open_change_review(
        actor=staff["township"], case=case, trigger="family", change_type="income", on=on
    )


def _get(model, pk):
    with all_regions():
        return model.unscoped.get(pk=pk)


def test_unchanged_keeps_the_amount_and_sets_the_next_review(case, staff):
    review = decide_review(
        actor=staff["county"], review=_review(case, staff), outcome="unchanged", on=D(2026, 12, 4)
    )
    c = _get(Case, case.pk)
    assert review.state == "decided" and review.outcome == "unchanged"
    assert c.state == "active" and c.monthly_total == case.monthly_total and c.next_review == D(2027, 12, 4)
    assert _get(CaseDecision, review.decision_id).kind == "unchanged"
    assert not letters_of(case, "adjustment")


def test_adjust_reassesses_and_pays_the_new_amount_from_next_month(case, staff, family):
    household, _ = family
    set_income(household, 6000, D(2026, 12, 1))  # 300 → 500 yuan a month
    review = decide_review(
        actor=staff["county"],
        review=_review(case, staff),
        outcome="adjust",
        on=D(2026, 12, 4),
        reasons="养老金增加",
    )
    c = _get(Case, case.pk)
    decision = _get(CaseDecision, review.decision_id)
    assert c.state == "adjusted" and c.monthly_total == case.monthly_total - 200  # (S − p) × n: p up 100
    assert (decision.kind, decision.old_monthly_total, decision.monthly_total) == (
        "adjust",
        case.monthly_total,
        c.monthly_total,
    )
    assert decision.effective_month == D(2027, 1, 1) and decision.assessment_id == c.decision_id
    (letter,) = letters_of(case, "adjustment")
    assert letter.context["direction"] == "减发" and letter.context["start_month"] == "2027年1月"


def test_adjust_without_a_change_is_unchanged(case, staff):
    review = decide_review(
        actor=staff["county"], review=_review(case, staff), outcome="adjust", on=D(2026, 12, 4)
    )
    assert review.outcome == "unchanged" and _get(Case, case.pk).monthly_total == case.monthly_total


def test_only_the_confirming_authority_decides(case, staff):
    review = _review(case, staff)
    with pytest.raises(PermissionError):
        decide_review(actor=staff["township"], review=review, outcome="unchanged", on=D(2026, 12, 4))
    with pytest.raises(PermissionError):
        decide_review(actor=staff["other_county"], review=review, outcome="unchanged", on=D(2026, 12, 4))


def test_a_visit_asked_for_comes_first(case, staff):
    review = _review(case, staff)
    with all_regions():
        CaseReview.unscoped.filter(pk=review.pk).update(
            visit_needed=True, visit_reasons=["C类对象"], state="visit"
        )
    with pytest.raises(CaseworkError):
        decide_review(actor=staff["county"], review=review, outcome="unchanged", on=D(2026, 12, 4))
    record_visit(actor=staff["grid"], review=review, findings="入户核实，情况无变化", on=D(2026, 12, 3))
    assert (
        decide_review(actor=staff["county"], review=review, outcome="unchanged", on=D(2026, 12, 4)).state
        == "decided"
    )

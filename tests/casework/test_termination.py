# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""Termination (R-W35, R-W11) and the transition every termination runs (R-W36, R-X1): notice first,
effective the month after the decision; death without notice; a TEKUN objection sends the case back
to be decided within its deadline; MARGINAL recognised directly with both letters issued together."""

from __future__ import annotations

import pytest

from doudi.casework.base import CaseworkError
from doudi.casework.lifecycle_actions import open_change_review
from doudi.casework.models import Case, CaseDecision, CaseReview
from doudi.casework.review_decide_actions import decide_review, end_notice, record_objection
from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days
from doudi.registry.models import CategoryStatus
from tests.casework.life_helpers import D, case, letters_of, set_income, today  # noqa: F401

pytestmark = pytest.mark.django_db
DEC_1 = D(2026, 12, 1)


def _review(case, staff, on=DEC_1):
    return open_change_review(
        actor=staff["township"], case=case, trigger="family", change_type="income", on=on
    )


def _case(pk):
    with all_regions():
        return Case.unscoped.get(pk=pk)


def _open_categories(household):
    with all_regions():
        return sorted(
            CategoryStatus.unscoped.filter(household=household, until__isnull=True).values_list(
                "category", flat=True
            )
        )


def test_dibao_termination_goes_to_notice_then_takes_effect_next_month(case, staff, family, today):
    household, _ = family
    set_income(household, 120000, D(2026, 12, 1))  # 5,000 yuan a person a month: no tier fits
    review = decide_review(
        actor=staff["county"],
        review=_review(case, staff),
        outcome="terminate",
        on=D(2026, 12, 2),
        reasons=["收入超过标准"],
    )
    assert review.state == "in_notice" and review.notice_until == D(2026, 12, 9)
    assert _case(case.pk).state == "under_review"  # still paid during the notice
    today(D(2026, 12, 10))
    with pytest.raises(CaseworkError):
        end_notice(actor=staff["county"], review=review, on=D(2026, 12, 9))
    review = end_notice(actor=staff["county"], review=review, on=D(2026, 12, 10))
    c = _case(case.pk)
    assert review.state == "decided" and c.state == "terminated"
    assert c.pay_until == D(2026, 12, 1) and c.until == D(2026, 12, 10)  # paid for December, not January
    with all_regions():
        decision = CaseDecision.unscoped.get(case=case, kind="terminate")
    assert decision.effective_month == D(2027, 1, 1)
    (letter,) = letters_of(case, "suspension")
    assert letter.context["action_label"] == "终止救助"
    assert any(
        c["rule"].startswith("R-D") for c in letter.context["failed_conditions"]
    )  # the figures of R-W35
    assert _open_categories(household) == []
    assert not letters_of(case, "transition")


def test_termination_recognises_marginal_directly_with_both_letters(case, staff, family, today):
    household, people = family
    set_income(household, 21600, D(2026, 12, 1))  # 900 a person: above S 760, under 1.5 × S
    review = decide_review(
        actor=staff["county"],
        review=_review(case, staff),
        outcome="transition",
        on=D(2026, 12, 2),
        reasons=["收入超过低保标准"],
    )
    today(D(2026, 12, 10))
    end_notice(actor=staff["county"], review=review, on=D(2026, 12, 10))
    old = _case(case.pk)
    with all_regions():
        new = Case.unscoped.get(household=household, tier="MARGINAL")
    assert old.state == "transitioned" and old.pay_until == D(2026, 12, 1)
    assert (
        new.state == "active" and new.since == D(2026, 12, 10) and new.application_id == case.application_id
    )
    (stop,) = letters_of(case, "suspension")
    (moved,) = letters_of(case, "transition")
    assert stop.issued_on == moved.issued_on == D(2026, 12, 10)
    assert moved.context["to_tier"] == "低保边缘家庭"
    assert _open_categories(household) == ["MARGINAL", "MARGINAL"]
    with all_regions():
        assert CaseDecision.unscoped.get(case=new).kind == "transition"


def test_transition_refused_when_no_lower_tier_fits(case, staff, family):
    household, _ = family
    set_income(household, 120000, D(2026, 12, 1))
    with pytest.raises(CaseworkError):
        decide_review(
            actor=staff["county"],
            review=_review(case, staff),
            outcome="transition",
            on=D(2026, 12, 2),
            reasons=["x"],
        )


def test_death_terminates_without_notice(case, staff, family):
    from doudi.casework.lifecycle_actions import record_death

    _, people = family
    for p in people:
        record_death(
            actor=staff["township"], person=p, died_on=D(2026, 11, 28), source="hukou", on=D(2026, 12, 1)
        )
    with all_regions():
        review = CaseReview.unscoped.get(case=case, state="open")
    review = decide_review(
        actor=staff["county"],
        review=review,
        outcome="terminate",
        on=D(2026, 12, 2),
        cause="death",
        reasons=["户内人员均已死亡"],
    )
    c = _case(case.pk)
    assert review.state == "decided" and c.state == "terminated"
    assert c.pay_until == D(2026, 11, 1)  # the month of death stays (pay.death_rule)
    with all_regions():
        assert not Case.unscoped.filter(household=case.household_id).exclude(pk=case.pk).exists()


def test_tekun_objection_is_decided_again_within_its_deadline(case, staff):
    with all_regions():
        Case.unscoped.filter(pk=case.pk).update(tier="TEKUN")
    review = decide_review(
        actor=staff["county"],
        review=_review(case, staff),
        outcome="terminate",
        on=D(2026, 12, 2),
        reasons=["具备劳动能力"],
    )
    assert review.notice_until == D(2026, 12, 9)  # 7 days (R-W11)
    review = record_objection(
        actor=staff["township"], review=review, text="本人不服，称仍无劳动能力", on=D(2026, 12, 4)
    )
    assert review.state == "open" and review.due == add_working_days(D(2026, 12, 4), 15)
    assert "不服" in review.objection
    review = decide_review(actor=staff["county"], review=review, outcome="unchanged", on=D(2026, 12, 7))
    assert review.state == "decided" and _case(case.pk).state == "active"

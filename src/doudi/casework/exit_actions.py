"""Termination (R-W35) and the transition every termination runs (R-W36, R-X1): the case ends with
payment up to the month of the decision (``pay_until``; a death keeps its earlier month), the tier's
category history closes, the 终止告知书 is issued; then the household is reassessed on the same facts
and MARGINAL or RIGID (or DIBAO for a former TEKUN person) is recognised directly, without a new
application — a new case, its category history and the transition letter issued with the termination."""

from __future__ import annotations

import datetime as dt

from doudi.casework import case_letters, household_data
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.decision_actions import _case_lines, tier_verdicts
from doudi.casework.events import CaseChange, CaseworkEvent, emit
from doudi.casework.lifecycle_base_actions import (
    OPEN_CASE_STATES,
    PAID_TIERS,
    add_months,
    as_actor,
    audit_case,
    interval_months,
    locked_case,
    month_start,
    new_decision,
    next_month,
    set_basis,
    tier_holders,
)
from doudi.casework.models import Case, CaseReview, DeathRecord, GracePeriod, Suspension
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import using_scope
from doudi.policy.actions import PolicyError, take_decision
from doudi.policy.models import Decision
from doudi.registry.actions import set_category
from doudi.registry.category_actions import end_category
from doudi.registry.models import Person, Source

# what an exit may lead to directly (R-W36): the lower tiers; a former TEKUN person also to DIBAO
EXIT_TIERS = {"DIBAO": ("MARGINAL", "RIGID"), "TEKUN": ("DIBAO", "MARGINAL", "RIGID")}


def reassess(actor, case: Case, on: dt.date) -> Decision:
    """R-C2 on the registry facts as of ``on`` (a stored decision)."""
    try:
        with using_scope(case.region_code):  # the case's own region (a job runs without a scope)
            return take_decision(actor=as_actor(actor), household=case.household, as_of=on)
    except (PolicyError, PermissionError) as exc:
        raise CaseworkError(f"无法重新测算：{exc}") from None


def failed_for(tier: str, assessment: Decision) -> list[dict]:
    """The conditions of ``tier`` the reassessment found unmet, for the termination letter (R-W35)."""
    _, refused = tier_verdicts(assessment.result_data())
    return [
        {"rule": c["rule"], "text": c["text"], "figures": ""}
        for r in refused
        if r["tier"] == tier
        for c in r["conditions"]
    ]


def living_members(household_id: int, on: dt.date) -> list[Person]:
    people = household_data.members(household_id, on)
    dead = set(
        DeathRecord.unscoped.filter(person__in=people, died_on__lte=on).values_list("person_id", flat=True)
    )
    return [p for p in people if p.pk not in dead]


def recognise_after_exit(actor, old: Case, on: dt.date, assessment: Decision) -> Case | None:
    """R-X1: the tier the reassessment gives, among those an exit may lead to, as a new case."""
    result = assessment.result_data()
    lines = _case_lines(result)
    allowed = EXIT_TIERS.get(old.tier, ("MARGINAL", "RIGID"))
    ordered = [assessment.household_category, *allowed]
    tier = next((t for t in ordered if t in allowed and t in lines), None)
    if tier is None:
        return None
    if Case.unscoped.filter(household_id=old.household_id, tier=tier, state__in=OPEN_CASE_STATES).exists():
        return None
    by_key = {p.person_key: p for p in living_members(old.household_id, on)}
    for member in result.get("members", []):
        person = by_key.get(member.get("id"))
        if person is not None and tier in member.get("categories", []):
            set_category(
                actor=actor,
                person=person,
                category=tier,
                since=on,
                source=Source.CASEWORKER,
                source_ref=f"case:{old.pk}",
            )
    area = old.household.area_type
    klass = (old.review_class or "B") if tier == "DIBAO" else ""
    new = Case.unscoped.create(
        household_id=old.household_id,
        region_code=old.region_code,
        tier=tier,
        since=on,
        monthly_total=lines[tier] if tier in PAID_TIERS else 0,
        decision=assessment,
        application=old.application,
        review_class=klass,
        pay_from=next_month(on) if tier in PAID_TIERS else None,
    )
    new.next_review = add_months(on, interval_months(new, klass, on, area))
    new.save(update_fields=["next_review"])
    if tier in PAID_TIERS:
        set_basis(new, assessment)
    new_decision(
        actor,
        new,
        "transition",
        on,
        monthly_total=new.monthly_total,
        effective=next_month(on),
        rules=["R-W36", "R-X1"],
        reasons=[{"rule": "R-X1", "text": f"原{case_letters.tier_label(old.tier)}终止后重新评估，直接认定"}],
        assessment=assessment,
    )
    case_letters.transition(old, new, actor=actor, on=on, effective=next_month(on))
    audit_case(actor, new, AuditAction.CASE_TRANSITION, {"from_case": old.pk, "tier": tier})
    return new


def terminate_case(
    *,
    actor,
    case: Case,
    on: dt.date,
    reasons: list[str],
    rules: list[str] | None = None,
    review: CaseReview | None = None,
    pay_until: dt.date | None = None,
    failed: list[dict] | None = None,
    assessment: Decision | None = None,
) -> Case | None:
    """End ``case`` (inside the caller's transaction) and run R-X1; returns the new case, if any.
    Payment ends with ``pay_until`` (default: the month of the decision, R-PAY2)."""
    case = locked_case(case)
    if case.state not in OPEN_CASE_STATES:
        raise CaseworkConflict("该救助档案已终止")
    last = pay_until or month_start(on)
    if case.pay_until is not None and case.pay_until < last:
        last = case.pay_until  # a death's month stays
    old_total = case.monthly_total
    before = {"state": case.state, "monthly_total": old_total}
    for pid in tier_holders(case, on):
        end_category(
            actor=actor,
            person=Person.unscoped.get(pk=pid),
            category=case.tier,
            on=on,
            source=Source.CASEWORKER,
            source_ref=f"case:{case.pk}",
        )
    case.state, case.until, case.pay_until = Case.State.TERMINATED, on, last
    case.save(update_fields=["state", "until", "pay_until", "updated_at"])
    GracePeriod.unscoped.filter(case=case, ended_on__isnull=True).update(ended_on=on, end_reason="终止救助")
    Suspension.unscoped.filter(case=case, outcome="").update(outcome="terminated", cleared_on=on)
    decision = new_decision(
        actor,
        case,
        "terminate",
        on,
        review=review,
        monthly_total=0,
        old=old_total,
        effective=next_month(last),
        rules=sorted(set(rules or ["R-W35"]) | {"R-W35"}),
        reasons=[{"rule": (rules or ["R-W35"])[0], "text": r} for r in reasons],
    )
    living = bool(living_members(case.household_id, on))
    if living and assessment is None:
        assessment = reassess(actor, case, on)  # R-W36: the same facts give the letter's conditions and R-X1
    if failed is None and assessment is not None:
        failed = failed_for(case.tier, assessment)
    case_letters.stop(
        case,
        actor=actor,
        on=on,
        action="终止救助",
        effective=next_month(last),
        reasons=reasons,
        failed=failed,
    )
    audit_case(actor, case, AuditAction.CASE_TERMINATE, {"decision": decision.pk, "pay_until": last}, before)
    emit(CaseworkEvent.CASE_CHANGED, case=case, kind=CaseChange.TERMINATED, decision=decision, actor=actor)
    new = recognise_after_exit(actor, case, on, assessment) if assessment is not None else None
    if new is not None:
        case.state = Case.State.TRANSITIONED
        case.save(update_fields=["state", "updated_at"])
        emit(
            CaseworkEvent.CASE_CHANGED,
            case=case,
            kind=CaseChange.TRANSITIONED,
            decision=decision,
            new_case=new,
            actor=actor,
        )
    return new

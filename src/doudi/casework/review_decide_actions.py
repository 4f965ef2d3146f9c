"""A review from its opening to its decision (R-W30, R-W31, R-W33, R-W35, R-W36): verification re-run
under the existing authorization with the visit asked only when needed; the outcomes unchanged /
adjust / grace / suspend / terminate / transition, each a decision with its effective month and its
letter; a termination goes to notice (DIBAO unless death or a confirmed move; TEKUN 7 days), an
objection sends it back to be decided again within its deadline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from doudi.casework import case_letters, clock, params, verification
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.decision_actions import _case_lines
from doudi.casework.events import CaseChange, CaseworkEvent, emit
from doudi.casework.exit_actions import EXIT_TIERS, living_members, reassess, terminate_case
from doudi.casework.lifecycle_actions import suspend
from doudi.casework.lifecycle_base_actions import (
    CASE_ROLES,
    actor_user,
    add_months,
    audit_case,
    check_actor,
    check_decider,
    check_on,
    interval_months,
    locked_case,
    new_decision,
    next_month,
    resting_state,
    set_basis,
)
from doudi.casework.models import (
    Authorization,
    Case,
    CaseDecision,
    CaseReview,
    GracePeriod,
    VerificationReport,
)
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import using_scope
from doudi.policy import params_store

OUTCOMES = tuple(CaseReview.Outcome.values)
NO_NOTICE_CAUSES = ("death", "move")  # R-W35: a DIBAO termination without notice
TEKUN_NOTICE_DAYS = 7  # R-W11, 43号 art. 24


def _locked_review(review: CaseReview) -> CaseReview:
    return CaseReview.unscoped.select_for_update().get(pk=review.pk)


def _reasons(value) -> list[str]:
    items = [value] if isinstance(value, str) else list(value or [])
    return [str(r).strip()[:500] for r in items if str(r).strip()]


def _append(old: str, text: str) -> str:
    text = (text or "").strip()
    return (f"{old}\n{text}" if old else text)[:4000] if text else old


# --- opening: verification and the visit (R-W31) ---------------------------------------------------


def visit_reasons(case: Case, on: dt.date, *, data_changed: bool) -> list[str]:
    reasons = []
    if data_changed:
        reasons.append("核对发现家庭数据发生变化")
    if case.review_class == "C":
        reasons.append("C类对象（收入不稳定、有劳动能力成员）")
    if params.flag("review.visit_always", region_code=case.region_code, on=on):
        reasons.append("本地区规定每次复核均须入户")
    return reasons


@transaction.atomic
def prepare_review(*, actor, review: CaseReview, on: dt.date | None = None) -> CaseReview:
    """Re-run verification (R-W20) under the application's authorizations, then ask for a visit only
    when the data changed, the class is C or ``review.visit_always`` is set."""
    on = check_on(on)
    review = _locked_review(review)
    case = review.case
    check_actor(actor, case.region_code)
    if review.state not in ("open", "visit"):
        raise CaseworkConflict("该复核已作出决定")
    app = case.application
    changed = False
    auth_ids = (
        list(
            Authorization.unscoped.filter(application=app, revoked_on__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if app is not None
        else []
    )
    if app is not None and auth_ids:
        with using_scope(case.region_code):  # the case's own region (the daily job runs without one)
            result, rows, reasons = verification.verify(app, on)
        previous = VerificationReport.unscoped.filter(application=app).order_by("-version").first()
        found = {(r["person_id"], r["item"], str(r["found"])) for r in rows}
        before = {
            (r.get("person_id"), r.get("item"), str(r.get("found")))
            for r in (previous.rows if previous else [])
        }
        changed = result == "fail" or (previous is not None and found != before)
        review.verification = VerificationReport.unscoped.create(
            application=app,
            region_code=app.region_code,
            version=(previous.version if previous else 0) + 1,
            as_of=on,
            result=result,
            rows=rows,
            reasons=reasons,
            source="system",
            authorization_ids=auth_ids,
            created_by=actor_user(actor),
        )
    reasons = visit_reasons(case, on, data_changed=changed)
    if review.verification is None:
        reasons.insert(0, "无有效授权书或申请档案，未能重新核对")
    review.visit_needed = bool(reasons) and review.visit_done_on is None
    review.visit_reasons = reasons
    review.state = CaseReview.State.VISIT if review.visit_needed else CaseReview.State.OPEN
    review.save(update_fields=["verification", "visit_needed", "visit_reasons", "state", "updated_at"])
    audit_case(
        actor, case, AuditAction.CASE_REVIEW_STEP, {"review": review.pk, "step": "verify", "visit": reasons}
    )
    return review


@transaction.atomic
def record_visit(*, actor, review: CaseReview, findings: str, on: dt.date | None = None) -> CaseReview:
    """入户 of the review (two investigators' findings in one text); the review is then ready to decide."""
    on = check_on(on)
    review = _locked_review(review)
    check_actor(actor, review.region_code, (*CASE_ROLES, "grid_worker"))
    if review.state not in ("open", "visit"):
        raise CaseworkConflict("该复核已作出决定")
    findings = (findings or "").strip()
    if not findings:
        raise CaseworkError("请填写入户情况", "findings")
    review.visit_done_on, review.state = on, CaseReview.State.OPEN
    review.note = _append(review.note, f"{on:%Y-%m-%d} 入户：{findings[:2000]}")
    review.save(update_fields=["visit_done_on", "state", "note", "updated_at"])
    audit_case(actor, review.case, AuditAction.CASE_REVIEW_STEP, {"review": review.pk, "step": "visit"})
    return review


# --- the decision ------------------------------------------------------------------------------------


def _close(actor, review: CaseReview, outcome: str, on: dt.date, decision: CaseDecision | None) -> CaseReview:
    review.state, review.outcome, review.decided_on, review.decision = "decided", outcome, on, decision
    review.save(update_fields=["state", "outcome", "decided_on", "decision", "updated_at"])
    audit_case(
        actor,
        review.case,
        AuditAction.CASE_REVIEW_DECIDE,
        {"review": review.pk, "outcome": outcome, "decision": decision.pk if decision else None},
    )
    return review


def _reschedule(case: Case, on: dt.date, klass: str | None) -> None:
    klass = klass if klass in ("A", "B", "C") else case.review_class
    if case.tier == "DIBAO":
        case.review_class = klass or "B"
    case.next_review = add_months(on, interval_months(case, case.review_class, on, case.household.area_type))


def _unchanged(actor, review, case, on, fields) -> CaseDecision:
    """R-W30: nothing changed materially → no adjustment; class and next review set again."""
    _reschedule(case, on, fields.get("review_class"))
    case.state = resting_state(case)
    case.save(update_fields=["review_class", "next_review", "state", "updated_at"])
    decision = new_decision(
        actor,
        case,
        "unchanged",
        on,
        review=review,
        rules=["R-W30", "R-W31"],
        reasons=[{"rule": "R-W30", "text": t} for t in _reasons(fields.get("reasons"))],
    )
    emit(CaseworkEvent.CASE_CHANGED, case=case, kind=CaseChange.UNCHANGED, decision=decision, actor=actor)
    return decision


def _adjust(actor, review, case, on, fields) -> CaseDecision:
    """增发/减发 from the month after the decision (R-W31, R-PAY2), on the facts as of ``on``."""
    assessment = reassess(actor, case, on)
    lines = _case_lines(assessment.result_data())
    if case.tier not in lines:
        raise CaseworkError(
            f"重新测算后不再符合{case_letters.tier_label(case.tier)}条件，请作出终止决定", "outcome"
        )
    old, new = case.monthly_total, int(lines[case.tier])
    if new == old:
        return _unchanged(actor, review, case, on, fields)
    start = next_month(on)
    set_basis(case, assessment)
    case.refresh_from_db(fields=["basis"])
    case.monthly_total, case.decision = new, assessment
    _reschedule(case, on, fields.get("review_class"))
    case.state = Case.State.ADJUSTED
    case.save(
        update_fields=["monthly_total", "decision", "review_class", "next_review", "state", "updated_at"]
    )
    reasons = _reasons(fields.get("reasons")) or ["家庭收入、人口或财产状况发生变化"]
    decision = new_decision(
        actor,
        case,
        "adjust",
        on,
        review=review,
        monthly_total=new,
        old=old,
        effective=start,
        rules=["R-W31", "R-PAY2"],
        reasons=[{"rule": "R-W31", "text": t} for t in reasons],
        assessment=assessment,
    )
    threshold = Decimal(params.value("adjust_notice_threshold", region_code=case.region_code, on=on))
    if abs(new - old) > threshold:
        case_letters.adjustment(case, actor=actor, on=on, old=old, new=new, start=start, reasons=reasons)
    emit(CaseworkEvent.CASE_CHANGED, case=case, kind=CaseChange.ADJUSTED, decision=decision, actor=actor)
    return decision


def _standard(case: Case, on: dt.date) -> Decimal:
    p = params_store.provider(case.region_code.ljust(12, "0"), case.household.area_type or "urban", on)
    return Decimal(p.dibao_standard)


def _grace(actor, review, case, on, fields) -> CaseDecision:
    """渐退期 (R-W33, R-X2): employment with income between S and the ceiling, or the head's death."""
    if case.tier != "DIBAO":
        raise CaseworkError("渐退期仅适用于最低生活保障家庭", "outcome")
    trigger = fields.get("trigger") or "employment"
    if trigger not in GracePeriod.Trigger.values:
        raise CaseworkError("请选择渐退原因", "trigger")
    region = case.region_code
    s = _standard(case, on)
    if trigger == "employment":
        assessment = reassess(actor, case, on)
        p = Decimal(str(assessment.result_data().get("per_capita_monthly_income") or 0))
        ceiling = Decimal(params.value("grace.income_ceiling_multiple", region_code=region, on=on)) * s
        if not (s <= p < ceiling):
            raise CaseworkError(
                f"家庭月人均收入{p}元，不在低保标准{s}元至{ceiling:.2f}元之间，不适用渐退期（R-W33）",
                "trigger",
            )
    elif not params.flag("grace.on_head_death", region_code=region, on=on):
        raise CaseworkError("本地区未规定户主死亡适用渐退期", "trigger")
    months = params.days("dibao_gradual_exit_months", region_code=region, on=on)
    mode = str(params.value("grace.amount_mode", region_code=region, on=on))
    start = next_month(on)
    end = add_months(start, months - 1)
    old = case.monthly_total
    persons = len(living_members(case.household_id, on)) if mode == "capped" else None
    amount = min(old, int(s * persons)) if persons else old
    GracePeriod.unscoped.create(
        case=case,
        region_code=region,
        trigger=trigger,
        start_month=start,
        end_month=end,
        original_tier=case.tier,
        original_amount=old,
        amount_mode=mode,
        cap_persons=persons,
    )
    case.monthly_total, case.state = amount, Case.State.GRACE
    case.save(update_fields=["monthly_total", "state", "updated_at"])
    label = GracePeriod.Trigger(trigger).label
    decision = new_decision(
        actor,
        case,
        "grace",
        on,
        review=review,
        monthly_total=amount,
        old=old,
        effective=start,
        rules=["R-W33", "R-X2"],
        reasons=[{"rule": "R-W33", "text": label}],
    )
    case_letters.grace(case, actor=actor, on=on, trigger=label, start=start, end=end, amount=amount)
    audit_case(actor, case, AuditAction.CASE_GRACE, {"start": start, "end": end, "amount": amount})
    emit(CaseworkEvent.CASE_CHANGED, case=case, kind=CaseChange.GRACE, decision=decision, actor=actor)
    return decision


def _notice_days(case: Case, on: dt.date) -> int:
    if case.tier == "TEKUN":
        return TEKUN_NOTICE_DAYS
    return params.days("notice.termination_days", region_code=case.region_code, on=on)


def _terminate(actor, review, case, on, fields, outcome) -> CaseDecision | None:
    """终止 (R-W35) — to notice first unless the cause is a death or a confirmed move (DIBAO); a
    transition must find the lower tier in the reassessment (R-W36)."""
    cause = fields.get("cause") or ""
    reasons = _reasons(fields.get("reasons"))
    if not reasons:
        raise CaseworkError("终止救助须写明理由", "reasons")
    if outcome == "transition":
        result = reassess(actor, case, on).result_data()
        lines = _case_lines(result)
        if not any(t in lines for t in EXIT_TIERS.get(case.tier, ())):
            raise CaseworkError("重新测算后不符合转入其他类别的条件，请选择终止救助", "outcome")
    if cause in NO_NOTICE_CAUSES or case.tier not in ("DIBAO", "TEKUN"):
        return _finish(actor, review, case, on, reasons)
    review.state, review.outcome = CaseReview.State.IN_NOTICE, outcome
    review.notice_from = on
    review.notice_until = on + dt.timedelta(days=_notice_days(case, on))
    review.note = _append(review.note, "终止理由：" + "；".join(reasons))
    review.save(update_fields=["state", "outcome", "notice_from", "notice_until", "note", "updated_at"])
    audit_case(
        actor,
        case,
        AuditAction.CASE_REVIEW_STEP,
        {"review": review.pk, "step": "notice", "until": review.notice_until},
    )
    return None


def _finish(actor, review, case, on, reasons) -> CaseDecision:
    terminate_case(actor=actor, case=case, on=on, reasons=reasons, rules=["R-W35"], review=review)
    return CaseDecision.unscoped.filter(case=case, kind="terminate").order_by("-pk").first()  # type: ignore[return-value]


@transaction.atomic
def decide_review(
    *, actor, review: CaseReview, outcome: str, on: dt.date | None = None, **fields
) -> CaseReview:
    """The review's decision by the confirming authority. ``fields``: review_class, reasons, trigger
    (grace), cause (suspend: a Suspension cause; terminate: death | move | other)."""
    if outcome not in OUTCOMES:
        raise CaseworkError("请选择复核结论", "outcome")
    on = check_on(on)
    review = _locked_review(review)
    case = locked_case(review.case)
    check_decider(actor, case.region_code)
    if review.state not in ("open", "visit"):
        raise CaseworkConflict(f"该复核当前为“{review.get_state_display()}”，不能作出决定")
    if on < review.opened_on:
        raise CaseworkError("决定日期不能早于复核启动日期", "on")
    dead_end = outcome in ("terminate", "transition") and fields.get("cause") == "death"
    if review.visit_needed and review.visit_done_on is None and not dead_end:
        raise CaseworkError("该复核须先入户调查（" + "；".join(review.visit_reasons) + "）")
    if outcome == "unchanged":
        decision = _unchanged(actor, review, case, on, fields)
    elif outcome == "adjust":
        decision = _adjust(actor, review, case, on, fields)
        outcome = decision.kind if decision.kind == "unchanged" else outcome
    elif outcome == "grace":
        decision = _grace(actor, review, case, on, fields)
    elif outcome == "suspend":
        suspend(actor=actor, case=case, cause=fields.get("cause") or "refused_visit", on=on)
        decision = CaseDecision.unscoped.filter(case=case, kind="suspend").order_by("-pk").first()  # type: ignore[assignment]
    else:
        maybe = _terminate(actor, review, case, on, fields, outcome)
        if maybe is None:
            return review
        decision = maybe
    return _close(actor, review, outcome, on, decision)


@transaction.atomic
def end_notice(*, actor, review: CaseReview, on: dt.date | None = None) -> CaseReview:
    """The termination notice has ended with no objection: the case ends (effective next month)."""
    on = check_on(on)
    review = _locked_review(review)
    check_decider(actor, review.region_code)
    if review.state != CaseReview.State.IN_NOTICE:
        raise CaseworkConflict("该复核不在终止公示期")
    assert review.notice_until is not None
    if on <= review.notice_until:
        raise CaseworkError(f"公示期至{review.notice_until:%Y-%m-%d}，期满后方可终止", "on")
    reasons = [
        line.removeprefix("终止理由：") for line in review.note.splitlines() if line.startswith("终止理由：")
    ]
    case = review.case
    decision = _finish(actor, review, case, on, reasons[-1:] or ["不再符合救助条件"])
    return _close(actor, review, review.outcome, on, decision)


@transaction.atomic
def record_objection(*, actor, review: CaseReview, text: str, on: dt.date | None = None) -> CaseReview:
    """An objection during the notice: re-investigate and decide again within
    ``deadline.tekun_objection_wd`` (TEKUN) or ``deadline.change_review_wd`` working days (R-W35)."""
    on = check_on(on)
    review = _locked_review(review)
    check_actor(actor, review.region_code)
    if review.state != CaseReview.State.IN_NOTICE:
        raise CaseworkConflict("该复核不在终止公示期，不能登记异议")
    text = (text or "").strip()
    if not text:
        raise CaseworkError("请填写异议内容", "text")
    key = "deadline.tekun_objection_wd" if review.case.tier == "TEKUN" else "deadline.change_review_wd"
    review.objection = _append(review.objection, f"{on:%Y-%m-%d}：{text[:2000]}")
    review.state, review.outcome = CaseReview.State.OPEN, ""
    review.due = clock.due(on, params.days(key, region_code=review.region_code, on=on))
    review.save(update_fields=["objection", "state", "outcome", "due", "updated_at"])
    audit_case(actor, review.case, AuditAction.CASE_REVIEW_STEP, {"review": review.pk, "step": "objection"})
    return review


def open_reviews_with_ended_notice(today: dt.date):
    return CaseReview.unscoped.filter(state=CaseReview.State.IN_NOTICE, notice_until__lt=today)


def end_due_notices(today: dt.date) -> int:
    """The daily pass: notices ended without objection take effect (the authority decided already)."""
    n = 0
    for review in open_reviews_with_ended_notice(today).order_by("pk"):
        end_notice(actor="system", review=review, on=today)
        n += 1
    return n

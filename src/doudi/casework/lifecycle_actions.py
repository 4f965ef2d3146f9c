"""Changes between reviews (R-W32), suspension (R-W34), deaths (R-W32, R-PAY2) and the monthly
presence checks. Other apps call these (payments on a second bank failure, monitoring on a warning);
casework imports none of them — payments reacts to ``CASE_CHANGED`` (``casework.events``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from doudi.casework import case_letters, clock, death_actions, params
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.events import CaseChange, CaseworkEvent, emit
from doudi.casework.exit_actions import terminate_case
from doudi.casework.lifecycle_base_actions import (
    OPEN_CASE_STATES,
    OPEN_REVIEW_STATES,
    PAID_TIERS,
    REPORT_ROLES,
    actor_user,
    audit_case,
    check_actor,
    check_on,
    locked_case,
    month_start,
    months_between,
    new_decision,
    next_month,
    resting_state,
)
from doudi.casework.models import Case, CaseReview, DeathRecord, PresenceCheck, Suspension
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.registry.models import Person

CHANGE_TYPES = {
    "birth": "出生",
    "death": "死亡",
    "marriage": "婚姻变化",
    "prison_in": "服刑",
    "prison_out": "刑满释放",
    "income": "新增收入",
    "employment": "就业",
    "asset": "新增财产",
    "health": "残疾或疾病变化",
    "move": "迁移",
    "other": "其他",
}
DATA_SOURCES = death_actions.DATA_SOURCES


def _append(old: str, on: dt.date, text: str) -> str:
    text = (text or "").strip()
    if not text:
        return old
    line = f"{on:%Y-%m-%d}：{text[:1000]}"
    return f"{old}\n{line}" if old else line


@transaction.atomic
def open_change_review(
    *,
    actor,
    case: Case,
    trigger: str,
    change_type: str = "",
    on: dt.date | None = None,
    detail: str = "",
    warning_id: int | None = None,
) -> CaseReview:
    """变化复核 (R-W32): due in ``deadline.change_review_wd`` working days. A case has one open review
    at a time: a change reported while one is open is added to it."""
    if trigger not in CaseReview.Trigger.values or trigger == CaseReview.Trigger.DUE:
        raise CaseworkError("请选择变化来源", "trigger")
    if change_type and change_type not in CHANGE_TYPES:
        raise CaseworkError("未知的变化类型", "change_type")
    on = check_on(on)
    case = locked_case(case)
    check_actor(actor, case.region_code, REPORT_ROLES)
    if case.state not in OPEN_CASE_STATES:
        raise CaseworkConflict("该救助档案已终止，不能登记变化")
    label = CHANGE_TYPES.get(change_type, "")
    text = f"{label}：{detail}".strip("：") if label or detail else ""
    review = CaseReview.unscoped.select_for_update().filter(case=case, state__in=OPEN_REVIEW_STATES).first()
    if review is not None:
        review.change_detail = _append(review.change_detail, on, text)
        review.change_type = review.change_type or change_type
        review.warning_id = review.warning_id or warning_id
        review.save(update_fields=["change_detail", "change_type", "warning_id", "updated_at"])
        audit_case(
            actor, case, AuditAction.CASE_CHANGE, {"review": review.pk, "added": change_type or trigger}
        )
        return review
    n = params.days("deadline.change_review_wd", region_code=case.region_code, on=on)
    review = CaseReview.unscoped.create(
        case=case,
        region_code=case.region_code,
        kind=CaseReview.Kind.CHANGE,
        trigger=trigger,
        change_type=change_type,
        change_detail=_append("", on, text),
        reported_on=on,
        opened_on=on,
        due=clock.due(on, n),
        warning_id=warning_id,
        opened_by=actor_user(actor),
    )
    if case.state in (Case.State.ACTIVE, Case.State.ADJUSTED):
        case.state = Case.State.UNDER_REVIEW
        case.save(update_fields=["state", "updated_at"])
    audit_case(
        actor,
        case,
        AuditAction.CASE_REVIEW_OPEN,
        {
            "review": review.pk,
            "kind": "change",
            "trigger": trigger,
            "change_type": change_type,
            "due": review.due,
        },
    )
    emit(CaseworkEvent.CASE_CHANGED, case=case, kind=CaseChange.REVIEW_OPENED, decision=None, actor=actor)
    return review


@transaction.atomic
def suspend(*, actor, case: Case, cause: str, on: dt.date | None = None) -> Suspension:
    """暂停发放 (R-W34) from the month after ``on``: the months still accrue as held lines. A case
    already suspended keeps its open suspension (returned as it is)."""
    if cause not in Suspension.Cause.values:
        raise CaseworkError("未知的暂停原因", "cause")
    on = check_on(on)
    case = locked_case(case)
    check_actor(actor, case.region_code)
    if case.tier not in PAID_TIERS:
        raise CaseworkError("只有按月发放救助金的档案可以暂停发放")
    if case.state not in OPEN_CASE_STATES:
        raise CaseworkConflict("该救助档案已终止，不能暂停发放")
    current = Suspension.unscoped.filter(case=case, outcome="").first()
    if current is not None:
        return current
    start = next_month(on)
    suspension = Suspension.unscoped.create(
        case=case, region_code=case.region_code, cause=cause, start_month=start, decided_by=actor_user(actor)
    )
    before = case.state
    case.state = Case.State.SUSPENDED
    case.save(update_fields=["state", "updated_at"])
    label = Suspension.Cause(cause).label
    decision = new_decision(
        actor,
        case,
        "suspend",
        on,
        effective=start,
        rules=["R-W34"],
        reasons=[{"rule": "R-W34", "text": label}],
    )
    limit = params.days("suspend_max_months", region_code=case.region_code, on=on)
    case_letters.stop(
        case,
        actor=actor,
        on=on,
        action="暂停发放",
        effective=start,
        reasons=[label],
        resume=f"自暂停之月起{limit}个月内消除暂停原因的，恢复发放并补发暂停期间的救助金；逾期未消除的，终止救助。",
    )
    audit_case(
        actor,
        case,
        AuditAction.CASE_SUSPEND,
        {"suspension": suspension.pk, "cause": cause},
        {"state": before},
    )
    emit(
        CaseworkEvent.CASE_CHANGED,
        case=case,
        kind=CaseChange.SUSPENDED,
        decision=decision,
        suspension=suspension,
        actor=actor,
    )
    return suspension


@transaction.atomic
def clear_suspension(*, actor, suspension: Suspension, on: dt.date | None = None) -> Suspension:
    """The cause is cleared (R-W34): within ``suspend_max_months`` of the first held month the case
    resumes and the held months are paid as arrears (payments listens to SUSPENSION_CLEARED);
    later, the case is terminated with a letter and the held months are not paid."""
    on = check_on(on)
    suspension = Suspension.unscoped.select_for_update().get(pk=suspension.pk)
    case = locked_case(suspension.case)
    check_actor(actor, case.region_code)
    if suspension.outcome:
        raise CaseworkConflict("该暂停已处理")
    limit = params.days("suspend_max_months", region_code=case.region_code, on=on)
    held = months_between(suspension.start_month, on) + 1  # months held up to and including on's month
    suspension.cleared_on = on
    if held <= limit:
        suspension.outcome = "cleared"
        suspension.save(update_fields=["cleared_on", "outcome"])
        case.state = Case.State.ACTIVE
        case.state = resting_state(case)
        case.save(update_fields=["state", "updated_at"])
        decision = new_decision(
            actor,
            case,
            "resume",
            on,
            effective=suspension.start_month,
            rules=["R-W34"],
            reasons=[{"rule": "R-W34", "text": "暂停原因已消除，恢复发放并补发暂停期间救助金"}],
        )
        audit_case(actor, case, AuditAction.CASE_SUSPEND, {"suspension": suspension.pk, "outcome": "cleared"})
        emit(
            CaseworkEvent.CASE_CHANGED,
            case=case,
            kind=CaseChange.SUSPENSION_CLEARED,
            decision=decision,
            suspension=suspension,
            held_from=suspension.start_month,
            held_until=month_start(on),
            actor=actor,
        )
        return suspension
    suspension.outcome = "terminated"
    suspension.save(update_fields=["cleared_on", "outcome"])
    terminate_case(
        actor=actor,
        case=case,
        on=on,
        reasons=[f"暂停发放超过{limit}个月未消除暂停原因（{Suspension.Cause(suspension.cause).label}）"],
        rules=["R-W34", "R-W35"],
        pay_until=_month_before(suspension.start_month),
    )
    return suspension


def _month_before(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


@transaction.atomic
def lapse_suspensions(today: dt.date) -> int:
    """The daily pass: suspensions open longer than ``suspend_max_months`` end the case (R-W34)."""
    n = 0
    for s in Suspension.unscoped.filter(outcome="", start_month__lte=today).select_related("case"):
        limit = params.days("suspend_max_months", region_code=s.region_code, on=today)
        if months_between(s.start_month, today) + 1 > limit:
            clear_suspension(actor="system", suspension=s, on=today)
            n += 1
    return n


@transaction.atomic
def record_death(
    *,
    actor,
    person: Person,
    died_on: dt.date,
    source: str,
    source_ref: str = "",
    on: dt.date | None = None,
) -> DeathRecord:
    """A death (R-W32, R-PAY2): a change review for each open case of the household; where the dead
    person was the only person a case paid, ``pay_until`` = the month of death (``pay.death_rule``
    month_of_death) or the month after. Re-sent data returns the first record. The same write as the
    deaths found in department data (``death_actions.apply_deaths``, with one row)."""
    if source not in DeathRecord.Source.values:
        raise CaseworkError("未知的死亡信息来源", "source")
    on = check_on(on)
    if died_on > on:
        raise CaseworkError("死亡日期不能晚于登记日期", "died_on")
    person = Person.unscoped.select_for_update().get(pk=person.pk)
    region = person.region_code
    check_actor(actor, region, REPORT_ROLES)
    existing = DeathRecord.unscoped.filter(person=person).first()
    if existing is not None:
        return existing
    applied = death_actions.apply_deaths(
        actor, [death_actions.Death(person.pk, died_on, source, source_ref)], on
    )
    record = DeathRecord.unscoped.get(person=person)
    record_audit(
        actor=actor,
        action=AuditAction.CASE_CHANGE,
        region_code=region,
        subject_type="person",
        subject_id=person.pk,
        after={
            "death": record.pk,
            "cases": applied.cases,
            "reviews_opened": applied.reviews_opened,
            "reviews_joined": applied.reviews_joined,
            "pay_until": {str(k): v for k, v in applied.pay_until.items()},
            "died_on": died_on,
            "source": source,
        },
    )
    return record


@transaction.atomic
def record_presence_check(
    *, actor, case: Case, month: dt.date, passed: bool, method: str = "", on: dt.date | None = None
) -> PresenceCheck:
    """按月认证 (R-W34): one result per case and month (a second entry corrects it); after
    ``suspend_after_missed_checks`` consecutive failed months the case is suspended."""
    on = check_on(on)
    case = locked_case(case)
    check_actor(actor, case.region_code, REPORT_ROLES)
    month = month_start(month)
    if month > month_start(on):
        raise CaseworkError("认证月份不能晚于本月", "month")
    check, _ = PresenceCheck.unscoped.update_or_create(
        case=case,
        month=month,
        defaults={
            "region_code": case.region_code,
            "passed": passed,
            "method": method[:16],
            "recorded_on": on,
        },
    )
    audit_case(actor, case, AuditAction.CASE_PRESENCE, {"month": month, "passed": passed})
    if not passed and case.state in OPEN_CASE_STATES and case.tier in PAID_TIERS:
        n = params.days("suspend_after_missed_checks", region_code=case.region_code, on=on)
        recent = list(
            PresenceCheck.unscoped.filter(case=case, month__lte=month)
            .order_by("-month")
            .values_list("month", "passed")[:n]
        )
        consecutive = (
            len(recent) == n
            and not any(p for _, p in recent)
            and months_between(recent[-1][0], month) == n - 1
        )
        if consecutive:
            # the rule suspends (R-W34), whoever recorded the check
            suspend(actor="system", case=case, cause=Suspension.Cause.MISSED_CHECKS, on=on)
    return check


@transaction.atomic
def open_reviews_for_household(
    *, actor, household_id: int, trigger: str, detail: str = "", warning_id: int | None = None, on=None
) -> list[CaseReview]:
    """A change reported for a household (a warning's "no longer eligible" disposition, R-M13 → R-W32):
    a change review on each of its open cases."""
    cases = Case.unscoped.filter(household_id=household_id, state__in=OPEN_CASE_STATES).order_by("pk")
    return [
        open_change_review(actor=actor, case=c, trigger=trigger, on=on, detail=detail, warning_id=warning_id)
        for c in cases
    ]

"""Moves (迁移, R-W37): within a county the case changes township and keeps its history; across
counties the receiving county confirms its new case and the old one ends with the month of that
confirmation — the new case is paid from the next month, so there is no gap and no double month
(R-PAY5 blocks a double line anyway)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from doudi.casework.base import CaseworkConflict, CaseworkError, in_scope
from doudi.casework.events import CaseChange, CaseworkEvent, emit
from doudi.casework.lifecycle_base_actions import (
    OPEN_CASE_STATES,
    actor_user,
    audit_case,
    check_actor,
    check_on,
    is_person,
    locked_case,
    month_start,
    new_decision,
    next_month,
)
from doudi.casework.models import Case, CaseMove, CaseReview, GracePeriod, Suspension
from doudi.core.audit_actions import AuditAction
from doudi.regions.queries import find_region


def _township(code: str) -> str:
    code = (code or "").strip()
    if len(code) != 12 or not code.isdigit() or code.endswith("000000"):
        raise CaseworkError("请填写迁入地乡镇（街道）12位区划代码", "to_region")
    if find_region(code) is None:
        raise CaseworkError("迁入地区划代码不存在", "to_region")
    return code


def _relocate(case: Case, to_region: str) -> None:
    """The case and its open work follow it to the new township (history kept)."""
    case.region_code = to_region
    case.save(update_fields=["region_code", "updated_at"])
    CaseReview.unscoped.filter(case=case, state__in=("open", "visit", "in_notice")).update(
        region_code=to_region
    )
    GracePeriod.unscoped.filter(case=case, ended_on__isnull=True).update(region_code=to_region)
    Suspension.unscoped.filter(case=case, outcome="").update(region_code=to_region)


@transaction.atomic
def request_move(*, actor, case: Case, to_region: str, on: dt.date | None = None) -> CaseMove:
    on = check_on(on)
    case = locked_case(case)
    check_actor(actor, case.region_code)
    to_region = _township(to_region)
    if case.state not in OPEN_CASE_STATES:
        raise CaseworkConflict("该救助档案已终止，不能迁移")
    if to_region == case.region_code:
        raise CaseworkError("迁入地与现所在地相同", "to_region")
    if CaseMove.unscoped.filter(case=case, state=CaseMove.State.REQUESTED).exists():
        raise CaseworkConflict("该救助档案已有待确认的迁移")
    within = to_region[:6] == case.region_code[:6]
    move = CaseMove.unscoped.create(
        case=case,
        region_code=case.region_code,
        to_region=to_region,
        within_county=within,
        requested_on=on,
        requested_by=actor_user(actor),
    )
    audit_case(actor, case, AuditAction.CASE_MOVE, {"move": move.pk, "to": to_region, "within": within})
    if within:
        old = case.region_code
        _relocate(case, to_region)
        move.state, move.confirmed_on, move.new_case = CaseMove.State.DONE, on, case
        move.save(update_fields=["state", "confirmed_on", "new_case"])
        decision = new_decision(
            actor,
            case,
            "move",
            on,
            rules=["R-W37"],
            reasons=[{"rule": "R-W37", "text": f"县内迁移：{old} → {to_region}"}],
        )
        emit(
            CaseworkEvent.CASE_CHANGED,
            case=case,
            kind=CaseChange.MOVED,
            decision=decision,
            move=move,
            actor=actor,
        )
    return move


@transaction.atomic
def confirm_move(*, actor, move: CaseMove, on: dt.date | None = None) -> Case:
    """The receiving county confirms the household's new case (R-W37): the old case is paid up to
    the month of the confirmation, the new one from the next month."""
    on = check_on(on)
    move = CaseMove.unscoped.select_for_update().get(pk=move.pk)
    if move.state != CaseMove.State.REQUESTED:
        raise CaseworkConflict("该迁移已处理")
    if is_person(actor) and (
        getattr(actor, "role", "") != "county_officer" or not in_scope(actor, move.to_region)
    ):
        raise PermissionError("跨县迁移由迁入地县级民政部门确认")
    if on < move.requested_on:
        raise CaseworkError("确认日期不能早于申请迁移日期", "on")
    old = locked_case(move.case)
    if old.state not in OPEN_CASE_STATES:
        raise CaseworkConflict("原救助档案已终止")
    last = month_start(on)
    old.state, old.until, old.pay_until = Case.State.TERMINATED, on, last
    old.save(update_fields=["state", "until", "pay_until", "updated_at"])
    new = Case.unscoped.create(
        household_id=old.household_id,
        region_code=move.to_region,
        tier=old.tier,
        since=on,
        monthly_total=old.monthly_total,
        pay_from=next_month(on),
        basis=old.basis,
        review_class=old.review_class,
        next_review=old.next_review,
        decision=old.decision,
        application=old.application,
        care_level=old.care_level,
        support_form=old.support_form,
    )
    text = f"跨县迁移：{old.region_code} → {move.to_region}"
    ended = new_decision(
        actor,
        old,
        "move",
        on,
        monthly_total=0,
        old=old.monthly_total,
        effective=next_month(on),
        rules=["R-W37"],
        reasons=[{"rule": "R-W37", "text": text}],
    )
    new_decision(
        actor,
        new,
        "move",
        on,
        effective=next_month(on),
        rules=["R-W37"],
        reasons=[{"rule": "R-W37", "text": text}],
    )
    move.state, move.confirmed_on, move.new_case = CaseMove.State.DONE, on, new
    move.save(update_fields=["state", "confirmed_on", "new_case"])
    audit_case(actor, old, AuditAction.CASE_MOVE, {"move": move.pk, "new_case": new.pk, "pay_until": last})
    emit(
        CaseworkEvent.CASE_CHANGED,
        case=old,
        kind=CaseChange.MOVED,
        decision=ended,
        move=move,
        new_case=new,
        actor=actor,
    )
    return new


@transaction.atomic
def cancel_move(*, actor, move: CaseMove, on: dt.date | None = None) -> CaseMove:
    check_on(on)
    move = CaseMove.unscoped.select_for_update().get(pk=move.pk)
    check_actor(actor, move.region_code)
    if move.state != CaseMove.State.REQUESTED:
        raise CaseworkConflict("该迁移已处理")
    move.state = CaseMove.State.CANCELLED
    move.save(update_fields=["state"])
    audit_case(actor, move.case, AuditAction.CASE_MOVE, {"move": move.pk, "cancelled": True})
    return move

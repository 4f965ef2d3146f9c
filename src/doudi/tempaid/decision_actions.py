"""The county's deliberation record (一事一议, R-TA7) and declared public emergencies (R-TA6)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within, prefix_of
from doudi.regions.queries import find_region
from doudi.tempaid import notice_actions
from doudi.tempaid.base import TempAidConflict, TempAidError, audit
from doudi.tempaid.models import CaseStep, Deliberation, PublicEmergency, TempAidCase

S = TempAidCase.State


@transaction.atomic
def record_deliberation(
    *,
    actor,
    case: TempAidCase,
    held_on: dt.date,
    participants: str,
    departments: str,
    decision: str,
    amount: int,
    payer: str,
    note: str = "",
) -> Deliberation:
    """The record authorises the payment (or the referral) of a case beyond the caps; only the county
    records it, for a case whose file is complete."""
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("tempaid.approve") and code and is_within(case.region_code, code)):
        raise TempAidError("“一事一议”记录由县级民政部门登记", "actor")
    case = TempAidCase.unscoped.select_for_update().get(pk=case.pk)
    if case.state not in (S.READY, S.NOTICE, S.DELIBERATION):
        raise TempAidConflict("手续齐全后才能登记“一事一议”", "state")
    notice_actions.check_decidable(case, held_on)  # R-TA3: not before the notice is over
    if decision not in Deliberation.Decision.values:
        raise TempAidError("议定结果无效", "decision")
    if not (participants or "").strip() or not (departments or "").strip():
        raise TempAidError("请填写参会人员和参与部门", "participants")
    amount = int(amount or 0)
    if decision == Deliberation.Decision.PAY and (amount <= 0 or not (payer or "").strip()):
        raise TempAidError("同意救助须写明议定金额和资金来源", "amount")
    if held_on > timezone.localdate():
        raise TempAidError("会议日期不能晚于今天", "held_on")
    record = Deliberation.unscoped.create(
        region_code=case.region_code, case=case, held_on=held_on, participants=participants.strip()[:500],
        departments=departments.strip()[:300], decision=decision, amount=amount, payer=(payer or "").strip()[:200],
        note=(note or "").strip()[:500], recorded_by=actor,
    )  # fmt: skip
    if case.state != S.DELIBERATION:
        case.state = S.DELIBERATION
        case.save(update_fields=["state"])
    CaseStep.unscoped.create(
        region_code=case.region_code, case=case, kind=CaseStep.Kind.DELIBERATE, on=held_on, amount=amount,
        note=f"{Deliberation.Decision(decision).label}；资金来源：{record.payer or '—'}", actor=actor,
    )  # fmt: skip
    audit(actor, AuditAction.TEMPAID_DELIBERATION, "tempaid_case", case,
          {"deliberation": record.pk, "decision": decision, "amount": amount, "payer": record.payer})  # fmt: skip
    return record


@transaction.atomic
def declare_emergency(
    *, actor, region_code: str, title: str, document: str, starts_on: dt.date, ends_on: dt.date
) -> PublicEmergency:
    """A province or city declares a public emergency for a region of its own and a period (R-TA6)."""
    code = getattr(actor, "region_id", None) or ""
    region = find_region(str(region_code).ljust(12, "0"))
    if not (actor.can("tempaid.declare") and code and region is not None and is_within(region.code, code)):
        raise TempAidError("突发公共事件由省、市级宣布，且只能在本级辖区内", "region_code")
    if not (title or "").strip() or not (document or "").strip():
        raise TempAidError("请填写事件名称和宣布文件", "title")
    if ends_on < starts_on:
        raise TempAidError("结束日期不能早于开始日期", "ends_on")
    e = PublicEmergency.unscoped.create(
        region_code=region.code, title=title.strip()[:100], document=document.strip()[:64],
        starts_on=starts_on, ends_on=ends_on, declared_by=actor,
    )  # fmt: skip
    audit(actor, AuditAction.TEMPAID_EMERGENCY, "emergency", e,
          {"title": e.title, "document": e.document, "from": starts_on.isoformat(), "to": ends_on.isoformat()})  # fmt: skip
    # cases already accepted in the region during the period carry the declaration from now on
    TempAidCase.unscoped.filter(
        region_code__startswith=prefix_of(region.code), emergency__isnull=True,
        event_date__gte=starts_on, event_date__lte=ends_on, state=S.ACCEPTED,
    ).update(emergency=e)  # fmt: skip
    return e

"""One-off payments (R-PAY9): never typed rows — a region-wide decision with a rule id, an amount and a
selection (tiers, area type, region prefix), proposed by one person and approved by another (two-person
rule), then applied set-based as lines (origin ``oneoff``) on the month's draft rosters."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q

from doudi.casework.models import Case
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within, prefix_of
from doudi.payments.base import PaymentsConflict, PaymentsError, month_start, paying_region
from doudi.payments.models import OneOffDecision, Programme, Roster, RosterLine
from doudi.payments.roster_open_actions import draft_roster_for
from doudi.registry.models import Person

D = OneOffDecision.State
PAID_STATES = ("active", "under_review", "adjusted", "grace", "suspended", "terminated", "transitioned")
TIERS = ("DIBAO", "TEKUN")


def _audit(actor, decision: OneOffDecision, after: dict) -> None:
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_ONEOFF,
        region_code=decision.region_code,
        subject_type="oneoff",
        subject_id=decision.pk,
        after=after,
    )


def _region(actor) -> str:
    return getattr(actor, "region_id", None) or ""


def clean_selection(selection: dict, region_code: str) -> dict:
    tiers = [t for t in selection.get("tiers") or [] if t]
    if not tiers or any(t not in TIERS for t in tiers):
        raise PaymentsError("请选择发放的类别（低保、特困）", "selection.tiers")
    area = selection.get("area_type") or ""
    if area not in ("", "urban", "rural"):
        raise PaymentsError("城乡类别应为 urban、rural 或不限", "selection.area_type")
    prefix = str(selection.get("region_prefix") or "")
    own = prefix_of(region_code) if region_code else ""
    if prefix and (not prefix.isdigit() or not prefix.startswith(own)):
        raise PaymentsError("发放范围应在本级辖区内", "selection.region_prefix")
    return {"tiers": sorted(tiers), "area_type": area, "region_prefix": prefix or own}


@transaction.atomic
def propose(
    *,
    actor,
    title: str,
    rule: str,
    month: dt.date,
    programme: str,
    amount: int,
    selection: dict,
    per_person: bool = False,
) -> OneOffDecision:
    code = _region(actor)
    if not (actor.can("payments.approve") and code):
        raise PaymentsError("一次性发放须由县级以上民政部门决定", "actor")
    if not (title or "").strip():
        raise PaymentsError("请填写决定名称", "title")
    if not (rule or "").strip():
        raise PaymentsError("请填写依据的文件或规则编号", "rule")
    if programme not in Programme.values:
        raise PaymentsError("发放项目无效", "programme")
    if int(amount) <= 0:
        raise PaymentsError("发放金额应大于0", "amount")
    decision = OneOffDecision.unscoped.create(
        region_code=code,
        title=title.strip()[:100],
        rule=rule.strip()[:32],
        month=month_start(month),
        programme=programme,
        amount=int(amount),
        per_person=per_person,
        selection=clean_selection(selection, code),
        proposed_by=actor,
    )
    _audit(actor, decision, {"state": "proposed", "amount": decision.amount, "selection": decision.selection})
    return decision


@transaction.atomic
def approve(*, actor, decision: OneOffDecision) -> OneOffDecision:
    decision = OneOffDecision.unscoped.select_for_update().get(pk=decision.pk)
    if decision.state != D.PROPOSED:
        raise PaymentsConflict("该决定不在待审批状态", "state")
    code = _region(actor)
    if not (actor.can("payments.approve") and code and is_within(decision.region_code, code)):
        raise PaymentsError("您无权审批该一次性发放决定", "actor")
    if decision.proposed_by_id == actor.pk:
        raise PaymentsError("一次性发放须由另一人审批（提出人不能审批）", "actor")
    decision.state = D.APPROVED
    decision.approved_by = actor
    decision.save(update_fields=["state", "approved_by"])
    _audit(actor, decision, {"state": "approved"})
    return decision


def selected_cases(decision: OneOffDecision):
    sel = decision.selection
    month = decision.month
    cases = Case.unscoped.filter(
        tier__in=sel["tiers"],
        state__in=PAID_STATES,
        pay_from__isnull=False,
        pay_from__lte=month,
        region_code__startswith=sel["region_prefix"],
    ).filter(Q(pay_until__isnull=True) | Q(pay_until__gte=month))
    if sel.get("area_type"):
        cases = cases.filter(household__area_type=sel["area_type"])
    return cases


@transaction.atomic
def apply(*, actor, decision: OneOffDecision) -> int:
    """Write the decision's lines (once per case: re-applying adds only cases not yet paid by it)."""
    decision = OneOffDecision.unscoped.select_for_update().get(pk=decision.pk)
    if decision.state not in (D.APPROVED, D.APPLIED):
        raise PaymentsConflict("一次性发放决定审批后才能生成发放明细", "state")
    code = _region(actor)
    if not (actor.can("payments.approve") and code and is_within(decision.region_code, code)):
        raise PaymentsError("您无权执行该一次性发放决定", "actor")
    done = RosterLine.unscoped.filter(oneoff=decision).values("case")
    rows = list(
        selected_cases(decision)
        .exclude(pk__in=done)
        .values_list("pk", "household_id", "household__region_code", "tier")
    )
    members: dict[int, int] = {}
    if decision.per_person:
        hh = {r[1] for r in rows}
        members = dict(
            Person.unscoped.filter(household__in=hh)
            .values("household")
            .annotate(n=Count("pk"))
            .values_list("household", "n")
        )
    rosters: dict[str, Roster] = {}
    payers: dict[str, str] = {}
    lines = []
    for case_id, household_id, region, tier in rows:
        town = region[:9]
        if town not in payers:  # one look-up per township, one roster per paying region
            payers[town] = paying_region(town.ljust(12, "0"), decision.month)
        payer = payers[town]
        if payer not in rosters:
            rosters[payer] = draft_roster_for(payer, decision.programme, decision.month)
        n = members.get(household_id, 1) if decision.per_person else 0
        lines.append(
            RosterLine(
                region_code=region,
                roster=rosters[payer],
                case_id=case_id,
                household_id=household_id,
                payee_key=f"h{household_id}",
                programme=decision.programme,
                tier=tier,
                month=decision.month,
                line=RosterLine.Line.ONEOFF,
                rule=decision.rule,
                amount=decision.amount * (n or 1),
                members=n,
                origin="oneoff",
                oneoff=decision,
                status_reason=decision.title,
            )
        )
    RosterLine.unscoped.bulk_create(lines, batch_size=5000)
    decision.state = D.APPLIED
    decision.save(update_fields=["state"])
    _audit(actor, decision, {"state": "applied", "lines": len(lines), "amount": sum(x.amount for x in lines)})
    return len(lines)

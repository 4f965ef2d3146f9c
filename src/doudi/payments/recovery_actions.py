"""Recovery of overpayments (R-PAY8): a claim with its months, amount and cause; a claim for staff error
(no fault of the family) waits for the county's decision, the others are open at once. Settled by
repayment records, by offset lines on the next draft roster — never more than ``pay.offset_max_share``
of the month's amount and never against TEKUN basic living (R-B3 basic) — or by a county write-off.

``recovered`` counts repayments and offsets as they are booked (an offset line dropped at lock is given
back by ``offset_lines`` of a later month: it books only what its new lines take)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from doudi.casework import params as casework_params
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.payments.base import PaymentsConflict, PaymentsError, paying_region
from doudi.payments.models import RecoveryClaim, Roster, RosterLine
from doudi.payments.roster_open_actions import draft_roster_for

C = RecoveryClaim.State
NEEDS_COUNTY = (RecoveryClaim.Cause.STAFF_ERROR,)
MODES = {"repay": "退回", "offset": "从以后发放中抵扣", "write_off": "核销"}


def _audit(actor, claim: RecoveryClaim, after: dict) -> None:
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_RECOVERY,
        region_code=claim.region_code,
        subject_type="recovery_claim",
        subject_id=claim.pk,
        after=after,
    )


def _in_scope(actor, region_code: str, capability: str) -> bool:
    code = getattr(actor, "region_id", None) or ""
    return bool(actor.can(capability) and code and is_within(region_code, code))


@transaction.atomic
def propose(
    *, actor, case, cause: str, months: list[str], amount: int, mode: str = "offset", note: str = "", on=None
) -> RecoveryClaim:
    if not _in_scope(actor, case.region_code, "payments.write"):
        raise PaymentsError("您无权登记该家庭的追回", "case")
    if cause not in RecoveryClaim.Cause.values:
        raise PaymentsError("追回原因无效", "cause")
    if not months:
        raise PaymentsError("请列明多发的月份", "months")
    if int(amount) <= 0:
        raise PaymentsError("追回金额应大于0", "amount")
    if mode not in MODES:
        raise PaymentsError("追回方式应为 退回、抵扣 或 核销", "mode")
    if mode == "write_off" and cause != RecoveryClaim.Cause.STAFF_ERROR:
        raise PaymentsError("只有工作失误造成的多发可以申请核销", "mode")
    state = C.PROPOSED if cause in NEEDS_COUNTY or mode == "write_off" else C.OPEN
    claim = RecoveryClaim.unscoped.create(
        region_code=case.region_code,
        case=case,
        household_id=case.household_id,
        cause=cause,
        months=sorted(months),
        amount=int(amount),
        state=state,
        settle_mode=mode,
        decision_note=note.strip(),
        proposed_by=actor,
        created_on=on or timezone.localdate(),
    )
    _audit(actor, claim, {"cause": cause, "amount": claim.amount, "months": claim.months, "state": state})
    return claim


@transaction.atomic
def decide(*, actor, claim: RecoveryClaim, approve: bool, note: str) -> RecoveryClaim:
    """The county's decision on a claim that needs it (staff error, write-off): another person than the
    one who proposed it."""
    claim = RecoveryClaim.unscoped.select_for_update().get(pk=claim.pk)
    if claim.state != C.PROPOSED:
        raise PaymentsConflict("该追回不在待审批状态", "state")
    if not _in_scope(actor, claim.region_code, "payments.approve"):
        raise PaymentsError("须由县级民政部门决定", "actor")
    if claim.proposed_by_id == actor.pk:
        raise PaymentsError("登记人不能审批自己登记的追回", "actor")
    if not (note or "").strip():
        raise PaymentsError("请填写决定意见", "note")
    claim.approved_by = actor
    claim.decision_note = (claim.decision_note + "\n" + note.strip()).strip()
    if not approve:
        claim.state = C.WRITTEN_OFF if claim.settle_mode == "write_off" else C.SETTLED
        claim.amount = claim.recovered  # nothing more to recover
    elif claim.settle_mode == "write_off":
        claim.state = C.WRITTEN_OFF
    else:
        claim.state = C.OPEN
    claim.save()
    _audit(actor, claim, {"decision": "approve" if approve else "reject", "state": claim.state})
    return claim


@transaction.atomic
def record_repayment(*, actor, claim: RecoveryClaim, amount: int, on=None, note: str = "") -> RecoveryClaim:
    claim = RecoveryClaim.unscoped.select_for_update().get(pk=claim.pk)
    if claim.state != C.OPEN:
        raise PaymentsConflict("该追回不在追回中状态", "state")
    if not _in_scope(actor, claim.region_code, "payments.write"):
        raise PaymentsError("您无权登记该追回的退款", "claim")
    if int(amount) <= 0 or int(amount) > claim.amount - claim.recovered:
        raise PaymentsError(f"退款金额应在1至{claim.amount - claim.recovered}元之间", "amount")
    claim.recovered += int(amount)
    if claim.recovered >= claim.amount:
        claim.state = C.SETTLED
    claim.save()
    _audit(actor, claim, {"repaid": int(amount), "on": str(on or timezone.localdate()), "note": note[:200]})
    return claim


def _offsetable(month: dt.date, case_ids: list[int]) -> dict[int, int]:
    """Each case's amount of the month that an offset may reduce: its entitlement lines on draft
    rosters, without TEKUN basic living (R-B3 basic, line ``base`` of a TEKUN case)."""
    rows = (
        RosterLine.unscoped.filter(
            case__in=case_ids,
            month=month,
            roster__state=Roster.State.DRAFT,
            line__in=("base", "topup", "care", "single"),
        )
        .exclude(Q(programme="TEKUN") & Q(line="base"))
        .exclude(status=RosterLine.Status.DROPPED)
        .values("case")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {r["case"]: int(r["total"]) for r in rows}


@transaction.atomic
def offset_lines(*, actor, month: dt.date, region_prefix: str = "") -> list[RosterLine]:
    """Recovery lines (negative, origin ``recovery``) for the month's draft rosters: each open offset
    claim takes min(what is left, share × the case's offsetable amount) — one line per claim and month."""
    open_claims = RecoveryClaim.unscoped.filter(state=C.OPEN, settle_mode="offset").select_related(
        "case", "household"
    )
    if region_prefix:
        open_claims = open_claims.filter(region_code__startswith=region_prefix)
    claims = list(
        open_claims.exclude(
            pk__in=RosterLine.unscoped.filter(claim__isnull=False, month=month, line="recovery").values(
                "claim"
            )
        )
    )
    base = _offsetable(month, [c.case_id for c in claims])
    made = []
    for claim in claims:  # open claims are few
        share = Decimal(
            str(casework_params.value("pay.offset_max_share", region_code=claim.region_code, on=month))
        )
        cap = math.floor(share * base.get(claim.case_id, 0))
        take = min(cap, claim.amount - claim.recovered)
        if take <= 0:
            continue
        roster = draft_roster_for(paying_region(claim.household.region_code, month), claim.case.tier, month)
        made.append(
            RosterLine(
                region_code=claim.household.region_code,
                roster=roster,
                case=claim.case,
                household=claim.household,
                payee_key=f"h{claim.household_id}",
                programme=claim.case.tier,
                tier=claim.case.tier,
                month=month,
                line=RosterLine.Line.RECOVERY,
                rule="R-PAY8",
                amount=-take,
                covers=claim.months,
                origin="recovery",
                claim=claim,
                status_reason=f"追回多发款（{RecoveryClaim.Cause(claim.cause).label}）",
            )
        )
        claim.recovered += take
        if claim.recovered >= claim.amount:
            claim.state = C.SETTLED
    RosterLine.unscoped.bulk_create(made)
    RecoveryClaim.unscoped.bulk_update(claims, ["recovered", "state"])
    if made:
        record_audit(
            actor=actor,
            action=AuditAction.PAYMENTS_RECOVERY,
            region_code=(region_prefix or "").ljust(12, "0"),
            subject_type="recovery_offsets",
            subject_id=month.strftime("%Y-%m"),
            after={"lines": len(made), "amount": sum(-m.amount for m in made)},
        )
    return made

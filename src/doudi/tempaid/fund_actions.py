"""The township contingency fund (乡镇临时救助备用金, R-TA9): opened per township and year by the county,
drawn by pay-first payments, never negative (a check constraint besides the rule), an over-draw asks the
county for a top-up, and each month is reconciled from the ledger."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum

from doudi.core.audit_actions import AuditAction
from doudi.core.dates import add_months, month_start
from doudi.core.scoping import is_within
from doudi.payments import fund_actions as programme_funds
from doudi.payments.base import paying_region
from doudi.policy.rules import temp_aid as rules
from doudi.regions.queries import find_region
from doudi.tempaid import params
from doudi.tempaid.base import TempAidConflict, TempAidError, audit
from doudi.tempaid.models import ContingencyFund, FundLedger, Reconciliation, TempAidCase, TopUpRequest

K = FundLedger.Kind


def _county_actor(actor, township: str) -> None:
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("tempaid.approve") and code and is_within(township, code)):
        raise TempAidError("备用金由县级民政部门核拨和追加", "actor")


def _township(code: str) -> str:
    return str(code)[:9].ljust(12, "0")


def fund_of(township: str, year: int) -> ContingencyFund | None:
    return ContingencyFund.unscoped.filter(region_code=_township(township), year=year).first()


def _move(
    actor, fund: ContingencyFund, amount: int, kind: str, on: dt.date, case=None, note=""
) -> FundLedger:
    """One ledger line; the balance moves with it (the row is locked by the caller)."""
    new_balance = fund.balance + amount
    if new_balance < 0:  # the rule's guarantee, checked again where the money moves
        raise TempAidConflict("备用金余额不足，不能透支", "amount")
    fund.balance = new_balance
    fund.save(update_fields=["balance"])
    entry = FundLedger.unscoped.create(
        region_code=fund.region_code, fund=fund, on=on, kind=kind, amount=amount,
        balance_after=new_balance, case=case, note=note[:200], actor=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit(actor, AuditAction.TEMPAID_FUND, "contingency_fund", fund,
          {"kind": kind, "amount": amount, "balance": new_balance, "case": getattr(case, "pk", None)})  # fmt: skip
    return entry


@transaction.atomic
def allocate(
    *, actor, township: str, year: int, amount: int | None = None, on: dt.date, note: str = ""
) -> ContingencyFund:
    """The county sizes (or adds to) a township's fund for the year; without an amount, the parameter
    ``temp_aid.fund`` of the township."""
    township = _township(township)
    region = find_region(township)
    if region is None or region.level != "township":
        raise TempAidError("请选择乡镇（街道）", "township")
    _county_actor(actor, township)
    if amount is None:
        amount = int(params.value("temp_aid.fund", region_code=township, on=on))
    if int(amount) <= 0:
        raise TempAidError("核拨金额应大于0", "amount")
    fund, _ = ContingencyFund.unscoped.get_or_create(region_code=township, year=year)
    fund = ContingencyFund.unscoped.select_for_update().get(pk=fund.pk)
    fund.allotted += int(amount)
    fund.save(update_fields=["allotted"])
    _move(actor, fund, int(amount), K.ALLOCATION, on, note=note or f"{year}年度备用金核拨")
    _from_county(actor, township, int(amount), on, f"核拨{region.name}{year}年度临时救助备用金")
    return fund


def _from_county(actor, township: str, amount: int, on: dt.date, note: str) -> None:
    """The money comes out of the paying region's TEMP fund account (专账) once, here; the pay-first
    lines it then pays are on the TEMP roster as already paid and not debited again at reconciliation
    (``payments.fund_actions.PREPAID_ORIGINS``)."""
    programme_funds.transfer_out(
        actor=actor,
        region_code=paying_region(township, on),
        programme="TEMP",
        amount=amount,
        on=on,
        note=note,
    )


def draw_for_case(
    *, actor, case: TempAidCase, amount: int, on: dt.date
) -> tuple[FundLedger | None, TopUpRequest | None]:
    """Inside the caller's transaction: pay ``amount`` for the case from its township's fund, or — when
    the balance does not cover it — nothing, and a top-up request for the shortfall (R-TA9)."""
    fund = fund_of(case.region_code, on.year)
    if fund is None:
        raise TempAidError("本乡镇（街道）本年度尚未核拨临时救助备用金，请联系县级民政部门", "fund")
    fund = ContingencyFund.unscoped.select_for_update().get(pk=fund.pk)
    move = rules.draw(fund.balance, amount)
    if not move.allowed:
        req = TopUpRequest.unscoped.create(
            region_code=fund.region_code, fund=fund, case=case, amount=move.shortfall,
            reason=f"临时救助{case.number}先行救助{amount}元，备用金余额{fund.balance}元不足",
            requested_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
        audit(actor, AuditAction.TEMPAID_FUND, "contingency_fund", fund,
              {"kind": "topup_request", "amount": move.shortfall, "case": case.pk})  # fmt: skip
        return None, req
    entry = _move(actor, fund, -amount, K.PAY_FIRST, on, case, f"临时救助{case.number}先行救助")
    return entry, None


@transaction.atomic
def request_topup(*, actor, township: str, year: int, amount: int, reason: str) -> TopUpRequest:
    fund = fund_of(township, year)
    if fund is None:
        raise TempAidError("本年度备用金尚未核拨", "fund")
    if int(amount) <= 0 or not (reason or "").strip():
        raise TempAidError("请填写追加金额和理由", "amount")
    req = TopUpRequest.unscoped.create(
        region_code=fund.region_code, fund=fund, amount=int(amount), reason=reason.strip()[:200],
        requested_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit(
        actor, AuditAction.TEMPAID_FUND, "contingency_fund", fund, {"kind": "topup_request", "amount": amount}
    )
    return req


@transaction.atomic
def grant_topup(*, actor, request: TopUpRequest, on: dt.date, amount: int | None = None) -> FundLedger:
    req = TopUpRequest.unscoped.select_for_update().get(pk=request.pk)
    if req.state != TopUpRequest.State.REQUESTED:
        raise TempAidConflict("该追加申请已处理", "state")
    _county_actor(actor, req.region_code)
    fund = ContingencyFund.unscoped.select_for_update().get(pk=req.fund_id)
    got = int(amount if amount is not None else req.amount)
    if got <= 0:
        raise TempAidError("追加金额应大于0", "amount")
    entry = _move(actor, fund, got, K.TOPUP, on, req.case, f"县级追加（申请{req.pk}）")
    _from_county(actor, fund.region_code, got, on, f"追加临时救助备用金（申请{req.pk}）")
    req.state = TopUpRequest.State.GRANTED
    req.granted_by = actor
    req.save(update_fields=["state", "granted_by"])
    return entry


def month_rows(fund: ContingencyFund) -> list[dict]:
    """The fund's months from its first ledger line: opening, in, out, closing (computed from the
    ledger; a stored reconciliation is marked)."""
    first = FundLedger.unscoped.filter(fund=fund).order_by("on").values_list("on", flat=True).first()
    if first is None:
        return []
    last = FundLedger.unscoped.filter(fund=fund).order_by("-on").values_list("on", flat=True).first() or first
    done = {r.month: r for r in Reconciliation.unscoped.filter(fund=fund)}
    rows, opening, m = [], 0, month_start(first)
    while m <= month_start(last):
        moves = list(
            FundLedger.unscoped.filter(fund=fund)
            .filter(on__gte=m, on__lt=add_months(m, 1))
            .values_list("amount", flat=True)
        )
        credits, debits, closing = rules.reconcile(opening, moves)
        rows.append({"month": m, "opening": opening, "credits": credits, "debits": debits, "closing": closing,
                     "reconciled": done.get(m)})  # fmt: skip
        opening, m = closing, add_months(m, 1)
    return rows


@transaction.atomic
def reconcile_month(*, actor, fund: ContingencyFund, month: dt.date) -> Reconciliation:
    """Record the month's reconciliation; ``matches`` is whether the ledger's running balance agrees with
    the lines' sums (opening + in − out = the last line's balance)."""
    month = month_start(month)
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("tempaid.write") and is_within(fund.region_code, code)):
        raise TempAidError("您无权对该备用金对账", "actor")
    if Reconciliation.unscoped.filter(fund=fund, month=month).exists():
        raise TempAidConflict("该月已对账", "month")
    before = FundLedger.unscoped.filter(fund=fund).filter(on__lt=month).aggregate(s=Sum("amount"))["s"] or 0
    inside = FundLedger.unscoped.filter(fund=fund).filter(on__gte=month, on__lt=add_months(month, 1))
    credits, debits, closing = rules.reconcile(int(before), list(inside.values_list("amount", flat=True)))
    last = (
        FundLedger.unscoped.filter(fund=fund)
        .filter(on__lt=add_months(month, 1))
        .order_by("-on", "-pk")
        .first()
    )
    matches = last is None or last.balance_after == closing
    rec = Reconciliation.unscoped.create(
        region_code=fund.region_code, fund=fund, month=month, opening=before, credits=credits, debits=debits,
        closing=closing, matches=matches, by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit(actor, AuditAction.TEMPAID_FUND, "contingency_fund", fund,
          {"kind": "reconcile", "month": month.isoformat(), "closing": closing, "matches": matches})  # fmt: skip
    return rec

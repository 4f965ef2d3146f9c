"""Fund accounts and monthly summaries (R-PAY10).

Each paying region has one fund account (专账) per programme. A reconciled roster's paid total leaves it
(once), money the bank returns comes back, allocations come in. Monthly summaries (发放汇总) are built
from the lines themselves with one GROUP BY per level: township rows from the lines, then county, city
and province rows from the level below — so every level adds up to the paid lines."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.payments.base import PaymentsError
from doudi.payments.models import FundAccount, FundEntry, MonthlySummary, Programme, Roster, RosterLine

L = RosterLine.Status
LEVELS = (("township", 9), ("county", 6), ("city", 4), ("province", 2))
BASE_LINES = ("base", "single")
# lines already paid from another fund before the roster (temporary assistance paid first from the township's
# contingency fund, R-TA5): on the roster for the record and the summaries, but the roster does not pay them,
# so the programme fund is not debited for them again (the fund paid the contingency fund when the county
# allocated or topped it up: ``transfer_out``)
PREPAID_ORIGINS = ("tempaid_first",)


def fund_for(region_code: str, programme: str) -> FundAccount:
    fund = FundAccount.unscoped.filter(region_code=region_code, programme=programme).first()
    if fund is None:
        from doudi.regions.queries import names_for

        name = names_for({region_code}).get(region_code, region_code)
        fund = FundAccount.unscoped.create(
            region_code=region_code,
            programme=programme,
            name=f"{name}{Programme(programme).label}资金专账",
        )
    return fund


def _entry(actor, fund: FundAccount, amount: int, kind: str, on: dt.date, roster=None, note="") -> FundEntry:
    fund = FundAccount.unscoped.select_for_update().get(pk=fund.pk)
    entry = FundEntry.unscoped.create(
        region_code=fund.region_code,
        fund=fund,
        on=on,
        amount=amount,
        kind=kind,
        roster=roster,
        note=note[:200],
    )
    FundAccount.unscoped.filter(pk=fund.pk).update(balance=F("balance") + amount)
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_FUND,
        region_code=fund.region_code,
        subject_type="fund",
        subject_id=fund.pk,
        after={"kind": kind, "amount": amount, "roster": roster.pk if roster else None, "note": note},
    )
    return entry


def debit_roster(*, actor, roster: Roster) -> FundEntry | None:
    """The reconciled roster's paid total leaves the fund (once per roster; inside the caller's
    transaction) — less the lines another fund had already paid (``PREPAID_ORIGINS``)."""
    if FundEntry.unscoped.filter(roster=roster, kind="roster").exists():
        return None
    fund = fund_for(roster.region_code, roster.programme)
    prepaid = int(
        RosterLine.unscoped.filter(roster=roster, status=L.PAID, origin__in=PREPAID_ORIGINS).aggregate(
            s=Coalesce(Sum("amount"), 0)
        )["s"]
    )
    note = f"花名册{roster.pk}发放"
    if prepaid:
        note += f"（不含已由临时救助备用金先行支付的{prepaid}元）"
    return _entry(
        actor, fund, -(int(roster.paid_amount) - prepaid), "roster", timezone.localdate(), roster, note
    )


def transfer_out(
    *, actor, region_code: str, programme: str, amount: int, on: dt.date, note: str
) -> FundEntry:
    """Money leaving a programme fund for another fund (e.g. the county's TEMP fund sizing or topping up a
    township's contingency fund, R-TA9); inside the caller's transaction."""
    if amount <= 0:
        raise PaymentsError("划出金额应大于0", "amount")
    return _entry(actor, fund_for(region_code, programme), -int(amount), "transfer", on, None, note)


def credit_returned(*, actor, line: RosterLine, on: dt.date) -> FundEntry:
    fund = fund_for(line.roster.region_code, line.programme)
    return _entry(actor, fund, int(line.amount), "returned", on, line.roster, f"明细{line.pk}银行退回")


@transaction.atomic
def allocate(*, actor, region_code: str, programme: str, amount: int, on: dt.date, note: str) -> FundEntry:
    """Money allocated into a region's fund (by the county)."""
    if not actor.can("payments.approve"):
        raise PaymentsError("您无权登记资金拨入", "fund")
    if amount <= 0:
        raise PaymentsError("拨入金额应大于0", "amount")
    return _entry(actor, fund_for(region_code, programme), amount, "allocation", on, None, note)


_SUMS = (
    "households",
    "persons",
    "due_amount",
    "paid_amount",
    "failed_amount",
    "arrears_amount",
    "recovery_amount",
)


@transaction.atomic
def build_summaries(*, actor, month: dt.date, region_prefix: str = "") -> int:
    """Rebuild the month's summaries of the region subtree (all four levels); returns the rows written.
    Levels above the prefix are rebuilt from all their townships (the province row stays whole)."""
    # through the month's rosters (indexed), not a scan of every month's lines
    rosters = Roster.unscoped.filter(month=month)
    lines = RosterLine.unscoped.filter(roster__in=rosters, month=month).exclude(status=L.DROPPED)
    top = region_prefix[:2]
    if top:
        lines = lines.filter(region_code__startswith=top)
    town = (
        lines.annotate(code=Substr("region_code", 1, 9))
        .values("code", "programme", "tier")
        .annotate(
            households=Count("household", distinct=True, filter=Q(line__in=BASE_LINES)),
            persons=Coalesce(Sum("members", filter=Q(line__in=BASE_LINES)), 0),
            due_amount=Coalesce(Sum("amount", filter=~Q(line="recovery")), 0),
            paid_amount=Coalesce(Sum("amount", filter=Q(status=L.PAID)), 0),
            failed_amount=Coalesce(Sum("amount", filter=Q(status=L.FAILED)), 0),
            arrears_amount=Coalesce(Sum("amount", filter=Q(line="arrears")), 0),
            recovery_amount=Coalesce(Sum("amount", filter=Q(line="recovery")), 0),
        )
        .order_by()
    )
    rows: dict[tuple[str, str, str, str], dict] = {}
    for group in town.iterator():  # one row per township, programme and tier
        r: dict = dict(group)
        tier = r["tier"] or r["programme"]
        for level, n in LEVELS:
            key = (level, r["code"][:n].ljust(12, "0"), r["programme"], tier)
            acc = rows.setdefault(key, dict.fromkeys(_SUMS, 0))
            for f in _SUMS:
                acc[f] += int(r[f])
    old = MonthlySummary.unscoped.filter(month=month)
    if top:
        old = old.filter(region_code__startswith=top)
    old.delete()
    MonthlySummary.unscoped.bulk_create(
        [
            MonthlySummary(region_code=code, level=level, programme=prog, month=month, tier=tier, **sums)
            for (level, code, prog, tier), sums in rows.items()
        ]
    )
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_FUND,
        region_code=(top or "").ljust(12, "0"),
        subject_type="monthly_summary",
        subject_id=month.strftime("%Y-%m"),
        after={"rows": len(rows)},
    )
    return len(rows)

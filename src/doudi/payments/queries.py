"""Reads of payments, always within the caller's region scope (404 outside it, never 403).

A roster belongs to its paying region (a county, or a delegated township); the townships inside that
county see the roster itself (its state and totals) and, through the scoped lines, only their own
households' lines. A neighbour county sees neither."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from doudi.casework import params as casework_params
from doudi.core.scoping import current_scope
from doudi.payments.models import (
    BankReturn,
    FundAccount,
    FundEntry,
    MonthlySummary,
    OneOffDecision,
    RecipientAccount,
    RecoveryClaim,
    Roster,
    RosterEvent,
    RosterLine,
)

OPEN_STATES = ("draft", "locked", "approved", "released", "sent")


def _prefix() -> str:
    scope = current_scope()
    return scope.prefix if scope is not None else "\x00"  # no scope: nothing


def rosters() -> QuerySet[Roster]:
    """The rosters of the scope, and, for a township, the roster of its paying county."""
    prefix = _prefix()
    q = Q(region_code__startswith=prefix)
    if len(prefix) > 6:
        q |= Q(region_code=prefix[:6].ljust(12, "0"))
    return Roster.unscoped.filter(q)


def get_roster(pk: int) -> Roster:
    """Raises Roster.DoesNotExist outside the scope."""
    return rosters().get(pk=pk)


def roster_lines(roster: Roster, status: str = "") -> QuerySet[RosterLine]:
    qs = RosterLine.objects.filter(roster=roster).select_related("household", "person", "case")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("household_id", "pk")


def line_counts(roster: Roster) -> dict[str, int]:
    rows = RosterLine.objects.filter(roster=roster).values("status").annotate(n=Count("pk")).order_by()
    return {r["status"]: r["n"] for r in rows}


def line_amounts(roster: Roster) -> dict[str, int]:
    rows = RosterLine.objects.filter(roster=roster).values("status").annotate(s=Sum("amount")).order_by()
    return {r["status"]: int(r["s"] or 0) for r in rows}


def roster_events(roster: Roster) -> QuerySet[RosterEvent]:
    return RosterEvent.unscoped.filter(roster=roster).select_related("actor").order_by("pk")


def bank_returns(roster: Roster) -> QuerySet[BankReturn]:
    return BankReturn.unscoped.filter(roster=roster).order_by("-pk")


def send_by(roster: Roster) -> dt.date:
    """The day the roster must be sent to the bank (``pay.send_by_day`` of its month, R-PAY4)."""
    day = casework_params.days("pay.send_by_day", region_code=roster.region_code, on=roster.month)
    return roster.month.replace(day=max(1, min(day, 28)))


def open_rosters(state: str = "") -> QuerySet[Roster]:
    qs = rosters().filter(state__in=(state,) if state else OPEN_STATES)
    return qs.order_by("month", "region_code", "programme", "kind", "seq")


def recent_rosters(limit: int = 50) -> list[Roster]:
    return list(rosters().order_by("-month", "region_code", "programme", "kind", "seq")[:limit])


def lines_to_check(limit: int = 200) -> QuerySet[RosterLine]:
    """The township's lines on draft rosters (to check before the lock)."""
    return (
        RosterLine.objects.filter(roster__state="draft")
        .select_related("household", "person", "roster")
        .order_by("roster__month", "household_id", "pk")[:limit]
    )


def held_and_dropped(limit: int = 200) -> QuerySet[RosterLine]:
    return (
        RosterLine.objects.filter(status__in=("held", "dropped"), roster__state__in=OPEN_STATES)
        .select_related("household", "person", "roster")
        .order_by("roster__month", "status", "household_id")[:limit]
    )


def failed_lines(limit: int = 200) -> QuerySet[RosterLine]:
    return (
        RosterLine.objects.filter(status="failed")
        .select_related("household", "roster")
        .order_by("-pk")[:limit]
    )


def accounts_to_fix() -> QuerySet[RecipientAccount]:
    return (
        RecipientAccount.objects.filter(valid_to__isnull=True)
        .exclude(problem="")
        .select_related("household")
        .order_by("pk")
    )


def get_account(pk: int) -> RecipientAccount:
    return RecipientAccount.objects.select_related("household").get(pk=pk)


def household_accounts(household_id: int) -> QuerySet[RecipientAccount]:
    return RecipientAccount.objects.filter(household_id=household_id).order_by("-valid_to", "-pk")


def household_lines(household_id: int) -> QuerySet[RosterLine]:
    return (
        RosterLine.objects.filter(household_id=household_id)
        .select_related("roster", "person", "claim", "oneoff")
        .order_by("-month", "roster_id", "pk")
    )


def household_claims(household_id: int) -> QuerySet[RecoveryClaim]:
    return RecoveryClaim.objects.filter(household_id=household_id).order_by("-pk")


def claims(state: str = "") -> QuerySet[RecoveryClaim]:
    qs = RecoveryClaim.objects.select_related("household", "case").order_by("-pk")
    return qs.filter(state=state) if state else qs


def get_claim(pk: int) -> RecoveryClaim:
    return RecoveryClaim.objects.get(pk=pk)


def oneoffs() -> QuerySet[OneOffDecision]:
    """The scope's one-off decisions and those of the levels above it (a county's decision covers its
    townships: they see it, they cannot approve or apply it)."""
    prefix = _prefix()
    above = [prefix[:n].ljust(12, "0") for n in (2, 4, 6, 9) if n < len(prefix)]
    q = Q(region_code__startswith=prefix) | Q(region_code__in=above)
    return OneOffDecision.unscoped.filter(q).order_by("-pk")


def get_oneoff(pk: int) -> OneOffDecision:
    """Raises OneOffDecision.DoesNotExist outside the scope (and the levels above it)."""
    return oneoffs().get(pk=pk)


def funds() -> QuerySet[FundAccount]:
    return FundAccount.objects.order_by("region_code", "programme")


def fund_entries(limit: int = 50) -> QuerySet[FundEntry]:
    return FundEntry.objects.select_related("fund", "roster").order_by("-on", "-pk")[:limit]


def summaries(month: dt.date | None = None, level: str = "") -> QuerySet[MonthlySummary]:
    qs = MonthlySummary.objects.all()
    if month:
        qs = qs.filter(month=month)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("-month", "region_code", "programme", "tier")


def summary_months() -> list[dt.date]:
    return list(MonthlySummary.objects.values_list("month", flat=True).distinct().order_by("-month")[:24])


def chart_rows(region_code: str) -> list[dict]:
    """Amounts by month and tier of the user's own region (its summary rows), oldest first."""
    rows = (
        MonthlySummary.objects.filter(region_code=region_code)
        .values("month", "tier")
        .annotate(paid=Sum("paid_amount"), due=Sum("due_amount"))
        .order_by("month", "tier")
    )
    return [dict(r) for r in rows]


def counts() -> dict[str, int]:
    """The home panel: open rosters by state, accounts to fix, failed lines not re-paid yet."""
    by_state = dict(
        rosters()
        .filter(state__in=OPEN_STATES)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {
        "draft": by_state.get("draft", 0),
        "locked": by_state.get("locked", 0),
        "approved": by_state.get("approved", 0),
        "released": by_state.get("released", 0),
        "sent": by_state.get("sent", 0),
        "accounts_to_fix": accounts_to_fix().count(),
        "held": RosterLine.objects.filter(status="held", roster__state__in=OPEN_STATES).count(),
    }


def claim_rows(state: str = "", limit: int = 300) -> list[RecoveryClaim]:
    """The scope's recovery claims (R-PAY8), newest first, with who proposed and decided them."""
    qs = claims(state).select_related("proposed_by", "approved_by")
    return list(qs[:limit])


def claim_counts() -> dict[str, int]:
    rows = RecoveryClaim.objects.values("state").annotate(n=Count("pk")).order_by()
    return {r["state"]: r["n"] for r in rows}


def claim_lines(claim: RecoveryClaim) -> QuerySet[RosterLine]:
    """The offset lines a claim took (scoped: a township sees its own households' lines)."""
    return RosterLine.objects.filter(claim=claim).select_related("roster").order_by("month", "pk")


def oneoff_rows(limit: int = 200) -> list[OneOffDecision]:
    return list(oneoffs().select_related("proposed_by", "approved_by")[:limit])


def oneoff_totals(decision: OneOffDecision) -> dict[str, int]:
    agg = RosterLine.objects.filter(oneoff=decision).aggregate(n=Count("pk"), s=Sum("amount"))
    return {"lines": int(agg["n"] or 0), "amount": int(agg["s"] or 0)}


def oneoff_preview(decision: OneOffDecision) -> int:
    """How many cases the decision's selection takes now (R-PAY9; before approval and apply)."""
    from doudi.payments.oneoff_actions import selected_cases

    return selected_cases(decision).count()


def get_case(pk: int):
    """A case of the scope (raises Case.DoesNotExist outside it): what a recovery claim is about."""
    from doudi.casework.models import Case

    return Case.objects.get(pk=pk)

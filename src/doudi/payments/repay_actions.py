"""Failed and returned payments (R-PAY6).

* A failed line puts the bank's reason on its account (``problem``): the account is on the township's
  "accounts to fix" list (the township's task) and the payee's next lines are held at lock until fixed.
* Once the account is fixed (a new account, or the problem cleared), every failed line of the payee not
  yet re-paid becomes an arrears line (origin ``failed``, rule ``R-PAY6``, ``source_line`` the failed one)
  on the draft roster of the current month (``roster_open_actions.draft_roster_for``: the regular one while it is a
  draft, else a supplementary roster 补发名册).
* A second failure on the same account suspends the case (``casework.lifecycle_actions.suspend``, cause
  ``bank_failure``, R-W34).
* Money the bank sends back after a death closes the line as ``returned`` and goes back into the fund."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.payments.base import PaymentsConflict, PaymentsError, month_start, paying_region
from doudi.payments.models import RecipientAccount, RosterLine
from doudi.payments.roster_open_actions import draft_roster_for

L = RosterLine.Status


def on_failed(*, actor, line_ids: list[int]) -> None:
    """After a return file marked lines failed (inside its transaction)."""
    lines = RosterLine.unscoped.filter(pk__in=line_ids, account__isnull=False)
    by_reason: dict[str, set[int]] = defaultdict(set)
    for acc, reason in lines.values_list("account", "bank_reason").distinct():
        by_reason[reason or "银行发放失败"].add(acc)
    accounts: set[int] = set()
    for reason, accs in by_reason.items():
        RecipientAccount.unscoped.filter(pk__in=accs).update(problem=f"银行退回：{reason}"[:200])
        accounts |= accs
    # a second failure of the same account: suspend the case (R-W34)
    rosters_failed = (
        RosterLine.unscoped.filter(account__in=accounts, status=L.FAILED)
        .values_list("account", "roster")
        .distinct()
    )
    count: dict[int, int] = defaultdict(int)
    for acc, _roster in rosters_failed:
        count[acc] += 1
    twice = [acc for acc, n in count.items() if n >= 2]
    if twice:
        _suspend_cases(actor, twice, line_ids)


def _suspend_cases(actor, accounts: list[int], line_ids: list[int]) -> None:
    from doudi.casework.lifecycle_actions import suspend
    from doudi.casework.lifecycle_models import Suspension
    from doudi.casework.models import Case

    case_ids = set(
        RosterLine.unscoped.filter(pk__in=line_ids, account__in=accounts, case__isnull=False).values_list(
            "case", flat=True
        )
    )
    open_cases = Suspension.unscoped.filter(outcome="", case__in=case_ids).values_list("case", flat=True)
    for case in Case.unscoped.filter(pk__in=case_ids - set(open_cases)):  # a handful per return file
        suspend(actor=actor or "system", case=case, cause=Suspension.Cause.BANK_FAILURE)


def pending_failed(household_id: int):
    """The household's failed lines not yet re-paid (no arrears line names them)."""
    repaid = RosterLine.unscoped.filter(source_line=OuterRef("pk")).exclude(status=L.DROPPED)
    return RosterLine.unscoped.filter(household_id=household_id, status=L.FAILED).exclude(Exists(repaid))


@transaction.atomic
def repay_failed(*, actor, household_id: int, on: dt.date | None = None) -> list[RosterLine]:
    """Re-pay the household's failed lines whose payee now has a sound account (see the module doc)."""
    on = on or timezone.localdate()
    month = month_start(on)
    failed = list(pending_failed(household_id).select_related("household"))
    sound = RecipientAccount.unscoped.filter(household_id=household_id, valid_to__isnull=True, problem="")
    sound_person = set(sound.filter(person__isnull=False).values_list("person", flat=True))
    household_ok = sound.filter(person__isnull=True).exists()
    made = []
    for src in failed:  # a household's few failed lines
        if not (household_ok or (src.person_id and src.person_id in sound_person)):
            continue
        roster = draft_roster_for(paying_region(src.household.region_code, on), src.programme, month)
        made.append(
            RosterLine.unscoped.create(
                region_code=src.region_code,
                roster=roster,
                case=src.case,
                household=src.household,
                person=src.person,
                payee_key=src.payee_key,
                programme=src.programme,
                tier=src.tier,
                month=month,
                line=RosterLine.Line.ARREARS,
                rule="R-PAY6",
                amount=src.amount,
                covers=[src.month.strftime("%Y-%m")],
                members=src.members,
                origin="failed",
                source_line=src,
                status_reason=f"补发{src.month.year}年{src.month.month}月发放失败的款项（{src.bank_reason}）"[
                    :200
                ],
            )
        )
    if made:
        record_audit(
            actor=actor,
            action=AuditAction.PAYMENTS_ARREARS,
            region_code=made[0].region_code,
            subject_type="household",
            subject_id=household_id,
            after={"origin": "failed", "lines": [m.pk for m in made], "amount": sum(m.amount for m in made)},
        )
    return made


def pay_cleared_suspension(*, actor, case, held_from: dt.date, held_until: dt.date) -> list[RosterLine]:
    """A suspension cleared in time (R-W34, casework's CASE_CHANGED ``suspension_cleared``): the case's
    held lines of those months on rosters already past draft are paid as arrears lines (origin
    ``suspension``, rule ``R-W34``, ``source_line`` the held one) on the current draft roster. Held lines
    of a draft roster are not copied: the roster's next run or lock settles them. Runs inside casework's
    transaction."""
    held = list(
        RosterLine.unscoped.filter(case=case, status=L.HELD, month__gte=held_from, month__lte=held_until)
        .exclude(roster__state="draft")
        .exclude(Exists(RosterLine.unscoped.filter(source_line=OuterRef("pk")).exclude(status=L.DROPPED)))
        .select_related("household")
    )
    month = month_start(timezone.localdate())
    made = []
    for src in held:  # a few months of one case
        roster = draft_roster_for(paying_region(src.household.region_code, month), src.programme, month)
        made.append(
            RosterLine.unscoped.create(
                region_code=src.region_code,
                roster=roster,
                case=src.case,
                household=src.household,
                person=src.person,
                payee_key=src.payee_key,
                programme=src.programme,
                tier=src.tier,
                month=month,
                line=RosterLine.Line.ARREARS,
                rule="R-W34",
                amount=src.amount,
                covers=[src.month.strftime("%Y-%m")],
                members=src.members,
                origin="suspension",
                source_line=src,
                status_reason=f"暂停原因已消除，补发{src.month.year}年{src.month.month}月暂缓发放的款项"[
                    :200
                ],
            )
        )
    if made:
        record_audit(
            actor=actor,
            action=AuditAction.PAYMENTS_ARREARS,
            region_code=case.region_code,
            subject_type="case",
            subject_id=case.pk,
            after={
                "origin": "suspension",
                "lines": [m.pk for m in made],
                "amount": sum(m.amount for m in made),
            },
        )
    return made


def on_case_changed(sender=None, *, event: str = "", **kw) -> None:
    """The subscriber to casework's events (connected in ``PaymentsConfig.ready``)."""
    if event == "case_changed" and str(kw.get("kind", "")) == "suspension_cleared":
        pay_cleared_suspension(
            actor=kw.get("actor"), case=kw["case"], held_from=kw["held_from"], held_until=kw["held_until"]
        )


@transaction.atomic
def mark_returned(*, actor, line: RosterLine, on: dt.date | None = None, note: str = "") -> RosterLine:
    """The bank sent a paid line's money back (e.g. after a death): the line is ``returned`` and the
    amount goes back into the programme's fund (R-PAY6)."""
    line = RosterLine.unscoped.select_for_update().select_related("roster").get(pk=line.pk)
    code = getattr(actor, "region_id", None) or ""
    from doudi.payments import roster_actions

    if not roster_actions.may(actor, "reconcile", line.roster):
        raise PaymentsError("您无权登记该明细的退回", "line")
    if line.status != L.PAID:
        raise PaymentsConflict("只有已到账的明细可以登记退回", "status")
    line.status = L.RETURNED
    line.status_reason = (note or "银行退回").strip()[:200]
    line.save(update_fields=["status", "status_reason"])
    from doudi.payments import fund_actions

    fund_actions.credit_returned(actor=actor, line=line, on=on or timezone.localdate())
    roster = line.roster
    roster_actions.refresh_totals(roster)
    roster.save(update_fields=["paid_amount", "failed_amount", "lines", "households", "amount"])
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_LINE,
        region_code=line.region_code,
        subject_type="roster_line",
        subject_id=line.pk,
        after={"status": "returned", "amount": line.amount, "by": code},
    )
    return line

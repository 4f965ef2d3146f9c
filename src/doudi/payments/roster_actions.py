"""The roster's steps (R-PAY4): draft → locked → approved → released → sent → reconciled → closed, each a
``RosterEvent`` and an audit entry in one transaction, with the optimistic ``version``.

Lock re-checks eligibility over the whole roster in a fixed number of UPDATE statements (set-based):
lines of the dead, of households moved out of the paying region, of terminated cases past their last
paid month and second base lines of a payee (R-PAY5, across the province) are ``dropped``; lines of an
open move, a termination in notice, an open suspension, failed monthly checks or a member in prison
are ``held``. Each gets a Chinese reason. Dropped lines stay dropped in every later step; lines held by
a previous lock are re-checked by the next one (after an unlock with its reason)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Case as DbCase
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from doudi.casework import params as casework_params
from doudi.casework.lifecycle_models import CaseMove, CaseReview, DeathRecord, PresenceCheck, Suspension
from doudi.casework.models import Case
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within, prefix_of
from doudi.payments.base import PaymentsConflict, PaymentsError, add_months, audit_roster
from doudi.payments.models import RecipientAccount, Roster, RosterEvent, RosterLine
from doudi.registry.models import LegalSupporter, Person, SupporterIncapacity

S = Roster.State
L = RosterLine.Status
BASE_LINES = (RosterLine.Line.BASE, RosterLine.Line.SINGLE)  # "one base line per payee" (R-PAY5)

# The Chinese reasons written at lock (fixed texts: one UPDATE per reason)
DROP_DEAD = "救助对象已死亡（死亡当月后不再发放）"
DROP_ALL_DEAD = "家庭成员均已死亡"
DROP_MOVED = "家庭已迁出本发放地区"
DROP_ENDED = "救助已终止（超过最后发放月份）"
DROP_DUPLICATE = "本月已在其他花名册发放基本救助金（重复）"
HOLD_MEMBER_DEAD = "家庭成员死亡，待复核调整金额"
HOLD_MOVE = "迁移办理中，待接收地确认"
HOLD_NOTICE = "终止救助公示中"
HOLD_SUSPENDED = "暂停发放"
HOLD_CHECKS = "连续未按月认证"
HOLD_PRISON = "服刑或强制隔离戒毒，待复核"
HOLD_NO_ACCOUNT = "无有效收款账户"
HOLD_ACCOUNT = "收款账户待修正"
LOCK_HOLDS = (
    HOLD_MEMBER_DEAD,
    HOLD_MOVE,
    HOLD_NOTICE,
    HOLD_SUSPENDED,
    HOLD_CHECKS,
    HOLD_PRISON,
    HOLD_NO_ACCOUNT,
    HOLD_ACCOUNT,
)

NEXT = {
    "lock": (S.DRAFT, S.LOCKED),
    "approve": (S.LOCKED, S.APPROVED),
    "release": (S.APPROVED, S.RELEASED),
    "send": (S.RELEASED, S.SENT),
    "reconcile": (S.SENT, S.RECONCILED),
    "close": (S.RECONCILED, S.CLOSED),
}
STEP_LABELS = {
    "lock": "锁定",
    "unlock": "解锁退回",
    "approve": "审批",
    "release": "拨付",
    "send": "报送银行",
    "reconcile": "对账",
    "close": "关闭",
}


def _region(user) -> str:
    return getattr(user, "region_id", None) or ""


def may(user, step: str, roster: Roster) -> bool:
    """Who moves a roster: its paying region's staff, or a township inside it, may lock and unlock
    (payments.write); the county (payments.approve, the roster's region or above) approves, releases,
    sends, reconciles and closes."""
    code = _region(user)
    if not (getattr(user, "is_active", False) and code):
        return False
    covers = is_within(roster.region_code, code)  # the user's region contains the roster's
    inside = is_within(code, roster.region_code)  # a township inside the paying county
    if step in ("lock", "unlock"):
        return user.can("payments.write") and (covers or inside)
    return user.can("payments.approve") and covers and len(prefix_of(code)) <= 6


def _locked(roster: Roster, expected_version: int | None) -> Roster:
    fresh = Roster.unscoped.select_for_update().get(pk=roster.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise PaymentsConflict("花名册已被他人修改，请刷新后重试", "version")
    return fresh


def _step(actor, roster: Roster, to_state: str, reason: str = "", **fields) -> Roster:
    from_state = roster.state
    roster.state = to_state
    roster.version += 1
    for key, val in fields.items():
        setattr(roster, key, val)
    roster.save()
    RosterEvent.unscoped.create(
        region_code=roster.region_code,
        roster=roster,
        from_state=from_state,
        to_state=to_state,
        reason=reason[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    action = AuditAction.PAYMENTS_UNLOCK if to_state == S.DRAFT else AuditAction.PAYMENTS_ROSTER
    audit_roster(
        actor,
        roster,
        action,
        {"from": from_state, "to": to_state, "reason": reason, "version": roster.version, **_totals(roster)},
    )
    return roster


def _totals(roster: Roster) -> dict:
    return {"lines": roster.lines, "amount": roster.amount, "paid": roster.paid_amount}


def refresh_totals(roster: Roster) -> Roster:
    """Counts and sums of the roster from its lines (one aggregate query); the caller saves."""
    agg = RosterLine.unscoped.filter(roster=roster).aggregate(
        n_lines=Count("pk", filter=~Q(status=L.DROPPED)),
        n_households=Count("household", filter=~Q(status=L.DROPPED), distinct=True),
        total=Coalesce(Sum("amount", filter=~Q(status=L.DROPPED)), 0),
        paid=Coalesce(Sum("amount", filter=Q(status=L.PAID)), 0),
        failed=Coalesce(Sum("amount", filter=Q(status=L.FAILED)), 0),
    )
    roster.lines, roster.households, roster.amount = agg["n_lines"], agg["n_households"], agg["total"]
    roster.paid_amount, roster.failed_amount = agg["paid"], agg["failed"]
    return roster


def _check(user, step: str, roster: Roster) -> None:
    if not may(user, step, roster):
        raise PaymentsError(f"您无权{STEP_LABELS[step]}该花名册", "roster")
    want_from = NEXT[step][0] if step in NEXT else S.LOCKED
    if roster.state != want_from:
        raise PaymentsConflict(f"花名册当前为“{S(roster.state).label}”，不能{STEP_LABELS[step]}", "state")


# --- lock: the eligibility re-check -------------------------------------------------------------------


def eligibility_check(roster: Roster) -> dict[str, int]:
    """Drop or hold the roster's due lines (see the module's doc); returns how many lines each reason
    touched. Set-based: one UPDATE per reason, whatever the roster's size."""
    month = roster.month
    lines = RosterLine.unscoped.filter(roster=roster)
    # a previous lock's holds are re-checked from scratch (the reasons may have cleared)
    lines.filter(status=L.HELD, status_reason__in=LOCK_HOLDS).update(status=L.DUE, status_reason="")
    due = lines.filter(status=L.DUE)
    out: dict[str, int] = {}

    def mark(qs, status: str, reason: str) -> None:
        n = qs.filter(status=L.DUE).update(status=status, status_reason=reason)
        if n:
            out[reason] = out.get(reason, 0) + n

    # deaths (R-PAY2, pay.death_rule): paid up to the month of death, or the month after
    rule = str(casework_params.value("pay.death_rule", region_code=roster.region_code, on=month))
    cutoff = add_months(month, -1) if rule == "month_after" else month
    dead = DeathRecord.unscoped.filter(died_on__lt=cutoff)
    mark(due.filter(person__isnull=False, person__in=dead.values("person")), L.DROPPED, DROP_DEAD)
    members = Person.unscoped.filter(household=OuterRef("household"))
    alive = members.exclude(pk__in=dead.values("person"))
    hh_lines = due.filter(person__isnull=True)
    mark(hh_lines.filter(Exists(members), ~Exists(alive)), L.DROPPED, DROP_ALL_DEAD)
    mark(hh_lines.filter(Exists(members.filter(pk__in=dead.values("person")))), L.HELD, HOLD_MEMBER_DEAD)
    # moves (R-W37): the household now lives outside the paying region
    mark(due.exclude(household__region_code__startswith=prefix_of(roster.region_code)), L.DROPPED, DROP_MOVED)
    # a terminated case past its last paid month (R-W35)
    ended = Case.unscoped.filter(pay_until__isnull=False, pay_until__lt=month)
    mark(due.filter(line__in=_ENTITLEMENT, case__in=ended.values("pk")), L.DROPPED, DROP_ENDED)
    # R-PAY5: a second base line of the payee for the programme and month anywhere in the province
    _drop_duplicates(roster, due, mark)
    # holds
    mark(due.filter(case__in=CaseMove.unscoped.filter(state="requested").values("case")), L.HELD, HOLD_MOVE)
    in_notice = CaseReview.unscoped.filter(state=CaseReview.State.IN_NOTICE)
    mark(due.filter(case__in=in_notice.values("case")), L.HELD, HOLD_NOTICE)
    mark(due.filter(case__in=Suspension.unscoped.filter(outcome="").values("case")), L.HELD, HOLD_SUSPENDED)
    missed = casework_params.days("suspend_after_missed_checks", region_code=roster.region_code, on=month)
    if missed > 0:
        failed = (
            PresenceCheck.unscoped.filter(
                case=OuterRef("case"), passed=False, month__gte=add_months(month, -missed), month__lte=month
            )
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n")
        )
        n_failed = Coalesce(Subquery(failed, output_field=IntegerField()), Value(0))
        mark(
            due.filter(case__isnull=False).alias(n_failed=n_failed).filter(n_failed__gte=missed),
            L.HELD,
            HOLD_CHECKS,
        )
    prison = _in_prison(month)
    mark(due.filter(person__in=prison), L.HELD, HOLD_PRISON)
    # the account snapshot (R-PAY1): the payee's current account, else none (held)
    snapshot_accounts(due)
    mark(due.filter(account__isnull=True), L.HELD, HOLD_NO_ACCOUNT)
    mark(due.exclude(account__problem=""), L.HELD, HOLD_ACCOUNT)
    prison_review = CaseReview.unscoped.filter(
        state__in=("open", "visit"), change_type__in=("prison", "prison_in")
    ).values("case")
    mark(due.filter(case__in=prison_review), L.HELD, HOLD_PRISON)
    return out


_ENTITLEMENT = (
    RosterLine.Line.BASE,
    RosterLine.Line.TOPUP,
    RosterLine.Line.CARE,
    RosterLine.Line.SINGLE,
)


def _drop_duplicates(roster: Roster, due, mark) -> None:
    """R-PAY5 in two set-based steps: the payees of this roster's base lines that have a base line of
    the same programme and month on another roster (one uncorrelated IN, which both databases hash),
    then, for those few candidates only, which line is the second (the one on a roster past draft is
    first, else the older line)."""
    base = due.filter(line__in=BASE_LINES)
    months = list(base.values_list("month", flat=True).distinct().order_by())
    elsewhere = (
        # through the months' rosters: lines have no month index (a base line's month is its roster's)
        RosterLine.unscoped.filter(
            roster__in=Roster.unscoped.filter(month__in=months, programme=roster.programme),
            month__in=months,
            line__in=BASE_LINES,
        )
        .exclude(roster=roster)
        .exclude(status=L.DROPPED)
        .values("payee_key")
    )
    candidates = list(base.filter(payee_key__in=elsewhere).values_list("pk", flat=True))
    first = (
        RosterLine.unscoped.filter(
            payee_key=OuterRef("payee_key"),
            programme=OuterRef("programme"),
            month=OuterRef("month"),
            line__in=BASE_LINES,
        )
        .exclude(roster=roster)
        .exclude(status=L.DROPPED)
        .filter(Q(pk__lt=OuterRef("pk")) | ~Q(roster__state=S.DRAFT))
    )
    for i in range(0, len(candidates), 5000):
        mark(due.filter(pk__in=candidates[i : i + 5000]).filter(Exists(first)), L.DROPPED, DROP_DUPLICATE)


def snapshot_accounts(lines) -> None:
    """Point each line at its payee's current account (the member's own, else the household's) and copy
    the masked number and bank onto it; two UPDATEs."""
    current = RecipientAccount.unscoped.filter(valid_to__isnull=True).order_by("-pk")
    own = current.filter(person=OuterRef("person")).values("pk")[:1]
    household = current.filter(household=OuterRef("household"), person__isnull=True).values("pk")[:1]
    lines.update(account=Coalesce(Subquery(own), Subquery(household)))
    acc = RecipientAccount.unscoped.filter(pk=OuterRef("account"))
    shown = acc.annotate(
        m=DbCase(
            When(kind=RecipientAccount.Kind.CASH, then=Value("现金")),
            default=Concat(Value("****"), "number_last4"),
            output_field=CharField(),
        )
    ).values("m")[:1]
    lines.filter(account__isnull=False).update(
        account_masked=Subquery(shown), bank_name=Subquery(acc.values("bank_name")[:1])
    )


def _in_prison(month: dt.date):
    """Persons in prison or compulsory drug rehabilitation on the month's first day: the registry records
    it as a supporter's incapacity (R-T3, ``LegalSupporter.incapacity = prison``); the paid person is
    the supporter of that link."""
    return (
        LegalSupporter.unscoped.filter(incapacity=SupporterIncapacity.PRISON, valid_from__lte=month)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=month))
        .values("supporter")
    )


@transaction.atomic
def lock(*, actor, roster: Roster, expected_version: int | None = None) -> Roster:
    roster = _locked(roster, expected_version)
    _check(actor, "lock", roster)
    changed = eligibility_check(roster)
    refresh_totals(roster)
    reason = "；".join(f"{k} {v} 条" for k, v in changed.items())
    return _step(actor, roster, S.LOCKED, reason, locked_by=actor, locked_at=timezone.now())


@transaction.atomic
def unlock(*, actor, roster: Roster, reason: str, expected_version: int | None = None) -> Roster:
    """A locked roster changes only by going back to draft, with a reason (R-PAY4). Dropped lines stay
    dropped (R-PAY5); the next lock re-checks the holds."""
    roster = _locked(roster, expected_version)
    _check(actor, "unlock", roster)
    if not (reason or "").strip():
        raise PaymentsError("解锁退回须填写原因", "reason")
    return _step(actor, roster, S.DRAFT, reason.strip(), locked_by=None, locked_at=None)


@transaction.atomic
def approve(*, actor, roster: Roster, expected_version: int | None = None) -> Roster:
    roster = _locked(roster, expected_version)
    _check(actor, "approve", roster)
    if roster.locked_by_id == getattr(actor, "pk", None):
        raise PaymentsError("锁定花名册的人不能审批同一花名册（经办与审核须分离）", "actor")
    return _step(actor, roster, S.APPROVED, approved_by=actor, approved_at=timezone.now())


@transaction.atomic
def release(*, actor, roster: Roster, expected_version: int | None = None) -> Roster:
    roster = _locked(roster, expected_version)
    _check(actor, "release", roster)
    return _step(actor, roster, S.RELEASED, released_by=actor, released_at=timezone.now())


@transaction.atomic
def send(
    *, actor, roster: Roster, external_ref: str, checksum: str, expected_version: int | None = None
) -> Roster:
    """报送银行: the bank's (or 一卡通 platform's) batch reference and the checksum of the bank file sent
    (``bankfile.checksum``); the file must have been generated from this roster's lines."""
    roster = _locked(roster, expected_version)
    _check(actor, "send", roster)
    if not (external_ref or "").strip():
        raise PaymentsError("请填写银行（一卡通平台）批次号", "external_ref")
    from doudi.payments import bankfile

    expected = bankfile.checksum(bankfile.rows(roster))
    if (checksum or "").strip().lower() != expected:
        raise PaymentsError("银行文件校验值与花名册不一致，请重新生成银行文件", "checksum")
    return _step(
        actor,
        roster,
        S.SENT,
        external_ref=external_ref.strip()[:64],
        file_checksum=expected,
        sent_at=timezone.now(),
    )


def unsettled(roster: Roster) -> int:
    return RosterLine.unscoped.filter(roster=roster, status=L.DUE).count()


@transaction.atomic
def reconcile(*, actor, roster: Roster, expected_version: int | None = None) -> Roster:
    """已对账: every due line has the bank's answer (paid / failed). The paid total leaves the fund."""
    roster = _locked(roster, expected_version)
    if roster.state != S.SENT:
        raise PaymentsConflict(f"花名册当前为“{S(roster.state).label}”，不能对账", "state")
    if actor is not None and not may(actor, "reconcile", roster):
        raise PaymentsError("您无权对账该花名册", "roster")
    left = unsettled(roster)
    if left:
        raise PaymentsConflict(f"尚有 {left} 条明细没有银行回盘结果，不能对账", "state")
    refresh_totals(roster)
    roster = _step(actor, roster, S.RECONCILED, reconciled_at=timezone.now())
    from doudi.payments import fund_actions

    fund_actions.debit_roster(actor=actor, roster=roster)
    return roster


@transaction.atomic
def close(*, actor, roster: Roster, expected_version: int | None = None) -> Roster:
    roster = _locked(roster, expected_version)
    _check(actor, "close", roster)
    return _step(actor, roster, S.CLOSED, closed_at=timezone.now())


STEPS = {
    "lock": lock,
    "approve": approve,
    "release": release,
    "reconcile": reconcile,
    "close": close,
}

"""Demo cases over time and their money (a step of ``doudi demo seed``, after the applications): more
families of 进学街道 confirmed eight to five months ago, their accounts, and every month since paid
through the product's own actions — the monthly run, the township's lock, the county's approval,
release, the bank file and the bank's return — with, on the way:

* a standard raised from 1 July, approved in September, whose differences for July–September are paid
  as arrears on October's roster (R-PAY3, R-PAY7);
* a card the bank refused in October, fixed by the township and paid again (R-PAY6);
* a family member's new job: a change review and a grace period (R-W32, R-W33);
* a family whose income rose: termination with notice and the direct move to MARGINAL (R-W35, R-X1);
* a death found before December's roster is locked, which stops its payment (R-W32, R-PAY2).

The last rosters stay in every state a roster has (draft, locked, approved, released, sent, reconciled,
closed), so each role finds work. Dates are past ``on`` dates, as a paper file is entered.

Idempotent: nothing is added when a demo household already has a roster line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from doudi.casework import params
from doudi.casework.lifecycle_actions import open_change_review, record_death
from doudi.casework.models import Application, Case
from doudi.casework.review_decide_actions import decide_review, end_notice, record_visit
from doudi.core.scoping import using_scope
from doudi.devtools.demo_casework import CaseworkSeed, Staff, _households, _run, _user
from doudi.payments import account_actions, bank_actions, fund_actions, roster_actions
from doudi.payments.base import add_months, month_start
from doudi.payments.models import RecipientAccount, Roster, RosterLine
from doudi.payments.run_actions import run_month
from doudi.policy import params_store
from doudi.policy.actions import approve_proposal, propose_parameter_change
from doudi.registry import actions as registry_actions
from doudi.registry.models import Household, Person

PROVINCE = "220000000000"
TOWNSHIP = "222401001000"  # 进学街道, 延吉市 (delegated: its rosters are the township's)
COUNTY = "222401000000"
STANDARD_RAISE = 50  # yuan a month, from 1 July (the demo's 2026 raise)
HISTORY_STARTS = (175, 165, 155, 145, 135, 125, 115, 105)  # working days before today the files opened
S = Roster.State


@dataclass
class PaymentsSeed:
    cases: int = 0
    rosters: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    skipped: bool = False


def _history(staff: Staff, today: dt.date) -> int:
    """Families confirmed months ago (paid since the month after), walked like the other demo files."""
    with_files = set(Application.unscoped.values_list("household_id", flat=True))
    pool = [h for h in _households(TOWNSHIP) if h.pk not in with_files]
    scenarios = [
        ("confirmed", start, lambda p: p.awaiting().at(2).event("confirm", who="county"))
        for start in HISTORY_STARTS
    ]
    out = CaseworkSeed()
    _run(scenarios, staff, pool, today, out)
    return out.applications


def _accounts(staff: Staff, today: dt.date) -> None:
    """A social security card for each paid household (one held by a guardian, with the reason)."""
    paid = Case.unscoped.filter(region_code__startswith=TOWNSHIP[:9], tier__in=["DIBAO", "TEKUN"])
    households = Household.unscoped.filter(pk__in=paid.values("household_id")).order_by("pk")
    with using_scope(TOWNSHIP):
        for i, household in enumerate(households):
            head = Person.unscoped.filter(household=household).order_by("pk").first()
            if head is None:
                continue
            guardian = i == 1
            account_actions.set_account(
                actor=staff.township,
                household=household,
                kind="sscard" if not guardian else "bank",
                holder_name=head.name if not guardian else "金春花",
                holder_relation="applicant" if not guardian else "guardian",
                holder_reason=""
                if not guardian
                else "申请人年老体弱，由其女儿作为监护人代领（监护证明已存档）",
                bank_name="吉林银行延吉分行" if not guardian else "延边农村商业银行",
                number=f"62{household.pk:014d}{i % 10}{(i * 7) % 10}{(i * 3) % 10}",
                on=min(today, dt.date(today.year, 1, 2)),
            )


def _raise_standard(staff: Staff, on: dt.date) -> None:
    """延吉市 raises the urban standard from 1 July; the province approves it in September."""
    july = dt.date(on.year, 7, 1)
    current = params_store.provider(TOWNSHIP, "urban", july).entry("dibao_standard.urban").value
    province = _user("province")
    if province is None:
        return
    with using_scope(COUNTY):
        proposal = propose_parameter_change(
            actor=staff.who("county"),
            region_code=COUNTY,
            changes=[
                {
                    "key": "dibao_standard.urban",
                    "area_type": "urban",
                    "value": str(int(current) + STANDARD_RAISE),
                    "effective_from": july.isoformat(),
                    "source": "延吉市民政局、财政局关于提高城乡低保标准的通知（演示）",
                }
            ],
            reason="按省里统一部署，城市低保标准自7月1日起每人每月提高50元",
        )
    with using_scope(province.region_id or PROVINCE):
        approve_proposal(actor=province, proposal=proposal, note="同意，自7月1日起执行，差额按月补发")
    params_store.clear_cache()


def advance(staff: Staff, roster: Roster, target: str, *, fail_one: bool = False) -> None:
    """Take a roster through its steps up to ``target``: the township (``staff.scope``) locks, the county
    approves, releases, sends and reconciles the bank's return, which pays every account (but one)."""
    order: list[str] = [S.DRAFT, S.LOCKED, S.APPROVED, S.RELEASED, S.SENT, S.RECONCILED, S.CLOSED]
    county = staff.who("county")
    with using_scope(roster.region_code[:6]):
        for state in order[1 : order.index(target) + 1]:
            roster.refresh_from_db()
            if state == S.LOCKED:
                with using_scope(staff.scope):
                    roster_actions.lock(actor=staff.township, roster=roster)
            elif state == S.APPROVED:
                roster_actions.approve(actor=county, roster=roster)
            elif state == S.RELEASED:
                roster_actions.release(actor=county, roster=roster)
            elif state == S.SENT:
                _, _, digest = bank_actions.bank_file(actor=county, roster=roster, fmt="csv")
                ref = f"{roster.region_code[:6]}-{roster.month:%Y%m}{roster.programme}{roster.pk:04d}"
                roster_actions.send(actor=county, roster=roster, external_ref=ref, checksum=digest)
            elif state == S.RECONCILED:
                bank_actions.import_return(
                    actor=county,
                    roster=roster,
                    content=_bank_return(roster, fail_one=fail_one),
                    file_name=f"回盘-{roster.pk}.csv",
                )
                roster.refresh_from_db()
                if roster.state != S.RECONCILED:
                    roster_actions.reconcile(actor=county, roster=roster)
            elif state == S.CLOSED:
                roster_actions.close(actor=county, roster=roster)


def _bank_return(roster: Roster, *, fail_one: bool) -> bytes:
    """What the bank sends back: every account paid on the 15th, the first one refused if asked."""
    accounts = sorted(
        set(
            RosterLine.unscoped.filter(
                roster=roster, status=RosterLine.Status.DUE, account__isnull=False
            ).values_list("account", flat=True)
        )
    )
    day = roster.month.replace(day=15).isoformat()
    rows = ["付款标识,结果,原因,到账日期"]
    for i, acc in enumerate(accounts):
        if fail_one and i == 0:
            rows.append(f"{roster.pk}-{acc},失败,账户已冻结,")
        else:
            rows.append(f"{roster.pk}-{acc},成功,,{day}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def _fix_failed(staff: Staff) -> None:
    """The township checks the refused card with the family; the month is paid again as arrears."""
    problems = RecipientAccount.unscoped.filter(
        region_code__startswith=TOWNSHIP[:9], valid_to__isnull=True
    ).exclude(problem="")
    with using_scope(TOWNSHIP):
        for account in problems.order_by("pk"):
            account_actions.mark_fixed(actor=staff.township, account=account, note="已陪同家属到银行解除冻结")


def _dibao_cases() -> list[Case]:
    return list(
        Case.unscoped.filter(
            region_code__startswith=TOWNSHIP[:9], tier="DIBAO", state__in=["active", "adjusted"]
        ).order_by("since", "pk")
    )


def _set_income(household: Household, per_person: int, on: dt.date) -> None:
    size = Person.unscoped.filter(household=household).count() or 1
    registry_actions.record_household_fact(
        actor="demo",
        household=household,
        kind="income",
        value={"total": per_person * size * 12, "months": 12},
        valid_from=on,
        source="self_declared",
    )


def _changes(staff: Staff, month: dt.date, today: dt.date) -> None:
    """The changes reported before ``month``'s run: in the month before last, a new job (grace) and a
    rise in income (termination and the move to MARGINAL)."""
    county = staff.who("county")
    standard = int(params_store.provider(TOWNSHIP, "urban", month).entry("dibao_standard.urban").value)
    last = add_months(month_start(today), -1)
    if month == last:
        cases = _dibao_cases()
        if len(cases) >= 2:
            grace_case, exit_case = cases[0], cases[1]
            on = add_months(month, -1).replace(day=6)
            with using_scope(TOWNSHIP):
                _set_income(grace_case.household, int(standard * 1.2), on)
                review = open_change_review(
                    actor=staff.township,
                    case=grace_case,
                    trigger="family",
                    change_type="employment",
                    on=on,
                    detail="户主之子在延吉市一家物流公司就业，月工资约2600元",
                )
                _visit(staff, review, on)
                decide_review(actor=county, review=review, outcome="grace", on=on, trigger="employment")
                _set_income(exit_case.household, int(standard * 1.3), on)
                review = open_change_review(
                    actor=staff.township,
                    case=exit_case,
                    trigger="grid",
                    change_type="income",
                    on=on,
                    detail="网格员走访发现家庭成员养老金上调，并有稳定的灵活就业收入",
                )
                _visit(staff, review, on)
                review = decide_review(
                    actor=county,
                    review=review,
                    outcome="transition",
                    on=on + dt.timedelta(days=1),
                    reasons=["家庭人均收入已高于低保标准，但低于低保边缘家庭认定标准"],
                )
                end_notice(actor=county, review=review, on=on + dt.timedelta(days=10))


def _death(staff: Staff, month: dt.date, today: dt.date) -> None:
    """After the month's run, before its lock: the cremation data show that a TEKUN person on the
    month's roster (the longest-paid) died last month; the township's lock drops the line (R-W32,
    R-PAY2)."""
    line = (
        RosterLine.unscoped.filter(month=month, programme="TEKUN", person__isnull=False, line="base")
        .order_by("case__since", "pk")
        .select_related("person")
        .first()
    )
    if line is None or line.person is None:
        return
    with using_scope(TOWNSHIP):
        record_death(
            actor=staff.township,
            person=line.person,
            died_on=add_months(month, -1).replace(day=20),
            source="cremation",
            source_ref="延吉市殡仪馆火化信息（演示）",
            on=min(today, month.replace(day=3)),
        )


def _visit(staff: Staff, review, on: dt.date) -> None:
    review.refresh_from_db()
    if review.visit_needed:
        record_visit(
            actor=staff.township,
            review=review,
            findings="朴志勇、金美兰入户核实：家庭成员就业和收入情况属实，已留存劳动合同和工资流水复印件",
            on=on,
        )


def _targets(month: dt.date, today: dt.date) -> dict[str, str]:
    """The state each programme's roster of ``month`` is left in (the last two months stay at work)."""
    this = month_start(today)
    if month == this:
        return {"DIBAO": S.DRAFT, "TEKUN": S.LOCKED}
    if month == add_months(this, -1):
        return {"DIBAO": S.SENT, "TEKUN": S.APPROVED}
    if month == add_months(this, -2):
        return {"DIBAO": S.RECONCILED, "TEKUN": S.RELEASED}
    return {"DIBAO": S.CLOSED, "TEKUN": S.CLOSED}


def seed_payments(*, today: dt.date | None = None) -> PaymentsSeed:
    """Cases with months of history and their rosters (run under ``all_regions()``, after the
    applications; needs the demo users)."""
    today = today or timezone.localdate()
    out = PaymentsSeed()
    if RosterLine.unscoped.filter(household__household_key__startswith="DEMO-").exists():
        out.skipped = True
        return out
    township, county, grid = _user("jinxue"), _user("yanji"), _user("grid-jinxue")
    if township is None or county is None or not params.delegated(TOWNSHIP, today):
        out.skipped = True
        return out
    staff = Staff(township, county, grid, TOWNSHIP)
    out.cases = _history(staff, today)
    _accounts(staff, today)
    paid = Case.unscoped.filter(region_code__startswith=TOWNSHIP[:9], pay_from__isnull=False)
    first = paid.order_by("pay_from").values_list("pay_from", flat=True).first()
    if first is None:
        return out
    month = first
    raised = False
    while month <= month_start(today):
        if not raised and month >= dt.date(today.year, 10, 1) and first < dt.date(today.year, 7, 1):
            _raise_standard(staff, dt.date(today.year, 9, 20))
            raised = True
        _changes(staff, month, today)
        with using_scope(COUNTY):
            run_month(actor=county, month=month, region_code=COUNTY)
        if month == month_start(today):
            _death(staff, month, today)
        targets = _targets(month, today)
        rosters = Roster.unscoped.filter(region_code__startswith=COUNTY[:6], month=month).order_by(
            "programme", "kind", "seq"
        )
        for roster in rosters:
            target = targets.get(roster.programme, S.CLOSED)
            fail = roster.programme == "DIBAO" and target == S.RECONCILED
            advance(staff, roster, target, fail_one=fail)
            if fail:
                _fix_failed(staff)
        month = add_months(month, 1)
    with using_scope(COUNTY):
        month = first
        while month <= month_start(today):
            fund_actions.build_summaries(actor=county, month=month, region_prefix=COUNTY[:6])
            month = add_months(month, 1)
    for state in S.values:
        n = Roster.unscoped.filter(region_code__startswith=COUNTY[:6], state=state).count()
        if n:
            out.rosters[state] = n
    out.lines = RosterLine.unscoped.filter(household__household_key__startswith="DEMO-").count()
    return out

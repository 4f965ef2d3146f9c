"""Demo peer counties (a step of ``doudi demo seed``, after 延吉市's payments): six months of casework and money
in three more counties of two more cities — 南关区 (长春市, 南岭街道), 农安县 (长春市, 伏龙泉镇) and 洮北区 (白城市,
平安镇) — so the dashboards and the evaluation compare real peers. Each county's township caseworker, grid
worker and county officer walk about fifteen applications through the product's own actions with past ``on``
dates (confirmed on time, confirmed late, refused, not accepted, withdrawn, a few still open), the confirmed
families are paid every month since (the monthly run, lock, approval, release, bank file and return), and one
county terminates a case while another moves one to MARGINAL. The counties differ on purpose: 农安县 is slow
on applications (acceptance and confirmation past their time limits), 洮北区 terminates a case, 南关区 moves one
to MARGINAL and leaves its last roster at approval.

Idempotent: a county is skipped once it has any case decision (and on a demo too small for its story).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from doudi.casework.lifecycle_actions import open_change_review
from doudi.casework.models import Case, CaseDecision
from doudi.casework.review_decide_actions import decide_review, end_notice
from doudi.core.scoping import using_scope
from doudi.devtools.demo_casework import CaseworkSeed, Scenario, Staff, _households, _run, _user
from doudi.devtools.demo_payments import _set_income, _visit, advance
from doudi.payments import account_actions, fund_actions
from doudi.payments.base import add_months, month_start
from doudi.payments.models import Roster, RosterLine
from doudi.payments.run_actions import run_month
from doudi.policy import params_store
from doudi.registry.models import Person

S = Roster.State


@dataclass(frozen=True)
class County:
    code: str  # 12-digit county code
    township: str  # the demo township of the county
    county_user: str
    township_user: str
    grid_user: str
    slow: bool = False  # accepts and confirms past the time limits
    exit: str = ""  # "terminate" | "transition": the change decided three months back
    last_state: str = S.CLOSED  # where last month's DIBAO roster is left
    bank: str = ""


COUNTIES: tuple[County, ...] = (
    County(
        "220102000000",
        "220102001000",
        "nanguan",
        "nanling",
        "grid-nanling",
        exit="transition",
        last_state=S.APPROVED,
        bank="吉林银行长春南关支行",
    ),  # fmt: skip
    County(
        "220122000000",
        "220122101000",
        "nongan",
        "fulongquan",
        "grid-fulongquan",
        slow=True,
        last_state=S.RECONCILED,
        bank="农安县农村商业银行",
    ),  # fmt: skip
    County(
        "220802000000",
        "220802100000",
        "taobei",
        "pingan",
        "grid-pingan",
        exit="terminate",
        last_state=S.SENT,
        bank="白城农村商业银行",
    ),  # fmt: skip
)


@dataclass
class CountiesSeed:
    applications: dict[str, int] = field(default_factory=dict)  # county code → applications walked
    lines: int = 0
    skipped: list[str] = field(default_factory=list)


def _confirm(slow: bool):
    """Confirmed two working days after the notice, or (a slow county) three weeks after it."""
    return lambda p: p.awaiting().at(15 if slow else 2).event("confirm", who="county")


def _accepted(slow: bool):
    return (lambda p: p.open().at(8).event("accept")) if slow else (lambda p: p.accepted())


def scenarios(slow: bool) -> list[Scenario]:
    """The county's applications: start (working days before today) spread over six months."""
    confirm, accept = _confirm(slow), _accepted(slow)
    out: list[Scenario] = [("confirmed", start, confirm) for start in (172, 156, 140, 122, 104, 86, 70, 56)]
    out += [
        ("refused", 112, lambda p: accept(p).at(2).verified("fail").at(2)
         .event("refuse", who="county", reasons=["家庭成员名下有小型轿车一辆，不符合财产条件"])),
        ("refused", 45, lambda p: p.awaiting().at(12 if slow else 3)
         .event("refuse", who="county", reasons=["家庭人均收入高于当地低保标准"])),
        ("not_accepted", 88, lambda p: p.open().at(2).event("not_accept", reason="申请人户籍和居住地均不在本乡镇（街道）")),
        ("withdrawn", 66, lambda p: accept(p).at(2).event("withdraw", reason="家庭成员已就业，申请人主动撤回")),
        ("awaiting_confirmation", 30, lambda p: p.awaiting()),  # confirmation overdue
        ("accepted", 9, accept),
        ("submitted", 2, lambda p: p.open()),
    ]  # fmt: skip
    return out


def _staff(c: County) -> Staff | None:
    township, county, grid = _user(c.township_user), _user(c.county_user), _user(c.grid_user)
    if township is None or county is None:
        return None
    return Staff(township, county, grid, c.township)


def _accounts(c: County, staff: Staff, today: dt.date) -> None:
    paid = Case.unscoped.filter(region_code=c.township, tier__in=["DIBAO", "TEKUN"])
    with using_scope(c.township):
        for case in paid.order_by("pk"):
            head = Person.unscoped.filter(household_id=case.household_id).order_by("pk").first()
            if head is None:
                continue
            account_actions.set_account(
                actor=staff.township, household=case.household, kind="sscard", holder_name=head.name,
                holder_relation="applicant", bank_name=c.bank,
                number=f"62{case.household_id:014d}{case.pk % 10}{(case.pk * 7) % 10}{(case.pk * 3) % 10}",
                on=min(today, case.since),
            )  # fmt: skip


def _exit(c: County, staff: Staff, on: dt.date) -> None:
    """A family's income rose: the county terminates the case (income well above the ceiling) or moves it
    to MARGINAL (between one and two standards), after the review's visit and the termination notice."""
    case = (
        Case.unscoped.filter(region_code=c.township, tier="DIBAO", state="active")
        .order_by("since", "pk")
        .first()
    )
    if case is None:
        return
    area = case.household.area_type or "rural"
    standard = int(params_store.provider(c.township, area, on).entry(f"dibao_standard.{area}").value)
    terminate = c.exit == "terminate"
    with using_scope(c.township):
        _set_income(case.household, int(standard * (3 if terminate else 1.3)), on)
        review = open_change_review(
            actor=staff.township, case=case, trigger="grid", change_type="income", on=on,
            detail="网格员走访发现家庭成员外出务工，收入明显增加" if terminate else "家庭成员养老金上调，并有灵活就业收入",
        )  # fmt: skip
        _visit(staff, review, on)
        review = decide_review(
            actor=staff.who("county"), review=review, outcome="terminate" if terminate else "transition",
            on=on + dt.timedelta(days=1), cause="other",
            reasons=["家庭人均收入已明显高于低保标准"] if terminate else ["家庭人均收入已高于低保标准，但低于低保边缘家庭认定标准"],
        )  # fmt: skip
        end_notice(actor=staff.who("county"), review=review, on=on + dt.timedelta(days=10))


def _targets(c: County, month: dt.date, today: dt.date) -> str:
    this = month_start(today)
    if month == this:
        return S.DRAFT
    if month == add_months(this, -1):
        return c.last_state
    return S.CLOSED


def _pay(c: County, staff: Staff, today: dt.date) -> None:
    _accounts(c, staff, today)
    first = (
        Case.unscoped.filter(region_code=c.township, pay_from__isnull=False)
        .order_by("pay_from")
        .values_list("pay_from", flat=True)
        .first()
    )
    if first is None:
        return
    month, this = first, month_start(today)
    while month <= this:
        if c.exit and month == add_months(this, -2):
            _exit(c, staff, add_months(month, -1).replace(day=6))
        with using_scope(c.code):
            run_month(actor=staff.who("county"), month=month, region_code=c.code)
        target = _targets(c, month, today)
        rosters = Roster.unscoped.filter(region_code__startswith=c.code[:6], month=month)
        for roster in rosters.order_by("programme", "kind", "seq"):
            # in the last month the other programmes' rosters stop at approval, behind the DIBAO one
            late = target == c.last_state != S.CLOSED and roster.programme != "DIBAO"
            advance(staff, roster, S.APPROVED if late else target)
        month = add_months(month, 1)
    with using_scope(c.code):
        month = first
        while month <= this:
            fund_actions.build_summaries(actor=staff.who("county"), month=month, region_prefix=c.code[:6])
            month = add_months(month, 1)


def seed_counties(*, today: dt.date | None = None) -> CountiesSeed:
    """Walk the peer counties' applications and pay their cases (run under ``all_regions()``, after the
    demo households, accounts and 延吉市's payments)."""
    today = today or timezone.localdate()
    out = CountiesSeed()
    for c in COUNTIES:
        staff = _staff(c)
        if staff is None or CaseDecision.unscoped.filter(region_code__startswith=c.code[:6]).exists():
            out.skipped.append(c.code)
            continue
        pool, plan = _households(c.township), scenarios(c.slow)
        if len(pool) < len(plan) + 4:  # a small demo (tests): too few families for the county's story
            out.skipped.append(c.code)
            continue
        walked = CaseworkSeed()
        _run(plan, staff, pool, today, walked)
        out.applications[c.code] = walked.applications
        _pay(c, staff, today)
    out.lines = RosterLine.unscoped.filter(region_code__regex=r"^(220102|220122|220802)").count()
    return out

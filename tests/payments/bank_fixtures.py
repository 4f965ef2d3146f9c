"""H-bank's test world (imported by the roster, account, bank, fund, recovery, one-off, page and API
tests): the ``households`` of ``tests/conftest.py`` with DIBAO cases paid from November 2026, their
accounts, the staff, and a December roster of 延吉市 with its lines written directly (as the monthly run
would)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, NANGUAN_T1, PROVINCE, YANBIAN, YANJI, YANJI_T1, YANJI_T2

D = dt.date
DEC = D(2026, 12, 1)


@dataclass
class World:
    staff: dict
    households: dict
    cases: dict
    accounts: dict
    rosters: dict = field(default_factory=dict)


def make_case(household, tier="DIBAO", monthly=600, **kw):
    from doudi.casework.models import Case

    return Case.unscoped.create(
        region_code=household.region_code,
        household=household,
        tier=tier,
        state=kw.pop("state", "active"),
        since=D(2026, 10, 20),
        monthly_total=monthly,
        pay_from=D(2026, 11, 1),
        **kw,
    )


def add_lines(roster, cases, *, base=500, topup=100, month=None, status="due"):
    """The entitlement lines of ``cases`` on ``roster`` (a base line per household, a top-up per head)."""
    from doudi.payments.models import RosterLine
    from doudi.registry.models import Person

    month = month or roster.month
    lines = []
    for case in cases:
        hh = case.household
        people = list(Person.unscoped.filter(household=hh).order_by("pk"))
        lines.append(
            RosterLine(
                region_code=hh.region_code,
                roster=roster,
                case=case,
                household=hh,
                payee_key=f"h{hh.pk}",
                programme=roster.programme,
                tier=case.tier,
                month=month,
                line="base",
                rule="R-B1",
                amount=base,
                members=len(people),
                status=status,
            )
        )
        lines.append(
            RosterLine(
                region_code=hh.region_code,
                roster=roster,
                case=case,
                household=hh,
                person=people[0],
                payee_key=f"p{people[0].pk}",
                programme=roster.programme,
                tier=case.tier,
                month=month,
                line="topup",
                rule="R-B2",
                amount=topup,
                members=1,
                status=status,
            )
        )
    RosterLine.unscoped.bulk_create(lines)
    from doudi.payments.roster_actions import refresh_totals

    refresh_totals(roster).save()
    return lines


def account_for(actor, household, number="6222020200112233445", **kw):
    from doudi.payments import account_actions

    return account_actions.set_account(
        actor=actor,
        household=household,
        kind=kw.pop("kind", "sscard"),
        holder_name=kw.pop("holder_name", "金明哲"),
        holder_relation=kw.pop("holder_relation", "applicant"),
        number=number,
        bank_name=kw.pop("bank_name", "吉林银行延吉分行"),
        on=kw.pop("on", D(2026, 11, 1)),
        **kw,
    )


@pytest.fixture
def world(make_user, households):
    staff = {
        "township": make_user("township_caseworker", YANJI_T1),
        "township2": make_user("township_caseworker", YANJI_T2),
        "county": make_user("county_officer", YANJI),
        "county2": make_user("county_officer", YANJI),
        "other_county": make_user("county_officer", NANGUAN),
        "other_township": make_user("township_caseworker", NANGUAN_T1),
        "city": make_user("city_officer", YANBIAN),
        "province": make_user("province_officer", PROVINCE),
        "auditor": make_user("auditor", PROVINCE),
    }
    from doudi.payments.roster_open_actions import roster_for

    with all_regions():
        hh = households
        cases = {k: make_case(h) for k, h in hh.items()}
        accounts = {
            "H-YJ1": account_for(staff["township"], hh["H-YJ1"], "6222020200112233445"),
            "H-YJ2": account_for(
                staff["township2"], hh["H-YJ2"], "6222020200155556666", holder_name="李春花"
            ),
            "H-NG1": account_for(
                staff["other_township"], hh["H-NG1"], "6217000011112222", holder_name="王建国"
            ),
        }
        yj = roster_for(YANJI, "DIBAO", DEC)
        ng = roster_for(NANGUAN, "DIBAO", DEC)
        add_lines(yj, [cases["H-YJ1"], cases["H-YJ2"]])
        add_lines(ng, [cases["H-NG1"]])
    return World(staff, hh, cases, accounts, {"yanji": yj, "nanguan": ng})


__all__ = ["World", "world", "make_case", "add_lines", "account_for", "DEC", "YANJI", "YANJI_T1", "YANJI_T2"]

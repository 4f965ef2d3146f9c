"""Temporary assistance on the payments roster (programme ``TEMP``): a pay-first payment is recorded as a
line already paid (from the township fund, the same day); the rest of an approved amount is a due line on
the paying region's draft roster of the month (R-PAY4), paid like any other line.

A roster line needs a registry household: the applicant's own where the registry knows the person inside
the paying region, else a 临时救助 household registered at the township of the event (R-TA2) — with the
applicant as its member when the registry does not know them anywhere (so the R-TA10 screening can
find them), without members when they are registered elsewhere (no duplicate person)."""

from __future__ import annotations

import datetime as dt

from doudi.core import crypto
from doudi.core.dates import month_start
from doudi.core.scoping import prefix_of
from doudi.payments.base import paying_region
from doudi.payments.models import RosterLine
from doudi.payments.roster_open_actions import draft_roster_for
from doudi.registry import actions as registry_actions
from doudi.registry.models import Household, Person
from doudi.tempaid.models import TempAidCase

L = RosterLine.Line


def household_for(actor, case: TempAidCase, on: dt.date) -> Household:
    if case.household is not None:
        return case.household
    payer = paying_region(case.region_code, on)
    person = (
        Person.unscoped.filter(id_index=case.id_index).select_related("household").first()
        if case.id_index
        else None
    )
    known = person.household if person is not None else None
    hh: Household
    if known is not None and known.region_code.startswith(prefix_of(payer)):
        hh = known
    else:
        hh = registry_actions.create_household(
            actor=actor, household_key=f"LS-{case.number}", region_code=case.region_code,
            area_type=case.area_type or "urban", since=on,
        )  # fmt: skip
        if person is None:
            registry_actions.add_person_to_household(
                actor=actor, household=hh, person_key=f"LS-{case.number}-1", name=case.applicant_name,
                id_number=crypto.decrypt(case.id_enc) if case.id_enc else None, relation="head", since=on,
            )  # fmt: skip
    TempAidCase.unscoped.filter(pk=case.pk).update(household=hh)
    case.household = hh
    return hh


def add_line(
    *, actor, case: TempAidCase, amount: int, on: dt.date, paid: bool, rule: str, note: str
) -> RosterLine:
    hh = household_for(actor, case, on)
    month = month_start(on)
    roster = draft_roster_for(paying_region(case.region_code, on), "TEMP", month)
    return RosterLine.unscoped.create(
        region_code=case.region_code,
        roster=roster,
        household=hh,
        payee_key=f"t{case.pk}",
        programme="TEMP",
        tier="TEMP",
        month=month,
        line=L.ONEOFF,
        rule=rule,
        amount=amount,
        members=0,
        origin="tempaid_first" if paid else "tempaid",
        status=RosterLine.Status.PAID if paid else RosterLine.Status.DUE,
        paid_on=on if paid else None,
        status_reason=note[:200],
    )

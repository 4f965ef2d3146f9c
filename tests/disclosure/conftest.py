"""A county's roster month built directly (no casework walk): households with persons, their cases (some
with an application carrying a publication exemption), and entitlement lines on a locked 延吉市 roster of
2026-11; a second roster in 南关区 to show that counties stay apart."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, NANGUAN_T1, YANJI, YANJI_T1, YANJI_T2

MONTH = dt.date(2026, 11, 1)
_seq = itertools.count(1)


class World:
    def __init__(self):
        from doudi.payments.models import Roster

        with all_regions():
            self.rosters = {
                YANJI: Roster.unscoped.create(
                    region_code=YANJI, programme="DIBAO", month=MONTH, state="locked"
                ),
                NANGUAN: Roster.unscoped.create(
                    region_code=NANGUAN, programme="DIBAO", month=MONTH, state="locked"
                ),
                "TEKUN": Roster.unscoped.create(
                    region_code=YANJI, programme="TEKUN", month=MONTH, state="approved"
                ),
            }

    def case(
        self,
        members: list[tuple[str, dt.date]],
        *,
        region: str = YANJI_T1,
        tier: str = "DIBAO",
        amount: int = 500,
        topup: int = 0,
        status: str = "due",
        app: dict | None = None,
        roster=None,
    ):
        """A household (first member the head), its case and the month's lines; ``app`` = fields of an
        application the case came from (e.g. ``{"hiv_flag": True}``)."""
        from doudi.casework.models import Application, Case
        from doudi.payments.models import RosterLine
        from doudi.registry.models import Household, Person

        n = next(_seq)
        with all_regions():
            hh = Household.unscoped.create(household_key=f"DH{n}", area_type="urban", region_code=region)
            people = [
                Person.unscoped.create(
                    person_key=f"DP{n}-{i}",
                    name=name,
                    id_status="valid",
                    birth_date=born,
                    household=hh,
                    relation="head" if i == 0 else "child",
                    region_code=region,
                )
                for i, (name, born) in enumerate(members)
            ]
            application = None
            if app is not None:
                application = Application.unscoped.create(
                    number=f"SQ{n}",
                    household=hh,
                    applicant=people[0],
                    applicant_name=people[0].name,
                    channel="window",
                    received_on=dt.date(2026, 9, 1),
                    region_code=region,
                    **app,
                )
            case = Case.unscoped.create(
                household=hh,
                tier=tier,
                since=dt.date(2026, 10, 1),
                application=application,
                region_code=region,
            )
            roster = roster or (
                self.rosters["TEKUN"] if tier == "TEKUN" else self.rosters[region[:6].ljust(12, "0")]
            )
            common = dict(roster=roster, case=case, household=hh, programme=tier, tier=tier, month=MONTH,
                          region_code=region, status=status)  # fmt: skip
            if tier == "TEKUN":
                RosterLine.unscoped.create(
                    **common, person=people[0], payee_key=f"p{people[0].pk}", line="base", rule="R-B3",
                    amount=amount, members=1,
                )  # fmt: skip
            else:
                RosterLine.unscoped.create(
                    **common,
                    payee_key=f"h{hh.pk}",
                    line="base",
                    rule="R-B1",
                    amount=amount,
                    members=len(people),
                )
                if topup:
                    RosterLine.unscoped.create(
                        **common, person=people[-1], payee_key=f"p{people[-1].pk}", line="topup", rule="R-B2",
                        amount=topup, members=1,
                    )  # fmt: skip
        return case


@pytest.fixture
def world(regions):
    from doudi.core import workdays
    from doudi.policy import params_store
    from doudi.policy.actions import load_baseline_parameters

    params_store.clear_cache()
    workdays.clear_cache()
    with all_regions():
        load_baseline_parameters(actor="test")
    yield World()
    params_store.clear_cache()
    workdays.clear_cache()


__all__ = ["MONTH", "NANGUAN", "NANGUAN_T1", "YANJI", "YANJI_T1", "YANJI_T2", "World"]

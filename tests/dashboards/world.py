"""Random small data in two counties (延吉市, 南关区) for the dashboards' tests: every source row a figure counts,
written straight to the tables (the figures read the tables, not the actions)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone
from hypothesis import strategies as st

from tests.conftest import NANGUAN_T1, YANJI, YANJI_T1, YANJI_T2

# three townships, a village under one of them, and a record kept at the county itself
REGIONS = [YANJI_T1, YANJI_T2, NANGUAN_T1, "222401001001", YANJI]
TODAY = dt.date(2026, 6, 15)
days = st.dates(min_value=dt.date(2025, 3, 1), max_value=dt.date(2026, 9, 30))
regions = st.sampled_from(REGIONS)
maybe_day = st.one_of(st.none(), days)

people = st.tuples(regions, st.sampled_from(["DIBAO", "TEKUN", "MARGINAL"]), st.sampled_from(["urban", "rural"]),
                   days, maybe_day)  # fmt: skip
applications = st.tuples(regions, st.sampled_from(["submitted", "investigating", "confirmed", "refused", "lapsed"]),
                         days)  # fmt: skip
deadlines = st.tuples(regions, st.sampled_from(["total", "confirm", "verify_start"]), days, maybe_day)
warnings = st.tuples(regions, days, days, maybe_day, st.booleans(), st.sampled_from(["red", "yellow"]),
                     st.sampled_from(["none", "no_hardship", "referral"]))  # fmt: skip
exits = st.tuples(regions, st.sampled_from(["terminate", "transition", "grace", "adjust"]),
                  st.sampled_from(["DIBAO", "TEKUN", "MARGINAL"]), days)  # fmt: skip
needs = st.tuples(regions, st.sampled_from(["education", "health"]),
                  st.sampled_from(["pushed", "accepted", "given", "declined", "withdrawn"]), days, maybe_day,
                  st.integers(0, 30))  # fmt: skip
payments = st.tuples(regions, st.sampled_from(["DIBAO", "TEKUN", ""]), st.sampled_from(["paid", "failed", "due",
                     "dropped"]), days, st.integers(-200, 2000))  # fmt: skip
complaints = st.tuples(regions, st.sampled_from(["payment", "service", "report"]), days, days, maybe_day)

WORLD = st.fixed_dictionaries(
    {
        "people": st.lists(people, max_size=6),
        "applications": st.lists(applications, max_size=5),
        "deadlines": st.lists(deadlines, max_size=5),
        "warnings": st.lists(warnings, max_size=6),
        "exits": st.lists(exits, max_size=4),
        "needs": st.lists(needs, max_size=5),
        "payments": st.lists(payments, max_size=6),
        "complaints": st.lists(complaints, max_size=4),
    }
)
_seq = itertools.count(1)


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def build(world: dict, user) -> None:
    """Write the world's rows (inside the caller's all-regions scope)."""
    from doudi.casework.models import Application, Case, CaseDecision, Deadline
    from doudi.complaints.models import Complaint
    from doudi.monitoring.models import Disposition, EarlyWarning, NeedPush
    from doudi.payments.models import Roster, RosterLine
    from doudi.registry.models import CategoryStatus, Household, Person

    def household(region: str, area: str = "urban") -> Household:
        n = next(_seq)
        return Household.unscoped.create(household_key=f"DW-{n}", area_type=area, region_code=region)

    for region, cat, area, since, until in world["people"]:
        hh = household(region, area)
        p = Person.unscoped.create(person_key=f"DWP-{next(_seq)}", name="某", id_status="valid", region_code=region,
                                   household=hh)  # fmt: skip
        CategoryStatus.unscoped.create(person=p, household=hh, category=cat, since=since, until=until,
                                       source="roster", region_code=region)  # fmt: skip
    for region, state, received in world["applications"]:
        Application.unscoped.create(number=f"DA{next(_seq)}", household=household(region), applicant_name="某",
                                    channel="window", state=state, received_on=received, region_code=region)  # fmt: skip
    for region, key, due, done in world["deadlines"]:
        app = Application.unscoped.create(number=f"DA{next(_seq)}", household=household(region), applicant_name="某",
                                          channel="window", state="accepted", received_on=due, region_code=region)  # fmt: skip
        Deadline.unscoped.create(application=app, key=key, rule="R-W12", what=f"环节{key}", start_on=due, days=5,
                                 due=due, done_on=done, region_code=region)  # fmt: skip
    for region, raised, deadline, verified, is_open, level, kind in world["warnings"]:
        hh = household(region)
        w = EarlyWarning.unscoped.create(household=hh, indicator="income", level=level, dedupe_key=f"dw:{next(_seq)}",
                                         is_open=is_open, raised_on=raised, deadline=deadline, verified_on=verified,
                                         region_code=region)  # fmt: skip
        if kind != "none":
            d = Disposition.unscoped.create(warning=w, kind=kind, decided_by=user, region_code=region)
            Disposition.unscoped.filter(pk=d.pk).update(decided_at=_noon(deadline))
    for region, kind, tier, on in world["exits"]:
        hh = household(region)
        case = Case.unscoped.create(household=hh, tier=tier, state="terminated", since=on, region_code=region)
        CaseDecision.unscoped.create(case=case, household=hh, kind=kind, on=on, tier="", authority_level="county",
                                     region_code=region)  # fmt: skip
    for region, dept, status, pushed, answered, due_days in world["needs"]:
        hh = household(region)
        due = pushed + dt.timedelta(days=due_days)
        n = NeedPush.unscoped.create(household=hh, department=dept, need=f"n{next(_seq)}", status=status,
                                     due_on=due, region_code=region)  # fmt: skip
        NeedPush.unscoped.filter(pk=n.pk).update(created_at=_noon(pushed),
                                                 responded_at=_noon(answered) if answered else None)  # fmt: skip
    for region, tier, status, day, amount in world["payments"]:
        hh = household(region)
        month = day.replace(day=1)
        roster, _ = Roster.unscoped.get_or_create(region_code=region[:6] + "000000", programme="DIBAO", month=month,
                                                  kind="regular", seq=1, defaults={"state": "closed"})  # fmt: skip
        RosterLine.unscoped.create(roster=roster, household=hh, payee_key=f"h{hh.pk}", programme="DIBAO", tier=tier,
                                   month=month, line="base", rule=f"r{next(_seq)}", amount=amount, status=status,
                                   region_code=region)  # fmt: skip
    for region, ctype, received, due, closed in world["complaints"]:
        Complaint.unscoped.create(number=f"DC{next(_seq)}", channel="hotline", ctype=ctype, summary="某事",
                                  content="某事", received_on=received, response_due=received, resolve_due=due,
                                  closed_on=closed, state="closed" if closed else "in_progress", region_code=region)  # fmt: skip

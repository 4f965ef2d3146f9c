"""Eligibility re-checked at lock (R-PAY4 step 2, R-PAY5): deaths, moves, open moves, terminations in
notice, suspensions, failed monthly checks, prison, accounts; the province-wide duplicate check; drops
stay dropped; the held lines of a lock are re-checked after an unlock."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.casework.lifecycle_models import CaseMove, CaseReview, DeathRecord, PresenceCheck, Suspension
from doudi.core.scoping import all_regions
from doudi.payments import roster_actions as ra
from doudi.payments.models import RosterLine
from doudi.payments.roster_open_actions import roster_for
from doudi.registry.models import LegalSupporter, Person
from tests.payments import bank_fixtures
from tests.payments.bank_fixtures import DEC

world = bank_fixtures.world

pytestmark = pytest.mark.django_db
D = dt.date


def _lines(w, key):
    return {
        ln.line: ln
        for ln in RosterLine.unscoped.filter(roster=w.rosters["yanji"], household=w.households[key])
    }


def _lock(w):
    return ra.lock(actor=w.staff["township"], roster=w.rosters["yanji"])


def _person(w, key, i=0):
    return Person.unscoped.filter(household=w.households[key]).order_by("pk")[i]


def _death(person, died_on):
    return DeathRecord.unscoped.create(
        region_code=person.region_code, person=person, died_on=died_on, source="hukou", recorded_on=died_on
    )


def test_a_death_before_the_month_drops_the_persons_line_and_holds_the_household(world):
    w = world
    with all_regions():
        _death(_person(w, "H-YJ1"), D(2026, 11, 20))
        roster = _lock(w)
        lines = _lines(w, "H-YJ1")
        assert (lines["topup"].status, lines["topup"].status_reason) == ("dropped", ra.DROP_DEAD)
        assert (lines["base"].status, lines["base"].status_reason) == ("held", ra.HOLD_MEMBER_DEAD)
        assert all(ln.status == "due" for ln in _lines(w, "H-YJ2").values())
        assert roster.amount == 600 + 500  # H-YJ2's two lines and the held base line (dropped excluded)


def test_a_death_in_the_month_is_still_paid_that_month(world):
    w = world
    with all_regions():
        _death(_person(w, "H-YJ2"), D(2026, 12, 3))  # month_of_death: December is paid
        _lock(w)
        assert {ln.status for ln in _lines(w, "H-YJ2").values()} == {"due"}


def test_the_whole_household_dead_drops_the_base_line(world):
    w = world
    with all_regions():
        _death(_person(w, "H-YJ2"), D(2026, 10, 3))
        _lock(w)
        assert _lines(w, "H-YJ2")["base"].status_reason == ra.DROP_ALL_DEAD


def test_moved_out_of_the_county_is_dropped_an_open_move_held(world):
    w = world
    with all_regions():
        hh = w.households["H-YJ2"]
        type(hh).unscoped.filter(pk=hh.pk).update(region_code="220102001000")
        case = w.cases["H-YJ1"]
        CaseMove.unscoped.create(
            region_code=case.region_code,
            case=case,
            to_region="222401002000",
            within_county=True,
            requested_on=D(2026, 11, 25),
        )
        _lock(w)
        assert {ln.status_reason for ln in _lines(w, "H-YJ2").values()} == {ra.DROP_MOVED}
        assert {ln.status_reason for ln in _lines(w, "H-YJ1").values()} == {ra.HOLD_MOVE}


def test_termination_in_notice_suspension_and_missed_checks_hold(world, households):
    w = world
    with all_regions():
        c1, c2 = w.cases["H-YJ1"], w.cases["H-YJ2"]
        CaseReview.unscoped.create(
            region_code=c1.region_code,
            case=c1,
            kind="change",
            trigger="family",
            opened_on=D(2026, 11, 1),
            due=D(2026, 11, 30),
            state="in_notice",
        )
        for m in (D(2026, 11, 1), D(2026, 12, 1)):
            PresenceCheck.unscoped.create(
                region_code=c2.region_code, case=c2, month=m, passed=False, recorded_on=m
            )
        _lock(w)
        assert {ln.status_reason for ln in _lines(w, "H-YJ1").values()} == {ra.HOLD_NOTICE}
        assert {ln.status_reason for ln in _lines(w, "H-YJ2").values()} == {ra.HOLD_CHECKS}


def test_one_failed_check_is_not_enough_and_a_suspension_holds(world):
    w = world
    with all_regions():
        c1, c2 = w.cases["H-YJ1"], w.cases["H-YJ2"]
        PresenceCheck.unscoped.create(
            region_code=c2.region_code,
            case=c2,
            month=D(2026, 12, 1),
            passed=False,
            recorded_on=D(2026, 12, 1),
        )
        Suspension.unscoped.create(
            region_code=c1.region_code, case=c1, cause="missed_checks", start_month=D(2026, 12, 1)
        )
        _lock(w)
        assert {ln.status for ln in _lines(w, "H-YJ2").values()} == {"due"}
        assert {ln.status_reason for ln in _lines(w, "H-YJ1").values()} == {ra.HOLD_SUSPENDED}


def test_prison_holds_the_persons_line(world):
    w = world
    with all_regions():
        p = _person(w, "H-YJ1")
        other = _person(w, "H-YJ1", 1)
        LegalSupporter.unscoped.create(
            region_code=p.region_code,
            person=other,
            supporter=p,
            relation="spouse",
            incapacity="prison",
            valid_from=D(2026, 6, 1),
            source="home_visit",
        )
        _lock(w)
        lines = _lines(w, "H-YJ1")
        assert lines["topup"].status_reason == ra.HOLD_PRISON
        assert lines["base"].status == "due"


def test_a_terminated_case_past_its_last_month_is_dropped(world):
    w = world
    with all_regions():
        c = w.cases["H-YJ2"]
        type(c).unscoped.filter(pk=c.pk).update(state="terminated", pay_until=D(2026, 11, 1))
        _lock(w)
        assert {ln.status_reason for ln in _lines(w, "H-YJ2").values()} == {ra.DROP_ENDED}


def test_a_second_base_line_elsewhere_in_the_province_is_dropped(world):
    """R-PAY5: the same household on another county's roster already (single-person line)."""
    w = world
    with all_regions():
        hh = w.households["H-YJ2"]
        other = roster_for("220102000000", "DIBAO", DEC)
        RosterLine.unscoped.create(
            region_code=hh.region_code,
            roster=other,
            case=w.cases["H-YJ2"],
            household=hh,
            payee_key=f"h{hh.pk}",
            programme="DIBAO",
            month=DEC,
            line="single",
            rule="R-B4",
            amount=300,
        )
        type(other).unscoped.filter(pk=other.pk).update(state="approved")  # checked and approved there
        _lock(w)
        assert _lines(w, "H-YJ2")["base"].status_reason == ra.DROP_DUPLICATE
        assert _lines(w, "H-YJ1")["base"].status == "due"


def test_of_two_draft_rosters_the_later_line_is_the_second(world):
    w = world
    with all_regions():
        hh = w.households["H-YJ2"]
        other = roster_for(w.rosters["yanji"].region_code, "DIBAO", DEC, kind="supplementary")
        late = RosterLine.unscoped.create(
            region_code=hh.region_code,
            roster=other,
            case=w.cases["H-YJ2"],
            household=hh,
            payee_key=f"h{hh.pk}",
            programme="DIBAO",
            month=DEC,
            line="single",
            rule="R-B4",
            amount=300,
        )
        _lock(w)
        assert _lines(w, "H-YJ2")["base"].status == "due"
        ra.lock(actor=w.staff["county"], roster=other)
        late.refresh_from_db()
        assert (late.status, late.status_reason) == ("dropped", ra.DROP_DUPLICATE)


def test_accounts_are_snapshotted_and_a_missing_or_broken_account_holds(world):
    w = world
    with all_regions():
        acc = w.accounts["H-YJ2"]
        type(acc).unscoped.filter(pk=acc.pk).update(problem="银行退回：账户已冻结")
        _lock(w)
        lines = _lines(w, "H-YJ1")
        assert lines["base"].account_masked == "****3445" and lines["base"].bank_name == "吉林银行延吉分行"
        assert {ln.status_reason for ln in _lines(w, "H-YJ2").values()} == {ra.HOLD_ACCOUNT}


def test_drops_stay_and_holds_are_rechecked_after_unlock(world):
    w = world
    with all_regions():
        c1 = w.cases["H-YJ1"]
        _death(_person(w, "H-YJ2"), D(2026, 10, 3))
        s = Suspension.unscoped.create(
            region_code=c1.region_code, case=c1, cause="missed_checks", start_month=D(2026, 12, 1)
        )
        roster = _lock(w)
        roster = ra.unlock(actor=w.staff["township"], roster=roster, reason="暂停已解除")
        Suspension.unscoped.filter(pk=s.pk).update(outcome="cleared")
        DeathRecord.unscoped.all().delete()  # even if the death record were withdrawn …
        ra.lock(actor=w.staff["township"], roster=roster)
        assert {ln.status for ln in _lines(w, "H-YJ1").values()} == {"due"}
        assert {ln.status for ln in _lines(w, "H-YJ2").values()} == {"dropped"}  # … a drop stays


def test_the_lock_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    w = world
    with all_regions(), django_assert_max_num_queries(45):
        _lock(w)

"""Recovery (R-PAY8): claims with months, amount and cause; county decision for staff error; repayment;
offsets capped at pay.offset_max_share of the month and never against TEKUN basic living; write-off."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from doudi.payments import recovery_actions as rec
from doudi.payments.base import PaymentsConflict, PaymentsError
from doudi.payments.models import RecoveryClaim, RosterLine
from doudi.payments.roster_open_actions import roster_for
from tests.conftest import YANJI
from tests.payments import bank_fixtures
from tests.payments.bank_fixtures import DEC, add_lines, make_case

world = bank_fixtures.world
pytestmark = pytest.mark.django_db
JAN = dt.date(2027, 1, 1)


def _claim(w, key="H-YJ1", amount=1000, cause="late_report", **kw):
    return rec.propose(
        actor=w.staff["township" if key == "H-YJ1" else "township2"],
        case=w.cases[key],
        cause=cause,
        months=["2026-09", "2026-10"],
        amount=amount,
        **kw,
    )


def test_offset_is_capped_at_half_of_the_month_and_continues_next_month(world):
    w = world
    with all_regions():
        claim = _claim(w)
        assert claim.state == "open"
        jan = roster_for(YANJI, "DIBAO", JAN)
        add_lines(jan, [w.cases["H-YJ1"]], base=500, topup=100)  # 600 this month
        made = rec.offset_lines(actor=w.staff["county"], month=JAN)
        assert [(m.line, m.rule, m.amount, m.covers) for m in made] == [
            ("recovery", "R-PAY8", -300, ["2026-09", "2026-10"])
        ]
        assert made[0].roster == jan and made[0].origin == "recovery"
        claim.refresh_from_db()
        assert (claim.recovered, claim.state) == (300, "open")
        assert rec.offset_lines(actor=w.staff["county"], month=JAN) == []  # once per month
        feb = roster_for(YANJI, "DIBAO", dt.date(2027, 2, 1))
        add_lines(feb, [w.cases["H-YJ1"]], base=1600, topup=400)
        made = rec.offset_lines(actor=w.staff["county"], month=dt.date(2027, 2, 1))
        assert made[0].amount == -700  # what is left, below the cap of 1000
        claim.refresh_from_db()
        assert claim.state == "settled"


def test_never_against_tekun_basic_living(world):
    w = world
    with all_regions():
        hh = w.households["H-YJ2"]
        tekun = make_case(hh, tier="TEKUN")
        jan = roster_for(YANJI, "TEKUN", JAN)
        lines = add_lines(jan, [tekun], base=900, topup=200)
        RosterLine.unscoped.filter(pk__in=[x.pk for x in lines if x.line == "topup"]).update(
            line="care", rule="R-B3"
        )
        rec.propose(
            actor=w.staff["township2"], case=tekun, cause="late_report", months=["2026-10"], amount=5000
        )
        made = rec.offset_lines(actor=w.staff["county"], month=JAN)
        assert [m.amount for m in made] == [-100]  # half the care subsidy only, not the 900 basic living


def test_staff_error_needs_the_county_and_another_person(world):
    w = world
    with all_regions():
        claim = _claim(w, cause="staff_error")
        assert claim.state == "proposed"
        assert rec.offset_lines(actor=w.staff["county"], month=DEC) == []
        with pytest.raises(PaymentsError):
            rec.decide(actor=w.staff["township"], claim=claim, approve=True, note="同意")
        county_claim = rec.propose(
            actor=w.staff["county"], case=w.cases["H-YJ1"], cause="staff_error", months=["2026-08"], amount=10
        )
        with pytest.raises(PaymentsError, match="不能审批自己"):
            rec.decide(actor=w.staff["county"], claim=county_claim, approve=True, note="同意")
        claim = rec.decide(
            actor=w.staff["county"], claim=claim, approve=True, note="经核实系录入错误，同意追回"
        )
        assert claim.state == "open" and claim.approved_by == w.staff["county"]


def test_write_off_by_county_decision_and_repayment(world):
    w = world
    with all_regions():
        with pytest.raises(PaymentsError):
            _claim(w, cause="late_report", mode="write_off")
        wo = _claim(w, cause="staff_error", mode="write_off")
        wo = rec.decide(actor=w.staff["county"], claim=wo, approve=True, note="家庭无过错，县级决定核销")
        assert wo.state == "written_off"
        c = _claim(w, key="H-YJ2", amount=400, mode="repay")
        with pytest.raises(PaymentsError):
            rec.record_repayment(actor=w.staff["township2"], claim=c, amount=500)
        c = rec.record_repayment(actor=w.staff["township2"], claim=c, amount=400)
        assert c.state == "settled"
        with pytest.raises(PaymentsConflict):
            rec.record_repayment(actor=w.staff["township2"], claim=c, amount=1)
        assert RecoveryClaim.unscoped.count() == 2


def test_input_checks(world):
    w = world
    with all_regions():
        for kw in ({"amount": 0}, {"cause": "x"}, {"mode": "x"}):
            with pytest.raises(PaymentsError):
                _claim(w, **kw)
        with pytest.raises(PaymentsError):
            rec.propose(
                actor=w.staff["other_township"],
                case=w.cases["H-YJ1"],
                cause="late_report",
                months=["2026-09"],
                amount=1,
            )

"""Approval authority (R-TA4), 一事一议 (R-TA7), the annual cap, public emergencies (R-TA6), refusal after a
pay-first payment (R-TA5: review, not recovery), the back-fill deadline in working days and overdue, and the
fund's over-draw asking the county for a top-up (R-TA9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days, is_workday
from doudi.payments.models import RosterLine
from doudi.tempaid import actions, decision_actions, fund_actions, params, queries
from doudi.tempaid.base import TempAidConflict, TempAidError
from doudi.tempaid.models import CaseStep, TempAidCase, TopUpRequest
from tests.conftest import YANBIAN, YANJI_T1
from tests.tempaid.conftest import DAY, S, apply_fire

pytestmark = pytest.mark.django_db


def _ready(w, case, on=DAY):
    with all_regions():
        for kind in ("verify", "investigate"):
            case = actions.record_step(actor=w.staff["township"], case=case, kind=kind, note="已核实", on=on)
    assert case.state == TempAidCase.State.READY
    return case


def test_township_cap_then_county_then_deliberation(world):
    w = world
    case = _ready(w, apply_fire(w, degree=3))
    with all_regions():
        with pytest.raises(TempAidError, match="报县级"):
            actions.approve(actor=w.staff["township"], case=case, amount=4 * S + 1, on=DAY)
        with pytest.raises(TempAidError, match="一事一议"):
            actions.approve(actor=w.staff["county"], case=case, amount=10 * S + 1, on=DAY)
        with pytest.raises(TempAidError):  # the township cannot record the deliberation
            decision_actions.record_deliberation(
                actor=w.staff["township"], case=case, held_on=DAY, participants="张三", departments="民政",
                decision="pay", amount=12 * S, payer="县民政局临时救助资金",
            )  # fmt: skip
        d = decision_actions.record_deliberation(
            actor=w.staff["county"], case=case, held_on=DAY, participants="副县长、民政局长、医保局长",
            departments="民政、医保、人社、红十字会", decision="pay", amount=12 * S, payer="县民政局临时救助资金",
        )  # fmt: skip
        case.refresh_from_db()
        assert case.state == TempAidCase.State.DELIBERATION
        with pytest.raises(TempAidError):  # more than the record authorised
            actions.approve(actor=w.staff["county"], case=case, amount=12 * S + 1, on=DAY)
        with pytest.raises(TempAidError):  # the township never approves above its cap
            actions.approve(actor=w.staff["township"], case=case, amount=12 * S, on=DAY)
        case = actions.approve(actor=w.staff["county"], case=case, amount=12 * S, on=DAY)
    assert case.authority == "deliberation" and d.payer
    line = RosterLine.unscoped.get(payee_key=f"t{case.pk}")
    assert (line.amount, line.rule, line.programme) == (12 * S, "R-TA7", "TEMP")


def test_county_approves_between_the_caps(world):
    w = world
    case = _ready(w, apply_fire(w, degree=3))
    with all_regions():
        case = actions.approve(actor=w.staff["county"], case=case, amount=6 * S, on=DAY)
    assert case.authority == "county"


def test_annual_cap(world, monkeypatch):
    w = world
    real = params.value
    monkeypatch.setattr(
        params,
        "value",
        lambda key, **kw: Decimal(5) if key == "temp_aid.annual_cap_multiple" else real(key, **kw),
    )
    first = _ready(w, apply_fire(w))
    with all_regions():
        actions.approve(actor=w.staff["county"], case=first, amount=4 * S, on=DAY)
    second = _ready(w, apply_fire(w, event="再次失火"))
    with all_regions(), pytest.raises(TempAidError, match="累计上限"):
        actions.approve(actor=w.staff["county"], case=second, amount=2 * S, on=DAY)
    with all_regions():
        assert actions.approve(actor=w.staff["county"], case=second, amount=S, on=DAY).approved_amount == S


def test_public_emergency_payment_carries_the_declaration(world):
    w = world
    with all_regions():
        e = decision_actions.declare_emergency(
            actor=w.staff["city"], region_code=YANBIAN, title="新冠疫情防控", document="延州政发〔2026〕9号",
            starts_on=DAY - dt.timedelta(days=10), ends_on=DAY + dt.timedelta(days=30),
        )  # fmt: skip
        with pytest.raises(TempAidError):
            decision_actions.declare_emergency(actor=w.staff["county"], region_code=YANBIAN, title="x", document="y",
                                               starts_on=DAY, ends_on=DAY)  # fmt: skip
    case = apply_fire(w, event="疫情封控期间收入中断")
    assert case.emergency_id == e.pk
    with all_regions():
        assert actions.pay_first_cap(case, DAY) == max(1000, S)
        actions.pay_first(actor=w.staff["township"], case=case, amount=S, on=DAY)
    line = RosterLine.unscoped.get(payee_key=f"t{case.pk}")
    assert line.rule == "R-TA6" and f"编号{e.pk}" in line.status_reason


def test_refusal_after_pay_first_is_a_review_not_a_recovery(world):
    w = world
    case = apply_fire(w)
    with all_regions():
        case, _ = actions.pay_first(actor=w.staff["township"], case=case, amount=600, on=DAY)
        case = actions.refuse(actor=w.staff["township"], case=case, reason="核查发现并无失火", on=DAY)
    assert case.state == "refused"
    assert "不自动追回" in CaseStep.unscoped.get(case=case, kind="refuse").note
    assert RosterLine.unscoped.get(payee_key=f"t{case.pk}").status == "paid"  # the money paid stays recorded


def test_backfill_deadline_in_working_days_and_overdue(world):
    w = world
    on = dt.date(2026, 9, 30)  # the eve of the National Day holiday
    case = apply_fire(w, event_date=on, on=on)
    with all_regions():
        case, _ = actions.pay_first(actor=w.staff["township"], case=case, amount=500, on=on)
    assert case.backfill_due == add_working_days(on, 20)
    assert is_workday(case.backfill_due)
    with all_regions():
        assert queries.deadline(case, today=case.backfill_due)["status"] in ("due_soon", "on_time")
        late = add_working_days(case.backfill_due, 2)
        dl = queries.deadline(case, today=late)
        assert dl["status"] == "overdue" and dl["overdue_days"] == 2
        assert case in list(queries.cases("overdue", today=late))
        assert case not in list(queries.cases("overdue", today=case.backfill_due))


def test_overdraw_asks_the_county_for_a_top_up(world):
    w = world
    cases = [apply_fire(w, event=f"失火{i}") for i in range(6)]
    with all_regions():
        for c in cases[:5]:
            actions.pay_first(actor=w.staff["township"], case=c, amount=1000, on=DAY)
        w.fund.refresh_from_db()
        assert w.fund.balance == 0
        case, topup = actions.pay_first(actor=w.staff["township"], case=cases[5], amount=800, on=DAY)
        assert topup is not None and topup.amount == 800 and case.state == "accepted"
        w.fund.refresh_from_db()
        assert w.fund.balance == 0  # nothing paid, never negative
        with pytest.raises(TempAidError):
            fund_actions.grant_topup(actor=w.staff["township"], request=topup, on=DAY)
        fund_actions.grant_topup(actor=w.staff["county"], request=topup, on=DAY)
        with pytest.raises(TempAidConflict):
            fund_actions.grant_topup(actor=w.staff["county"], request=topup, on=DAY)
        case, again = actions.pay_first(actor=w.staff["township"], case=cases[5], amount=800, on=DAY)
    assert again is None and case.state == "paid_first"
    assert TopUpRequest.unscoped.get().state == "granted"
    w.fund.refresh_from_db()
    assert w.fund.balance == 0
    with all_regions():
        rec = fund_actions.reconcile_month(actor=w.staff["township"], fund=w.fund, month=DAY)
        assert rec.matches and rec.closing == 0 and rec.debits == 5800 and rec.credits == 800
        with pytest.raises(TempAidConflict):
            fund_actions.reconcile_month(actor=w.staff["township"], fund=w.fund, month=DAY)
        months = fund_actions.month_rows(w.fund)
    assert months[0]["closing"] == 5000 and months[-1]["closing"] == 0


def test_scope_outside_the_region(world):
    w = world
    case = apply_fire(w)
    with all_regions(), pytest.raises(TempAidError):
        actions.pay_first(actor=w.staff["other_township"], case=case, amount=100, on=DAY)
    from doudi.core.scoping import using_scope

    with using_scope("220102"):
        with pytest.raises(TempAidCase.DoesNotExist):
            queries.get_case(case.pk)
        assert not queries.cases("all").exists()
    with using_scope(YANJI_T1[:9]):
        assert queries.get_case(case.pk) == case

"""The vertical slice (R-TA2, R-TA5, R-TA4, roster TEMP): a fire victim from another province applies at the
township where the fire happened, is paid first the same day from the township fund, the file is completed
within the back-fill deadline, the township approves within its cap and the rest goes on the TEMP roster."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days
from doudi.payments.models import RosterLine
from doudi.registry.models import Household, Person
from doudi.tempaid import actions
from doudi.tempaid.base import TempAidConflict, TempAidError
from doudi.tempaid.models import FundLedger, TempAidCase
from tests.conftest import YANJI_T1
from tests.tempaid.conftest import DAY, OUTSIDER_ID, S, apply_fire

pytestmark = pytest.mark.django_db


def test_outsider_paid_first_the_same_day_then_file_completed_and_approved(world):
    w = world
    case = apply_fire(w)
    assert case.region_code == YANJI_T1  # the place of the event, not the hukou (R-TA2)
    assert case.id_masked and OUTSIDER_ID not in case.id_masked and case.id_enc
    assert case.proposed_amount == 4 * S  # emergency, degree 2 = 4 × S (R-TA8 default table)
    with all_regions():
        case, topup = actions.pay_first(actor=w.staff["township"], case=case, amount=1000, on=DAY)
    assert topup is None and case.state == TempAidCase.State.PAID_FIRST
    assert case.backfill_due == add_working_days(DAY, 20)
    w.fund.refresh_from_db()
    assert w.fund.balance == 4000
    assert FundLedger.unscoped.filter(case=case, amount=-1000).exists()
    first = RosterLine.unscoped.get(payee_key=f"t{case.pk}")
    assert (first.programme, first.status, first.paid_on, first.amount, first.rule) == (
        "TEMP",
        "paid",
        DAY,
        1000,
        "R-TA5",
    )
    # not in the registry anywhere: registered at the event's township so the follow-up can find the person
    hh = Household.unscoped.get(pk=first.household_id)
    assert hh.household_key == f"LS-{case.number}" and hh.region_code == YANJI_T1
    assert Person.unscoped.filter(household=hh, name="赵立新").exists()
    # approval before the paperwork is refused
    with all_regions(), pytest.raises(TempAidConflict, match="手续尚未齐全"):
        actions.approve(actor=w.staff["township"], case=case, amount=2000, on=DAY)
    later = dt.date(2026, 12, 14)
    with all_regions():
        for kind in ("statement", "verify", "investigate"):
            case = actions.record_step(
                actor=w.staff["township"], case=case, kind=kind, note="已核实", on=later
            )
    assert case.state == TempAidCase.State.READY and case.backfill_done_on == later
    with all_regions():
        case = actions.approve(actor=w.staff["township"], case=case, amount=3 * S, on=later)
    assert case.state == TempAidCase.State.APPROVED and case.authority == "township"
    rest = RosterLine.unscoped.get(payee_key=f"t{case.pk}", status="due")
    assert (rest.programme, rest.amount, rest.rule, rest.origin) == ("TEMP", 3 * S - 1000, "R-TA4", "tempaid")
    assert case.followup_note  # R-TA10


def test_pay_first_only_for_emergency_type_and_within_the_cap(world):
    w = world
    spend = apply_fire(w, aid_type="expenditure", event="住院自付费用", expenditure=20000, reimbursed=12000)
    with all_regions(), pytest.raises(TempAidError, match="急难型"):
        actions.pay_first(actor=w.staff["township"], case=spend, amount=500, on=DAY)
    fire = apply_fire(w)
    with all_regions(), pytest.raises(TempAidError, match="1至1000"):
        actions.pay_first(actor=w.staff["township"], case=fire, amount=1001, on=DAY)
    with all_regions(), pytest.raises(TempAidError):
        actions.pay_first(actor=w.staff["township2"], case=fire, amount=500, on=DAY)  # another township


def test_expenditure_type_deducts_reimbursements(world):
    case = apply_fire(
        world, aid_type="expenditure", event="住院自付费用", degree=3, expenditure=5000, reimbursed=3500
    )
    assert case.proposed_amount == 1500  # 6 × S capped at the expenditure counted (5000 − 3500)


def test_followup_screening_is_listed_until_recorded(world):
    from doudi.tempaid import queries

    w = world
    case = apply_fire(w)
    with all_regions():
        for kind in ("verify", "investigate"):
            case = actions.record_step(actor=w.staff["grid"], case=case, kind=kind, note="已核实", on=DAY)
        case = actions.approve(actor=w.staff["township"], case=case, amount=S, on=DAY)
        assert list(queries.cases("followup")) == [case]
        with pytest.raises(TempAidError):
            actions.followup_done(actor=w.staff["grid"], case=case, note="")
        actions.followup_done(actor=w.staff["grid"], case=case, note="困难已缓解，暂不申请低保", on=DAY)
        assert not queries.cases("followup").exists()

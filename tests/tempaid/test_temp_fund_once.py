"""The county's TEMP fund account (payments.FundAccount, R-PAY10) pays every yuan of temporary assistance
once: sizing or topping up a township's contingency fund is a transfer out of it (R-TA9); the pay-first
lines the contingency fund then pays are on the TEMP roster as already paid, and the roster's debit at
reconciliation leaves them out — only what the bank paid through the roster is debited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from doudi.core.scoping import all_regions
from doudi.payments import fund_actions as programme_funds
from doudi.payments.models import FundEntry, Roster, RosterLine
from doudi.payments.roster_actions import refresh_totals
from doudi.tempaid import actions, fund_actions
from tests.conftest import YANJI
from tests.tempaid.conftest import DAY, S, apply_fire

pytestmark = pytest.mark.django_db


def test_pay_first_money_leaves_the_county_temp_fund_once(world):
    w = world
    with all_regions():
        entries = FundEntry.unscoped.filter(fund__region_code=YANJI, fund__programme="TEMP")
        assert list(entries.values_list("kind", "amount")) == [("transfer", -5000)]  # the world's allocation
        case = apply_fire(w)
        case, _ = actions.pay_first(actor=w.staff["township"], case=case, amount=1000, on=DAY)
        for kind in ("statement", "verify", "investigate"):
            case = actions.record_step(actor=w.staff["township"], case=case, kind=kind, note="已补办", on=DAY)
        case = actions.approve(actor=w.staff["township"], case=case, amount=3 * S, on=DAY)
        roster = Roster.unscoped.get(programme="TEMP", region_code=YANJI)
        RosterLine.unscoped.filter(roster=roster, origin="tempaid").update(status="paid", paid_on=DAY)
        refresh_totals(roster)
        roster.save()
        assert roster.paid_amount == 3 * S  # both lines are on the roster as paid
        entry = programme_funds.debit_roster(actor=w.staff["county"], roster=roster)
        assert entry.amount == -(3 * S - 1000)  # the bank paid the rest; the fund had paid the 1000
        assert "1000" in entry.note
        assert programme_funds.debit_roster(actor=w.staff["county"], roster=roster) is None  # once
        out = -entries.aggregate(s=Sum("amount"))["s"]
        assert out == 5000 + (3 * S - 1000)  # contingency fund sized + what the roster paid, no double count


def test_a_granted_top_up_is_a_transfer_from_the_county_temp_fund(world):
    w = world
    case = apply_fire(w)
    with all_regions():
        fund_actions.allocate(actor=w.staff["county"], township=w.fund.region_code, year=2026, amount=1,
                              on=dt.date(2026, 1, 6))  # fmt: skip
        w.fund.refresh_from_db()
        drawn = w.fund.balance
        # draw the fund down so the payment asks for a top-up
        from doudi.tempaid.models import ContingencyFund

        ContingencyFund.unscoped.filter(pk=w.fund.pk).update(balance=100)
        _, topup = actions.pay_first(actor=w.staff["township"], case=case, amount=900, on=DAY)
        assert topup is not None and topup.amount == 800
        fund_actions.grant_topup(actor=w.staff["county"], request=topup, on=DAY)
        kinds = list(
            FundEntry.unscoped.filter(fund__region_code=YANJI, fund__programme="TEMP")
            .order_by("pk")
            .values_list("kind", "amount")
        )
    assert drawn == 5001
    assert kinds == [("transfer", -5000), ("transfer", -1), ("transfer", -800)]

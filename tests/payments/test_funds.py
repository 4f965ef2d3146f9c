"""Funds and monthly summaries (R-PAY10): township → county → city → province built from the lines,
every level adding up to the paid lines; the fund pays the reconciled total once."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from doudi.core.scoping import all_regions
from doudi.payments import fund_actions
from doudi.payments.models import FundAccount, MonthlySummary, RosterLine
from tests.payments import bank_fixtures
from tests.payments.bank_fixtures import DEC

world = bank_fixtures.world
pytestmark = pytest.mark.django_db


def test_summaries_go_up_and_equal_the_paid_lines(world):
    w = world
    with all_regions():
        lines = RosterLine.unscoped.filter(month=DEC)
        lines.filter(household=w.households["H-YJ1"]).update(status="paid")
        lines.filter(household=w.households["H-NG1"]).update(status="paid")
        lines.filter(household=w.households["H-YJ2"], line="topup").update(status="failed")
        n = fund_actions.build_summaries(actor=w.staff["province"], month=DEC)
        paid = lines.filter(status="paid").aggregate(s=Sum("amount"))["s"]
        assert paid == 1200
        for level in ("township", "county", "city", "province"):
            rows = MonthlySummary.unscoped.filter(month=DEC, level=level)
            assert rows.aggregate(s=Sum("paid_amount"))["s"] == paid, level
        prov = MonthlySummary.unscoped.get(level="province", month=DEC)
        assert (prov.region_code, prov.households, prov.persons, prov.failed_amount) == (
            "220000000000",
            3,
            4,
            100,
        )
        county = MonthlySummary.unscoped.get(level="county", region_code="222401000000")
        assert (county.paid_amount, county.due_amount) == (600, 1200)
        assert MonthlySummary.unscoped.filter(level="township").count() == 3
        assert fund_actions.build_summaries(actor=w.staff["province"], month=DEC) == n  # rebuilt, not doubled
        assert MonthlySummary.unscoped.filter(month=DEC).count() == n


def test_allocation_and_balance(world):
    w = world
    import datetime as dt

    with all_regions():
        fund_actions.allocate(
            actor=w.staff["county"],
            region_code="222401000000",
            programme="DIBAO",
            amount=100000,
            on=dt.date(2026, 12, 1),
            note="2026年12月中央和省级资金",
        )
        fund = FundAccount.unscoped.get(region_code="222401000000", programme="DIBAO")
        assert fund.balance == 100000 and "延吉" in fund.name

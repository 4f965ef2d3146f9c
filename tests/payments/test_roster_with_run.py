"""The month end to end on real cases: confirmed DIBAO and TEKUN cases (the casework walk) → accounts →
``run_month`` → lock → approve (another county officer) → release → bank file → send → the bank's return
→ reconciled → summaries equal the paid lines → the household's payments (R-PAY11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from doudi.core.scoping import all_regions, using_scope
from doudi.payments import (
    account_actions,
    bank_actions,
    bankfile,
    fund_actions,
    roster_actions,
    run_actions,
    serialize,
)
from doudi.payments.models import MonthlySummary, Roster, RosterLine
from tests.conftest import YANJI, YANJI_T1

pytestmark = pytest.mark.django_db
DEC = dt.date(2026, 12, 1)


def test_a_month_paid_from_the_run_to_the_summaries(confirmed, staff, make_user):
    checker = make_user("county_officer", YANJI)
    with all_regions():
        for n, case in enumerate(confirmed.values()):
            account_actions.set_account(
                actor=staff["township"], household=case.household, kind="sscard", holder_name="户主",
                holder_relation="applicant", number=f"622202020011223{n:04d}", bank_name="吉林银行",
                on=dt.date(2026, 11, 20),
            )  # fmt: skip
        run_actions.run_month(actor=staff["county"], month=DEC)
        rosters = list(Roster.unscoped.filter(month=DEC).order_by("programme"))
        assert {r.programme for r in rosters} == {"DIBAO", "TEKUN"}
        due_total = RosterLine.unscoped.filter(month=DEC, status="due").aggregate(s=Sum("amount"))["s"]
        assert due_total > 0
        for r in rosters:
            r = roster_actions.lock(actor=staff["township"], roster=r)
            assert not RosterLine.unscoped.filter(roster=r).exclude(status="due").exists()
            r = roster_actions.approve(actor=checker, roster=r)
            r = roster_actions.release(actor=checker, roster=r)
            content, name, digest = bank_actions.bank_file(actor=checker, roster=r, fmt="xlsx")
            data, check = bankfile.read_bank_file(content, name)
            assert check[3] == digest and int(check[1]) == len(data) == 1
            r = roster_actions.send(actor=checker, roster=r, external_ref=f"YKT-{r.pk}", checksum=digest)
            ret = "\n".join(f"{row[1]},成功,,2026-12-15" for row in data).encode()
            bank_actions.import_return(actor=checker, roster=r, content=ret, file_name="r.csv")
            assert Roster.unscoped.get(pk=r.pk).state == "reconciled"
        fund_actions.build_summaries(actor=checker, month=DEC)
        province = MonthlySummary.unscoped.filter(level="province", month=DEC).aggregate(
            s=Sum("paid_amount")
        )["s"]
        assert province == due_total
    with using_scope(YANJI_T1):
        got = serialize.household_payments(confirmed["DIBAO"].household_id)
    assert got["months"][0]["month"] == "2026-12" and got["months"][0]["status"] == "paid"
    with all_regions():
        paid = RosterLine.unscoped.filter(household_id=confirmed["DIBAO"].household_id, status="paid")
        assert got["months"][0]["amount"] == paid.aggregate(s=Sum("amount"))["s"] > 0
        assert {x["rule"] for x in got["months"][0]["lines"]} == set(paid.values_list("rule", flat=True))

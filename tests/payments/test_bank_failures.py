"""R-PAY6 / R-W34 across months: a second failure of the same account suspends the case
(``casework.lifecycle_actions.suspend``, cause bank_failure); a cleared suspension pays the held months
of rosters already past draft as arrears (the CASE_CHANGED subscriber)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.casework.lifecycle_models import Suspension
from doudi.core.scoping import all_regions
from doudi.payments import account_actions, bank_actions, bankfile, roster_actions
from doudi.payments.models import RosterLine
from doudi.payments.roster_open_actions import roster_for
from tests.conftest import YANJI
from tests.payments import bank_fixtures

world = bank_fixtures.world
pytestmark = pytest.mark.django_db
JAN = dt.date(2027, 1, 1)


def _send(w, roster, locker="township", approver="county"):
    r = roster_actions.lock(actor=w.staff[locker], roster=roster)
    r = roster_actions.approve(actor=w.staff[approver], roster=r)
    r = roster_actions.release(actor=w.staff[approver], roster=r)
    _c, _n, digest = bank_actions.bank_file(actor=w.staff[approver], roster=r)
    return roster_actions.send(actor=w.staff[approver], roster=r, external_ref="B", checksum=digest)


def _answer(w, roster, fail_account):
    rows = []
    for row in bankfile.rows(roster):
        if row[1].endswith(f"-{fail_account}"):
            rows.append(f"{row[1]},失败,账户已冻结,")
        else:
            rows.append(f"{row[1]},成功,,2026-12-12")
    return bank_actions.import_return(
        actor=w.staff["county"], roster=roster, content=("\n".join(rows)).encode(), file_name="r.csv"
    )


def test_a_second_failure_of_the_same_account_suspends_the_case(world):
    w = world
    acc = w.accounts["H-YJ2"]
    with all_regions():
        dec = _send(w, w.rosters["yanji"])
        _answer(w, dec, acc.pk)
        acc.refresh_from_db()
        account_actions.mark_fixed(actor=w.staff["township2"], account=acc, note="银行已解冻")
        arrears = RosterLine.unscoped.filter(origin="failed")
        assert arrears.count() == 2
        jan = arrears.first().roster
        assert not Suspension.unscoped.exists()
        jan = _send(w, jan)
        _answer(w, jan, acc.pk)
        s = Suspension.unscoped.get(case=w.cases["H-YJ2"])
        assert s.cause == "bank_failure" and s.outcome == ""
        w.cases["H-YJ2"].refresh_from_db()
        assert w.cases["H-YJ2"].state == "suspended"


def test_a_cleared_suspension_pays_the_held_months_as_arrears(world, monkeypatch):
    from django.utils import timezone

    from doudi.casework import lifecycle_actions

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 28))
    w = world
    case = w.cases["H-YJ1"]
    with all_regions():
        s = lifecycle_actions.suspend(
            actor=w.staff["county"], case=case, cause="missed_checks", on=dt.date(2026, 11, 20)
        )
        dec = roster_actions.lock(actor=w.staff["township"], roster=w.rosters["yanji"])
        held = RosterLine.unscoped.filter(roster=dec, case=case, status="held")
        assert held.count() == 2
        lifecycle_actions.clear_suspension(actor=w.staff["county"], suspension=s, on=dt.date(2026, 12, 28))
        arrears = RosterLine.unscoped.filter(origin="suspension", case=case)
        assert sorted(
            (a.rule, a.amount, a.covers[0], a.source_line_id in {h.pk for h in held}) for a in arrears
        ) == [
            ("R-W34", 100, "2026-12", True),
            ("R-W34", 500, "2026-12", True),
        ]
        assert {a.roster.state for a in arrears} == {"draft"}
        assert roster_for(YANJI, "DIBAO", dt.date(2026, 12, 1)).state == "locked"

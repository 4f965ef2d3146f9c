"""The bank file round trip (R-PAY4 steps 5–6, R-PAY6): generate → the bank's return → line statuses,
the checksum verified; bad rows reported, never fatal; idempotent re-import; failed → account problem →
re-paid as an arrears line once fixed; a second failure suspends; money returned after a death."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import crypto
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.payments import account_actions, bank_actions, bankfile, repay_actions, roster_actions
from doudi.payments.base import PaymentsConflict
from doudi.payments.models import BankReturn, FundEntry, RecipientAccount, Roster, RosterLine
from tests.payments import bank_fixtures
from tests.payments.bank_fixtures import DEC

world = bank_fixtures.world
pytestmark = pytest.mark.django_db
D = dt.date


def _released(w):
    r = roster_actions.lock(actor=w.staff["township"], roster=w.rosters["yanji"])
    r = roster_actions.approve(actor=w.staff["county"], roster=r)
    return roster_actions.release(actor=w.staff["county"], roster=r)


def _sent(w):
    r = _released(w)
    _c, _n, digest = bank_actions.bank_file(actor=w.staff["county"], roster=r)
    return roster_actions.send(actor=w.staff["county"], roster=r, external_ref="YKT-1", checksum=digest)


def _ret(rows):
    return ("付款标识,结果,原因,到账日期\n" + "\n".join(",".join(r) for r in rows)).encode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_file_has_one_row_per_account_the_full_number_and_a_checksum(world, fmt):
    w = world
    with all_regions():
        r = _released(w)
        content, name, digest = bank_actions.bank_file(actor=w.staff["county"], roster=r, fmt=fmt)
        assert name.endswith(fmt)
        data, check = bankfile.read_bank_file(content, name)
        assert [row[3] for row in data] == ["6222020200112233445", "6222020200155556666"]
        assert [row[6] for row in data] == ["600.00", "600.00"]  # base + top-up of each household
        assert check == ["#校验", "2", "1200.00", digest]
        assert bankfile.checksum(data) == digest  # the bank recomputes it from the rows
        assert AuditEvent.unscoped.filter(action="payments.bank_file", subject_id=str(r.pk)).exists()


def test_no_bank_file_before_release(world):
    w = world
    with all_regions(), pytest.raises(PaymentsConflict):
        bank_actions.bank_file(actor=w.staff["county"], roster=w.rosters["yanji"])


def test_round_trip_paid_and_failed_then_arrears_after_the_fix(world):
    w = world
    with all_regions():
        r = _sent(w)
        ok, bad = (row[1] for row in bankfile.rows(r))
        ret = bank_actions.import_return(
            actor=w.staff["county"],
            roster=r,
            content=_ret([[ok, "成功", "", "2026-12-12"], [bad, "失败", "账户已冻结", ""]]),
            file_name="return.csv",
        )
        assert (ret.paid, ret.failed, ret.problems) == (2, 2, [])
        r.refresh_from_db()
        assert r.state == "reconciled" and r.paid_amount == 600 and r.failed_amount == 600
        paid = RosterLine.unscoped.filter(roster=r, status="paid")
        assert set(paid.values_list("paid_on", flat=True)) == {D(2026, 12, 12)}
        failed = RosterLine.unscoped.filter(roster=r, status="failed")
        assert set(failed.values_list("bank_reason", flat=True)) == {"账户已冻结"}
        acc = RecipientAccount.unscoped.get(pk=w.accounts["H-YJ2"].pk)
        assert acc.problem == "银行退回：账户已冻结"
        # the fund pays out the paid total at reconciliation
        assert FundEntry.unscoped.get(roster=r, kind="roster").amount == -600
        # the township registers a new card: the failed lines come back as arrears on a draft roster
        new = bank_fixtures.account_for(
            w.staff["township2"],
            w.households["H-YJ2"],
            "6222020200177778888",
            holder_name="李春花",
            on=D(2027, 1, 5),
        )
        arrears = RosterLine.unscoped.filter(origin="failed").order_by("pk")
        assert arrears.count() == 2
        a = arrears.first()
        assert (a.line, a.rule, a.month, a.covers) == ("arrears", "R-PAY6", D(2027, 1, 1), ["2026-12"])
        assert a.source_line.status == "failed" and a.roster.state == "draft"
        assert sum(x.amount for x in arrears) == 600
        # nothing doubles on a second fix
        account_actions.set_account(
            actor=w.staff["township2"],
            household=w.households["H-YJ2"],
            kind="bank",
            holder_name="李春花",
            holder_relation="applicant",
            number="6222020200199990000",
            bank_name="延边农商银行",
            on=D(2027, 1, 6),
        )
        assert RosterLine.unscoped.filter(origin="failed").count() == 2
        assert new.pk != w.accounts["H-YJ2"].pk


def test_bad_rows_are_reported_and_a_reimport_changes_nothing(world):
    w = world
    with all_regions():
        r = _sent(w)
        ok, other = (row[1] for row in bankfile.rows(r))
        content = _ret(
            [
                [ok, "成功", "", "2026-12-12"],
                ["999-1", "成功", "", ""],
                [other, "也许", "", ""],
                [other, "失败", "", ""],
                [other, "成功", "", "2026/12/12"],
            ]
        )
        first = bank_actions.import_return(
            actor=w.staff["county"], roster=r, content=content, file_name="r.csv"
        )
        reasons = [p["reason"] for p in first.problems]
        assert len(reasons) == 4 and any("不属于本花名册" in x for x in reasons)
        assert any("无法识别" in x for x in reasons) and any("须写明原因" in x for x in reasons)
        assert any("格式" in x for x in reasons)
        r.refresh_from_db()
        assert r.state == "sent"  # one account still unsettled
        again = bank_actions.import_return(
            actor=w.staff["county"], roster=r, content=content, file_name="r.csv"
        )
        assert (again.paid, again.failed) == (0, 0)
        contradiction = bank_actions.import_return(
            actor=w.staff["county"], roster=r, content=_ret([[ok, "失败", "户名不符", ""]])
        )
        assert "不一致" in contradiction.problems[0]["reason"]
        assert RosterLine.unscoped.filter(roster=r, status="paid").count() == 2
        final = bank_actions.import_return(
            actor=w.staff["county"], roster=r, content=_ret([[other, "成功", "", "2026-12-13"]])
        )
        assert final.paid == 2
        assert Roster.unscoped.get(pk=r.pk).state == "reconciled"
        assert BankReturn.unscoped.filter(roster=r).count() == 4


def test_an_unreadable_file_is_a_problem_not_a_crash(world):
    w = world
    with all_regions():
        r = _sent(w)
        ret = bank_actions.import_return(
            actor=w.staff["county"], roster=r, content=b"PK\x03\x04garbage", file_name="x.xlsx"
        )
        assert ret.problems and "无法读取" in ret.problems[0]["reason"]


def test_xlsx_return_file(world):
    import io

    from openpyxl import Workbook

    w = world
    with all_regions():
        r = _sent(w)
        wb = Workbook()
        ws = wb.active
        ws.append(bankfile.RETURN_HEADER)
        for row in bankfile.rows(r):
            ws.append([row[1], "成功", "", "2026-12-14"])
        buf = io.BytesIO()
        wb.save(buf)
        ret = bank_actions.import_return(
            actor=w.staff["county"], roster=r, content=buf.getvalue(), file_name="r.xlsx"
        )
        assert ret.paid == 4 and Roster.unscoped.get(pk=r.pk).state == "reconciled"


def test_money_returned_after_a_death_goes_back_to_the_fund(world):
    w = world
    with all_regions():
        r = _sent(w)
        rows = bankfile.rows(r)
        bank_actions.import_return(
            actor=w.staff["county"], roster=r, content=_ret([[x[1], "成功", "", "2026-12-12"] for x in rows])
        )
        line = RosterLine.unscoped.filter(roster=r, household=w.households["H-YJ2"], line="base").get()
        repay_actions.mark_returned(actor=w.staff["county"], line=line, note="对象已死亡，银行退回")
        line.refresh_from_db()
        assert line.status == "returned"
        entries = dict(FundEntry.unscoped.filter(roster=r).values_list("kind", "amount"))
        assert entries == {"roster": -1200, "returned": 500}
        with pytest.raises(PaymentsConflict):
            repay_actions.mark_returned(actor=w.staff["county"], line=line)


def test_the_account_number_is_never_stored_in_clear(world):
    w = world
    with all_regions():
        acc = RecipientAccount.unscoped.get(pk=w.accounts["H-YJ1"].pk)
        assert b"6222020200112233445" not in bytes(acc.number_enc)
        assert crypto.decrypt(acc.number_enc) == "6222020200112233445"
        assert acc.number_index == crypto.blind_index("6222020200112233445")
        assert DEC.month == 12

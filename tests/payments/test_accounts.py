"""Recipient accounts (R-PAY1): holder rules, cash only for institutions or with a county approval note,
SM4 + blind index + last four, masked, the audited reveal, a change closes the old row, the township's
accounts to fix."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions, using_scope
from doudi.payments import account_actions, queries
from doudi.payments.base import PaymentsError
from doudi.payments.models import RecipientAccount
from tests.conftest import NANGUAN_T1, YANJI_T1
from tests.payments import bank_fixtures

world = bank_fixtures.world
pytestmark = pytest.mark.django_db
D = dt.date


def _set(w, **kw):
    args = {
        "actor": w.staff["township"],
        "household": w.households["H-YJ1"],
        "kind": "bank",
        "holder_name": "金明哲",
        "holder_relation": "applicant",
        "number": "6222 0202 0011 9999 000",
        "bank_name": "延边农商银行",
        "on": D(2026, 12, 5),
    }
    args.update(kw)
    return account_actions.set_account(**args)


def test_a_change_closes_the_old_row_and_keeps_the_history(world):
    w = world
    with all_regions():
        old = w.accounts["H-YJ1"]
        new = _set(w)
        old.refresh_from_db()
        assert old.valid_to == D(2026, 12, 4) and new.valid_to is None
        assert new.number_last4 == "9000" and account_actions.masked(new) == "****9000"
        assert RecipientAccount.unscoped.filter(household=w.households["H-YJ1"]).count() == 2
        ev = AuditEvent.unscoped.filter(action="payments.account", subject_id=str(new.pk)).get()
        assert ev.after["number"] == "****9000" and ev.after["replaces"] == [old.pk]
        assert "9999000" not in str(ev.after)


@pytest.mark.parametrize(
    ("kw", "path"),
    [
        ({"holder_relation": "agent", "holder_reason": ""}, "holder_reason"),
        ({"holder_relation": "guardian", "holder_reason": " "}, "holder_reason"),
        ({"holder_relation": "neighbour"}, "holder_relation"),
        ({"kind": "cash", "number": ""}, "holder_reason"),
        ({"number": "12ab"}, "number"),
        ({"bank_name": ""}, "bank_name"),
        ({"holder_name": ""}, "holder_name"),
    ],
)
def test_holder_rules(world, kw, path):
    w = world
    with all_regions(), pytest.raises(PaymentsError) as exc:
        _set(w, **kw)
    assert exc.value.path == path


def test_guardian_with_reason_and_cash_for_an_institution_or_county_note(world):
    w = world
    with all_regions():
        g = _set(w, holder_relation="guardian", holder_name="金志勇", holder_reason="户主失能，子女为监护人")
        assert g.holder_relation == "guardian"
        cash = _set(w, kind="cash", number="", bank_name="", institutional=True)
        assert cash.number_enc is None and account_actions.masked(cash) == "现金"
        noted = _set(w, kind="cash", number="", bank_name="", holder_reason="县民政局2026-12-01批准现金发放")
        assert noted.kind == "cash"


def test_reveal_is_audited_and_limited(world):
    w = world
    with all_regions():
        acc = w.accounts["H-YJ1"]
        assert (
            account_actions.reveal(actor=w.staff["township"], account=acc, reason="核对")
            == "6222020200112233445"
        )
        assert AuditEvent.unscoped.filter(action="payments.account_reveal", subject_id=str(acc.pk)).exists()
        for who in ("city", "other_county", "township2"):
            with pytest.raises(PaymentsError):
                account_actions.reveal(actor=w.staff[who], account=acc)


def test_only_the_households_region_registers_its_account(world):
    w = world
    with all_regions(), pytest.raises(PaymentsError):
        _set(w, actor=w.staff["other_township"])


def test_accounts_to_fix_and_mark_fixed(world):
    w = world
    with all_regions():
        acc = w.accounts["H-YJ1"]
        RecipientAccount.unscoped.filter(pk=acc.pk).update(problem="银行退回：户名不符")
    with using_scope(YANJI_T1):
        assert [a.pk for a in queries.accounts_to_fix()] == [acc.pk]
    with using_scope(NANGUAN_T1):
        assert list(queries.accounts_to_fix()) == []
    with all_regions():
        acc.refresh_from_db()
        with pytest.raises(PaymentsError):
            account_actions.mark_fixed(actor=w.staff["township"], account=acc, note="")
        account_actions.mark_fixed(actor=w.staff["township"], account=acc, note="已与银行核实户名")
    with using_scope(YANJI_T1):
        assert list(queries.accounts_to_fix()) == []

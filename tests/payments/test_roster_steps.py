"""The roster's steps (R-PAY4): the state table, maker ≠ checker, unlock with a reason, the version,
history and audit."""

from __future__ import annotations

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.payments import bank_actions, bankfile, roster_actions
from doudi.payments.base import PaymentsConflict, PaymentsError
from doudi.payments.models import Roster, RosterEvent
from tests.payments import bank_fixtures

world = bank_fixtures.world

pytestmark = pytest.mark.django_db


def _through_release(w, roster):
    roster = roster_actions.lock(actor=w.staff["township"], roster=roster)
    roster = roster_actions.approve(actor=w.staff["county"], roster=roster)
    return roster_actions.release(actor=w.staff["county"], roster=roster)


def test_the_whole_way_with_history_and_audit(world):
    w = world
    with all_regions():
        roster = _through_release(w, w.rosters["yanji"])
        _content, _name, digest = bank_actions.bank_file(actor=w.staff["county"], roster=roster)
        roster = roster_actions.send(
            actor=w.staff["county"], roster=roster, external_ref="B-2026-12-01", checksum=digest
        )
        assert roster.state == "sent" and roster.file_checksum == digest
        refs = [r[1] for r in bankfile.rows(roster)]
        csv = ("付款标识,结果,原因,到账日期\n" + "\n".join(f"{r},成功,,2026-12-15" for r in refs)).encode()
        bank_actions.import_return(actor=w.staff["county"], roster=roster, content=csv, file_name="r.csv")
        roster.refresh_from_db()
        assert roster.state == "reconciled"
        roster = roster_actions.close(actor=w.staff["county"], roster=roster)
        steps = list(
            RosterEvent.unscoped.filter(roster=roster).order_by("pk").values_list("to_state", flat=True)
        )
        assert steps == ["locked", "approved", "released", "sent", "reconciled", "closed"]
        assert roster.version == 7
        audited = AuditEvent.unscoped.filter(subject_type="roster", subject_id=str(roster.pk))
        assert set(audited.values_list("action", flat=True)) >= {
            "payments.roster",
            "payments.bank_file",
            "payments.bank_return",
        }


def test_the_locker_cannot_approve(world):
    w = world
    with all_regions():
        roster = roster_actions.lock(actor=w.staff["county"], roster=w.rosters["yanji"])
        with pytest.raises(PaymentsError, match="经办与审核须分离"):
            roster_actions.approve(actor=w.staff["county"], roster=roster)
        roster = roster_actions.approve(actor=w.staff["county2"], roster=roster)
        assert roster.state == "approved" and roster.approved_by == w.staff["county2"]


def test_a_township_may_lock_but_not_approve(world):
    w = world
    with all_regions():
        roster = roster_actions.lock(actor=w.staff["township"], roster=w.rosters["yanji"])
        with pytest.raises(PaymentsError):
            roster_actions.approve(actor=w.staff["township2"], roster=roster)


def test_steps_out_of_order_are_conflicts(world):
    w = world
    with all_regions():
        with pytest.raises(PaymentsConflict):
            roster_actions.approve(actor=w.staff["county"], roster=w.rosters["yanji"])
        with pytest.raises(PaymentsConflict):
            roster_actions.release(actor=w.staff["county"], roster=w.rosters["yanji"])


def test_unlock_needs_a_reason_and_goes_back_to_draft(world):
    w = world
    with all_regions():
        roster = roster_actions.lock(actor=w.staff["township"], roster=w.rosters["yanji"])
        with pytest.raises(PaymentsError, match="原因"):
            roster_actions.unlock(actor=w.staff["township"], roster=roster, reason=" ")
        roster = roster_actions.unlock(actor=w.staff["township"], roster=roster, reason="漏报一户死亡")
        assert roster.state == "draft" and roster.locked_by is None
        ev = RosterEvent.unscoped.filter(roster=roster).latest("pk")
        assert (ev.from_state, ev.to_state, ev.reason) == ("locked", "draft", "漏报一户死亡")
        assert AuditEvent.unscoped.filter(action="payments.unlock", subject_id=str(roster.pk)).exists()
        # an approved roster cannot be unlocked
        roster = roster_actions.lock(actor=w.staff["township"], roster=roster)
        roster = roster_actions.approve(actor=w.staff["county"], roster=roster)
        with pytest.raises(PaymentsConflict):
            roster_actions.unlock(actor=w.staff["township"], roster=roster, reason="x")


def test_a_stale_version_is_a_conflict(world):
    w = world
    with all_regions():
        roster = w.rosters["yanji"]
        with pytest.raises(PaymentsConflict, match="刷新"):
            roster_actions.lock(actor=w.staff["township"], roster=roster, expected_version=roster.version + 1)
        roster = roster_actions.lock(
            actor=w.staff["township"], roster=roster, expected_version=roster.version
        )
        assert roster.version == 2


def test_send_needs_the_bank_file_checksum_and_a_reference(world):
    w = world
    with all_regions():
        roster = _through_release(w, w.rosters["yanji"])
        with pytest.raises(PaymentsError, match="校验值"):
            roster_actions.send(actor=w.staff["county"], roster=roster, external_ref="B1", checksum="0" * 64)
        _c, _n, digest = bank_actions.bank_file(actor=w.staff["county"], roster=roster)
        with pytest.raises(PaymentsError, match="批次号"):
            roster_actions.send(actor=w.staff["county"], roster=roster, external_ref="", checksum=digest)


def test_a_neighbour_county_cannot_move_the_roster(world):
    w = world
    with all_regions():
        with pytest.raises(PaymentsError):
            roster_actions.lock(actor=w.staff["other_county"], roster=w.rosters["yanji"])
        with pytest.raises(PaymentsError):
            roster_actions.lock(actor=w.staff["other_township"], roster=w.rosters["yanji"])
        assert Roster.unscoped.get(pk=w.rosters["yanji"].pk).state == "draft"

"""``payments run`` (R-PAY3, R-PAY4, R-PAY5): one roster per paying region, programme and month; the
lines equal the entitlement; idempotent; a roster past draft is never changed and its cases are not paid
twice (a case confirmed after the lock goes on a supplementary roster); suspended cases held; the
account snapshot masked; one audit entry per run; the command's last line ``lines: N``."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from doudi.casework.models import Case
from doudi.core.models import AuditEvent
from doudi.payments import entitlement, run_actions
from doudi.payments.models import RecipientAccount, Roster, RosterLine
from tests.payments.engine import engine_lines

pytestmark = pytest.mark.django_db
D = dt.date
DEC = D(2026, 12, 1)
YANJI = "222401000000"


def _lines(month=DEC):
    return sorted(
        RosterLine.unscoped.filter(month=month).values_list(
            "roster_id", "case_id", "payee_key", "programme", "line", "rule", "amount", "status", "origin"
        )
    )


def test_run_builds_one_roster_per_paying_region_and_programme(confirmed):
    result = run_actions.run_month(actor="test", month=DEC)
    rosters = list(Roster.unscoped.filter(month=DEC).order_by("programme"))
    assert [(r.region_code, r.programme, r.kind, r.state) for r in rosters] == [
        (YANJI, "DIBAO", "regular", "draft"),
        (YANJI, "TEKUN", "regular", "draft"),
    ]
    for case in confirmed.values():
        got = {
            (line, rule, person or 0): amount
            for line, rule, person, amount in RosterLine.unscoped.filter(case=case).values_list(
                "line", "rule", "person_id", "amount"
            )
        }
        assert got == engine_lines(case, DEC)
    assert result.lines == RosterLine.unscoped.count() == sum(r.lines for r in rosters)
    assert sum(r.amount for r in rosters) == result.amount == sum(c.monthly_total for c in confirmed.values())
    assert all(r.generated_at and r.params_fingerprint for r in rosters)
    assert rosters[0].households == 1
    audit = AuditEvent.unscoped.filter(action="payments.run")
    assert audit.count() == 1 and audit.get().after["lines"] == result.lines


def test_run_is_idempotent(confirmed):
    run_actions.run_month(actor="test", month=DEC)
    first, rosters = _lines(), list(Roster.unscoped.order_by("pk").values_list("pk", "lines", "amount"))
    again = run_actions.run_month(actor="test", month=DEC)
    assert (
        _lines() == first
        and list(Roster.unscoped.order_by("pk").values_list("pk", "lines", "amount")) == rosters
    )
    # nothing changed, so nothing is rewritten: the very same rows stay
    assert again.unchanged == len(first) and again.deleted == 0 and again.skipped == 0


def test_a_rerun_rewrites_only_the_lines_that_changed(confirmed):
    run_actions.run_month(actor="test", month=DEC)
    ids = dict(RosterLine.unscoped.values_list("pk", "case_id"))
    changed = confirmed["DIBAO"]
    Case.unscoped.filter(pk=changed.pk).update(state="suspended")  # its lines are now held
    again = run_actions.run_month(actor="test", month=DEC)
    theirs = [pk for pk, case in ids.items() if case == changed.pk]
    assert theirs and again.deleted == len(theirs) and again.unchanged == len(ids) - len(theirs)
    now = dict(RosterLine.unscoped.values_list("pk", "case_id"))
    assert {pk for pk in ids if pk not in theirs} <= set(now)  # the others kept their rows
    assert not set(theirs) & set(now)
    assert set(RosterLine.unscoped.filter(case=changed).values_list("status", flat=True)) == {"held"}
    roster = Roster.unscoped.get(pk=RosterLine.unscoped.filter(case=changed).first().roster_id)
    assert roster.lines == RosterLine.unscoped.filter(roster=roster).count()


def test_a_new_standard_for_the_month_rewrites_every_line_without_comparing(
    confirmed, set_standard, monkeypatch
):
    run_actions.run_month(actor="test", month=DEC)
    before = dict(RosterLine.unscoped.values_list("pk", "amount"))
    set_standard(800, DEC)  # in force for the month itself: the drafts' parameters are out of date
    with monkeypatch.context() as patch:
        patch.setattr(run_actions, "_signature_sql", _no_comparison)
        again = run_actions.run_month(actor="test", month=DEC)
    assert (again.deleted, again.unchanged) == (len(before), 0)
    assert not set(before) & set(RosterLine.unscoped.values_list("pk", flat=True))
    for case in confirmed.values():
        got = {
            (line, rule, person or 0): amount
            for line, rule, person, amount in RosterLine.unscoped.filter(case=case).values_list(
                "line", "rule", "person_id", "amount"
            )
        }
        assert got == engine_lines(case, DEC)
    assert sum(RosterLine.unscoped.values_list("amount", flat=True)) > sum(before.values())
    # the drafts now carry the new parameters: a third run compares and keeps every line
    third = run_actions.run_month(actor="test", month=DEC)
    assert third.unchanged == again.lines and third.deleted == 0


def _no_comparison(fields):
    raise AssertionError("the earlier lines were read to be compared")


def test_a_roster_past_draft_is_never_changed_and_nobody_is_paid_twice(confirmed, make_dibao):
    run_actions.run_month(actor="test", month=DEC)
    Roster.unscoped.filter(month=DEC).update(state="locked")
    locked = _lines()
    Case.unscoped.filter(pk=confirmed["DIBAO"].pk).update(monthly_total=1)  # whatever changes, the lines stay
    late = make_dibao(
        "H-LATE", on=D(2026, 11, 30)
    )  # confirmed after the lock: paid on a supplementary roster
    result = run_actions.run_month(actor="test", month=DEC)
    assert [row for row in _lines() if row[1] != late.pk] == locked
    assert result.skipped == len(locked)
    extra = Roster.unscoped.get(month=DEC, kind="supplementary")
    assert extra.state == "draft" and set(
        RosterLine.unscoped.filter(roster=extra).values_list("case_id", flat=True)
    ) == {late.pk}
    run_actions.run_month(actor="test", month=DEC)
    assert RosterLine.unscoped.filter(case=late).count() == result.lines


def test_suspended_lines_are_held_and_accounts_snapshotted_masked(confirmed):
    dibao = confirmed["DIBAO"]
    Case.unscoped.filter(pk=confirmed["TEKUN"].pk).update(state="suspended")
    RecipientAccount.unscoped.create(
        region_code=dibao.region_code,
        household_id=dibao.household_id,
        kind="sscard",
        holder_name="崔永浩",
        holder_relation="applicant",
        number_last4="4321",
        bank_name="吉林银行",
        valid_from=D(2026, 11, 20),
    )
    run_actions.run_month(actor="test", month=DEC)
    for line in RosterLine.unscoped.filter(case=dibao):
        assert (
            line.account_masked == "社会保障卡 ****4321"
            and line.bank_name == "吉林银行"
            and line.status == "due"
        )
    held = RosterLine.unscoped.filter(case=confirmed["TEKUN"])
    assert held.count() == 2 and {(x.status, x.status_reason, x.account_id) for x in held} == {
        ("held", "暂停发放", None)
    }


def test_the_command_prints_progress_and_the_line_count(confirmed):
    out = io.StringIO()
    call_command("payments", "run", "--month", "2026-12", "--region", YANJI, stdout=out)
    text = out.getvalue().strip().splitlines()
    assert text[-1] == f"lines: {RosterLine.unscoped.count()}" and len(text) > 3
    assert entitlement.month_lines(DEC, YANJI).num_rows == RosterLine.unscoped.count()


def test_a_region_outside_the_subtree_is_left_alone(confirmed):
    result = run_actions.run_month(actor="test", month=DEC, region_code="220102000000")
    assert result.lines == 0 and not Roster.unscoped.exists()

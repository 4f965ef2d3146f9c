"""R-PAY3 / R-PAY7: a standard raised retroactively reaches the money at the next run — every month from
the effective month whose lines are on rosters past draft is recomputed with the parameters now in force
for it, and the difference is paid as ONE arrears line per case (origin standard_change, rule R-PAY7,
naming its months), on the current draft roster; never twice; within pay.arrears_max_months; the paid
rosters stay as they were."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doudi.payments import run_actions
from doudi.payments.models import Roster, RosterLine
from tests.payments.engine import engine_lines

pytestmark = pytest.mark.django_db
D = dt.date
YANJI = "222401000000"
MONTHS = [D(2026, 12, 1), D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1)]


def _pay(months):
    """Run and close (paid) the rosters of ``months``."""
    for m in months:
        run_actions.run_month(actor="test", month=m, region_code=YANJI)
        Roster.unscoped.filter(month=m).update(state="closed")


def _paid_rows():
    return sorted(
        RosterLine.unscoped.filter(roster__state="closed").values_list(
            "pk", "case_id", "month", "line", "amount"
        )
    )


def _arrears(month):
    return list(RosterLine.unscoped.filter(month=month, line="arrears").order_by("case_id"))


def test_a_retroactive_standard_is_paid_as_arrears_once(confirmed, set_standard):
    _pay(MONTHS)
    paid = _paid_rows()
    set_standard(900, D(2027, 1, 1))  # entered after January–March were paid
    april = D(2027, 4, 1)
    result = run_actions.run_month(actor="test", month=april, region_code=YANJI)
    lines = _arrears(april)
    assert result.arrears_lines == len(lines) == 2  # one per case
    for line in lines:
        case = confirmed[line.programme]
        owed = sum(
            sum(engine_lines(case, m).values())
            - sum(
                RosterLine.unscoped.filter(case=case, month=m, origin="entitlement").values_list(
                    "amount", flat=True
                )
            )
            for m in MONTHS[1:]
        )
        assert owed > 0 and line.amount == owed
        assert (line.origin, line.rule, line.roster.state, line.roster.month) == (
            "standard_change",
            "R-PAY7",
            "draft",
            april,
        )
        assert line.covers == ["2027-01", "2027-02", "2027-03"]
        assert line.case_id == case.pk and line.status == "due"
    # April's own lines are already at the new standard
    for case in confirmed.values():
        got = sum(
            RosterLine.unscoped.filter(case=case, month=april, origin="entitlement").values_list(
                "amount", flat=True
            )
        )
        assert got == sum(engine_lines(case, april).values())
    assert _paid_rows() == paid  # the paid rosters are untouched

    again = run_actions.run_month(actor="test", month=april, region_code=YANJI)  # idempotent
    assert [(x.case_id, x.amount, x.covers) for x in _arrears(april)] == [
        (x.case_id, x.amount, x.covers) for x in lines
    ]
    assert again.arrears_lines == 2
    Roster.unscoped.filter(month=april).update(state="closed")
    may = run_actions.run_month(actor="test", month=D(2027, 5, 1), region_code=YANJI)
    assert may.arrears_lines == 0 and not _arrears(D(2027, 5, 1))  # never the same difference twice


def test_arrears_go_back_at_most_arrears_max_months(confirmed, set_standard):
    _pay(MONTHS)
    set_standard(2, D(2026, 1, 1), key="pay.arrears_max_months")
    set_standard(900, D(2026, 12, 1))  # from December, but only February and March are within reach
    run_actions.run_month(actor="test", month=D(2027, 4, 1), region_code=YANJI)
    lines = _arrears(D(2027, 4, 1))
    assert lines and all(x.covers == ["2027-02", "2027-03"] for x in lines)


def test_no_change_no_arrears(confirmed):
    _pay(MONTHS)
    result = run_actions.run_month(actor="test", month=D(2027, 4, 1), region_code=YANJI)
    assert result.arrears_lines == 0 and result.lines > 0


def test_covers_are_stored_as_a_json_list(confirmed, set_standard):
    _pay(MONTHS[:2])
    set_standard(880, D(2027, 1, 1))
    run_actions.run_month(actor="test", month=D(2027, 2, 1), region_code=YANJI)
    (row,) = {json.dumps(x.covers) for x in _arrears(D(2027, 2, 1))}
    assert json.loads(row) == ["2027-01"]

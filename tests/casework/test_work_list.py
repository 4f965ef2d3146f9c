"""The work lists and the home counts: who sees which open applications, in which order, with which
deadline, and the tab counts — on rows laid down directly, so each rule is checked on its own."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions, using_scope
from tests.casework.conftest import make_family
from tests.conftest import NANGUAN_T1, YANJI, YANJI_T1, YANJI_T2

D = dt.date
TODAY = D(2026, 11, 20)


@pytest.fixture
def lay(staff):
    """``lay(state, region, deadlines=[(key, due, done_on, escalated_on)], **fields)`` → Application."""
    from doudi.casework.models import Application, Deadline

    n = {"i": 0}

    def make(state, region=YANJI_T1, deadlines=(), **fields):
        n["i"] += 1
        with all_regions():
            hh, _ = make_family(f"H-WL{n['i']}", region)
            app = Application.unscoped.create(
                number=f"WL{n['i']:04d}",
                household=hh,
                applicant_name="崔永浩",
                channel="window",
                state=state,
                received_on=D(2026, 11, 2),
                region_code=region,
                **fields,
            )
            for key, due, done, esc in deadlines:
                Deadline.unscoped.create(
                    application=app,
                    key=key,
                    rule="R-W13",
                    what={"total": "办结时限", "confirm": "审核确认"}.get(key, "启动入户调查"),
                    start_on=D(2026, 11, 2),
                    days=5,
                    due=due,
                    done_on=done,
                    escalated_on=esc,
                    region_code=region,
                )
        return app

    return make


def _numbers(user, scope=None, **kw):
    from doudi.casework import queries

    with using_scope(scope or user.region_id):
        wl = queries.work_list(user, today=TODAY, **kw)
    return [r.application.number for r in wl.rows], wl


def test_township_list_orders_by_nearest_open_deadline_in_scope_only(staff, lay):
    late = lay("accepted", deadlines=[("total", D(2026, 12, 30), None, None)])
    soon = lay(
        "investigating",
        deadlines=[
            ("total", D(2026, 12, 28), None, None),
            ("investigate_start", D(2026, 11, 25), None, None),
        ],
    )
    # a done deadline does not count: its nearest open one is the total
    middle = lay(
        "assessed",
        deadlines=[
            ("investigate_start", D(2026, 11, 10), D(2026, 11, 9), None),
            ("total", D(2026, 12, 1), None, None),
        ],
    )
    lay("confirmed", deadlines=[("total", D(2026, 11, 1), None, None)])  # closed: never listed
    lay("accepted", NANGUAN_T1, deadlines=[("total", D(2026, 11, 21), None, None)])  # another county
    other_town = lay("accepted", YANJI_T2, deadlines=[("total", D(2026, 11, 22), None, None)])
    no_deadline = lay("submitted")
    numbers, wl = _numbers(staff["township"])
    assert numbers == [soon.number, middle.number, late.number, no_deadline.number]
    assert wl.page.paginator.count == 4
    row = wl.rows[0]
    assert (row.due, row.due_what, row.overdue_wd, row.escalated) == (
        D(2026, 11, 25),
        "启动入户调查",
        0,
        False,
    )
    assert row.region_name and "进学" in row.region_name
    assert wl.rows[3].due is None and wl.rows[3].due_what == ""
    # the county sees its other township too
    numbers, _ = _numbers(staff["county"], group="investigation")
    assert numbers == [other_town.number, soon.number, late.number]


def test_step_tabs_and_overdue_filter(staff, lay):
    overdue = lay(
        "in_notice",
        deadlines=[
            ("total", D(2026, 11, 18), None, None),
            ("investigate_start", D(2026, 11, 5), D(2026, 11, 4), None),
        ],
    )
    done_late = lay("in_notice", deadlines=[("investigate_start", D(2026, 11, 5), D(2026, 11, 6), None),
                                            ("total", D(2026, 12, 18), None, None)])  # fmt: skip
    intake = lay("submitted")
    assert _numbers(staff["township"], group="notice")[0] == [overdue.number, done_late.number]
    assert _numbers(staff["township"], group="intake")[0] == [intake.number]
    assert _numbers(staff["township"], group="confirmation")[0] == []
    numbers, wl = _numbers(staff["township"], overdue=True)
    assert numbers == [overdue.number]
    assert wl.rows[0].status == "overdue" and wl.rows[0].overdue_wd > 0
    assert _numbers(staff["township"], overdue=True, group="intake")[0] == []


def test_county_default_is_confirmations_and_escalations(staff, lay):
    waiting = lay("awaiting_confirmation", deadlines=[("confirm", D(2026, 11, 30), None, None)])
    escalated = lay(
        "investigating",
        YANJI_T2,
        deadlines=[
            ("investigate_start", D(2026, 11, 10), None, D(2026, 11, 11)),
            ("total", D(2026, 12, 9), None, None),
        ],
    )
    lay("investigating", deadlines=[("investigate_start", D(2026, 11, 10), D(2026, 11, 12), D(2026, 11, 11))])
    lay("accepted", deadlines=[("total", D(2026, 11, 21), None, None)])
    numbers, wl = _numbers(staff["county"])
    assert numbers == [escalated.number, waiting.number]
    assert wl.page.paginator.count == 2
    assert wl.rows[0].escalated and wl.rows[0].due == D(2026, 11, 10)
    # a tab shows every application of the step, escalated or not
    assert len(_numbers(staff["county"], group="investigation")[0]) == 3


def test_grid_worker_sees_investigations_still_to_do(staff, lay):
    todo = lay("accepted", deadlines=[("investigate_start", D(2026, 11, 25), None, None)])
    lay("verified_pass", investigation_done=True)
    lay("investigating")
    assert _numbers(staff["grid"])[0] == [todo.number]


def test_pages_hold_fifty_rows(staff, lay, monkeypatch):
    from doudi.casework import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    apps = [
        lay("accepted", deadlines=[("total", D(2026, 12, 1) + dt.timedelta(days=i), None, None)])
        for i in range(5)
    ]
    numbers, wl = _numbers(staff["township"], page=2)
    assert numbers == [apps[2].number, apps[3].number]
    assert wl.page.paginator.count == 5 and wl.page.paginator.num_pages == 3
    assert _numbers(staff["township"], page=9)[0] == [apps[4].number]  # past the end: the last page


def test_counts(staff, lay):
    from doudi.casework import queries

    lay("submitted")
    lay("accepted", deadlines=[("total", D(2026, 11, 10), None, D(2026, 11, 11)),
                               ("investigate_start", D(2026, 11, 5), None, D(2026, 11, 6))])  # fmt: skip
    lay("awaiting_confirmation", deadlines=[("confirm", D(2026, 11, 19), None, None)])
    lay("in_notice", deadlines=[("total", D(2026, 11, 19), D(2026, 11, 18), D(2026, 11, 18))])
    lay("awaiting_confirmation", NANGUAN_T1, deadlines=[("confirm", D(2026, 11, 1), None, D(2026, 11, 2))])
    # a closed application's own duty still open (the refusal letter) counts too
    lay("refused", deadlines=[("refusal_letter", D(2026, 11, 1), None, D(2026, 11, 2))])
    with using_scope(YANJI_T1):
        c = queries.counts(staff["township"], TODAY)
    assert {k: c[k] for k in ("intake", "investigation", "opinion", "notice", "confirmation")} == {
        "intake": 1,
        "investigation": 1,
        "opinion": 0,
        "notice": 1,
        "confirmation": 1,
    }
    assert (c["overdue"], c["escalated"], c["spot_checks"], c["unfiled"]) == (3, 2, 0, 0)
    with using_scope(YANJI):
        assert queries.counts(staff["county"], TODAY)["overdue"] == 3

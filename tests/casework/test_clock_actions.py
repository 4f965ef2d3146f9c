"""R-W13–R-W15 on an application: a pause for materials moves the overall limit, the one extension,
the daily pass escalating overdue steps and lapsing returned files."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.casework import clock_actions
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.models import Application, Deadline, Pause
from doudi.core.scoping import all_regions, using_scope
from doudi.letters.models import Letter
from tests.conftest import YANJI_T1

pytestmark = pytest.mark.django_db
D = dt.date


def _total(app) -> Deadline:
    return Deadline.unscoped.get(application=app, key="total")


def test_a_pause_for_materials_moves_the_overall_limit(walk):
    app = walk.event(walk.authorize(walk.open()), "accept", D(2026, 11, 2))
    assert _total(app).due == D(2026, 12, 14)
    with using_scope(YANJI_T1):
        with pytest.raises(CaseworkError, match="列明"):
            clock_actions.pause_for_materials(
                actor=walk.staff["township"], application=app, missing=[], on=D(2026, 11, 3)
            )
        clock_actions.pause_for_materials(
            actor=walk.staff["township"], application=app, missing=["医院诊断证明"], on=D(2026, 11, 3)
        )
        with pytest.raises(CaseworkConflict, match="已中止"):
            clock_actions.pause_for_materials(
                actor=walk.staff["township"], application=app, missing=["x"], on=D(2026, 11, 3)
            )
        clock_actions.resume(actor=walk.staff["township"], application=app, on=D(2026, 11, 6))
    pause = Pause.unscoped.get(application=app)
    assert (pause.start_on, pause.end_on, pause.reason) == (D(2026, 11, 3), D(2026, 11, 6), "materials")
    assert _total(app).due == D(2026, 12, 17)  # three working days later (4th, 5th, 6th)
    assert Letter.unscoped.filter(ref_id=app.pk, kind="materials").exists()


def test_one_extension_with_a_reason_from_the_list(walk):
    from doudi.monitoring.models import WorkdayOverride

    # 2027 is past the holiday package: the administrator has entered New Year's Day
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    app = walk.event(walk.authorize(walk.open()), "accept", D(2026, 11, 2))
    with using_scope(YANJI_T1):
        with pytest.raises(CaseworkError, match="延期理由"):
            clock_actions.extend(
                actor=walk.staff["township"], application=app, reason="because", on=D(2026, 11, 20)
            )
        with pytest.raises(CaseworkError, match="写明"):
            clock_actions.extend(
                actor=walk.staff["township"], application=app, reason="other", on=D(2026, 11, 20)
            )
        clock_actions.extend(
            actor=walk.staff["township"], application=app, reason="cross_region", on=D(2026, 11, 20)
        )
        with pytest.raises(CaseworkConflict, match="已延期"):
            clock_actions.extend(
                actor=walk.staff["township"], application=app, reason="objection", on=D(2026, 11, 20)
            )
    total = _total(app)
    assert total.days == 45 and total.due == D(2027, 1, 5)
    letter = Letter.unscoped.get(ref_id=app.pk, kind="extension")
    assert letter.context["extension_reason"] == "跨地区调查"


def test_overdue_steps_escalate_and_returned_files_lapse(walk):
    app = walk.event(walk.authorize(walk.open()), "accept", D(2026, 11, 2))  # investigation due 5 November
    from tests.casework.conftest import make_family

    with all_regions():
        hh, _ = make_family("H-LAPSE", r6="222401")
    from doudi.casework import intake_actions

    with using_scope(YANJI_T1):
        other = intake_actions.open_application(
            actor=walk.staff["township"], household=hh, channel="window", on=D(2026, 10, 1)
        )
    returned = walk.event(other, "return", D(2026, 10, 2))
    # 6 November: one working day overdue — not yet escalated (after 2)
    first = clock_actions.daily(D(2026, 11, 6))  # the case's life adds its own counts (reviews, grace …)
    assert (first["escalated"], first["lapsed"]) == (0, 1)
    assert Application.unscoped.get(pk=returned.pk).state == "lapsed"
    result = clock_actions.daily(D(2026, 11, 9))
    assert result["escalated"] == 2  # the investigation and the verification start, both due 5 November
    escalated = Deadline.unscoped.filter(application=app, escalated_on=D(2026, 11, 9))
    assert {d.key for d in escalated} == {"investigate_start", "verify_start"}
    assert clock_actions.daily(D(2026, 11, 10))["escalated"] == 0  # once

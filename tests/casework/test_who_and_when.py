"""Writes to an application's file check who acts and when (R-W17): a grid worker cannot change
materials, authorizations or the commitment; no date after today; filing and spot checks in scope."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.casework import clock_actions, decision_actions, intake_actions
from doudi.casework.base import CaseworkError
from doudi.core.scoping import using_scope
from tests.conftest import YANJI_T1

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_grid_worker_cannot_change_the_file(walk):
    app = walk.open()
    person = walk.people[0]
    with using_scope(YANJI_T1):
        with pytest.raises(PermissionError):
            intake_actions.record_authorization(
                actor=walk.staff["grid"], application=app, person=person, method="paper"
            )
        with pytest.raises(PermissionError):
            intake_actions.record_commitment(actor=walk.staff["grid"], application=app, on=D(2026, 11, 2))
        with pytest.raises(PermissionError):
            intake_actions.record_material(actor=walk.staff["grid"], application=app, key="declaration")
        with pytest.raises(PermissionError):  # another county's township caseworker
            intake_actions.record_material(
                actor=walk.staff["other_township"], application=app, key="declaration"
            )
        intake_actions.record_material(actor=walk.staff["township"], application=app, key="declaration")


def test_no_date_after_today(walk):
    app = walk.event(walk.authorize(walk.open()), "accept", D(2026, 11, 2))
    with using_scope(YANJI_T1):
        with pytest.raises(CaseworkError, match="不能晚于今天"):
            intake_actions.record_commitment(actor=walk.staff["township"], application=app, on=D(2099, 1, 1))
        clock_actions.pause_for_materials(
            actor=walk.staff["township"], application=app, missing=["诊断证明"], on=D(2026, 11, 3)
        )
        with pytest.raises(CaseworkError, match="不能晚于今天"):
            clock_actions.resume(actor=walk.staff["township"], application=app, on=D(2099, 1, 1))


def test_filing_is_done_inside_the_scope(walk, staff):
    from doudi.casework.models import CaseDecision

    app = walk.to_authority()
    app = walk.event(app, "confirm", D(2026, 11, 13), who="county")
    decision = CaseDecision.unscoped.get(application=app)
    with pytest.raises(CaseworkError, match="经授权"):
        decision_actions.file_with_county(actor=staff["county"], decision=decision)

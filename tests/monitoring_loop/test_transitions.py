"""The transition table (monitoring.loop.flows): each step allowed for the right role and scope, refused
otherwise, and what each step writes (status, chain event, audit, notification)."""

from __future__ import annotations

import pytest

from doudi.core.scoping import all_regions, using_scope
from doudi.monitoring.loop import base, flows, visit_actions, warning_actions
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.models import ChainEvent, EarlyWarning, Notification
from tests.conftest import YANJI_T1, YANJI_T2

pytestmark = pytest.mark.django_db
S = EarlyWarning.Status


def _as(user):
    return using_scope(user.region_id)


def test_a_new_warning_waits_in_the_county_inbox(raise_on, staff):
    w = raise_on()
    assert w.status == S.RAISED and w.is_open and w.deadline > w.raised_on
    assert Notification.objects.filter(user=staff["county"], link__endswith=f"/{w.pk}/").exists()
    assert not Notification.objects.filter(user=staff["ng_county"]).exists()
    with all_regions():
        assert ChainEvent.objects.filter(household=w.household, kind="warning").count() == 1


@pytest.mark.parametrize(
    ("who", "ok"),
    [
        ("county", True),
        ("city", True),
        ("t1", False),
        ("grid1", False),
        ("ng_county", False),
        ("medical", False),
        ("auditor", False),
    ],
)
def test_who_may_dispatch(raise_on, staff, who, ok):
    w = raise_on()
    assert flows.allowed(staff[who], "dispatch", w) is ok
    if not ok:
        with all_regions(), pytest.raises(FlowDenied):
            warning_actions.dispatch(actor=staff[who], warning=w, township_code=YANJI_T1)


def test_dispatch_goes_to_the_households_own_township(raise_on, staff, loop):
    w = raise_on("H-YJ1")  # lives in 进学街道 (YANJI_T1)
    with _as(staff["county"]), pytest.raises(base.MonitoringError, match="只能派发至其所在乡镇"):
        warning_actions.dispatch(actor=staff["county"], warning=w, township_code=YANJI_T2)
    with _as(staff["county"]), pytest.raises(base.MonitoringError, match="所在县"):
        warning_actions.dispatch(actor=staff["county"], warning=w, township_code="220102001000")
    w = loop.dispatch(w)
    assert (w.status, w.township_code) == (S.DISPATCHED, YANJI_T1)
    assert Notification.objects.filter(user=staff["t1"]).exists()
    assert not Notification.objects.filter(user=staff["t2"]).exists()
    # dispatched once: not again unless escalated
    with _as(staff["county"]), pytest.raises(FlowDenied, match="逾期升级后才能改派"):
        warning_actions.dispatch(actor=staff["county"], warning=w, township_code=YANJI_T1)


@pytest.mark.parametrize(("who", "ok"), [("t1", True), ("t2", False), ("county", False), ("grid1", False)])
def test_who_may_assign(raise_on, staff, loop, who, ok):
    w = loop.dispatch(raise_on())
    assert flows.allowed(staff[who], "assign", w) is ok


def test_assign_only_a_grid_worker_of_the_township(raise_on, staff, loop):
    w = loop.dispatch(raise_on())
    with _as(staff["t1"]), pytest.raises(base.MonitoringError, match="本乡镇"):
        warning_actions.assign(actor=staff["t1"], warning=w, user=staff["grid2"])
    with _as(staff["t1"]), pytest.raises(base.MonitoringError):
        warning_actions.assign(actor=staff["t1"], warning=w, user=staff["t2"])  # not a grid worker
    w = loop.assign(w)
    assert (w.status, w.assigned_to) == (S.ASSIGNED, staff["grid1"])
    assert Notification.objects.filter(user=staff["grid1"], text__contains="入户核查任务").exists()
    w = loop.assign(w, worker="grid1b")  # re-assignment is allowed
    assert w.assigned_to == staff["grid1b"]


@pytest.mark.parametrize(
    ("who", "ok"),
    [("grid1", True), ("grid1b", False), ("grid2", False), ("t1", True), ("t2", False), ("county", False)],
)
def test_who_may_verify(raise_on, staff, loop, who, ok):
    w = loop.to("assigned", raise_on())
    assert flows.allowed(staff[who], "verify", w) is ok


@pytest.mark.parametrize(
    ("who", "ok"),
    [("t1", True), ("county", True), ("t2", False), ("grid1", False), ("ng_county", False), ("city", False)],
)
def test_who_may_dispose_and_close(raise_on, staff, loop, who, ok):
    w = loop.to("verified", raise_on())
    assert flows.allowed(staff[who], "dispose", w) is ok
    w = loop.to("disposed", raise_on("H-YJ1", indicator="W-DIS"))
    assert flows.allowed(staff[who], "close", w) is ok


def test_steps_out_of_order_are_refused(raise_on, staff, loop):
    w = raise_on()
    with _as(staff["t1"]), pytest.raises(FlowDenied, match="待派发"):
        warning_actions.assign(actor=staff["t1"], warning=w, user=staff["grid1"])
    w = loop.dispatch(w)
    with _as(staff["t1"]), pytest.raises(FlowDenied):
        visit_actions.record_visit(
            actor=staff["t1"],
            warning=w,
            visited_on=w.raised_on,
            visitors=["a", "b"],
            findings="x",
            hardship_found=False,
        )
    with _as(staff["t1"]), pytest.raises(FlowDenied):
        warning_actions.close(actor=staff["t1"], warning=w, outcome="办结")


def test_close_needs_a_disposition_and_an_outcome(raise_on, staff, loop):
    w = loop.to("disposed", raise_on())
    with _as(staff["t1"]), pytest.raises(base.MonitoringError, match="办结情况"):
        warning_actions.close(actor=staff["t1"], warning=w, outcome="  ")
    with _as(staff["t1"]):
        w = warning_actions.close(actor=staff["t1"], warning=w, outcome="经核实已由子女接回照顾")
    assert (w.status, w.is_open) == (S.CLOSED, False) and w.closed_on is not None
    assert Notification.objects.filter(user=staff["county"], text__contains="已办结").exists()
    with all_regions():
        kinds = list(
            ChainEvent.objects.filter(household=w.household)
            .order_by("at", "id")
            .values_list("kind", flat=True)
        )
    assert kinds == ["warning", "dispatch", "dispatch", "visit", "disposition", "closed"]


def test_every_step_is_audited(raise_on, staff, loop):
    from doudi.core.models import AuditEvent

    w = loop.to("disposed", raise_on())
    with all_regions():
        actions_logged = set(
            AuditEvent.objects.filter(subject_type="warning", subject_id=str(w.pk)).values_list(
                "action", flat=True
            )
        )
    assert {
        "monitoring.warning_raise",
        "monitoring.dispatch",
        "monitoring.assign",
        "monitoring.visit",
        "monitoring.dispose",
    } <= actions_logged


def test_inbox_views_per_role(raise_on, staff, loop):
    from doudi.monitoring.loop import queries
    from doudi.monitoring.loop.queries import InboxFilters

    raised = raise_on("H-YJ1", indicator="W-DIS")
    dispatched = loop.dispatch(raise_on("H-YJ1", indicator="W-ILL"))
    assigned = loop.assign(loop.dispatch(raise_on("H-YJ1", indicator="W-JOB")))
    verified = loop.to("verified", raise_on("H-YJ1", indicator="W-INC"))

    def todo(user):
        with _as(user):
            return set(queries.inbox(user, InboxFilters()).values_list("pk", flat=True))

    assert todo(staff["county"]) == {raised.pk}
    assert todo(staff["t1"]) == {dispatched.pk, verified.pk}
    assert todo(staff["grid1"]) == {assigned.pk}
    assert todo(staff["grid1b"]) == set()
    assert todo(staff["t2"]) == set()
    assert todo(staff["ng_county"]) == set()

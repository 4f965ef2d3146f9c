"""R-M13 merging, deadlines by level in working days, R-M14 escalation and deadline notices."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days
from doudi.monitoring.loop import base, deadline_actions, warning_actions
from doudi.monitoring.models import ChainEvent, EarlyWarning, Notification

from .conftest import RAISED_ON

pytestmark = pytest.mark.django_db
S = EarlyWarning.Status
EV1 = {"source": "医保", "batch_id": 7, "record_id": "r1", "detail": "住院自付 3.2 万元"}
EV2 = {"source": "医保", "batch_id": 8, "record_id": "r9", "detail": "门诊慢特病"}


def test_deadlines_are_working_days_by_level(raise_on):
    red = raise_on(indicator="W-ILL", level="red")
    orange = raise_on(indicator="W-DIS", level="orange")
    yellow = raise_on(indicator="W-EDU", level="yellow")
    assert red.deadline == add_working_days(RAISED_ON, 3)
    assert orange.deadline == add_working_days(RAISED_ON, 7)
    assert yellow.deadline == add_working_days(RAISED_ON, 15)


def test_deadline_days_come_from_the_parameter_store_when_loaded(raise_on, staff):
    from doudi.policy.actions import load_baseline_parameters

    with all_regions():
        load_baseline_parameters(actor="test")
    assert base.deadline_days("red", on=RAISED_ON) == 3  # the baseline's (unverified) default
    w = raise_on(indicator="W-ILL", level="red", raised_on=dt.date(2025, 9, 26))
    assert w.deadline == dt.date(2025, 9, 30)  # Sun 28 is a make-up working day, then 29, 30


def test_same_cause_and_household_merge_into_one_open_warning(raise_on):
    first = raise_on(indicator="W-ILL", level="yellow", evidence=[EV1])
    again = raise_on(indicator="W-ILL", level="red", evidence=[EV1, EV2])
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.evidence == [EV1, EV2]  # EV1 not repeated
    assert again.level == "red"  # the higher level is kept
    assert again.merged_count == 2
    assert again.deadline == min(first.deadline, add_working_days(RAISED_ON, 3))
    with all_regions():
        assert EarlyWarning.objects.filter(dedupe_key=first.dedupe_key).count() == 1


def test_re_raising_the_same_evidence_changes_nothing(raise_on):
    first = raise_on(indicator="W-ILL", level="orange", evidence=[EV1])
    before = EarlyWarning.unscoped.values().get(pk=first.pk)
    with all_regions():
        events = ChainEvent.objects.count()
    again = raise_on(indicator="W-ILL", level="yellow", evidence=[dict(EV1)])
    assert again.pk == first.pk
    assert EarlyWarning.unscoped.values().get(pk=first.pk) == before
    with all_regions():
        assert ChainEvent.objects.count() == events


def test_other_causes_and_households_do_not_merge(raise_on):
    a = raise_on("H-YJ1", indicator="W-ILL")
    assert raise_on("H-YJ1", indicator="W-DIS").pk != a.pk
    assert raise_on("H-YJ2", indicator="W-ILL").pk != a.pk


def test_a_closed_warning_does_not_merge(raise_on, staff, loop):
    from doudi.core.scoping import using_scope

    first = loop.to("disposed", raise_on(indicator="W-ILL", evidence=[EV1]))
    with using_scope(staff["t1"].region_id):
        warning_actions.close(actor=staff["t1"], warning=first, outcome="无困难")
    second = raise_on(indicator="W-ILL", evidence=[EV1])
    assert second.pk != first.pk and second.is_open and second.status == S.RAISED


def _overdue_setup(raise_on, loop):
    raised = raise_on("H-YJ1", indicator="W-DIS", level="red")  # at the county
    dispatched = loop.dispatch(raise_on("H-YJ1", indicator="W-ILL", level="red"))  # at the township
    fresh = raise_on("H-YJ2", indicator="W-ILL", level="yellow")  # 15 working days: not overdue yet
    return raised, dispatched, fresh


def test_overdue_warnings_escalate_one_level_up(raise_on, loop, staff):
    from doudi.core.scoping import using_scope
    from doudi.monitoring.loop import queries
    from doudi.monitoring.loop.queries import InboxFilters

    raised, dispatched, fresh = _overdue_setup(raise_on, loop)
    today = add_working_days(raised.deadline, 1)
    assert deadline_actions.escalate_overdue(today=today) == 2
    for w in (raised, dispatched, fresh):
        w.refresh_from_db()
    assert (raised.escalations, dispatched.escalations, fresh.escalations) == (1, 1, 0)
    assert raised.escalated_on == today
    # the township's overdue warning is back in the county inbox, flagged; the county's went to the city
    with using_scope(staff["county"].region_id):
        county_todo = set(queries.inbox(staff["county"], InboxFilters()).values_list("pk", flat=True))
    with using_scope(staff["city"].region_id):
        city_todo = set(queries.inbox(staff["city"], InboxFilters()).values_list("pk", flat=True))
    assert dispatched.pk in county_todo and raised.pk not in county_todo
    assert city_todo == {raised.pk}
    with all_regions():
        assert ChainEvent.objects.filter(kind="escalation").count() == 2
    assert (
        Notification.objects.filter(user=staff["county"], dedupe_key__startswith="escalation:").count() == 1
    )
    assert Notification.objects.filter(user=staff["city"], dedupe_key__startswith="escalation:").count() == 1
    # the county may now re-dispatch the escalated warning
    from doudi.monitoring.loop import flows

    assert flows.allowed(staff["county"], "dispatch", dispatched)


def test_escalation_is_idempotent_per_day(raise_on, loop, staff):
    raised, dispatched, _ = _overdue_setup(raise_on, loop)
    today = add_working_days(raised.deadline, 1)
    assert deadline_actions.escalate_overdue(today=today) == 2
    with all_regions():
        events = ChainEvent.objects.count()
    notes = Notification.objects.count()
    assert deadline_actions.escalate_overdue(today=today) == 0
    # not before another period
    assert deadline_actions.escalate_overdue(today=today + dt.timedelta(days=1)) == 0
    with all_regions():
        assert ChainEvent.objects.count() == events
    assert Notification.objects.count() == notes
    raised.refresh_from_db()
    assert raised.escalations == 1
    # after another full red period without action it climbs again, up to the province at most
    later = add_working_days(today, 3)
    assert deadline_actions.escalate_overdue(today=later) == 2
    raised.refresh_from_db()
    assert raised.escalations == 2
    # only the township one can climb
    assert deadline_actions.escalate_overdue(today=add_working_days(later, 3)) == 1
    raised.refresh_from_db()
    assert raised.escalations == 2


def test_closed_warnings_never_escalate(raise_on, loop, staff):
    from doudi.core.scoping import using_scope

    w = loop.to("disposed", raise_on(level="red"))
    with using_scope(staff["t1"].region_id):
        warning_actions.close(actor=staff["t1"], warning=w, outcome="已处置")
    assert deadline_actions.escalate_overdue(today=add_working_days(w.deadline, 5)) == 0


def test_deadline_notices_reach_the_holder_once(raise_on, loop, staff):
    raised = raise_on("H-YJ1", indicator="W-DIS", level="red")
    assigned = loop.assign(loop.dispatch(raise_on("H-YJ1", indicator="W-ILL", level="red")))
    dispatched = loop.dispatch(raise_on("H-YJ1", indicator="W-JOB", level="red"))
    day_before = add_working_days(raised.deadline, -1)
    Notification.objects.all().delete()
    n = deadline_actions.notify_approaching_deadlines(today=day_before)
    assert n == 3
    assert Notification.objects.filter(
        user=staff["county"], dedupe_key=f"deadline:{raised.pk}:{raised.deadline}"
    ).exists()
    assert Notification.objects.filter(
        user=staff["grid1"], dedupe_key__startswith=f"deadline:{assigned.pk}:"
    ).exists()
    assert Notification.objects.filter(
        user=staff["t1"], dedupe_key__startswith=f"deadline:{dispatched.pk}:"
    ).exists()
    assert deadline_actions.notify_approaching_deadlines(today=day_before) == 0
    # same deadline: same notice
    assert deadline_actions.notify_approaching_deadlines(today=raised.deadline) == 0
    assert Notification.objects.count() == 3
    # far from the deadline nothing is sent
    assert deadline_actions.notify_approaching_deadlines(today=RAISED_ON) == 0


def test_the_daily_command_runs_both_jobs_once(raise_on, loop, staff):
    from io import StringIO

    from django.core.management import call_command

    raised, dispatched, _ = _overdue_setup(raise_on, loop)
    today = add_working_days(raised.deadline, 1)
    out = StringIO()
    call_command("deadlines", "--date", today.isoformat(), stdout=out)
    assert "逾期升级 2 条" in out.getvalue()
    out = StringIO()
    call_command("deadlines", "--date", today.isoformat(), stdout=out)
    assert "临近期限提醒 0 条，逾期升级 0 条" in out.getvalue()

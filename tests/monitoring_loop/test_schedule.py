"""The recurring jobs wait on the task queue: armed once by ``doudi init``, each re-queues itself."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from doudi.core.workdays import add_working_days
from doudi.monitoring import schedule

from .test_merge_and_deadlines import _overdue_setup

pytestmark = pytest.mark.django_db
CST = zoneinfo.ZoneInfo("Asia/Shanghai")
DAILY = "doudi.monitoring.schedule.daily_deadlines_task"
MONTHLY = "doudi.monitoring.schedule.monthly_scan_task"


def _waiting(path: str) -> list[dt.datetime]:
    return [r.run_after.astimezone(CST) for r in DBTaskResult.objects.filter(task_path=path, status="READY")]


@pytest.mark.parametrize(
    ("now", "daily", "monthly"),
    [
        (dt.datetime(2026, 1, 31, 5, 59, tzinfo=CST), dt.datetime(2026, 1, 31, 6, 0), dt.datetime(2026, 2, 1, 2, 0)),
        (dt.datetime(2026, 1, 31, 6, 0, tzinfo=CST), dt.datetime(2026, 2, 1, 6, 0), dt.datetime(2026, 2, 1, 2, 0)),
        (dt.datetime(2026, 12, 1, 2, 0, tzinfo=CST), dt.datetime(2026, 12, 1, 6, 0), dt.datetime(2027, 1, 1, 2, 0)),
        (dt.datetime(2026, 12, 1, 1, 0, tzinfo=CST), dt.datetime(2026, 12, 1, 6, 0), dt.datetime(2026, 12, 1, 2, 0)),
        # 22:30 UTC on 31 March is 06:30 on 1 April in Beijing: both of that day's runs are past
        (dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC), dt.datetime(2026, 4, 2, 6, 0), dt.datetime(2026, 5, 1, 2, 0)),
    ],
)  # fmt: skip
def test_next_runs_are_in_beijing_time(now, daily, monthly):
    assert schedule.next_daily(now) == daily.replace(tzinfo=CST)
    assert schedule.next_monthly(now) == monthly.replace(tzinfo=CST)


def test_init_arms_each_job_once():
    call_command("init", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("init", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(_waiting(DAILY)) == 1 and len(_waiting(MONTHLY)) == 1
    assert schedule.ensure_scheduled() == []
    assert _waiting(DAILY)[0].time() == dt.time(6, 0) and _waiting(MONTHLY)[0].day == 1


def test_the_daily_job_escalates_and_queues_tomorrows_run(raise_on, loop, staff):
    raised, dispatched, _ = _overdue_setup(raise_on, loop)
    today = add_working_days(raised.deadline, 1)
    result = schedule.daily_deadlines_task.call(today.isoformat())
    assert result["escalated"] == 2
    assert schedule.daily_deadlines_task.call(today.isoformat())["escalated"] == 0  # idempotent for a day
    queued = _waiting(DAILY)  # one chain: the second run found tomorrow's already waiting
    assert len(queued) == 1 and queued[0] > dt.datetime.now(CST) and queued[0].time() == dt.time(6, 0)

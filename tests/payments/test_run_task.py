"""The monthly run on the queue: on the first working day of each month (R-PAY3), re-armed after each run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from doudi.core import workdays
from doudi.payments import tasks
from doudi.payments.models import Roster

pytestmark = pytest.mark.django_db


def test_the_run_is_due_on_the_first_working_day():
    for month in (dt.date(2027, 1, 1), dt.date(2027, 5, 1), dt.date(2027, 10, 1), dt.date(2026, 8, 1)):
        day = tasks.first_working_day(month)
        assert workdays.is_workday(day) and day.month == month.month
        assert all(not workdays.is_workday(month + dt.timedelta(days=i)) for i in range((day - month).days))
    now = timezone.make_aware(dt.datetime(2027, 1, 15, 12, 0))
    at = timezone.localtime(tasks.next_run(now))
    assert at.date() == tasks.first_working_day(dt.date(2027, 2, 1)) and at.hour == 3


def test_the_task_builds_the_rosters(confirmed):
    out = tasks.monthly_payments_task.call("2026-12")
    assert out["month"] == "2026-12" and out["lines"] > 0
    assert Roster.unscoped.filter(month=dt.date(2026, 12, 1)).count() == out["rosters"] == 2

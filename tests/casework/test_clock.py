"""CASEWORK R-W12–R-W14: deadlines in working days on the holiday calendar (调休 included), day 0 the
day of the event, pauses that move the overall limit, calendar-day notices ending at 24:00."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.casework import clock
from doudi.monitoring.models import WorkdayOverride

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 2, 12), 3, D(2026, 2, 24)),  # Fri 13th, make-up Saturday 14th, then the Spring Festival
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # National Day; Saturday 10 October is a make-up workday
        (D(2026, 9, 28), 30, D(2026, 11, 13)),  # the overall limit across the Golden Week
        (D(2026, 9, 28), 45, D(2026, 12, 4)),  # the extended limit
        (D(2026, 2, 12), 10, D(2026, 3, 4)),
    ],
)
def test_due_dates_follow_the_holiday_calendar(start, n, due):
    assert clock.due(start, n) == due


def test_an_administrators_override_changes_the_due_date():
    # a year the package knows, made a holiday by the administrator: the due date moves one working day
    assert clock.due(D(2026, 11, 2), 3) == D(2026, 11, 5)
    WorkdayOverride.objects.create(date=D(2026, 11, 4), is_workday=False, note="测试")
    assert clock.due(D(2026, 11, 2), 3) == D(2026, 11, 6)


def test_pauses_add_their_working_days():
    pauses = [(D(2026, 9, 29), D(2026, 10, 9))]  # Tue 29th → Fri 9 Oct: 30th, 8th, 9th
    assert clock.paused_working_days(pauses, D(2026, 10, 20)) == 3
    assert clock.due(D(2026, 9, 28), 30, paused_wd=3) == clock.due(D(2026, 9, 28), 33)
    # an open pause counts to the day asked
    assert clock.paused_working_days([(D(2026, 10, 12), None)], D(2026, 10, 14)) == 2


def test_status_of_a_step():
    due = D(2026, 11, 13)
    assert clock.status(due, None, D(2026, 11, 2)) == "on_time"
    assert clock.status(due, None, D(2026, 11, 12)) == "due_soon"
    assert clock.status(due, None, D(2026, 11, 16)) == "overdue"
    assert clock.overdue_days(due, D(2026, 11, 17)) == 2
    assert clock.status(due, D(2026, 11, 13), D(2026, 12, 1)) == "done"
    assert clock.status(due, D(2026, 11, 16), D(2026, 12, 1)) == "done_late"


def test_notice_days():
    assert clock.notice_end(D(2026, 9, 28), 7, "calendar") == D(2026, 10, 4)
    assert clock.notice_end(D(2026, 9, 28), 7, "working") == D(2026, 10, 12)  # 28,29,30, 8,9,10,12

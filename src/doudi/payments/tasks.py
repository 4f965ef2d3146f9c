"""The monthly payment run on the queue (R-PAY3: "on the first working day of each month"), kept like the
monitoring loop's recurring jobs (``monitoring/schedule.py``): the job, when it has run, queues its next
run with ``run_after``; ``ensure_scheduled()`` (a ``doudi init`` step, registered in ``payments.apps``)
queues it when no run is waiting. ``doudi payments run --month`` does the same by hand.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

from doudi.core import workdays
from doudi.core.scoping import all_regions
from doudi.payments.base import add_months, month_start

logger = logging.getLogger(__name__)
TASK_ACTOR = "月度发放定时任务"
RUN_AT = dt.time(3, 0)


def first_working_day(month: dt.date) -> dt.date:
    """The first working day of ``month`` (``core.workdays``: weekends, holidays and make-up days)."""
    day = month_start(month)
    while not workdays.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def next_run(now: dt.datetime) -> dt.datetime:
    """The next first-working-day-of-a-month at 03:00 local time strictly after ``now`` (aware)."""
    local = timezone.localtime(now)
    month = month_start(local.date())
    for k in (0, 1, 2):
        day = first_working_day(add_months(month, k))
        at = timezone.make_aware(dt.datetime.combine(day, RUN_AT), local.tzinfo)
        if at > local:
            return at
    raise AssertionError("unreachable: a month always has a working day")


@task()
def monthly_payments_task(month: str | None = None) -> dict:
    """Build the month's rosters (``month`` YYYY-MM, default the current month), then queue the next."""
    from doudi.payments import run_actions
    from doudi.payments.base import parse_month

    target = parse_month(month) if month else month_start(timezone.localdate())
    try:
        with all_regions():
            result = run_actions.run_month(actor=TASK_ACTOR, month=target)
    finally:
        _arm(next_run(timezone.now()))
    return {"month": f"{target:%Y-%m}", "lines": result.total_lines, "rosters": len(result.rosters)}


def _arm(when: dt.datetime) -> bool:
    if _waiting():
        return False
    try:
        monthly_payments_task.using(run_after=when).enqueue()
    except Exception:  # the queue may be unavailable; say so, go on
        logger.exception("could not schedule the monthly payment run")
        return False
    return True


def _waiting() -> bool:
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=monthly_payments_task.module_path, status="READY").exists()


def ensure_scheduled(now: dt.datetime | None = None) -> list[str]:
    """Queue the monthly run when none is waiting; returns the names of the jobs queued."""
    return [monthly_payments_task.name] if _arm(next_run(now or timezone.now())) else []


def init_step(actor: str) -> str | None:
    """``doudi init`` step: queue the monthly payment run when none is waiting."""
    scheduled = ensure_scheduled()
    return f"scheduled: {', '.join(scheduled)}" if scheduled else None

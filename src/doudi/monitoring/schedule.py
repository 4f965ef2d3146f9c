"""The loop's recurring jobs, kept on the task queue itself (no cron, no broker): each job, when it has
run, queues its next run with ``run_after``; ``ensure_scheduled()`` (called by ``doudi init``, so
every deployment step re-arms it) queues whichever of them has no run waiting.

* the daily deadline job (R-M13, R-M14) — reminders of approaching deadlines, escalation of overdue
  warnings and of overdue application steps (CASEWORK R-W15), lapse of returned applications — every day at 06:00 local time, idempotent for a day (``doudi deadlines`` by hand);
* the monthly full monitoring scan (R-M12) on the 1st of each month at 02:00 (``doudi monitor run``);
* the daily needs pass (R-P1, ``monitoring.needs``) at 06:00 (``doudi needs push`` by hand).

A worker (``doudi db_worker``) runs them; ``make demo`` starts one beside the web server.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.tasks import task
from django.utils import timezone

from doudi.core.scoping import all_regions

logger = logging.getLogger(__name__)
TASK_ACTOR = "定时任务"
DAILY_AT = dt.time(6, 0)
MONTHLY_AT = dt.time(2, 0)


def next_daily(now: dt.datetime) -> dt.datetime:
    """The next 06:00 local time strictly after ``now`` (aware)."""
    local = timezone.localtime(now)
    at = local.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


def next_monthly(now: dt.datetime) -> dt.datetime:
    """The next 1st of a month at 02:00 local time strictly after ``now`` (aware)."""
    local = timezone.localtime(now)
    at = local.replace(day=1, hour=MONTHLY_AT.hour, minute=MONTHLY_AT.minute, second=0, microsecond=0)
    if at > local:
        return at
    return at.replace(year=at.year + (at.month == 12), month=at.month % 12 + 1)


# Apps above monitoring add their part of the daily deadline pass here (``register_daily`` in their
# ``AppConfig.ready``), so the job never imports them: ``fn(today) -> dict`` of counts for the result.
_DAILY: dict[str, Callable[[dt.date], dict]] = {}


def register_daily(name: str, fn: Callable[[dt.date], dict]) -> None:
    _DAILY[name] = fn


@task()
def daily_deadlines_task(day: str | None = None) -> dict:
    """Remind and escalate as of ``day`` (ISO date, default today), then queue tomorrow's run."""
    from doudi.casework import clock_actions
    from doudi.monitoring.loop import deadline_actions

    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    try:
        with all_regions():
            notified = deadline_actions.notify_approaching_deadlines(today=today)
            escalated = deadline_actions.escalate_overdue(today=today)
            casework = clock_actions.daily(today)
            extras = {k: v for _, fn in sorted(_DAILY.items()) for k, v in (fn(today) or {}).items()}
    finally:
        _arm(daily_deadlines_task, next_daily(timezone.now()))
    from doudi.core.audit import checkpoint

    chain = checkpoint()  # the audit chain verified and its head anchored outside the database, daily
    if not chain.ok:
        logger.error("audit chain broken at %s: %s", chain.broken_at, chain.reason)
    return {
        "date": today.isoformat(),
        "notified": notified,
        "escalated": escalated,
        "applications": casework,
        "audit_ok": chain.ok,
        **extras,
    }


@task()
def monthly_scan_task() -> dict:
    """The full monitoring scan as of today, then queue next month's."""
    from doudi.monitoring.scans.scan import scan_all

    try:
        with all_regions():
            result = scan_all(actor=TASK_ACTOR)
    finally:
        _arm(monthly_scan_task, next_monthly(timezone.now()))
    return result.summary()


@task()
def daily_needs_task(day: str | None = None) -> dict:
    """The daily needs pass (R-P1): every household's due needs pushed, those no longer due withdrawn."""
    from doudi.monitoring.needs import push_actions

    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    try:
        with all_regions():
            result = push_actions.reconcile_all(as_of=today, actor=TASK_ACTOR)
    finally:
        _arm(daily_needs_task, next_daily(timezone.now()))
    return result.as_dict()


JOBS = (
    (daily_deadlines_task, next_daily),
    (monthly_scan_task, next_monthly),
    (daily_needs_task, next_daily),
)


def _arm(job, when: dt.datetime) -> bool:
    """Queue ``job`` to run at ``when`` unless a run of it is already waiting (one chain per job)."""
    if _waiting(job):
        return False
    try:
        job.using(run_after=when).enqueue()
    except Exception:  # the queue may be unavailable (a backend without a database); say so, go on
        logger.exception("could not schedule %s", job.module_path)
        return False
    return True


def _waiting(job) -> bool:
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=job.module_path, status="READY").exists()


def ensure_scheduled(now: dt.datetime | None = None) -> list[str]:
    """Queue each recurring job that has no run waiting; returns the names of the jobs queued."""
    now = now or timezone.now()
    return [job.name for job, when in JOBS if _arm(job, when(now))]

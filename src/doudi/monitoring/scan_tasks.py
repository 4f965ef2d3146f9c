"""Background scans for the web path (``django.tasks``; worker ``doudi db_worker``).

When a batch is linked from a page, ``enqueue_batch_scan(batch_id)`` queues ``scan_batch_task`` once
the linking transaction commits; the command line runs ``doudi monitor run --batch ID`` instead (see
``monitoring/management/commands/monitor.py`` for the command order).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task

from doudi.core.scoping import all_regions

logger = logging.getLogger(__name__)
TASK_ACTOR = "监测预警扫描任务"


@task()
def scan_batch_task(batch_id: int) -> dict:
    """Incremental scan of one linked batch — together with any linked batch whose scan has not
    completed (a failed scan is finished by the next one, idempotently); returns the totals."""
    from doudi.monitoring.scan import pending_batches, scan_batches

    with all_regions():
        result = scan_batches({batch_id, *pending_batches()}, actor=TASK_ACTOR)
    return {"batch": batch_id, "new": result.total("new"), "merged": result.total("merged"),
            "potential_cases": result.potential.get("new", 0)}  # fmt: skip


@task()
def scan_all_task(as_of: str | None = None) -> dict:
    """The monthly full scan (``as_of`` ISO date, default today)."""
    import datetime as dt

    from doudi.monitoring.scan import scan_all

    with all_regions():
        result = scan_all(dt.date.fromisoformat(as_of) if as_of else None, actor=TASK_ACTOR)
    return {"as_of": result.as_of.isoformat(), "new": result.total("new"), "merged": result.total("merged")}


def enqueue_batch_scan(batch_id: int) -> None:
    """Queue the incremental scan of ``batch_id`` after the current transaction commits."""

    def _enqueue() -> None:
        try:
            scan_batch_task.enqueue(batch_id)
        except Exception:  # the batch stays "pending": doudi monitor run --pending picks it up
            logger.exception("could not enqueue the monitoring scan of batch %s", batch_id)

    transaction.on_commit(_enqueue)

"""The monthly order in the background, for a batch sent through a page or the API (``django.tasks``;
the backend is django-tasks-db, worker ``doudi db_worker``).

load (``exchange``, which sends ``upload_loaded``) → ``link_batch_task`` (DOMAIN R-M11: link, mark
linked) → ``scan_batch_task`` (R-M12, the incremental monitoring scan), each queued once the
previous step's transaction commits, with no one at a terminal. A step that cannot be queued leaves
the batch where it is: ``doudi match run --all-pending`` finishes it. The command line runs the same
steps in the foreground (``doudi match run``, which scans what it linked).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.tasks import task

from doudi.core.scoping import all_regions
from doudi.exchange import queries as exchange_queries
from doudi.monitoring.scans import scan as monitoring_scan
from doudi.pipeline import steps

logger = logging.getLogger(__name__)
SCAN_ACTOR = "监测预警扫描任务"


@task()
def link_batch_task(batch_id: int) -> dict:
    """Link one loaded batch against the registry as it is now, mark it linked, then queue its scan."""
    with all_regions():
        status = exchange_queries.batch_status(batch_id)
        if status is not None and status not in steps.LINKABLE:
            return {"batch": batch_id, "skipped": f"status {status}"}
        result = steps.link([batch_id])
        enqueue_scan(batch_id)
    summary = result["batches"][batch_id]
    return {"batch": batch_id, "records": summary["records"], "linked": summary["linked"]}


@task()
def scan_batch_task(batch_id: int) -> dict:
    """Incremental scan of one linked batch — together with any linked batch whose scan has not
    completed (a failed scan is finished by the next one, idempotently); returns the totals."""
    with all_regions():
        result = steps.scan({batch_id, *monitoring_scan.pending_batches()}, actor=SCAN_ACTOR)
    return {"batch": batch_id, "new": result.total("new"), "merged": result.total("merged"),
            "potential_cases": result.potential.get("new", 0)}  # fmt: skip


def _on_commit(task_, batch_id: int, what: str) -> None:
    def _enqueue() -> None:
        try:
            task_.enqueue(batch_id)
        except Exception:  # the batch stays where it is: doudi match run --all-pending picks it up
            logger.exception("could not enqueue the %s of batch %s", what, batch_id)

    transaction.on_commit(_enqueue)


def enqueue_linkage(batch_id: int) -> None:
    """Queue the linking of a just-loaded batch once the current transaction commits. If the queue is
    unavailable the batch stays "loaded": ``doudi match run --all-pending`` picks it up."""
    _on_commit(link_batch_task, batch_id, "linking")


def enqueue_scan(batch_id: int) -> None:
    """Queue the incremental scan of ``batch_id`` once the current transaction commits. If the queue is
    unavailable the batch stays pending: ``doudi match run --all-pending`` (or ``doudi monitor run
    --pending``) scans it."""
    _on_commit(scan_batch_task, batch_id, "monitoring scan")


def on_upload_loaded(sender: Any, *, batch_id: int, **kwargs: Any) -> None:
    """``exchange.hooks.upload_loaded``: an uploaded batch is loaded — link it, then scan it."""
    enqueue_linkage(batch_id)

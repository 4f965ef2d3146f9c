"""Background linking of a batch that came in through the web page or the API (``django.tasks``; worker
``doudi db_worker``).

A department's upload goes: load (``exchange``) → ``link_batch_task`` here (DOMAIN R-M11) → the
incremental monitoring scan of that batch (R-M12, ``monitoring.scan_tasks``), with no one at a
terminal. The command line does the same in the foreground: ``doudi match run`` scans what it linked.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task

from doudi.core.scoping import all_regions

logger = logging.getLogger(__name__)


@task()
def link_batch_task(batch_id: int) -> dict:
    """Link one loaded batch against the registry as it is now, then queue its monitoring scan."""
    from doudi.matching import batches, engine

    with all_regions():
        batch = batches.get_batch(batch_id)
        if batch is not None and batch.status not in ("loaded", "linked"):
            return {"batch": batch_id, "skipped": f"status {batch.status}"}
        result = engine.run_linkage([batch_id])
        _then_scan(batch_id)
    summary = result["batches"][batch_id]
    return {"batch": batch_id, "records": summary["records"], "linked": summary["linked"]}


def _then_scan(batch_id: int) -> None:
    from django.apps import apps

    if apps.is_installed("doudi.monitoring"):
        from doudi.monitoring.scan_tasks import enqueue_batch_scan

        enqueue_batch_scan(batch_id)


def enqueue_linkage(batch_id: int) -> None:
    """Queue the linking of a just-loaded batch once the current transaction commits. If the queue is
    unavailable the batch stays "loaded": ``doudi match run --all-pending`` picks it up."""

    def _enqueue() -> None:
        try:
            link_batch_task.enqueue(batch_id)
        except Exception:
            logger.exception("could not enqueue the linking of batch %s", batch_id)

    transaction.on_commit(_enqueue)

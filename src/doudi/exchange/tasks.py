"""Background loading of large uploads (``django.tasks``; the backend is django-tasks-db, run by
``doudi db_worker``).

The rule (``inline_upload``): a CSV or Parquet upload of at most ``DOUDI_EXCHANGE_INLINE_BYTES``
(default 5 MB, about 50,000 rows) is loaded during the request; a larger one, and every Excel
workbook, is received at once and loaded by this task while the batch page shows its progress. The command line always loads in the foreground.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.tasks import task

from doudi.core.scoping import all_regions
from doudi.exchange import actions, hooks, intake
from doudi.exchange.models import Batch

log = logging.getLogger(__name__)

INLINE_BYTES = 5 * 2**20


def inline_limit() -> int:
    return int(getattr(settings, "DOUDI_EXCHANGE_INLINE_BYTES", INLINE_BYTES))


def inline_upload(size: int, fmt: str = "csv") -> bool:
    """Whether an upload is loaded during the request: a small CSV or Parquet file. A workbook is
    always loaded in the background, however small: a few KB of XLSX can unpack to far more work
    than its size says, and no web request may run an unbounded parse."""
    return size <= inline_limit() and fmt != "xlsx"


@task()
def load_batch(batch_id: int, path: str) -> dict:
    """Load a received batch from its incoming file, then delete the file (plain identity numbers)."""
    try:
        with all_regions():
            batch = Batch.unscoped.get(pk=batch_id)
            if batch.status != Batch.Status.RECEIVED:
                return {"batch": batch_id, "status": batch.status}
            try:
                batch = actions.load(actor=batch.created_by or "task", batch=batch, path=path)
            except intake.IntakeFileError:
                batch.refresh_from_db()
            else:
                hooks.announce_upload(batch)
            return {"batch": batch_id, "status": batch.status}
    finally:
        Path(path).unlink(missing_ok=True)


def start_load(batch, path: Path) -> bool:
    """Queue the load of ``batch``; False (and the caller loads inline) if the queue is unavailable."""
    try:
        result = load_batch.enqueue(batch.pk, str(path))
    except Exception:
        log.exception("could not queue the load of batch %s; loading inline", batch.pk)
        return False
    actions.attach_task(batch, result.id)
    return True

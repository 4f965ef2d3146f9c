"""The steps of the monthly order, in the foreground: what the background tasks, the command line and
the demo seeding share.

1. intake — ``exchange.actions.import_file`` / ``exchange.upload_actions.accept_upload`` (not repeated here);
2. ``link(batch_ids)`` — ``matching.engine.run_linkage`` writes the links files, then each batch is
   marked linked (``exchange.actions.mark_linked``, with its counts by method) once its per-person
   index is written (``linked_store.build_person_indexes``);
   then the deaths of a linked "death" batch go to casework (``casework.death_actions``, R-W32);
3. ``scan(batch_ids)`` — the incremental monitoring scan (``monitoring.scans.scan.scan_batches``) of the
   batches just linked, together with any linked batch whose scan did not complete.

``pending_linkage()`` lists the loaded batches not linked yet (``doudi match run --all-pending``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from doudi import linked_store
from doudi.casework import death_actions, death_data
from doudi.exchange import actions as exchange_actions
from doudi.exchange import queries as exchange_queries
from doudi.matching import engine
from doudi.monitoring.scans import scan as monitoring_scan

logger = logging.getLogger(__name__)
LINKABLE = ("loaded", "linked")  # a batch in another state (received, failed) is not linked


def pending_linkage() -> list[int]:
    """Loaded batches not linked yet, in id order."""
    return exchange_queries.pending_batch_ids()


def link(batch_ids: Iterable[int], **options: Any) -> dict[str, Any]:
    """Link the batches (``engine.run_linkage`` options) and mark each one that exchange knows as
    linked; returns the linkage result. Raises ``links_file.LinkageError``."""
    result = engine.run_linkage(batch_ids, **options)
    # the per-person index casework's verification reads (a few persons against every linked batch)
    linked_store.build_person_indexes(result["batches"])
    for batch_id, summary in result["batches"].items():
        if exchange_queries.batch_status(batch_id) is not None:  # a store-only batch has no row to mark
            exchange_actions.mark_linked(batch=batch_id, summary=summary)
    result["deaths"] = record_deaths(result["batches"])
    return result


def record_deaths(batch_ids: Iterable[int]) -> int | None:
    """Deaths in the just-linked "death" batches reach casework at once (R-W32: a DeathRecord, the
    change review, ``pay_until``), so the next roster's lock drops the lines. A failure here does not
    undo the linkage: the casework daily pass catches up over every linked death batch."""
    ids = [b.batch_id for b in death_data.death_batches(batch_ids)]
    if not ids:
        return 0
    try:
        return death_actions.record_deaths_from_data(actor="system", batch_ids=ids)
    except Exception:  # noqa: BLE001 - logged; the daily pass (casework tick) records them
        logger.exception("deaths of batches %s not recorded", ids)
        return None


def scannable(batch_ids: Iterable[int], *, pending: bool = True) -> list[int]:
    """The batches a scan after linking looks at: the given ones — with ``pending``, also linked
    batches whose scan did not complete — that are linked and of a dataset the scan reads."""
    ids = set(batch_ids)
    if pending:
        ids |= set(monitoring_scan.pending_batches())
    return [b.batch_id for b in linked_store.linked_batches(ids)]


def scan(batch_ids: Iterable[int], *, actor: str, **options: Any) -> monitoring_scan.ScanResult:
    """The incremental monitoring scan of linked batches (``scan_batches`` options, e.g. ``today``).
    Raises ``monitoring.scans.scan.ScanError``."""
    return monitoring_scan.scan_batches(batch_ids, actor=actor, **options)

"""Reads of the scan side, for pages outside the warning loop: a linked batch's scan outcome (the
exchange batch page) and the department records no region could be found for (the province
officer's 无法分派记录 page). Scoped managers, except the audit log, which is the scan's record."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from doudi.core.audit_actions import AuditAction
from doudi.core.models import AuditEvent
from doudi.monitoring.models import UnroutableRecord


def batch_scan(batch_id: int) -> dict[str, Any]:
    """The monitoring scan outcome of a linked batch, for its page: ``{"scanned": False}`` while no scan
    has completed for it (re-running finishes it), else the latest scan's totals and routing counts."""
    events = (
        AuditEvent.unscoped.filter(action=AuditAction.MONITORING_SCAN)
        .order_by("-id")
        .values_list("after", "at")
    )
    for stored, at in events.iterator(chunk_size=200):
        after: dict = stored or {}
        if int(batch_id) in [int(b) for b in after.get("batches") or []]:
            routing = after.get("routing") or {}
            potential = after.get("potential_cases") or {}
            return {
                "scanned": True,
                "at": at,
                "as_of": after.get("as_of"),
                "new": after.get("new", 0),
                "merged": after.get("merged", 0),
                "potential_new": potential.get("new", 0),
                "routed_by_id": routing.get("routed_by_id", 0),
                "routed_by_provider": routing.get("routed_by_provider", 0),
                "unroutable": routing.get("unroutable", 0),
                "skipped": len(after.get("skipped") or []),
            }
    return {"scanned": False}


def unroutable_records() -> QuerySet[UnroutableRecord]:
    """Department records no region could be found for, newest first (province only)."""
    return UnroutableRecord.objects.order_by("-found_on", "-id")


def unroutable_datasets() -> list[str]:
    return sorted(set(UnroutableRecord.objects.values_list("dataset", flat=True).distinct()))


def find_unroutable(pk: int) -> UnroutableRecord | None:
    return UnroutableRecord.objects.filter(pk=pk).first()

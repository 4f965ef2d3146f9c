"""The audit entry of an export of the service-order list (who exported which tab and how many rows)."""

from __future__ import annotations

from django.db import transaction

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction


def record_orders_export(*, actor, which: str, q: str, rows: int) -> None:
    with transaction.atomic():
        record_audit(actor=actor, action=AuditAction.SERVICES_ORDERS_EXPORT, region_code=getattr(actor, "region_id", None) or "",
                     subject_type="service_order", subject_id="",
                     after={"list": which, "search": q, "rows": rows})  # fmt: skip

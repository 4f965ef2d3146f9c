"""The audit of sensitive reads of payments (PAYMENTS_READ): a household's payments through the API or
the command, a roster's lines, an export — one entry per read, in its own transaction."""

from __future__ import annotations

from django.db import transaction

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction


@transaction.atomic
def audit_read(*, actor, region_code: str, subject_type: str, subject_id, detail: str = "") -> None:
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_READ,
        region_code=region_code,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail[:500],
    )


@transaction.atomic
def audit_export(*, actor, region_code: str, subject_type: str, subject_id, detail: str = "") -> None:
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_EXPORT,
        region_code=region_code,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail[:500],
    )

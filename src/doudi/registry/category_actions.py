"""Ending one category of a person without touching the others (a county overrules a delegated
confirmation; a case ends in one tier while the person stays, say, a 防止返贫监测对象)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.registry.models import CategoryStatus, Person


@transaction.atomic
def end_category(
    *, actor, person: Person, category: str, on: dt.date, source: str, source_ref: str = ""
) -> int:
    """Close the person's open ``category`` on ``on`` (the day before it no longer holds is ``on``)."""
    rows = CategoryStatus.unscoped.filter(person=person, category=category, until__isnull=True)
    ended = rows.update(until=on)
    if ended:
        record_audit(
            actor=actor,
            action=AuditAction.REGISTRY_CATEGORY,
            region_code=person.region_code,
            subject_type="person",
            subject_id=person.pk,
            before={"category": category},
            after={"category": None, "until": on, "source": source, "source_ref": source_ref},
        )
    return ended

"""Administrators maintain the holiday arrangement (``WorkdayOverride``) for years the bundled
``chinese-calendar`` data does not cover, or to correct a day (see ``core.workdays``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from doudi.core import workdays
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.monitoring.models import WorkdayOverride

PROVINCE = "220000000000"


class CalendarError(ValueError):
    pass


def _require_admin(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.can("admin")):
        raise PermissionError("只有系统管理员可以维护节假日安排")


@transaction.atomic
def set_override(*, actor, date: dt.date, is_workday: bool, note: str = "") -> WorkdayOverride:
    """Declare ``date`` a holiday (``is_workday=False``) or a make-up working day (``True``)."""
    _require_admin(actor)
    if not isinstance(date, dt.date):
        raise CalendarError("请填写日期")
    row = WorkdayOverride.objects.filter(date=date).first()
    before = {"is_workday": row.is_workday, "note": row.note} if row else None
    if row is None:
        row = WorkdayOverride.objects.create(date=date, is_workday=bool(is_workday), note=(note or "")[:100])
    else:
        row.is_workday, row.note = bool(is_workday), (note or "")[:100]
        row.save(update_fields=["is_workday", "note"])
    record_audit(
        actor=actor,
        action=AuditAction.MONITORING_WORKDAY_SET,
        region_code=PROVINCE,
        subject_type="date",
        subject_id=date.isoformat(),
        before=before,
        after={"is_workday": bool(is_workday), "note": note},
    )
    transaction.on_commit(workdays.clear_cache)
    return row


@transaction.atomic
def remove_override(*, actor, date: dt.date) -> bool:
    _require_admin(actor)
    row = WorkdayOverride.objects.filter(date=date).first()
    if row is None:
        return False
    row.delete()
    record_audit(
        actor=actor,
        action=AuditAction.MONITORING_WORKDAY_REMOVE,
        region_code=PROVINCE,
        subject_type="date",
        subject_id=date.isoformat(),
        before={"is_workday": row.is_workday, "note": row.note},
    )
    transaction.on_commit(workdays.clear_cache)
    return True

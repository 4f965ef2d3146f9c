"""The daily deadline pass (R-G5): every open ticket past its due date (the response before acceptance, the
resolution after) is escalated one level up (督办) once, set-based: one UPDATE, the history rows in bulk, one
audit entry per township. ``doudi complaints escalate`` and the daily job run it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doudi.complaints import rules
from doudi.complaints.models import Complaint, ComplaintStep
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction

ACTOR = "定时任务"


def overdue(today: dt.date) -> Q:
    return Q(state="new", response_due__lt=today) | Q(
        state__in=sorted(rules.OPEN_STATES - {"new"}), resolve_due__lt=today
    )


@transaction.atomic
def escalate_overdue(*, today: dt.date | None = None, actor=ACTOR) -> int:
    today = today or timezone.localdate()
    rows = list(
        Complaint.unscoped.select_for_update()
        .filter(overdue(today), escalated_level="")
        .exclude(handler_level="province")
        .values_list("pk", "region_code", "handler_level", "state", "response_due", "resolve_due")
    )
    if not rows:
        return 0
    by_level: dict[str, list[int]] = {}
    for pk, _, lvl, *_ in rows:
        by_level.setdefault(rules.level_above(lvl), []).append(pk)
    for up, pks in by_level.items():
        Complaint.unscoped.filter(pk__in=pks).update(escalated_level=up, escalated_on=today)
    steps = []
    per_region: dict[str, list[int]] = {}
    for pk, region, lvl, state, response_due, resolve_due in rows:
        due = response_due if state == "new" else resolve_due
        what = "受理" if state == "new" else "办结"
        steps.append(
            ComplaintStep(
                complaint_id=pk, region_code=region, event="escalate", label=rules.NOTES["escalate"],
                from_state=state, to_state=state, on=today, actor=None, actor_label=str(actor),
                note=f"{what}期限{due:%Y年%m月%d日}已过，升级至{rules.LEVEL_LABELS[rules.level_above(lvl)]}督办",
            )
        )  # fmt: skip
        per_region.setdefault(region[:9], []).append(pk)
    ComplaintStep.unscoped.bulk_create(steps, batch_size=1000)
    for township, pks in sorted(per_region.items()):
        record_audit(actor=actor, action=AuditAction.COMPLAINTS_ESCALATE, region_code=township.ljust(12, "0"),
                     subject_type="complaint", subject_id=",".join(map(str, pks[:50])),
                     after={"date": today, "complaints": pks, "count": len(pks)})  # fmt: skip
    return len(rows)

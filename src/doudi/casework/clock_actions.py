"""The clock's own writes (CASEWORK R-W13–R-W15): a pause for materials asked after acceptance, its
end, the one extension with a reason from the closed list, and the daily pass that escalates overdue
steps one level up and lapses applications whose missing materials never came."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doudi.casework import clock, paperwork, params, states
from doudi.casework.base import (
    CaseworkConflict,
    CaseworkError,
    audit_application,
    check_date,
    locked,
    may,
    refresh_total,
)
from doudi.casework.intake_actions import lapse_returned
from doudi.casework.models import Application, Deadline, Pause
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction


def _open_app(actor, application: Application) -> Application:
    app = locked(application)
    if app.state in states.TERMINAL or app.accepted_on is None:
        raise CaseworkConflict("只有已受理、尚未办结的申请才有办理时限")
    if not may(actor, "request_verification", app):
        raise PermissionError("您无权办理此环节")
    return app


@transaction.atomic
def pause_for_materials(
    *, actor, application: Application, missing: list[str], on: dt.date | None = None
) -> Pause:
    """R-W14 (a): materials the applicant is asked for after acceptance; the letter lists them."""
    app = _open_app(actor, application)
    wanted = [str(m).strip() for m in missing or [] if str(m).strip()]
    if not wanted:
        raise CaseworkError("请列明需要补充的材料", "missing")
    if Pause.unscoped.filter(application=app, end_on__isnull=True).exists():
        raise CaseworkConflict("办理时限已中止，请先恢复计时")
    on = check_date(on, app)
    pause = Pause.unscoped.create(
        application=app,
        region_code=app.region_code,
        reason=Pause.Reason.MATERIALS,
        note="、".join(wanted)[:300],
        start_on=on,
    )
    paperwork.issue(
        "materials",
        app,
        actor=actor,
        on=on,
        extra={
            "missing_materials": wanted,
            "after_acceptance": True,
            "materials_deadline": on
            + dt.timedelta(days=params.days("returned_lapse_days", region_code=app.region_code, on=on)),
        },
    )
    audit_application(
        actor, app, AuditAction.CASEWORK_CLOCK, {"pause": pause.pk, "reason": pause.reason, "start": on}
    )
    return pause


@transaction.atomic
def resume(*, actor, application: Application, on: dt.date | None = None) -> Application:
    app = _open_app(actor, application)
    pause = Pause.unscoped.filter(application=app, end_on__isnull=True).first()
    if pause is None:
        raise CaseworkConflict("办理时限没有中止")
    on = on or timezone.localdate()
    if on < pause.start_on:
        raise CaseworkError("恢复日期不能早于中止日期", "on")
    if on > timezone.localdate():
        raise CaseworkError("恢复日期不能晚于今天", "on")
    pause.end_on = on
    pause.save(update_fields=["end_on"])
    refresh_total(app, on)
    audit_application(actor, app, AuditAction.CASEWORK_CLOCK, {"pause": pause.pk, "end": on})
    return app


@transaction.atomic
def extend(
    *, actor, application: Application, reason: str, text: str = "", on: dt.date | None = None
) -> Application:
    """The one extension (R-W13): 30 → 45 WD, a reason from the closed list, the applicant told."""
    app = _open_app(actor, application)
    if reason not in clock.EXTENSION_REASONS:
        raise CaseworkError("请选择延期理由", "reason")
    if reason == "other" and not (text or "").strip():
        raise CaseworkError("选择“其他”理由时须写明具体情况", "text")
    if app.extended:
        raise CaseworkConflict("该申请已延期一次，不能再次延期")
    on = check_date(on, app)
    original = (
        Deadline.unscoped.filter(application=app, key=clock.TOTAL.key).values_list("due", flat=True).first()
    )
    app.extended = True
    app.extension_reason = (clock.EXTENSION_REASONS[reason] + (f"：{text.strip()}" if text.strip() else ""))[
        :200
    ]
    app.save(update_fields=["extended", "extension_reason", "updated_at"])
    refresh_total(app, on)
    paperwork.issue(
        "extension",
        app,
        actor=actor,
        on=on,
        extra={"reason": app.extension_reason, "original_deadline": original},
    )
    audit_application(actor, app, AuditAction.CASEWORK_CLOCK, {"extended": True, "reason": reason})
    return app


def escalate_overdue(today: dt.date | None = None) -> int:
    """Mark open deadlines overdue by ``deadline.escalate_after_wd`` or more: they appear on the list
    of the level above (R-W15). Set-based: one read of the overdue rows, one update."""
    today = today or timezone.localdate()
    rows = Deadline.unscoped.filter(
        done_on__isnull=True, escalated_on__isnull=True, due__lt=today
    ).values_list("pk", "region_code", "due")
    limits: dict[str, int] = {}
    ids = []
    for pk, region, due in rows.iterator(chunk_size=5000):
        county = region[:6]
        if county not in limits:
            limits[county] = params.days("deadline.escalate_after_wd", region_code=county, on=today)
        if clock.overdue_days(due, today) >= limits[county]:
            ids.append(pk)
    for start in range(0, len(ids), 5000):
        Deadline.unscoped.filter(pk__in=ids[start : start + 5000]).update(escalated_on=today)
    if ids:
        record_audit(
            actor="system",
            action=AuditAction.CASEWORK_ESCALATE,
            region_code="220000000000",
            subject_type="job",
            subject_id="casework_tick",
            after={"escalated": len(ids), "on": today},
        )
    return len(ids)


def daily(today: dt.date | None = None) -> dict[str, int]:
    """The daily pass of the clock (the ``casework tick`` command and the scheduled task)."""
    from doudi.casework import review_schedule_actions  # the case's life (CASEWORK §5)

    today = today or timezone.localdate()
    return {
        "escalated": escalate_overdue(today),
        "lapsed": lapse_returned(today),
        **review_schedule_actions.daily(today),
    }

"""What every write of casework shares: the refusal errors, who may do what, and ``move`` — the one
sequence of an application transition (lock → version check → table check → who → date check →
change → history step → deadlines → audit → event), all inside the caller's transaction."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doudi.casework import clock, params, states
from doudi.casework.events import CaseworkEvent, emit
from doudi.casework.models import Application, Deadline, Notice, Pause, Step
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.core.workdays import working_days_between


class CaseworkError(ValueError):
    """A write refused for a reason shown to the user (Chinese); API 422."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class CaseworkConflict(CaseworkError):
    """The state does not allow the event, or someone else moved the application first; API 409."""


ROLE_LEVEL = {
    "grid_worker": "village",
    "township_caseworker": "township",
    "county_officer": "county",
    "city_officer": "city",
    "province_officer": "province",
}


def audit_application(actor, app: Application, action: AuditAction, after: dict) -> None:
    """The audit entry of a write to an application's file (subject ``application``, its region)."""
    record_audit(
        actor=actor,
        action=action,
        region_code=app.region_code,
        subject_type="application",
        subject_id=app.pk,
        after=after,
    )


def user_region(user) -> str:
    return getattr(user, "region_id", None) or ""


def in_scope(user, region_code: str) -> bool:
    code = user_region(user)
    return bool(code) and is_within(region_code, code)


def may(user, event: str, application: Application) -> bool:
    """Who may move an application (R-W17, R-W10): the township's stages by its caseworkers (and the
    county, which supervises and may enter paper files); investigations also by grid workers; the
    decision by the confirming authority — the county, or the township where the region delegates it."""
    if not getattr(user, "is_active", False) or not in_scope(user, application.region_code):
        return False
    role = getattr(user, "role", "")
    ev = states.EVENTS[event]
    if ev.actor == "authority":
        if application.hiv_flag:  # Jilin: the county decides these itself (R-W24)
            return role == "county_officer"
        if role == "county_officer":
            return True
        return role == "township_caseworker" and params.delegated(application.region_code)
    if event == "record_investigation":
        return role in ("township_caseworker", "county_officer", "grid_worker")
    return role in ("township_caseworker", "county_officer")


def check_date(on: dt.date | None, application: Application, *, today: dt.date | None = None) -> dt.date:
    """``on`` defaults to today; never in the future, never before the previous step (contract)."""
    today = today or timezone.localdate()
    on = on or today
    if on > today:
        raise CaseworkError("办理日期不能晚于今天", "on")
    last = Step.unscoped.filter(application=application).order_by("-pk").values_list("on", flat=True).first()
    if last and on < last:
        raise CaseworkError(f"办理日期不能早于上一环节（{last:%Y-%m-%d}）", "on")
    if on < application.received_on:
        raise CaseworkError("办理日期不能早于申请日期", "on")
    return on


def tracks(app: Application, **extra) -> states.Tracks:
    return states.Tracks(
        verification=app.verification_result or None,
        investigation_done=app.investigation_done,
        notice_exempt=bool(app.no_publication) or app.hiv_flag,
        proposal_refuses=not app.proposed_category,
        **extra,
    )


def locked(application: Application, expected_version: int | None = None) -> Application:
    app = Application.unscoped.select_for_update().get(pk=application.pk)
    if expected_version is not None and app.version != expected_version:
        raise CaseworkConflict("该申请已被他人更新，请刷新页面后重试")
    return app


def open_deadline(
    app: Application, rule: clock.Rule, start: dt.date, *, level: str | None = None, n: int | None = None
) -> Deadline:
    """Start (or restart) a deadline of the procedure."""
    tekun = "TEKUN" in (app.tiers or []) or app.proposed_category == "TEKUN"
    n = (
        n
        if n is not None
        else clock.days_for(rule, region_code=app.region_code, on=start, tekun=tekun, extended=app.extended)
    )
    row, _ = Deadline.unscoped.update_or_create(
        application=app,
        key=rule.key,
        defaults={
            "region_code": app.region_code,
            "rule": rule.rule,
            "what": rule.what,
            "level": level or rule.level,
            "start_on": start,
            "days": n,
            "due": clock.due(start, n),
            "done_on": None,
            "calendar": clock.calendar_version(start.year),
            "escalated_on": None,
        },
    )
    return row


def close_deadline(app: Application, key: str, on: dt.date) -> None:
    Deadline.unscoped.filter(application=app, key=key, done_on__isnull=True).update(done_on=on)


def refresh_total(app: Application, today: dt.date) -> None:
    """Recompute the overall limit (R-W13) from acceptance, with pauses (R-W14) and an extension."""
    if app.accepted_on is None:
        return
    pauses = list(Pause.unscoped.filter(application=app).values_list("start_on", "end_on"))
    paused = clock.paused_working_days(pauses, today)
    n = clock.days_for(clock.TOTAL, region_code=app.region_code, on=app.accepted_on, extended=app.extended)
    if params.flag("deadline.excludes_notice", region_code=app.region_code, on=app.accepted_on):
        for start, end in Notice.unscoped.filter(application=app).values_list("start_on", "end_on"):
            paused += max(0, working_days_between(start, min(end, today)))
    Deadline.unscoped.filter(application=app, key=clock.TOTAL.key).update(
        days=n, due=clock.due(app.accepted_on, n, paused_wd=paused)
    )


def move(
    actor,
    application: Application,
    event: str,
    *,
    on: dt.date | None = None,
    note: str = "",
    data: dict | None = None,
    result: str | None = None,
    expected_version: int | None = None,
    check_actor: bool = True,
    **track_extra,
) -> tuple[Application, Step]:
    """Move the application by ``event`` (inside the caller's transaction) and record the step."""
    app = locked(application, expected_version)
    if event not in states.EVENTS:
        raise CaseworkError(f"未知的办理事项：{event}", "event")
    if not states.allowed(event, app.state):
        raise CaseworkConflict(f"申请当前为“{states.STATES[app.state]}”，不能{states.EVENTS[event].label}")
    if check_actor and not may(actor, event, app):
        raise PermissionError("您无权办理此环节")
    on = check_date(on, app)
    before = app.state
    app.state = states.target(event, before, tracks(app, **track_extra), result=result)
    app.version += 1
    app.save(update_fields=["state", "version", "updated_at"])
    role = getattr(actor, "role", "")
    step = Step.unscoped.create(
        application=app,
        region_code=app.region_code,
        event=event,
        from_state=before,
        to_state=app.state,
        on=on,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "label", None) or str(actor or "系统"),
        role=role,
        level=ROLE_LEVEL.get(role, "system" if not role else ""),
        rule=states.EVENTS[event].rule,
        note=note[:2000],
        data=data or {},
    )
    record_audit(
        actor=actor,
        action=AuditAction.CASEWORK_MOVE,
        region_code=app.region_code,
        subject_type="application",
        subject_id=app.pk,
        before={"state": before},
        after={"state": app.state, "event": event, "on": on},
    )
    emit(CaseworkEvent.APPLICATION_MOVED, application=app, step=step, actor=actor)
    return app, step

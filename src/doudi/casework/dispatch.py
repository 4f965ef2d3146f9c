"""One entry for every event of the contract (``POST /applications/{id}/events``), the command line and
the pages: the event's name and fields → the action that does it. Unknown fields are ignored; a
missing required one is the action's own Chinese error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from doudi.casework import decision_actions, intake_actions, review_actions
from doudi.casework.base import CaseworkError
from doudi.casework.models import Application


def _list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
    return list(value)


HANDLERS: dict[str, Callable[..., Any]] = {
    "accept": lambda a, app, on, f, v: intake_actions.accept(
        actor=a, application=app, on=on, expected_version=v
    ),
    "return": lambda a, app, on, f, v: intake_actions.return_for_materials(
        actor=a, application=app, missing=_list(f.get("missing")), on=on, expected_version=v
    ),
    "resubmit": lambda a, app, on, f, v: intake_actions.resubmit(
        actor=a, application=app, on=on, expected_version=v
    ),
    "not_accept": lambda a, app, on, f, v: intake_actions.not_accept(
        actor=a, application=app, reason=str(f.get("reason") or ""), on=on, expected_version=v
    ),
    "withdraw": lambda a, app, on, f, v: intake_actions.withdraw(
        actor=a, application=app, reason=str(f.get("reason") or ""), on=on, expected_version=v
    ),
    "request_verification": lambda a, app, on, f, v: review_actions.request_verification(
        actor=a, application=app, on=on, expected_version=v
    ),
    "run_verification": lambda a, app, on, f, v: review_actions.run_verification(
        actor=a, application=app, on=on, expected_version=v
    ),
    "record_verification": lambda a, app, on, f, v: review_actions.record_verification(
        actor=a,
        application=app,
        result=str(f.get("result") or ""),
        items=f.get("items"),
        reasons=_list(f.get("reasons")),
        on=on,
        expected_version=v,
    ),
    "request_recheck": lambda a, app, on, f, v: review_actions.request_recheck(
        actor=a, application=app, evidence=str(f.get("evidence") or ""), on=on, expected_version=v
    ),
    "record_investigation": lambda a, app, on, f, v: review_actions.record_investigation(
        actor=a,
        application=app,
        investigators=_list(f.get("investigators")),
        findings=str(f.get("findings") or ""),
        on=on,
        level=str(f.get("level") or "township"),
        method=str(f.get("method") or "home"),
        members_present=_list(f.get("members_present")),
        living_conditions=str(f.get("living_conditions") or ""),
        income_answers=str(f.get("income_answers") or ""),
        housing_rating=str(f.get("housing_rating") or ""),
        labour_capacity=dict(f.get("labour_capacity") or {}),
        members_signed=bool(f.get("members_signed", True)),
        refusal_to_sign=str(f.get("refusal_to_sign") or ""),
        expected_version=v,
    ),
    "propose": lambda a, app, on, f, v: review_actions.propose(
        actor=a, application=app, note=str(f.get("note") or ""), on=on, expected_version=v
    ),
    "start_notice": lambda a, app, on, f, v: review_actions.start_notice(
        actor=a, application=app, on=on, expected_version=v
    ),
    "object": lambda a, app, on, f, v: review_actions.object_to_notice(
        actor=a, application=app, text=str(f.get("text") or ""), on=on, expected_version=v
    ),
    "end_notice": lambda a, app, on, f, v: review_actions.end_notice(
        actor=a, application=app, on=on, expected_version=v
    ),
    "reinvestigate": lambda a, app, on, f, v: review_actions.reinvestigate(
        actor=a, application=app, on=on, note=str(f.get("note") or ""), expected_version=v
    ),
    "start_appraisal": lambda a, app, on, f, v: review_actions.start_appraisal(
        actor=a, application=app, on=on, expected_version=v
    ),
    "record_appraisal": lambda a, app, on, f, v: review_actions.record_appraisal(
        actor=a,
        application=app,
        minutes=str(f.get("minutes") or ""),
        participants=_list(f.get("participants")),
        result=str(f.get("result") or ""),
        on=on,
        expected_version=v,
    ),
    "confirm": lambda a, app, on, f, v: decision_actions.confirm(
        actor=a, application=app, on=on, expected_version=v
    ),
    "refuse": lambda a, app, on, f, v: decision_actions.refuse(
        actor=a,
        application=app,
        reasons=_list(f.get("reasons")),
        urgent=bool(f.get("urgent")),
        on=on,
        expected_version=v,
    ),
    "return_to_township": lambda a, app, on, f, v: decision_actions.return_to_township(
        actor=a,
        application=app,
        reasons=str(f.get("reasons") or f.get("reason") or ""),
        on=on,
        expected_version=v,
    ),
}


def apply(
    actor,
    application: Application,
    event: str,
    *,
    on: dt.date | None = None,
    fields: dict | None = None,
    expected_version: int | None = None,
) -> Application:
    handler = HANDLERS.get(event)
    if handler is None:
        raise CaseworkError(f"未知的办理事项：{event}", "event")
    handler(actor, application, on, dict(fields or {}), expected_version)
    return Application.unscoped.get(pk=application.pk)

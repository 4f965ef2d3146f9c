"""One entry for every event of the contract (``POST /applications/{id}/events``), the command line and
the pages: the event's name and fields → the action that does it. Unknown fields are ignored; a
missing required one is the action's own Chinese error."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from doudi.casework import decision_actions, intake_actions, review_actions
from doudi.casework.base import CaseworkError
from doudi.casework.models import Application


class Fields:
    """The event's fields, typed: a list may come as a JSON list or a comma-separated string (the
    command line), a mapping as a JSON object or its text; a wrong type is a 422 naming the field."""

    def __init__(self, data: dict):
        self.data = data

    def get(self, name: str, default=None):
        return self.data.get(name, default)

    def text(self, name: str) -> str:
        value = self.data.get(name)
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return "；".join(str(v).strip() for v in value if str(v).strip())
        if isinstance(value, dict):
            raise CaseworkError("应为文本", name)
        return str(value).strip()

    def list(self, name: str) -> list:
        value = self.data.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                value = self._json(name, value)
            else:
                return [v.strip() for v in re.split(r"[,，、]", value) if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise CaseworkError("应为列表", name)
        return list(value)

    def dict(self, name: str) -> dict:
        value = self.data.get(name)
        if value is None or value == "":
            return {}
        if isinstance(value, str):
            value = self._json(name, value)
        if not isinstance(value, dict):
            raise CaseworkError("应为对象", name)
        return dict(value)

    def bool(self, name: str, default: bool) -> bool:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "是"):
            return True
        if text in ("0", "false", "no", "否"):
            return False
        raise CaseworkError("应为 true 或 false", name)

    @staticmethod
    def _json(name: str, text: str):
        try:
            return json.loads(text)
        except ValueError:
            raise CaseworkError("格式不正确（应为 JSON）", name) from None


HANDLERS: dict[str, Callable[..., Any]] = {
    "accept": lambda a, app, on, f, v: intake_actions.accept(
        actor=a, application=app, on=on, expected_version=v
    ),
    "return": lambda a, app, on, f, v: intake_actions.return_for_materials(
        actor=a, application=app, missing=f.list("missing"), on=on, expected_version=v
    ),
    "resubmit": lambda a, app, on, f, v: intake_actions.resubmit(
        actor=a, application=app, on=on, expected_version=v
    ),
    "not_accept": lambda a, app, on, f, v: intake_actions.not_accept(
        actor=a, application=app, reason=f.text("reason"), on=on, expected_version=v
    ),
    "withdraw": lambda a, app, on, f, v: intake_actions.withdraw(
        actor=a, application=app, reason=f.text("reason"), on=on, expected_version=v
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
        result=f.text("result"),
        items=f.list("items"),
        reasons=f.list("reasons"),
        on=on,
        expected_version=v,
    ),
    "request_recheck": lambda a, app, on, f, v: review_actions.request_recheck(
        actor=a, application=app, evidence=f.text("evidence"), on=on, expected_version=v
    ),
    "record_investigation": lambda a, app, on, f, v: review_actions.record_investigation(
        actor=a,
        application=app,
        investigators=f.list("investigators"),
        findings=f.text("findings"),
        on=on,
        level=(f.text("level") or "township"),
        method=(f.text("method") or "home"),
        members_present=f.list("members_present"),
        living_conditions=f.text("living_conditions"),
        income_answers=f.text("income_answers"),
        housing_rating=f.text("housing_rating"),
        labour_capacity=f.dict("labour_capacity"),
        adl=f.dict("adl"),
        members_signed=f.bool("members_signed", True),
        refusal_to_sign=f.text("refusal_to_sign"),
        expected_version=v,
    ),
    "propose": lambda a, app, on, f, v: review_actions.propose(
        actor=a, application=app, note=f.text("note"), on=on, expected_version=v
    ),
    "start_notice": lambda a, app, on, f, v: review_actions.start_notice(
        actor=a, application=app, on=on, expected_version=v
    ),
    "object": lambda a, app, on, f, v: review_actions.object_to_notice(
        actor=a, application=app, text=f.text("text"), on=on, expected_version=v
    ),
    "end_notice": lambda a, app, on, f, v: review_actions.end_notice(
        actor=a, application=app, on=on, expected_version=v
    ),
    "reinvestigate": lambda a, app, on, f, v: review_actions.reinvestigate(
        actor=a, application=app, on=on, note=f.text("note"), expected_version=v
    ),
    "start_appraisal": lambda a, app, on, f, v: review_actions.start_appraisal(
        actor=a, application=app, on=on, expected_version=v
    ),
    "record_appraisal": lambda a, app, on, f, v: review_actions.record_appraisal(
        actor=a,
        application=app,
        minutes=f.text("minutes"),
        participants=f.list("participants"),
        result=f.text("result"),
        on=on,
        expected_version=v,
    ),
    "confirm": lambda a, app, on, f, v: decision_actions.confirm(
        actor=a, application=app, on=on, expected_version=v
    ),
    "refuse": lambda a, app, on, f, v: decision_actions.refuse(
        actor=a,
        application=app,
        reasons=f.list("reasons"),
        urgent=f.bool("urgent", False),
        on=on,
        expected_version=v,
    ),
    "return_to_township": lambda a, app, on, f, v: decision_actions.return_to_township(
        actor=a,
        application=app,
        reasons=f.text("reasons") or f.text("reason"),
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
    handler(actor, application, on, Fields(dict(fields or {})), expected_version)
    return Application.unscoped.get(pk=application.pk)

"""Complaint endpoints of ``/api/v1/complaints`` (CASEWORK §8). Scoped: a ticket outside the caller's region
subtree, or a sensitive one the caller may not see (R-G7), is 404; a step the state does not allow 409; a
caller who may not handle it (level, recusal) 403; invalid input 422 — ``{"error": 中文, "path": field}``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from doudi.complaints import actions, queries, rules
from doudi.complaints.base import ComplaintConflict, ComplaintError
from doudi.complaints.models import Complaint
from doudi.core.api_auth import api_auth, auth_user, require_capability
from doudi.core.api_errors import ApiInputError

router = Router(tags=["投诉举报"], auth=api_auth("complaints.read"))


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = Field(None, description="出错的字段")


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ComplaintIn(Schema):
    ctype: str = Field(..., description="类型：" + "、".join(f"{k} {v}" for k, v in rules.TYPES.items()))
    channel: str = Field(
        "hotline", description="渠道：" + "、".join(f"{k} {v}" for k, v in rules.CHANNELS.items())
    )
    summary: str
    content: str
    township: str = Field("", description="所涉乡镇（街道）区划代码；指明申请编号时可不填")
    application_number: str = ""
    anonymous: bool = False
    reporter_name: str = ""
    reporter_id_number: str = ""
    reporter_phone: str = ""
    subject_name: str = ""
    subject_staff_name: str = ""
    xinfang: bool = False
    received_on: dt.date | None = None


class EventIn(Schema):
    event: str = Field(..., description="办理事项：" + "、".join(f"{k} {v.label}" for k, v in rules.EVENTS.items())
                       + "、extend 信访延期、appeal 申请复查")  # fmt: skip
    note: str = ""
    handler_id: int | None = None
    finding: str = ""
    decision: str = ""
    decision_note: str = ""
    root_cause: str = ""
    reply: str = ""
    reply_method: str = ""
    on: dt.date | None = None


def out(c: Complaint, *, detail: bool = False) -> dict:
    dl = queries.deadline(c)
    data = {
        "id": c.pk,
        "number": c.number,
        "region_code": c.region_code,
        "channel": c.channel,
        "channel_label": c.channel_label,
        "type": c.ctype,
        "type_label": c.type_label,
        "state": c.state,
        "state_label": c.state_label,
        "sensitive": c.sensitive,
        "xinfang": c.xinfang,
        "handler_level": c.handler_level,
        "escalated_level": c.escalated_level,
        "summary": c.summary,
        "received_on": c.received_on,
        "deadline": {
            "label": dl["label"],
            "due": dl["due"],
            "status": dl["status"],
            "status_label": dl["status_label"],
        },
        "decision": c.decision,
        "decision_label": c.decision_label,
        "root_cause": c.root_cause,
        "closed_on": c.closed_on,
    }
    if detail:
        data.update({
            "content": c.content,
            "reporter": "匿名" if c.anonymous else c.reporter_name,
            "reporter_id_masked": c.reporter_id_masked,
            "reporter_phone_masked": c.reporter_phone_masked,
            "application": c.application.number if c.application else None,
            "finding": c.finding,
            "reply": c.reply,
            "appeal_of": c.appeal_of.number if c.appeal_of else None,
            "history": [{"on": s.on, "event": s.event, "label": s.label, "actor": s.actor_label, "note": s.note}
                        for s in queries.steps(c)],
        })  # fmt: skip
    return data


def _fail(exc: Exception):
    if isinstance(exc, ComplaintConflict):
        return Status(409, {"error": str(exc), "path": exc.path or "event"})
    if isinstance(exc, PermissionError):
        return Status(403, {"error": str(exc), "path": None})
    assert isinstance(exc, ComplaintError)
    raise ApiInputError(str(exc), exc.path or "") from None


@router.get("/complaints", response=dict, summary="投诉举报列表（含办理期限）",
            description="show：" + "、".join(f"{k} {v}" for k, v in queries.FILTERS.items()))  # fmt: skip
def list_complaints(request: HttpRequest, show: str = "open", q: str = "", limit: int = 50, offset: int = 0):
    qs = queries.complaints(auth_user(request), show if show in queries.FILTERS else "open", q=q)
    limit = max(1, min(limit, 500))
    return {"count": qs.count(), "items": [out(c) for c in qs[offset : offset + limit]]}


@router.get("/complaints/{complaint_id}", response={200: dict, 404: ErrorOut}, summary="投诉举报详情")
def get_complaint(request: HttpRequest, complaint_id: int):
    c = queries.get(auth_user(request), complaint_id)
    actions.record_sensitive_view(actor=auth_user(request), complaint=c, via="api")
    return out(c, detail=True)


@router.post(
    "/complaints", response={201: dict, **ERRORS}, summary="登记投诉举报（电话、来信、来访、信访转办等）"
)
def create(request: HttpRequest, body: ComplaintIn):
    user = require_capability(request, "complaints.file")
    d = body.dict()
    number = d.pop("application_number")
    app = queries.application_by_number(number) if number else None
    if number and app is None:
        raise ApiInputError("未找到该申请，或不在您的管辖范围内", "application_number")
    d["on"] = d.pop("received_on")
    try:
        c = actions.file_complaint(actor=user, application=app, **d)
    except ComplaintError as exc:
        return _fail(exc)
    return Status(201, out(c, detail=True))


@router.post("/complaints/{complaint_id}/events", response={200: dict, **ERRORS}, summary="办理投诉举报")
def event(request: HttpRequest, complaint_id: int, body: EventIn):
    user = require_capability(request, "complaints.write")
    c = queries.get(user, complaint_id)
    try:
        if body.event == "extend":
            c = actions.extend_xinfang(actor=user, complaint=c, reason=body.note, on=body.on)
        elif body.event == "appeal":
            c = actions.appeal(actor=user, original=c, reason=body.note, on=body.on)
        else:
            handler = None
            if body.handler_id is not None:
                handler = next((u for u in queries.staff_choices(user, c) if u.pk == body.handler_id), None)
                if handler is None:
                    raise ComplaintError("所选人员不能办理该投诉举报（不在范围内或须回避）", "handler_id")
            c = actions.move(
                actor=user, complaint=c, event=body.event, on=body.on, note=body.note, handler=handler,
                finding=body.finding, decision=body.decision, decision_note=body.decision_note,
                root_cause=body.root_cause, reply=body.reply, reply_method=body.reply_method,
            )  # fmt: skip
    except (ComplaintError, PermissionError) as exc:
        return _fail(exc)
    return Status(200, out(queries.get(user, c.pk), detail=True))

"""Monitoring endpoints of ``/api/v1``: departments' need pushes (R-P1) and, for staff, the warning
loop (``api_loop``, its own router added to this one). Scoped like every endpoint: a row outside the caller's subtree — or, for needs,
of another department — is simply not found (404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from doudi.core.api_auth import CAPABILITY_LABELS, api_auth, auth_user
from doudi.core.api_errors import ApiInputError
from doudi.monitoring.loop import base, disposition_actions, queries
from doudi.monitoring.loop.api_loop import MAX_ID
from doudi.monitoring.loop.api_loop import router as loop_router
from doudi.monitoring.loop.disposition_actions import can_respond
from doudi.monitoring.models import NeedPush
from doudi.regions.queries import names_for

# Chinese names of this module's capabilities in 403 answers (``core.api_auth.forbidden``)
CAPABILITY_LABELS.setdefault("monitoring.read", "查看监测预警")
CAPABILITY_LABELS.setdefault("needs.respond", "答复需求推送")

router = Router(tags=["监测预警"], auth=api_auth("monitoring.read"))
router.add_router("", loop_router)  # the warning loop's endpoints (list, detail, dispatch … close)
NEEDS_AUTH = api_auth("needs.respond")


class PageIn(Schema):
    status: str = Field("", description="按状态筛选")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=2**62)


class NeedOut(Schema):
    id: int
    household_id: int
    household_key: str
    region_code: str
    region_name: str
    department: str
    need: str
    detail: str
    status: str
    status_label: str
    feedback: str
    amount: Decimal | None
    pushed_at: dt.datetime
    responded_at: dt.datetime | None
    source: str = ""  # rule (pushed by the entitlement rules) or referral (a warning's disposition)
    due_on: dt.date | None = None  # the answer deadline (working days)
    withdraw_reason: str = ""


class NeedListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[NeedOut]


class NeedRespondIn(Schema):
    status: str = Field(..., description="accepted（受理）、given（已救助）或 declined（不予救助）")
    feedback: str = Field("", max_length=500)
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


def _need(p: NeedPush, names: dict[str, str]) -> dict:
    return {
        "id": p.pk,
        "household_id": p.household_id,
        "household_key": p.household.household_key,
        "region_code": p.region_code,
        "region_name": names.get(p.region_code, p.region_code),
        "department": p.department,
        "need": p.need,
        "detail": p.detail,
        "status": p.status,
        "status_label": p.get_status_display(),
        "feedback": p.feedback,
        "amount": p.amount,
        "pushed_at": p.created_at,
        "responded_at": p.responded_at,
        "source": p.source,
        "due_on": p.due_on,
        "withdraw_reason": p.withdraw_reason,
    }


@router.get("/needs", response=NeedListOut, summary="本部门收到的救助需求推送", auth=NEEDS_AUTH)
def list_needs(request: HttpRequest, params: Query[PageIn]):
    user = auth_user(request)
    if params.status and params.status not in NeedPush.Status.values:
        raise ApiInputError("状态应为 pushed、accepted、given、declined 或 withdrawn", "status")
    qs = queries.needs_for(user, params.status)
    page = list(qs[params.offset : params.offset + params.limit])
    names = names_for({p.region_code for p in page})
    return {
        "count": qs.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [_need(p, names) for p in page],
    }


@router.post(
    "/needs/{need_id}/respond", response=NeedOut, summary="答复需求：受理、已救助或不予救助", auth=NEEDS_AUTH
)
def respond(request: HttpRequest, body: NeedRespondIn, need_id: int = Path(..., ge=1, le=MAX_ID)):
    user = auth_user(request)
    push = queries.needs_for(user).filter(pk=need_id).first()
    if push is None or not can_respond(user, push):
        raise HttpError(404, "需求不存在，或不属于本部门")
    if body.status not in (NeedPush.Status.ACCEPTED, NeedPush.Status.GIVEN, NeedPush.Status.DECLINED):
        raise ApiInputError("状态应为 accepted、given 或 declined", "status")
    try:
        push = disposition_actions.respond_need(
            actor=user, push=push, status=body.status, feedback=body.feedback, amount=body.amount
        )
    except base.MonitoringError as exc:
        raise HttpError(409, str(exc)) from None
    push = queries.get_need_push(push.pk)
    return _need(push, names_for({push.region_code}))

"""Casework endpoints of ``/api/v1`` (contracts/casework.md): applications, their events (with a past
``on`` date for paper files), cases. Scoped: outside the caller's subtree is 404; an event the state
does not allow, or a stale ``version``, is 409; invalid input is 422 with a Chinese message."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from doudi.casework import dispatch, intake_actions, queries, serialize
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.core.api_auth import CAPABILITY_LABELS, api_auth, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.registry.queries import get_household
from doudi.registry.window_actions import HouseholdInputError

CAPABILITY_LABELS.setdefault("casework.read", "查看救助申请")
CAPABILITY_LABELS.setdefault("casework.write", "办理救助申请")
router = Router(tags=["救助申请与审核确认"], auth=api_auth("casework.read"))


class ApplicationIn(Schema):
    household_id: int | None = Field(None, description="已登记家庭的编号（与 household 二选一）")
    household: dict[str, Any] | None = Field(
        None, description="新登记家庭：region_code、area_type、address 和 members（成员字段同名册接口）"
    )
    channel: Literal["window", "online", "warning", "report", "proactive"] = Field(
        ..., description="申请渠道"
    )
    warning_id: int | None = None
    consent: dict[str, str] | None = Field(
        None, description="由预警、报告或主动发现转申请时家庭的同意：given_by、given_on、method"
    )
    on: dt.date | None = Field(None, description="收到申请的日期，默认今天，不能晚于今天")
    tiers: list[Literal["DIBAO", "TEKUN", "MARGINAL", "RIGID"]] = Field(
        default_factory=list, description="申请的类别，空表示各类"
    )


class EventIn(Schema):
    event: str = Field(..., description="办理事项，见接口约定")
    on: dt.date | None = Field(None, description="该环节发生的日期（纸质材料补录时填写），默认今天")
    version: int | None = Field(None, description="读取时的版本号；与当前不一致时返回 409")
    model_config = {"extra": "allow"}


def _errors(fn):
    """Casework refusals in the contract's shape: 409 for the state, 422 for the input."""
    try:
        with transaction.atomic():
            return fn()
    except CaseworkConflict as exc:
        raise HttpError(409, str(exc)) from None
    except CaseworkError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None
    except HouseholdInputError as exc:  # a new household's registration (paths inside ``household``)
        raise ApiInputError(
            exc.problems[0][1] if exc.problems else str(exc), f"household.{exc.path}".rstrip(".")
        ) from None


@router.post("/applications", response={201: dict}, summary="新建救助申请（一次申请覆盖各类救助）")
def create_application(request: HttpRequest, body: ApplicationIn):
    user = require_capability(request, "casework.write")
    if body.on and body.on > timezone.localdate():
        raise ApiInputError("申请日期不能晚于今天", "on")
    if (body.household_id is None) == (body.household is None):
        raise ApiInputError("请提供 household_id 或 household 其中之一", "household_id")
    kw = {
        "channel": body.channel,
        "on": body.on,
        "warning_id": body.warning_id,
        "consent": body.consent,
        "tiers": body.tiers,
    }
    if body.household_id is not None:
        household = get_household(body.household_id)  # 404 outside the scope
        app = _errors(lambda: intake_actions.open_application(actor=user, household=household, **kw))
    else:
        app = _errors(
            lambda: intake_actions.open_for_new_household(actor=user, household=body.household or {}, **kw)
        )
    return 201, serialize.application(app)


@router.get("/applications", response=dict, summary="救助申请列表（本辖区）")
def list_applications(request: HttpRequest, state: str = "", limit: int = 50, offset: int = 0):
    limit = max(1, min(limit, 500))
    qs = queries.applications().order_by("-pk")
    if state:
        qs = qs.filter(state=state)
    total = qs.count()
    return {"count": total, "items": [serialize.application_brief(a) for a in qs[offset : offset + limit]]}


@router.get(
    "/applications/{application_id}",
    response=dict,
    summary="救助申请详情（状态、办理记录、时限、初审意见、文书）",
)
def get_application(request: HttpRequest, application_id: int):
    return serialize.application(queries.get_application(application_id))


@router.post("/applications/{application_id}/events", response=dict, summary="办理救助申请的一个环节")
def post_event(request: HttpRequest, application_id: int, body: EventIn):
    user = require_capability(request, "casework.read")
    app = queries.get_application(application_id)
    fields = {k: v for k, v in (body.model_extra or {}).items()}
    if body.on and body.on > timezone.localdate():
        raise ApiInputError("办理日期不能晚于今天", "on")
    updated = _errors(
        lambda: dispatch.apply(
            user, app, body.event, on=body.on, fields=fields, expected_version=body.version
        )
    )
    return serialize.application(updated)


@router.get("/households/{household_id}/cases", response=list[dict], summary="家庭的救助档案")
def household_cases(request: HttpRequest, household_id: int):
    household = get_household(household_id)
    return [serialize.case(c) for c in queries.household_cases(household.pk)]

"""The case's life in ``/api/v1`` (contracts/casework.md "Cases"): a case with its history, a change
reported (a change review), the events of a case and of a review. Scoped: outside the caller's
subtree is 404; a state that does not allow the event is 409; invalid input 422 — ``{"error", "path"}``.
(``GET /households/{id}/cases`` is in ``casework.api``.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from doudi.casework import case_dispatch, case_serialize, lifecycle_queries
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.models import Case
from doudi.core.api_auth import api_auth, require_capability
from doudi.core.api_errors import ApiInputError

router = Router(tags=["救助档案动态管理"], auth=api_auth("casework.read"))


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = Field(None, description="出错的字段")


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ChangeIn(Schema):
    trigger: str = Field(
        "family", description="变化来源：family 家庭报告；grid 网格员报告；warning 监测预警；data 部门数据"
    )
    change_type: str = Field(
        "",
        description="变化类型：birth 出生、death 死亡、marriage 婚姻变化、prison_in 服刑、prison_out 刑满释放、"
        "income 新增收入、employment 就业、asset 新增财产、health 残疾或疾病变化、move 迁移、other 其他",
    )
    detail: str = Field("", max_length=1000, description="变化情况说明")
    on: dt.date | None = Field(None, description="报告日期，默认今天，不能晚于今天")


class EventIn(Schema):
    event: str = Field(..., description="办理事项（见说明）")
    on: dt.date | None = Field(None, description="办理日期，默认今天，不能晚于今天")
    outcome: str | None = Field(
        None, description="decide：unchanged、adjust、grace、suspend、terminate、transition"
    )
    reasons: list[str] | str | None = Field(None, description="决定理由")
    review_class: str | None = Field(None, description="复核后的分类：A、B、C")
    trigger: str | None = Field(None, description="grace：employment 就业；head_death 户主死亡")
    cause: str | None = Field(
        None, description="suspend：暂停原因；terminate：death 死亡、move 迁移确认，其他留空"
    )
    findings: str | None = Field(None, description="visit：入户情况")
    text: str | None = Field(None, description="object：异议内容")
    month: str | None = Field(None, description="presence_check：认证月份 YYYY-MM")
    passed: bool | None = Field(None, description="presence_check：是否通过")
    method: str | None = Field(None, description="presence_check：face、visit、phone、data")
    to_region: str | None = Field(None, description="move：迁入地乡镇（街道）12位区划代码")
    detail: str | None = Field(None, description="change：变化情况说明")
    change_type: str | None = Field(None, description="change：变化类型")


def _not_future(day: dt.date | None) -> None:
    if day and day > timezone.localdate():
        raise ApiInputError("办理日期不能晚于今天", "on")


def _run(fn, conflict_path: str = "event"):
    try:
        with transaction.atomic():
            return fn()
    except CaseworkConflict as exc:
        return Status(409, {"error": str(exc), "path": exc.path or conflict_path})
    except CaseworkError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None


def _detail(case: Case) -> dict:
    return case_serialize.case_detail(lifecycle_queries.case_history(lifecycle_queries.get_case(case.pk)))


@router.get(
    "/cases/{case_id}",
    response={200: dict, 404: ErrorOut},
    summary="救助档案详情（决定、复核、渐退、暂停、迁移、文书）",
    description="档案的 tier、state、monthly_total、pay_from、pay_until、review_class、next_review，以及 decisions、"
    "reviews、grace_periods、suspensions、moves、presence_checks、letters。辖区外返回404。",
)
def get_case(request: HttpRequest, case_id: int):
    return _detail(lifecycle_queries.get_case(case_id))


@router.post(
    "/cases/{case_id}/reviews",
    response={201: dict, **ERRORS},
    summary="登记家庭变化，启动变化复核（R-W32）",
    description="启动变化复核，办结时限为 deadline.change_review_wd 个工作日；已有进行中的复核时，变化情况并入该复核。",
)
def post_change(request: HttpRequest, case_id: int, body: ChangeIn):
    user = require_capability(request, "casework.read")  # who may report: the action checks (else 403)
    case = lifecycle_queries.get_case(case_id)
    _not_future(body.on)
    fields = {"trigger": body.trigger, "change_type": body.change_type, "detail": body.detail}
    result = _run(lambda: case_dispatch.apply_case(user, case, "change", on=body.on, fields=fields))
    if isinstance(result, Status):
        return result
    return Status(201, case_serialize.review(result))


@router.post(
    "/cases/{case_id}/events",
    response={200: dict, **ERRORS},
    summary="救助档案的办理事项（暂停、恢复、按月认证、迁移）",
    description="event：suspend（cause）、clear_suspension、presence_check（month、passed、method）、move（to_region）、"
    "change（trigger、change_type、detail）。返回档案详情。",
)
def post_case_event(request: HttpRequest, case_id: int, body: EventIn):
    user = require_capability(request, "casework.read")
    case = lifecycle_queries.get_case(case_id)
    _not_future(body.on)
    fields = body.model_dump(exclude={"event", "on"}, exclude_none=True)
    result = _run(lambda: case_dispatch.apply_case(user, case, body.event, on=body.on, fields=fields))
    if isinstance(result, Status):
        return result
    return Status(200, _detail(case))


@router.get("/reviews/{review_id}", response={200: dict, 404: ErrorOut}, summary="复核详情")
def get_review(request: HttpRequest, review_id: int):
    return case_serialize.review(lifecycle_queries.get_review(review_id))


@router.post(
    "/reviews/{review_id}/events",
    response={200: dict, **ERRORS},
    summary="复核的办理事项（核对、入户、决定、异议、公示期满）",
    description="event：prepare 重新核对；visit（findings）；decide（outcome：unchanged 维持、adjust 调整、grace 渐退、"
    "suspend 暂停、terminate 终止、transition 终止并转入边缘/刚性；reasons、review_class、trigger、cause）；"
    "object（text）；end_notice 公示期满终止。决定由县级（或经授权的乡镇）作出，否则403。",
)
def post_review_event(request: HttpRequest, review_id: int, body: EventIn):
    user = require_capability(request, "casework.read")
    review = lifecycle_queries.get_review(review_id)
    _not_future(body.on)
    fields = body.model_dump(exclude={"event", "on"}, exclude_none=True)
    result = _run(lambda: case_dispatch.apply_review(user, review, body.event, on=body.on, fields=fields))
    if isinstance(result, Status):
        return result
    return Status(200, case_serialize.review(lifecycle_queries.get_review(review_id)))


@router.post(
    "/moves/{move_id}/confirm",
    response={200: dict, **ERRORS},
    summary="迁入地县级确认跨县迁移（R-W37）",
)
def post_move_confirm(request: HttpRequest, move_id: int, on: dt.date | None = None):
    from doudi.casework import move_actions

    user = require_capability(request, "casework.read")
    move = lifecycle_queries.get_move(move_id)
    _not_future(on)
    result = _run(lambda: move_actions.confirm_move(actor=user, move=move, on=on))
    if isinstance(result, Status):
        return result
    return Status(200, case_serialize.move(lifecycle_queries.get_move(move.pk)))

"""Services endpoints of ``/api/v1`` (R-P3): the catalogue, orders with their deadlines, visits, settlements.
Scoped like the pages: outside the caller's region — and, for a provider's staff, outside their own
organisation's orders — 404; a step the state does not allow 409; invalid input 422
(``{"error": 中文, "path": field}``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import AuthorizationError
from pydantic import Field

from doudi.core.api_auth import api_auth, auth_user, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.services import actions, queries, rules, serialize, settlement_actions
from doudi.services.base import ServicesConflict, ServicesError

router = Router(tags=["救助服务"], auth=api_auth())


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = Field(None, description="出错的字段")


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _reader(request: HttpRequest):
    user = auth_user(request)
    if not queries.may_read(user):
        raise AuthorizationError(403, "无权查看救助服务")
    return user


def _fail(exc: ServicesError):
    if isinstance(exc, ServicesConflict):
        return Status(409, {"error": str(exc), "path": exc.path or "state"})
    raise ApiInputError(str(exc), exc.path or "") from None


class OrderIn(Schema):
    person_id: int
    service_type_id: int
    provider_id: int
    starts_on: dt.date
    ends_on: dt.date
    frequency: Literal["week", "month"] = "week"
    visits_per_period: int = 1
    note: str = ""
    origin: Literal["", "warning", "application", "case"] = Field(
        "", description="来源：预警、救助申请或救助档案"
    )
    origin_id: int | None = None


class OrderEventIn(Schema):
    event: Literal["accept", "decline", "plan", "complete", "cancel"] = Field(
        ..., description="accept 接单（dates 可选）；decline 拒单（reason）；plan 安排服务日期（dates）；"
        "complete 办结（satisfaction：satisfied/fair/unsatisfied）；cancel 撤销（reason）")  # fmt: skip
    reason: str = ""
    dates: list[dt.date] | None = None
    satisfaction: str = ""
    note: str = ""


class VisitIn(Schema):
    visited_on: dt.date
    minutes: int = 60
    worker: str
    start_time: dt.time | None = None
    notes: str = ""


class VisitEventIn(Schema):
    event: Literal["confirm", "dispute"]
    family_confirmer: str = ""
    method: Literal["", "present", "phone", "home", "signed"] = ""
    reason: str = ""


class SettleIn(Schema):
    contract_id: int
    month: str = Field(..., description="YYYY-MM")


@router.get("/services/catalogue", response=dict, summary="本地购买服务清单")
def catalogue(request: HttpRequest):
    user = _reader(request)
    return {"items": [serialize.service_type(t) for t in queries.catalogue(user)]}


@router.get("/services/orders", response=dict, summary="服务工单（含期限）",
            description="show：open 办理中、placed 待接单、overdue 已逾期、accepted 服务中、confirm 有待确认服务、"
            "completed 已完成、declined 已拒单、all 全部。服务机构只看到本机构的工单。")  # fmt: skip
def list_orders(request: HttpRequest, show: str = "open", q: str = "", limit: int = 50, offset: int = 0):
    user = _reader(request)
    qs = queries.orders(user, show if show in queries.FILTERS else "open", q=q)
    limit = max(1, min(limit, 500))
    rows = queries.rows(qs[offset : offset + limit])
    return {"count": qs.count(), "items": [serialize.order(r["o"], deadline=r["deadline"]) for r in rows]}


@router.get("/services/orders/{order_id}", response={200: dict, 404: ErrorOut}, summary="服务工单详情")
def get_order(request: HttpRequest, order_id: int):
    user = _reader(request)
    o = queries.get_order(user, order_id)
    return serialize.order(o, deadline=queries.deadline(o), detail=True)


@router.post("/services/orders", response={201: dict, **ERRORS}, summary="下达服务工单（乡镇）")
def create_order(request: HttpRequest, body: OrderIn):
    user = require_capability(request, "services.order")
    person = queries.orderable_person(user, body.person_id)
    service_type = queries.get_service_type(user, body.service_type_id)
    provider = queries.get_provider(user, body.provider_id)
    try:
        o = actions.place_order(actor=user, person=person, service_type=service_type, provider=provider,
                                starts_on=body.starts_on, ends_on=body.ends_on, frequency=body.frequency,
                                visits_per_period=body.visits_per_period, note=body.note, origin=body.origin,
                                origin_id=body.origin_id)  # fmt: skip
    except ServicesError as exc:
        return _fail(exc)
    return Status(201, serialize.order(o, deadline=queries.deadline(o)))


@router.post("/services/orders/{order_id}/events", response={200: dict, **ERRORS}, summary="工单环节")
def order_event(request: HttpRequest, order_id: int, body: OrderEventIn):
    user = _reader(request)
    o = queries.get_order(user, order_id)
    try:
        if body.event == "accept":
            actions.accept(actor=user, order=o, dates=body.dates)
        elif body.event == "decline":
            actions.decline(actor=user, order=o, reason=body.reason)
        elif body.event == "plan":
            actions.plan(actor=user, order=o, dates=body.dates or [])
        elif body.event == "complete":
            actions.complete(actor=user, order=o, satisfaction=body.satisfaction, note=body.note)
        else:
            actions.cancel(actor=user, order=o, reason=body.reason)
    except ServicesError as exc:
        return _fail(exc)
    o = queries.get_order(user, order_id)
    return serialize.order(o, deadline=queries.deadline(o), detail=True)


@router.post(
    "/services/orders/{order_id}/visits", response={201: dict, **ERRORS}, summary="登记服务记录（服务机构）"
)
def record_visit(request: HttpRequest, order_id: int, body: VisitIn):
    user = require_capability(request, "services.provide")
    o = queries.get_order(user, order_id)
    try:
        v = actions.record_visit(actor=user, order=o, visited_on=body.visited_on, minutes=body.minutes,
                                 worker=body.worker, start_time=body.start_time, notes=body.notes)  # fmt: skip
    except ServicesError as exc:
        return _fail(exc)
    return Status(201, serialize.visit(v))


@router.post(
    "/services/visits/{visit_id}/events", response={200: dict, **ERRORS}, summary="确认或异议服务记录"
)
def visit_event(request: HttpRequest, visit_id: int, body: VisitEventIn):
    user = require_capability(request, "services.confirm")
    v = queries.get_visit(user, visit_id)
    try:
        if body.event == "confirm":
            v = actions.confirm_visit(
                actor=user, visit=v, family_confirmer=body.family_confirmer, method=body.method
            )
        else:
            v = actions.dispute_visit(actor=user, visit=v, reason=body.reason)
    except ServicesError as exc:
        return _fail(exc)
    return serialize.visit(v)


@router.get("/services/settlements", response=dict, summary="月度结算")
def list_settlements(request: HttpRequest):
    user = require_capability(request, "services.read")
    return {"items": [serialize.settlement(s) for s in queries.settlements(user)[:500]]}


@router.get("/services/settlements/{settlement_id}", response={200: dict, 404: ErrorOut}, summary="结算详情")
def get_settlement(request: HttpRequest, settlement_id: int):
    user = require_capability(request, "services.read")
    s = queries.get_settlement(user, settlement_id)
    return serialize.settlement(s, lines=queries.settlement_lines(s))


@router.post(
    "/services/settlements", response={201: dict, **ERRORS}, summary="计算（或重新计算）月度结算（县级）"
)
def settle(request: HttpRequest, body: SettleIn):
    user = require_capability(request, "services.settle")
    contract = queries.get_contract(user, body.contract_id)
    try:
        month = rules.parse_month(body.month)
    except (ValueError, TypeError):
        raise ApiInputError("月份格式应为YYYY-MM", "month") from None
    try:
        s = settlement_actions.settle(actor=user, contract=contract, month=month)
    except ServicesError as exc:
        return _fail(exc)
    return Status(201, serialize.settlement(s, lines=queries.settlement_lines(s)))


@router.post(
    "/services/settlements/{settlement_id}/confirm",
    response={200: dict, **ERRORS},
    summary="确认结算（县级）",
)
def confirm_settlement(request: HttpRequest, settlement_id: int):
    user = require_capability(request, "services.settle")
    s = queries.get_settlement(user, settlement_id)
    try:
        s = settlement_actions.confirm(actor=user, settlement=s)
    except ServicesError as exc:
        return _fail(exc)
    return serialize.settlement(s, lines=queries.settlement_lines(s))

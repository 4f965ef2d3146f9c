"""Temporary-assistance endpoints of ``/api/v1`` (CASEWORK §6). Scoped: a case or fund outside the caller's
region subtree is 404; a step the case's state does not allow is 409; invalid input 422 —
``{"error": 中文, "path": field}``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from doudi.core.api_auth import api_auth, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.tempaid import (
    actions,
    decision_actions,
    fund_actions,
    notice_actions,
    queries,
    serialize,
    transfer_actions,
)
from doudi.tempaid.base import TempAidConflict, TempAidError

router = Router(tags=["临时救助"], auth=api_auth("tempaid.read"))


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = Field(None, description="出错的字段")


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CaseIn(Schema):
    aid_type: Literal["emergency", "expenditure"] = Field(
        ..., description="emergency 急难型；expenditure 支出型"
    )
    event: str = Field(..., description="急难事由")
    event_date: dt.date
    applicant_name: str
    id_number: str = ""
    township: str = Field("", description="急难发生地乡镇（街道）区划代码；乡镇用户可不填")
    degree: int = Field(1, description="困难档次 1–3")
    area_type: Literal["urban", "rural"] = "urban"
    hukou_place: str = ""
    phone: str = ""
    expenditure: int = 0
    reimbursed: int = 0
    form: Literal["cash", "kind", "referral"] = "cash"
    referral_to: str = ""


class EventIn(Schema):
    event: Literal[
        "pay_first",
        "statement",
        "verify",
        "investigate",
        "approve",
        "refuse",
        "deliberation",
        "followup",
        "notice",
        "objection",
        "answer_objection",
        "transfer",
        "station",
    ] = Field(
        ...,
        description="pay_first 先行救助（amount）；statement/verify/investigate 补办环节（note）；approve 审批（amount 总额）；"
        "refuse 不予救助（note 为理由，出具不予临时救助告知书）；deliberation 提交一事一议；followup 后续筛查结果（note）；"
        "notice 公示；objection 公示异议（note）；answer_objection 异议核实（objection_id, upheld, note）；"
        "transfer 转入常规救助申请（consent_by, tiers）；station 流浪乞讨人员转介救助管理机构（station, note）",
    )
    amount: int | None = None
    note: str = ""
    objection_id: int | None = None
    upheld: bool = False
    consent_by: str = ""
    tiers: list[str] | None = None
    station: str = ""


class DeliberationIn(Schema):
    held_on: dt.date
    participants: str
    departments: str
    decision: Literal["pay", "refer", "refuse"]
    amount: int = 0
    payer: str = ""
    note: str = ""


def _fail(exc: TempAidError):
    if isinstance(exc, TempAidConflict):
        return Status(409, {"error": str(exc), "path": exc.path or "event"})
    raise ApiInputError(str(exc), exc.path or "") from None


@router.get("/tempaid/cases", response=dict, summary="临时救助列表（含办理期限）",
            description="show：open 办理中、paid_first 先行救助待补办、overdue 已逾期、ready 待审批、deliberation 待一事一议、"
            "approved 已批准、refused 不予救助、followup 待后续筛查（R-TA10）、all 全部。")  # fmt: skip
def list_cases(request: HttpRequest, show: str = "open", q: str = "", limit: int = 50, offset: int = 0):
    qs = queries.cases(show if show in queries.FILTERS else "open", q=q)
    limit = max(1, min(limit, 500))
    return {"count": qs.count(), "items": [serialize.case(c) for c in qs[offset : offset + limit]]}


@router.get("/tempaid/cases/{case_id}", response={200: dict, 404: ErrorOut}, summary="临时救助详情")
def get_case(request: HttpRequest, case_id: int):
    return serialize.case(queries.get_case(case_id), detail=True)


@router.post("/tempaid/cases", response={201: dict, **ERRORS}, summary="受理临时救助申请（急难发生地受理）")
def create_case(request: HttpRequest, body: CaseIn):
    user = require_capability(request, "tempaid.apply")
    try:
        c = actions.apply(actor=user, **body.dict())
    except TempAidError as exc:
        return _fail(exc)
    return Status(201, serialize.case(c, detail=True))


@router.post("/tempaid/cases/{case_id}/events", response={200: dict, **ERRORS}, summary="办理临时救助")
def case_event(request: HttpRequest, case_id: int, body: EventIn):
    cap = (
        "tempaid.apply"
        if body.event
        in ("statement", "verify", "investigate", "followup", "objection", "transfer", "station")
        else "tempaid.write"
    )
    user = require_capability(request, cap)
    c = queries.get_case(case_id)
    extra: dict = {}
    try:
        if body.event == "pay_first":
            c, topup = actions.pay_first(actor=user, case=c, amount=int(body.amount or 0), note=body.note)
            if topup is not None:
                extra["topup_request"] = {"id": topup.pk, "amount": topup.amount}
        elif body.event in ("statement", "verify", "investigate"):
            c = actions.record_step(actor=user, case=c, kind=body.event, note=body.note)
        elif body.event == "approve":
            c = actions.approve(actor=user, case=c, amount=int(body.amount or 0), note=body.note)
        elif body.event == "refuse":
            c = actions.refuse(actor=user, case=c, reason=body.note)
        elif body.event == "deliberation":
            c = actions.to_deliberation(actor=user, case=c, note=body.note)
        elif body.event == "followup":
            c = actions.followup_done(actor=user, case=c, note=body.note)
        elif body.event == "notice":
            c = notice_actions.start_notice(actor=user, case=c)
        elif body.event == "objection":
            notice_actions.record_objection(actor=user, case=c, content=body.note)
        elif body.event == "answer_objection":
            obj = queries.get_objection(c, body.objection_id or 0)
            notice_actions.answer_objection(actor=user, objection=obj, upheld=body.upheld, finding=body.note)
        elif body.event == "transfer":
            c = transfer_actions.open_regular_application(
                actor=user, case=c, consent_by=body.consent_by, tiers=body.tiers
            )
        else:
            c = transfer_actions.refer_to_station(actor=user, case=c, station=body.station, note=body.note)
    except TempAidError as exc:
        return _fail(exc)
    return Status(200, {**serialize.case(queries.get_case(c.pk), detail=True), **extra})


@router.post(
    "/tempaid/cases/{case_id}/deliberations",
    response={201: dict, **ERRORS},
    summary="登记一事一议记录（县级）",
)
def add_deliberation(request: HttpRequest, case_id: int, body: DeliberationIn):
    user = require_capability(request, "tempaid.approve")
    c = queries.get_case(case_id)
    try:
        decision_actions.record_deliberation(actor=user, case=c, **body.dict())
    except TempAidError as exc:
        return _fail(exc)
    return Status(201, serialize.case(queries.get_case(c.pk), detail=True))


@router.get("/tempaid/funds", response=list[dict], summary="乡镇临时救助备用金（余额）")
def list_funds(request: HttpRequest):
    return [serialize.fund(f) for f in queries.funds()]


@router.get("/tempaid/funds/{fund_id}", response={200: dict, 404: ErrorOut}, summary="备用金台账与月度对账")
def get_fund(request: HttpRequest, fund_id: int):
    f = queries.get_fund(fund_id)
    ledger = [
        {
            "on": e.on.isoformat(),
            "kind": e.kind,
            "label": e.get_kind_display(),
            "amount": e.amount,
            "balance_after": e.balance_after,
            "case": e.case.number if e.case is not None else None,
            "note": e.note,
        }  # fmt: skip
        for e in queries.ledger(f)[:500]
    ]
    months = [
        {
            "month": m["month"].strftime("%Y-%m"),
            "opening": m["opening"],
            "credits": m["credits"],
            "debits": m["debits"],
            "closing": m["closing"],
            "reconciled": bool(m["reconciled"]),
        }  # fmt: skip
        for m in fund_actions.month_rows(f)
    ]
    return {**serialize.fund(f), "ledger": ledger, "months": months}


class AllocateIn(Schema):
    township: str = Field(..., description="乡镇（街道）区划代码")
    year: int
    amount: int | None = Field(None, description="核拨金额（元）；不填按参数 temp_aid.fund")
    note: str = ""


class ReconcileIn(Schema):
    month: str = Field(..., description="对账月份（YYYY-MM）")


class EmergencyIn(Schema):
    region_code: str
    title: str
    document: str = Field(..., description="宣布文件（文号）")
    starts_on: dt.date
    ends_on: dt.date


@router.post("/tempaid/funds", response={201: dict, **ERRORS}, summary="核拨乡镇临时救助备用金（县级）")
def allocate_fund(request: HttpRequest, body: AllocateIn):
    from django.utils import timezone

    user = require_capability(request, "tempaid.approve")
    try:
        f = fund_actions.allocate(actor=user, township=body.township, year=body.year, amount=body.amount,
                                  on=timezone.localdate(), note=body.note)  # fmt: skip
    except TempAidError as exc:
        return _fail(exc)
    return Status(201, serialize.fund(f))


@router.post(
    "/tempaid/funds/{fund_id}/reconciliations", response={201: dict, **ERRORS}, summary="备用金月度对账"
)
def reconcile_fund(request: HttpRequest, fund_id: int, body: ReconcileIn):
    from doudi.payments.base import PaymentsError, parse_month

    user = require_capability(request, "tempaid.write")
    f = queries.get_fund(fund_id)
    try:
        rec = fund_actions.reconcile_month(actor=user, fund=f, month=parse_month(body.month))
    except PaymentsError as exc:
        raise ApiInputError(str(exc), "month") from None
    except TempAidError as exc:
        return _fail(exc)
    return Status(201, {"month": body.month, "opening": rec.opening, "credits": rec.credits, "debits": rec.debits,
                        "closing": rec.closing, "matches": rec.matches})  # fmt: skip


@router.post(
    "/tempaid/topups/{topup_id}/grant", response={200: dict, **ERRORS}, summary="同意追加备用金（县级）"
)
def grant_topup(request: HttpRequest, topup_id: int):
    from django.utils import timezone

    user = require_capability(request, "tempaid.approve")
    req = queries.get_topup(topup_id)
    try:
        fund_actions.grant_topup(actor=user, request=req, on=timezone.localdate())
    except TempAidError as exc:
        return _fail(exc)
    return Status(200, serialize.fund(queries.get_fund(req.fund_id)))


@router.get("/tempaid/emergencies", response=list[dict], summary="突发公共事件（本辖区及上级宣布的）")
def list_emergencies(request: HttpRequest):
    return [
        {
            "id": e.pk,
            "region_code": e.region_code,
            "title": e.title,
            "document": e.document,
            "starts_on": e.starts_on.isoformat(),
            "ends_on": e.ends_on.isoformat(),
        }  # fmt: skip
        for e in queries.emergencies()
    ]


@router.post("/tempaid/emergencies", response={201: dict, **ERRORS}, summary="宣布突发公共事件（省、市级）")
def declare_emergency(request: HttpRequest, body: EmergencyIn):
    user = require_capability(request, "tempaid.declare")
    try:
        e = decision_actions.declare_emergency(actor=user, **body.dict())
    except TempAidError as exc:
        return _fail(exc)
    return Status(201, {"id": e.pk, "region_code": e.region_code, "title": e.title, "document": e.document})

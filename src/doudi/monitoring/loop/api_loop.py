"""The warning loop through ``/api/v1`` (R-M13–R-M15): list and read warnings, then dispatch, assign,
record the home visit (with photos), dispose and close, and for the county recall or reassign — everything the pages do, so that a mobile
app can work the loop.

Each write calls the same ``monitoring.loop`` action as the page, which checks the transition
(``loop.flows``), writes, and records history and audit in one transaction. A warning outside
the caller's subtree is not found (404); a transition the caller may not make now is 403 with the
reason; input the action refuses is 422.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Path, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field
from pydantic import ValidationError as PydanticError

from doudi.core.api_auth import api_auth, auth_user
from doudi.core.api_errors import ApiInputError, format_loc, zh_message
from doudi.monitoring.loop import base, disposition_actions, flows, queries, visit_actions, warning_actions
from doudi.monitoring.loop.disposition_actions import CONSENT_METHODS, DEPARTMENT_NEEDS, EMERGENCY_MEASURES
from doudi.monitoring.loop.evidence_display import display_items
from doudi.monitoring.loop.visit_actions import MAX_PHOTOS
from doudi.monitoring.models import Disposition, EarlyWarning, Indicator, WarningLevel
from doudi.regions.queries import names_for, townships_of_county
from doudi.registry import queries as registry_queries

S = EarlyWarning.Status
MAX_ID = 2**63 - 1
router = Router(auth=api_auth("monitoring.read"))  # added to ``api.router``, which gives the tag
WarningId = Path(..., ge=1, le=MAX_ID, description="预警编号")


class WarningFilterIn(Schema):
    view: str = Field(
        "open", description="范围：todo（待我处理）、open（全部未办结，默认）、closed（已办结）、all（全部）"
    )
    indicator: str = Field("", description="预警指标，如 W-ILL")
    level: str = Field("", description="等级：red、orange、yellow")
    status: str = Field("", description="状态：raised、dispatched、assigned、verified、disposed、closed")
    overdue: bool = Field(False, description="只看逾期")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_ID)


class WarningOut(Schema):
    id: int
    indicator: str
    indicator_label: str
    level: str
    level_label: str
    status: str
    status_label: str
    region_code: str
    region_name: str
    township_code: str
    township_name: str
    household_id: int | None
    household_key: str | None
    head_name: str | None
    assigned_to_id: int | None
    assigned_to: str | None
    raised_on: dt.date
    deadline: dt.date
    overdue: bool
    escalations: int
    allowed_actions: list[str] = Field(
        description="调用者现在可做的操作：dispatch、assign、verify、dispose、close"
    )


class WarningListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[WarningOut]


class EvidenceOut(Schema):
    label: str
    value: str


class VisitOut(Schema):
    id: int
    visited_on: dt.date
    visitors: list[str]
    findings: str
    hardship_found: bool
    photo_ids: list[int]


class WarningDetailOut(WarningOut):
    outcome: str
    closed_on: dt.date | None
    disposition: str | None
    disposition_label: str | None
    evidence: list[list[EvidenceOut]] = Field(description="预警依据，每条为若干（项目，内容），已脱敏")
    visits: list[VisitOut]


class Option(Schema):
    value: str
    label: str


class OptionsOut(Schema):
    townships: list[Option] = Field(description="可派发的乡镇（街道），仅在可派发时给出")
    workers: list[Option] = Field(description="可指派的网格员（用户编号），仅在可指派时给出")
    members: list[Option] = Field(description="本户现有成员（人员编号），核查时登记事实用")
    dispositions: list[Option]
    consent_methods: list[Option]
    departments: list[Option]
    emergency_measures: list[Option]


class DispatchIn(Schema):
    township_code: str = Field(..., min_length=12, max_length=12, description="乡镇（街道）的12位区划代码")


class AssignIn(Schema):
    worker_id: int = Field(..., ge=1, le=MAX_ID, description="网格员的用户编号（见 options）")


class FactIn(Schema):
    scope: str = Field(..., description="person（成员）或 household（家庭）")
    id: int | None = Field(None, ge=1, le=MAX_ID, description="成员的人员编号；家庭事实可省略")
    kind: str = Field(
        ..., description="成员：disability、serious_illness、employment、own_income、schooling；家庭：income"
    )
    value: dict[str, Any]


class MemberChangeIn(Schema):
    change: str = Field(..., description="left（离开本户）或 joined（新增成员）")
    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    reason: str = Field("", max_length=100)
    name: str = Field("", max_length=64)
    relation: str = Field("", max_length=12)
    id_number: str = Field("", max_length=32)
    birth_date: dt.date | None = None


class VisitIn(Schema):
    visited_on: dt.date
    visitors: list[str] = Field(..., min_length=2, max_length=5, description="核查人员姓名，至少两人")
    findings: str = Field(..., min_length=1, max_length=4000)
    hardship_found: bool
    updated_facts: list[FactIn] = Field(default_factory=list, max_length=100)
    member_changes: list[MemberChangeIn] = Field(default_factory=list, max_length=20)


class DisposeIn(Schema):
    kind: str = Field(
        ...,
        description="no_hardship（无困难）、application（启动救助申请）、referral（转介专项救助）、"
        "emergency（临时救助/慈善/服务）、eligibility（复核调整）、deliberation（一事一议）",
    )
    note: str = Field("", max_length=2000)
    consent_given_by: str = Field("", max_length=64, description="application：同意人")
    consent_given_on: dt.date | None = Field(None, description="application：同意日期")
    consent_method: str = Field("", description="application：signed、online 或 oral")
    departments: list[str] = Field(default_factory=list, max_length=20, description="referral：转介部门")
    measures: list[str] = Field(default_factory=list, max_length=5, description="emergency：应急措施")
    amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2, description="emergency：金额")
    minutes: str = Field("", max_length=4000, description="deliberation：会议纪要")
    participants: list[str] = Field(default_factory=list, max_length=30, description="deliberation：参会人员")
    held_on: dt.date | None = Field(None, description="deliberation：会议日期")


class CloseIn(Schema):
    outcome: str = Field(..., min_length=1, max_length=500, description="办结情况")


# --- reading -----------------------------------------------------------------------------------------


def _rows(user, page: list[EarlyWarning], today: dt.date) -> list[dict]:
    hh_ids = {w.household_id for w in page if w.household_id}
    heads = registry_queries.head_names(hh_ids) if hh_ids else {}
    names = names_for({w.region_code for w in page} | {w.township_code for w in page if w.township_code})
    return [
        {
            "id": w.pk,
            "indicator": w.indicator,
            "indicator_label": w.get_indicator_display(),
            "level": w.level,
            "level_label": w.get_level_display(),
            "status": w.status,
            "status_label": w.get_status_display(),
            "region_code": w.region_code,
            "region_name": names.get(w.region_code, ""),
            "township_code": w.township_code,
            "township_name": names.get(w.township_code, "") if w.township_code else "",
            "household_id": w.household_id,
            "household_key": w.household.household_key if w.household is not None else None,
            "head_name": heads.get(w.household_id) if w.household_id else None,
            "assigned_to_id": w.assigned_to_id,
            "assigned_to": w.assigned_to.label if w.assigned_to is not None else None,
            "raised_on": w.raised_on,
            "deadline": w.deadline,
            "overdue": w.is_open and w.deadline < today,
            "escalations": w.escalations,
            "allowed_actions": flows.allowed_transitions(user, w),
        }
        for w in page
    ]


def _detail(user, w: EarlyWarning) -> dict:
    row = _rows(user, [w], timezone.localdate())[0]
    disposition = getattr(w, "disposition", None) if w.status in (S.DISPOSED, S.CLOSED) else None
    row.update(
        outcome=w.outcome,
        closed_on=w.closed_on,
        disposition=disposition.kind if disposition else None,
        disposition_label=disposition.get_kind_display() if disposition else None,
        evidence=[[{"label": k, "value": v} for k, v in item] for item in display_items(w.evidence)],
        visits=[
            {
                "id": v.pk,
                "visited_on": v.visited_on,
                "visitors": list(v.visitors or []),
                "findings": v.findings,
                "hardship_found": v.hardship_found,
                "photo_ids": [p.pk for p in v.photos.all()],
            }
            for v in queries.visits(w).order_by("visited_on", "id")
        ],
    )
    return row


def _warning(warning_id: int) -> EarlyWarning:
    return queries.get_warning(warning_id)  # DoesNotExist outside the scope → 404


@router.get("/warnings", response=WarningListOut, summary="辖区内的预警（可筛选，默认全部未办结）")
def list_warnings(request: HttpRequest, params: Query[WarningFilterIn]):
    user = auth_user(request)
    if params.view not in queries.VIEWS:
        raise ApiInputError("范围应为 todo、open、closed 或 all", "view")
    for name, values in (
        ("indicator", Indicator.values),
        ("level", WarningLevel.values),
        ("status", S.values),
    ):
        if getattr(params, name) and getattr(params, name) not in values:
            raise ApiInputError("筛选值无效", name)
    filters = queries.InboxFilters(
        view=params.view,
        indicator=params.indicator,
        level=params.level,
        status=params.status,
        overdue=params.overdue,
    )
    today = timezone.localdate()
    qs = queries.inbox(user, filters, today)
    page = list(qs[params.offset : params.offset + params.limit])
    return {
        "count": qs.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": _rows(user, page, today),
    }


@router.get("/warnings/{warning_id}", response=WarningDetailOut, summary="预警详情（证据、核查、处置）")
def warning_detail(request: HttpRequest, warning_id: int = WarningId):
    return _detail(auth_user(request), _warning(warning_id))


@router.get(
    "/warnings/{warning_id}/options", response=OptionsOut, summary="处理预警时可选的乡镇、网格员和处置方式"
)
def warning_options(request: HttpRequest, warning_id: int = WarningId):
    user = auth_user(request)
    w = _warning(warning_id)
    allowed = set(flows.allowed_transitions(user, w))
    townships: list[dict] = []
    if "dispatch" in allowed:
        rows = townships_of_county(w.region_code)
        townships = [{"value": r.code, "label": r.name} for r in rows]
    workers = (
        [{"value": str(u.pk), "label": u.label} for u in queries.assignable_workers(w.township_code)]
        if "assign" in allowed
        else []
    )
    members = (
        [{"value": str(p.pk), "label": p.name} for p in registry_queries.household_members(w.household_id)]
        if w.household_id and "verify" in allowed
        else []
    )

    def opts(pairs) -> list[dict]:
        return [{"value": str(k), "label": str(v)} for k, v in pairs]

    return {
        "townships": townships,
        "workers": workers,
        "members": members,
        "dispositions": opts(Disposition.Kind.choices),
        "consent_methods": opts(CONSENT_METHODS.items()),
        "departments": opts((d, text) for d, (_, text) in DEPARTMENT_NEEDS.items()),
        "emergency_measures": opts(EMERGENCY_MEASURES.items()),
    }


# --- the transitions ----------------------------------------------------------------------------------


def _run(user, warning_id: int, do) -> dict:
    w = _warning(warning_id)
    try:
        do(w)
    except base.MonitoringError as exc:
        raise ApiInputError(str(exc)) from None
    return _detail(user, _warning(warning_id))


@router.post("/warnings/{warning_id}/dispatch", response=WarningDetailOut, summary="派发至乡镇（街道）")
def dispatch(request: HttpRequest, body: DispatchIn, warning_id: int = WarningId):
    user = auth_user(request)
    return _run(
        user,
        warning_id,
        lambda w: warning_actions.dispatch(actor=user, warning=w, township_code=body.township_code),
    )


@router.post(
    "/warnings/{warning_id}/recall", response=WarningDetailOut, summary="县级召回已派发的预警（R-M13）"
)
def recall(request: HttpRequest, warning_id: int = WarningId):
    user = auth_user(request)
    return _run(user, warning_id, lambda w: warning_actions.recall(actor=user, warning=w))


@router.post(
    "/warnings/{warning_id}/reassign", response=WarningDetailOut, summary="县级改派至本县其他乡镇（街道）"
)
def reassign(request: HttpRequest, body: DispatchIn, warning_id: int = WarningId):
    user = auth_user(request)
    return _run(
        user,
        warning_id,
        lambda w: warning_actions.reassign(actor=user, warning=w, township_code=body.township_code),
    )


@router.post("/warnings/{warning_id}/assign", response=WarningDetailOut, summary="指派网格员入户核查")
def assign(request: HttpRequest, body: AssignIn, warning_id: int = WarningId):
    user = auth_user(request)

    def do(w: EarlyWarning) -> None:
        worker = queries.assignable_workers(w.township_code).filter(pk=body.worker_id).first()
        if worker is None:
            flows.check(user, "assign", w)  # a caller who may not assign hears that first
            raise base.MonitoringError("只能指派本乡镇（街道）的网格员")
        warning_actions.assign(actor=user, warning=w, user=worker)

    return _run(user, warning_id, do)


def _visit_in(data: str) -> VisitIn:
    try:
        return VisitIn.model_validate(json.loads(data))
    except json.JSONDecodeError:
        raise ApiInputError("data 不是有效的 JSON", "data") from None
    except PydanticError as exc:
        err = exc.errors()[0]
        raise ApiInputError(zh_message(dict(err)), format_loc(("data", *err["loc"]))) from None


@router.post(
    "/warnings/{warning_id}/visit",
    response=WarningDetailOut,
    summary="录入入户核查（可附现场照片）",
    description=(
        "multipart/form-data：字段 `data` 为核查内容的 JSON（见 VisitIn："
        "visited_on、visitors、findings、hardship_found、updated_facts、member_changes），"
        f"字段 `photos` 为现场照片（可多张，最多 {MAX_PHOTOS} 张，每张不超过5MB，JPG/PNG/GIF/WebP）。"
    ),
    openapi_extra={"x-body-schema": VisitIn.model_json_schema()},
)
def visit(
    request: HttpRequest,
    data: Form[str],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    warning_id: int = WarningId,
):
    user = auth_user(request)
    body = _visit_in(data)

    def do(w: EarlyWarning) -> None:
        visit_actions.record_visit(
            actor=user,
            warning=w,
            visited_on=body.visited_on,
            visitors=body.visitors,
            findings=body.findings,
            hardship_found=body.hardship_found,
            updated_facts=[f.model_dump() for f in body.updated_facts],
            member_changes=[c.model_dump() for c in body.member_changes],
            photos=list(photos or []),
        )

    return _run(user, warning_id, do)


@router.post("/warnings/{warning_id}/dispose", response=WarningDetailOut, summary="登记处置（R-M15）")
def dispose(request: HttpRequest, body: DisposeIn, warning_id: int = WarningId):
    user = auth_user(request)
    detail: dict[str, Any] = {}
    if body.kind == "application":
        detail = {
            "consent": {
                "given_by": body.consent_given_by,
                "given_on": body.consent_given_on or timezone.localdate(),
                "method": body.consent_method,
            }
        }
    elif body.kind == "referral":
        detail = {"departments": body.departments, "note": body.note}
    elif body.kind == "emergency":
        detail = {"measures": body.measures, "amount": body.amount, "note": body.note}
    elif body.kind == "deliberation":
        detail = {
            "minutes": body.minutes,
            "participants": [p.strip() for p in body.participants if p.strip()],
            "held_on": body.held_on or timezone.localdate(),
        }
    return _run(
        user,
        warning_id,
        lambda w: disposition_actions.dispose(
            actor=user, warning=w, kind=body.kind, detail=detail, note=body.note
        ),
    )


@router.post("/warnings/{warning_id}/close", response=WarningDetailOut, summary="办结预警")
def close(request: HttpRequest, body: CloseIn, warning_id: int = WarningId):
    user = auth_user(request)
    return _run(
        user, warning_id, lambda w: warning_actions.close(actor=user, warning=w, outcome=body.outcome)
    )

"""The departments' queries through ``/api/v1`` (seed §17, R-P1), for department tokens only:

* ``POST /needs/status`` — ``{id_number, purpose}`` → ``{low_income, categories: [{category, label, since}]}``
  (nothing else about the person; a person outside the caller's region is answered like a non-member);
* ``GET /needs/owed?purpose=…&period=YYYY|YYYY-MM`` — the persons the department owes the assistance to in
  the period (JSON pages; ``format=csv`` for the whole file).

Both are audited and rate-limited (429). The queue itself and the one-by-one answer are
``GET /needs`` and ``POST /needs/{id}/respond`` (``monitoring.loop.api``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from doudi.core.api_auth import api_auth, auth_user
from doudi.core.api_errors import ApiInputError
from doudi.monitoring.loop.base import MonitoringError
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.loop.report_actions import RateLimited
from doudi.monitoring.needs import query_actions

router = Router(tags=["部门需求推送与查询"], auth=api_auth("needs.respond"))


class StatusIn(Schema):
    id_number: str = Field(..., min_length=1, max_length=32, description="身份证号")
    purpose: str = Field(..., description="查询用途：本部门的救助项目代码，如 education_aid")


class CategoryOut(Schema):
    category: str
    label: str
    since: str


class StatusOut(Schema):
    low_income: bool
    categories: list[CategoryOut]


class OwedIn(Schema):
    purpose: str = Field(..., description="救助项目代码")
    period: str = Field(..., description="YYYY（年）或 YYYY-MM（月）")
    format: str = Field("json", description="json 或 csv")
    limit: int = Field(500, ge=1, le=5000)
    offset: int = Field(0, ge=0, le=2**62)


class OwedRow(Schema):
    id: int
    need: str
    name: str
    id_masked: str
    region_code: str
    pushed_on: str
    due_on: str
    status: str
    ended_on: str


class OwedOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[OwedRow]


def _fail(exc: Exception):
    if isinstance(exc, RateLimited):
        raise HttpError(429, str(exc)) from None
    if isinstance(exc, FlowDenied):
        raise HttpError(403, str(exc)) from None
    raise ApiInputError(str(exc), "purpose") from None


@router.post(
    "/needs/status", response=StatusOut, summary="按身份证号查询是否属于低收入人口（仅答复类别及起始日期）"
)
def status(request: HttpRequest, body: StatusIn):
    user = auth_user(request)
    try:
        answer = query_actions.status_by_id(actor=user, id_number=body.id_number, purpose=body.purpose)
    except (MonitoringError, RateLimited, FlowDenied) as exc:
        _fail(exc)
    return answer.as_dict()


@router.get("/needs/owed", response={200: OwedOut}, summary="本部门某月或某年应救助人员名单")
def owed(request: HttpRequest, params: Query[OwedIn]):
    user = auth_user(request)
    if params.format not in ("json", "csv"):
        raise ApiInputError("format 应为 json 或 csv", "format")
    try:
        query_actions.check_query(user, params.purpose)
        if params.format == "csv":
            data, n = query_actions.owed_csv(user, params.purpose, params.period)
            query_actions.audit_owed(
                actor=user, purpose=params.purpose, period=params.period, rows=n, fmt="CSV"
            )
            response = HttpResponse(data, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="owed-{params.purpose}-{params.period}.csv"'
            )
            return response
        qs = query_actions.owed(user, params.purpose, params.period)
        count = qs.count()
        rows = list(query_actions.owed_rows(user, params.purpose, params.period, params.offset, params.limit))
        query_actions.audit_owed(
            actor=user, purpose=params.purpose, period=params.period, rows=len(rows), fmt="API"
        )
    except (MonitoringError, RateLimited, FlowDenied) as exc:
        _fail(exc)
    keys = ("id", "need", "name", "id_masked", "region_code", "pushed_on", "due_on", "status", "ended_on")
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [dict(zip(keys, r, strict=True)) for r in rows],
    }

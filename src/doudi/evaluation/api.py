"""Performance evaluation endpoints of ``/api/v1/evaluation`` (R-S2). Scoped as the pages: the runs are listed
for every reader; a run's rows are those of the caller's subtree, each with its ranks; a region outside it is
404; starting a run needs ``evaluation.run`` (403) — ``{"error": 中文, "path": field}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from doudi.core.api_auth import api_auth, auth_user, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.evaluation import actions, indicators, params, queries
from doudi.evaluation.actions import EvaluationError
from doudi.evaluation.models import LEVELS, Row, Run

router = Router(tags=["绩效评价"], auth=api_auth("evaluation.read"))
NOT_FOUND = {"error": "绩效评价结果不存在，或不在您的管辖范围内", "path": None}


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = Field(None, description="出错的字段")


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class RunIn(Schema):
    year: int = Field(..., description="评价年度")
    level: str = Field("county", description="评价层级：" + "、".join(f"{k} {v}" for k, v in LEVELS.items()))


def run_out(r: Run) -> dict:
    return {
        "id": r.pk, "year": r.year, "level": r.level, "level_label": r.level_label,
        "period_from": r.period_from, "period_to": r.period_to, "computed_at": r.computed_at,
        "computed_by": r.computed_by_label, "weights": r.weights, "state": r.state, "state_label": r.state_label,
        "regions": r.regions, "fingerprint": r.fingerprint,
    }  # fmt: skip


def row_out(r: Row, name: str = "") -> dict:
    return {
        "region_code": r.region_code, "name": name, "level": r.level, "parent_code": r.parent_code,
        "score": None if r.score is None else str(r.score), "rank": r.rank, "peers": r.peers,
        "rank_in_city": r.rank_in_city, "city_peers": r.city_peers,
        "indicators": {k: {"numerator": v["num"], "denominator": v["den"], "share": v["share"]}
                       for k, v in r.figures.items()},
    }  # fmt: skip


@router.get("/indicators", response=dict, summary="评价指标及某年度权重")
def list_indicators(request: HttpRequest, year: int):
    if not 2000 <= year <= 2100:
        raise ApiInputError("评价年度无效", "year")
    w = params.weights(year)
    return {"year": year, "results": [
        {"key": i.key, "name": i.name, "direction": i.direction, "direction_label": i.direction_label,
         "numerator": i.numerator, "denominator": i.denominator, "rule": i.rule, "weight": str(w[i.key]),
         "weight_key": i.weight_key}
        for i in indicators.INDICATORS
    ]}  # fmt: skip


@router.get("/runs", response=dict, summary="绩效评价列表")
def list_runs(request: HttpRequest, year: int | None = None, limit: int = 50, offset: int = 0):
    qs = queries.runs(year)
    page = list(qs[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 200)])
    return {"count": qs.count(), "results": [run_out(r) for r in page]}


@router.post("/runs", response={201: dict, **ERRORS}, summary="开展绩效评价（省级）")
def start_run(request: HttpRequest, body: RunIn):
    user = require_capability(request, "evaluation.run")
    try:
        run = actions.run_evaluation(year=body.year, level=body.level, actor=user)
    except EvaluationError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None
    return Status(201, run_out(run))


@router.get("/runs/{run_id}", response={200: dict, 404: ErrorOut}, summary="评价结果：本辖区地区的得分和排名")
def get_run(request: HttpRequest, run_id: int):
    auth_user(request)
    try:
        run = queries.get_run(run_id)
    except Run.DoesNotExist:
        return Status(404, NOT_FOUND)
    return {"run": run_out(run), "results": [row_out(t["row"], t["name"]) for t in queries.table(run)]}


@router.get(
    "/runs/{run_id}/regions/{code}", response={200: dict, 404: ErrorOut}, summary="一个地区的指标明细"
)
def get_region(request: HttpRequest, run_id: int, code: str):
    auth_user(request)
    try:
        run = queries.get_run(run_id)
        row = queries.get_row(run, code)
    except (Run.DoesNotExist, Row.DoesNotExist):
        return Status(404, NOT_FOUND)
    items = [
        {"key": i["ind"].key, "name": i["ind"].name, "numerator": i["num"], "denominator": i["den"],
         "share": None if i["share"] is None else str(i["share"]), "weight": str(i["weight"]),
         "points": str(i["points"]), "applies": i["applies"]}
        for i in queries.breakdown(run, row)
    ]  # fmt: skip
    return {"run": run_out(run), "region": row_out(row), "breakdown": items}

"""Public disclosure endpoints of ``/api/v1/public/`` (CASEWORK §9): no authentication, the same data as the
public pages — a Jilin county or township by its 12-digit code; anything else is 404. Responses say
``Cache-Control: public`` and set no cookie."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import Router, Schema
from pydantic import Field

from doudi.disclosure import queries, terminations
from doudi.disclosure.views_public import MAX_AGE
from doudi.regions.models import Region

router = Router(tags=["信息公开"], auth=None)


class RegionOut(Schema):
    code: str
    name: str
    level: str = Field(..., description="county 县（市、区）；township 乡镇（街道）")


class CountyOut(Schema):
    code: str
    name: str
    city: str


class GuideOut(Schema):
    region: RegionOut
    assistance: str
    eligibility: str
    materials: str
    steps: str
    place: str
    hours: str
    phone: str
    complaint_phone: str
    complaint_address: str
    updated_at: dt.datetime | None


class StandardOut(Schema):
    label: str
    urban: int = Field(..., description="城市，元/人·月")
    rural: int = Field(..., description="农村，元/人·月")


class NoticeOut(Schema):
    name: str = Field(..., description="脱敏姓名")
    place: str
    household_size: int | None
    tier: str
    monthly_total: int | None
    start_on: dt.date
    end_on: dt.date
    objection: str


class RecipientOut(Schema):
    name: str = Field(..., description="脱敏姓名")
    place: str
    programme: str
    household_size: int
    amount: int = Field(..., description="月救助金额（元）")


class RecipientPageOut(Schema):
    month: dt.date | None
    page: int
    pages: int
    total: int
    rows: list[RecipientOut]


class StatRowOut(Schema):
    name: str
    cells: dict[str, int | None] = Field(..., description="不足最小单元格的数据为 null（不予公布）")


class StatisticsOut(Schema):
    month: dt.date = Field(..., description="所据月份（全年数据为年内最后一个已发布月份）")
    year: int | None = Field(None, description="全年数据的年份；为空表示最新月度数据")
    min_cell: int
    rows: list[StatRowOut]
    total: dict[str, int | None] | None


def _public(response: HttpResponse) -> None:
    patch_cache_control(response, public=True, max_age=MAX_AGE)


def _region(code: str) -> Region:
    region = queries.public_region(code)
    if region is None:
        raise Http404("区划不存在")
    return region


def _region_out(r: Region) -> dict:
    return {"code": r.code, "name": r.name, "level": r.level}


@router.get("/public/counties", response=list[CountyOut], auth=None, summary="县（市、区）列表")
def counties(request: HttpRequest, response: HttpResponse):
    _public(response)
    return [
        {"code": c["code"], "name": c["name"], "city": city["name"]}
        for city in queries.index()
        for c in city["counties"]
    ]


@router.get("/public/regions/{code}/guide", response=GuideOut, auth=None, summary="办事指南")
def guide(request: HttpRequest, response: HttpResponse, code: str):
    region = _region(code)
    _public(response)
    return {"region": _region_out(region), **queries.guide(region)}


@router.get("/public/regions/{code}/standards", response=list[StandardOut], auth=None, summary="现行救助标准")
def standards(request: HttpRequest, response: HttpResponse, code: str):
    region = _region(code)
    _public(response)
    return queries.standards(region, timezone.localdate())


class TerminationNoticeOut(Schema):
    name: str = Field(..., description="脱敏姓名")
    place: str
    tier: str
    proposal: str
    notice_from: dt.date
    notice_until: dt.date


@router.get(
    "/public/regions/{code}/termination-notices",
    response=list[TerminationNoticeOut],
    auth=None,
    summary="终止救助公示（乡镇）",
)
def termination_notices(request: HttpRequest, response: HttpResponse, code: str):
    region = _region(code)
    _public(response)
    return [vars(n) for n in terminations.termination_notices(region, timezone.localdate())]


@router.get("/public/regions/{code}/notices", response=list[NoticeOut], auth=None, summary="正在公示的申请")
def notices(request: HttpRequest, response: HttpResponse, code: str):
    region = _region(code)
    _public(response)
    out = []
    for n in queries.notices(region):
        c = n.content or {}
        out.append(
            {
                "name": c.get("name", ""),
                "place": c.get("place", ""),
                "household_size": c.get("household_size"),
                "tier": c.get("tier", ""),
                "monthly_total": c.get("monthly_total"),
                "start_on": n.start_on,
                "end_on": n.end_on,
                "objection": c.get("objection", ""),
            }
        )
    return out


@router.get("/public/regions/{code}/recipients", response=RecipientPageOut, auth=None, summary="救助对象名单")
def recipients(request: HttpRequest, response: HttpResponse, code: str, page: int = 1):
    region = _region(code)
    got = queries.recipients(region, page)
    if got is None:
        raise Http404("页码超出范围")
    _public(response)
    published = got["published"]
    return {
        "month": published.month if published else None,
        "page": got["page"],
        "pages": got["pages"],
        "total": got["total"],
        "rows": got["rows"],
    }


@router.get(
    "/public/regions/{code}/statistics",
    response=StatisticsOut,
    auth=None,
    summary="统计数据：最新月度或全年（?year=），小单元格不公布",
)
def statistics(request: HttpRequest, response: HttpResponse, code: str, year: int | None = None):
    region = _region(code)
    if year is not None and year not in queries.stat_years(region):
        raise Http404("该年度没有发布统计数据")
    stats = queries.statistics(region, timezone.localdate(), year)
    if stats is None:
        raise Http404("尚未发布统计数据")
    _public(response)
    return {
        "month": stats["month"],
        "year": stats["year"],
        "min_cell": stats["min_cell"],
        "rows": [{"name": r["name"], "cells": dict(r["cells"])} for r in stats["rows"]],
        "total": dict(stats["total"]) if stats["total"] else None,
    }

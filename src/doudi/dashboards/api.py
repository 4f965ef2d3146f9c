"""Dashboard figures under ``/api/v1/dashboards`` (issue 14 item 7): for the national platform and the province's
own screens. Scoped like the pages: a region outside the caller's subtree (or unknown) is 404. Figures are the
pages' tables — rows with Chinese headers — plus machine-readable indicator keys for the children."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from doudi.core.api_auth import api_auth, auth_user
from doudi.dashboards import queries
from doudi.dashboards.build import TOPICS
from doudi.dashboards.figures import INDICATORS, Topic

router = Router(tags=["统计分析"], auth=api_auth("dashboards.read"))


class RangeIn(Schema):
    date_from: dt.date | None = Field(None, alias="from", description="起始日期（默认近12个月）")
    date_to: dt.date | None = Field(None, alias="to", description="截止日期（默认今天）")


def _topic(t: Topic) -> dict:
    return {"key": t.key, "title": t.title, "unit": t.unit, "note": t.note, "head": t.head, "rows": t.rows,
            "total": t.total}  # fmt: skip


def _built(at) -> str | None:
    return timezone.localtime(at).isoformat() if at else None


def _children(rows: list[dict]) -> list[dict]:
    return [{"code": c["code"] or None, "name": c["name"], "indicators": c["values"]} for c in rows]


@router.get("/dashboards/indicators", response=dict, summary="统计指标与主题说明")
def indicators(request: HttpRequest):
    return {
        "indicators": [{"key": k, "name": n, "unit": u} for k, (n, u) in INDICATORS.items()],
        "topics": list(TOPICS),
    }


@router.get("/dashboards/regions/{code}", response=dict, summary="区划统计概况（含下级区划）")
def region_overview(request: HttpRequest, code: str, r: Query[RangeIn]):
    ov = queries.overview(auth_user(request), code, r.date_from, r.date_to, with_map=False)
    return {
        "region": {
            "code": ov.region.code,
            "name": ov.region.name,
            "full_name": ov.region.full_name,
            "level": ov.region.level,
        },  # fmt: skip
        "from": ov.date_from.isoformat(),
        "to": ov.date_to.isoformat(),
        "built_at": _built(ov.built_at),
        "indicators": ov.totals,
        "topics": [_topic(t) for t in ov.topics.values()],
        "children": _children(ov.children),
    }


@router.get(
    "/dashboards/regions/{code}/topics/{topic}", response=dict, summary="区划单一主题统计（含下级区划）"
)
def region_topic(request: HttpRequest, code: str, topic: str, r: Query[RangeIn]):
    region, fig, kids = queries.topic(auth_user(request), code, topic, r.date_from, r.date_to)
    b = queries.built()
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "built_at": _built(b.built_at if b else None),
        "topic": _topic(fig),
        "children": _children(kids),
    }

"""Every write of the evaluation (R-S2): run it (counts → scores → ranks, written in one transaction with its
audit entry; an earlier run of the same year and level is marked superseded) and record an export."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.core.audit import actor_name, record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import all_regions
from doudi.evaluation import indicators, params, sources
from doudi.evaluation.models import LEVELS, Row, Run
from doudi.regions.models import Region

COMMAND = "doudi evaluation"
PROVINCE = "220000000000"


class EvaluationError(ValueError):
    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


def _label(actor) -> str:
    return actor_name(actor, COMMAND)


def period(year: int, on: dt.date) -> tuple[dt.date, dt.date]:
    """1 January to 31 December, or to ``on`` for the year in progress."""
    start = dt.date(year, 1, 1)
    if on < start:
        raise EvaluationError("评价年度尚未开始", "year")
    return start, min(dt.date(year, 12, 31), on)


def county_counts(start: dt.date, until: dt.date) -> dict[str, dict[str, tuple[int, int]]]:
    """county6 → indicator key → (numerator, denominator): one GROUP BY per indicator."""
    out: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    with all_regions():  # the spot-check summary reads through the scoped manager
        for key, fn in sources.SOURCES.items():
            for county, nd in fn(start, until).items():
                out[county][key] = nd
    return out


def _sum(parts: list[dict[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    got: dict[str, tuple[int, int]] = {}
    for ind in indicators.INDICATORS:
        got[ind.key] = (
            sum(p.get(ind.key, (0, 0))[0] for p in parts),
            sum(p.get(ind.key, (0, 0))[1] for p in parts),
        )
    return got


def figures(counts: dict[str, tuple[int, int]]) -> dict[str, dict]:
    out = {}
    for ind in indicators.INDICATORS:
        num, den = counts.get(ind.key, (0, 0))
        value = indicators.share(num, den)
        out[ind.key] = {"num": num, "den": den, "share": None if value is None else str(value)}
    return out


def build_rows(level: str, by_county: dict, weights: dict[str, Decimal]) -> list[dict]:
    """The rows of a run, ranked: counties among the province's counties and within their city; cities among
    cities. Pure over the counts, so the same counts always give the same rows."""
    rows: list[dict[str, Any]]
    if level == "county":
        counties = list(Region.objects.filter(level="county").order_by("code").values_list("code", flat=True))
        rows = [{"code": c, "parent": c[:4].ljust(12, "0"), "counts": _sum([by_county.get(c[:6], {})])}
                for c in counties]  # fmt: skip
    else:
        cities = list(Region.objects.filter(level="city").order_by("code").values_list("code", flat=True))
        rows = []
        for c in cities:
            parts = [v for k, v in by_county.items() if k[:4] == c[:4]]
            rows.append({"code": c, "parent": PROVINCE, "counts": _sum(parts)})
    for r in rows:
        r["score"] = indicators.score(r["counts"], weights)
    in_province = indicators.ranks((r["code"], r["score"]) for r in rows)
    peers = sum(1 for r in rows if r["score"] is not None)
    by_city: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_city[r["parent"]].append(r)
    for r in rows:
        r["rank"], r["peers"] = in_province.get(r["code"]), peers
        r["rank_in_city"], r["city_peers"] = None, 0
    if level == "county":
        for group in by_city.values():
            in_city = indicators.ranks((r["code"], r["score"]) for r in group)
            n = sum(1 for r in group if r["score"] is not None)
            for r in group:
                r["rank_in_city"], r["city_peers"] = in_city.get(r["code"]), n
    return rows


def fingerprint(
    year: int, level: str, start: dt.date, until: dt.date, weights: dict, rows: list[dict]
) -> str:
    body = {
        "year": year, "level": level, "period": [start.isoformat(), until.isoformat()],
        "weights": {k: str(v) for k, v in sorted(weights.items())},
        "rows": [[r["code"], figures(r["counts"]), str(r["score"]), r["rank"], r["rank_in_city"]] for r in rows],
    }  # fmt: skip
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def run_evaluation(*, year: int, level: str = "county", actor=None, on: dt.date | None = None) -> Run:
    """Evaluate every county (or every city) of the province for ``year``: the figures up to ``on`` (default
    today) for the year in progress, to 31 December for a past year. One transaction: the run and all its rows,
    or nothing."""
    if getattr(actor, "pk", None) and not actor.can("evaluation.run"):
        raise PermissionError("只有省级民政部门可以开展绩效评价")
    if level not in LEVELS:
        raise EvaluationError("评价层级无效", "level")
    on = on or timezone.localdate()
    if not 2000 <= year <= on.year:
        raise EvaluationError("评价年度无效", "year")
    start, until = period(year, on)
    weights = params.weights(year)
    if sum(weights.values(), Decimal(0)) <= 0:
        raise EvaluationError("该年度各项指标权重均为零，无法计算得分", "year")
    by_county = county_counts(start, until)
    rows = build_rows(level, by_county, weights)
    with transaction.atomic():
        Run.objects.select_for_update().filter(year=year, level=level, state="current").update(
            state="superseded"
        )
        run = Run.objects.create(
            year=year, level=level, period_from=start, period_to=until, computed_at=timezone.now(),
            computed_by=actor if getattr(actor, "pk", None) else None, computed_by_label=_label(actor),
            weights={k: str(v) for k, v in weights.items()}, regions=len(rows),
            fingerprint=fingerprint(year, level, start, until, weights, rows),
        )  # fmt: skip
        Row.unscoped.bulk_create(
            [
                Row(
                    run=run,
                    region_code=r["code"],
                    level=level,
                    parent_code=r["parent"],
                    figures=figures(r["counts"]),
                    score=r["score"],
                    rank=r["rank"],
                    peers=r["peers"],
                    rank_in_city=r["rank_in_city"],
                    city_peers=r["city_peers"],
                )  # fmt: skip
                for r in rows
            ],
            batch_size=500,
        )
        record_audit(
            actor=actor if getattr(actor, "pk", None) else _label(actor), action=AuditAction.EVALUATION_RUN,
            region_code=PROVINCE, subject_type="evaluation_run", subject_id=run.pk,
            after={"year": year, "level": level, "period_to": until.isoformat(), "regions": len(rows),
                   "weights": run.weights, "fingerprint": run.fingerprint},
        )  # fmt: skip
    return run


def record_export(*, actor, run: Run, fmt: str, rows: int, region_code: str) -> None:
    """An export of a run's report (Excel or PDF) is audited: who, which run, how many rows of which scope."""
    with transaction.atomic():
        record_audit(
            actor=actor if getattr(actor, "pk", None) else _label(actor), action=AuditAction.EVALUATION_EXPORT,
            region_code=region_code, subject_type="evaluation_run", subject_id=run.pk,
            after={"format": fmt, "rows": rows, "year": run.year, "level": run.level},
        )  # fmt: skip

"""Supervision of the warning loop (DOMAIN R-S1, issue item 8): reads, always region-scoped.

For one region of the user's subtree: warnings by cause, level and status; the on-time verification
rate (``verified_on`` ≤ ``deadline`` among the verified); the overdue list (open, not verified, past the
deadline); the disposition mix; and the drill-down one level down (province → city → county →
township), each level aggregated with ONE ``GROUP BY`` over the region-code prefix of the child level.
The scoped managers apply the user's scope on top of the region asked for, so a township user sees
only their own numbers whatever they ask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import Substr

from doudi.core.scoping import prefix_of
from doudi.monitoring.models import Disposition, EarlyWarning, Indicator, WarningLevel
from doudi.regions.models import Region

PREFIX_LEN = {"province": 2, "city": 4, "county": 6, "township": 9}
CHILD = {"province": "city", "city": "county", "county": "township"}
OVERDUE_SHOWN = 100


def open_q() -> Q:
    return Q(is_open=True)


def overdue_q(today: dt.date) -> Q:
    return Q(is_open=True, verified_on__isnull=True, deadline__lt=today)


def _counts(today: dt.date) -> dict:
    return {
        "total": Count("id"),
        "open": Count("id", filter=open_q()),
        "red": Count("id", filter=Q(level=WarningLevel.RED)),
        "verified": Count("id", filter=Q(verified_on__isnull=False)),
        "on_time": Count("id", filter=Q(verified_on__isnull=False, verified_on__lte=F("deadline"))),
        "overdue": Count("id", filter=overdue_q(today)),
    }


def rate(on_time: int, verified: int) -> float | None:
    return round(100.0 * on_time / verified, 1) if verified else None


@dataclass
class Overview:
    region: Region
    today: dt.date
    totals: dict
    by_indicator: list[dict]
    by_level: list[dict]
    by_status: list[dict]
    dispositions: list[dict]
    children: list[dict] = field(default_factory=list)
    child_level: str | None = None
    overdue: list[EarlyWarning] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.totals["on_time"], self.totals["verified"])

    def chart(self) -> dict:
        """Data of the page's charts (json_script → static/monitoring/supervision.js)."""
        levels = [lv for lv, _ in WarningLevel.choices]
        return {
            "causes": [r["label"] for r in self.by_indicator],
            "levels": [
                {
                    "name": dict(WarningLevel.choices)[lv],
                    "key": lv,
                    "data": [r["levels"].get(lv, 0) for r in self.by_indicator],
                }
                for lv in levels
            ],  # fmt: skip
            "status": [{"name": r["label"], "value": r["n"]} for r in self.by_status],
            "dispositions": [{"name": r["label"], "value": r["n"]} for r in self.dispositions],
            "children": {
                "names": [c["name"] for c in self.children],
                "open": [c["open"] for c in self.children],
                "overdue": [c["overdue"] for c in self.children],
            },
        }


def warnings_in(region_code: str):
    """Warnings of the region's subtree, within the current scope (the scoped manager)."""
    return EarlyWarning.objects.filter(region_code__startswith=prefix_of(region_code))


def overview(region: Region, today: dt.date) -> Overview:
    qs = warnings_in(region.code)
    totals = qs.aggregate(**_counts(today))
    labels = dict(Indicator.choices)
    per: dict[str, dict] = {}
    for row in qs.values("indicator", "level").annotate(n=Count("id"), open=Count("id", filter=open_q())):
        entry = per.setdefault(row["indicator"], {"indicator": row["indicator"], "label": labels.get(row["indicator"],
                                                  row["indicator"]), "n": 0, "open": 0, "levels": {}})  # fmt: skip
        entry["n"] += row["n"]
        entry["open"] += row["open"]
        entry["levels"][row["level"]] = row["n"]
    order = list(labels)
    by_indicator = sorted(
        per.values(), key=lambda r: order.index(r["indicator"]) if r["indicator"] in order else 99
    )
    level_labels, status_labels = dict(WarningLevel.choices), dict(EarlyWarning.Status.choices)
    lv = dict(qs.values_list("level").annotate(n=Count("id")))
    st = dict(qs.values_list("status").annotate(n=Count("id")))
    kinds = dict(Disposition.Kind.choices)
    disp = dict(Disposition.objects.filter(warning__in=qs).values_list("kind").annotate(n=Count("id")))
    out = Overview(
        region=region,
        today=today,
        totals=totals,
        by_indicator=by_indicator,
        by_level=[{"level": k, "label": level_labels[k], "n": lv.get(k, 0)} for k in level_labels],
        by_status=[{"status": k, "label": status_labels[k], "n": st.get(k, 0)} for k in status_labels],
        dispositions=[{"kind": k, "label": kinds[k], "n": disp.get(k, 0)} for k in kinds],
    )
    out.child_level = CHILD.get(region.level)
    if out.child_level:
        out.children = children_rows(region, out.child_level, today)
    out.overdue = list(
        qs.filter(overdue_q(today))
        .select_related("household", "potential_case")
        .order_by("deadline", "id")[:OVERDUE_SHOWN]
    )
    return out


def children_rows(region: Region, child_level: str, today: dt.date) -> list[dict]:
    """One row per child region (zeros included), from ONE grouped query over the code prefixes."""
    n = PREFIX_LEN[child_level]
    grouped = {
        row["prefix"]: row
        for row in warnings_in(region.code)
        .annotate(prefix=Substr("region_code", 1, n))
        .values("prefix")
        .annotate(**_counts(today))
    }
    rows = []
    empty = {k: 0 for k in ("total", "open", "red", "verified", "on_time", "overdue")}
    for child in Region.objects.filter(parent_id=region.code).order_by("code"):
        counts = grouped.get(child.code[:n], empty)
        rows.append({"code": child.code, "name": child.name, **{k: counts[k] for k in empty},
                     "on_time_rate": rate(counts["on_time"], counts["verified"])})  # fmt: skip
    return rows

"""The dashboards' reads (DOMAIN R-S1): a region's figures summed from the cells under its code prefix.

Every read takes the user and the region asked for; a region outside the user's subtree (or unknown) is
``Http404`` — pages and the API turn it into 404, never revealing whether the region exists. The cells are
read through the scoped manager, so the user's scope holds on top of the region asked for. A page is two
grouped queries over the cells, whatever the data's size: the region's cells by topic, month and dimension,
and the children's by child prefix (province and city pages: by county, which gives the map too, summed up
to the cities). Province and city pages read the county cells, county and township pages the township cells.

Called outside a request (the benchmark, a shell), wrap the call in ``core.scoping.using_scope(user_scope(user))``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone

from doudi.core.scoping import LEVEL_PREFIX_LEN, is_within, prefix_of
from doudi.dashboards import figures
from doudi.dashboards.build import TOPICS
from doudi.dashboards.models import Build, Cell
from doudi.regions.models import CHILD_LEVEL, Level, Region
from doudi.regions.queries import ancestors, find_region, regions_by_codes

LEVELS_WITH_CHILDREN = ("province", "city", "county")  # the drill-down stops at the township
MAX_MONTHS = 120


@dataclass
class Overview:
    region: Region
    date_from: dt.date
    date_to: dt.date
    built_at: dt.datetime | None
    as_of: dt.date | None
    topics: dict[str, figures.Topic]
    totals: dict[str, int]
    child_level: str | None = None
    children: list[dict] = field(default_factory=list)
    counties: dict[str, dict[str, int]] = field(default_factory=dict)  # 6-digit code → indicators (map)
    crumbs: list[Region] = field(default_factory=list)

    def chart(self) -> dict:
        """The data of the page's charts and map (json_script → static/dashboards/dashboards.js)."""
        return {
            "topics": [t.chart_data() for t in self.topics.values()],
            "indicators": [{"key": k, "name": n, "unit": u} for k, (n, u) in figures.INDICATORS.items()],
            "counties": self.counties,
            "map": self.region.level in ("province", "city"),
            "prefix": prefix_of(self.region.code),
        }


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last 12 months, this one included."""
    today = today or timezone.localdate()
    year, month = today.year, today.month - 11
    if month <= 0:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1), today


def region_for(user, code: str | None) -> Region:
    """The region asked for, within the user's subtree; anything else is 404 (existence is not leaked)."""
    own = user.region
    if own is None:
        raise Http404("未设置管辖区划")
    region = find_region((code or "").strip() or own.code)
    if region is None or not is_within(region.code, own.code):
        raise Http404("该区划不在您的管辖范围内")
    return region


def clean_range(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    default_from, default_to = default_range()
    date_from, date_to = date_from or default_from, date_to or default_to
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    if (date_to.year - date_from.year) * 12 + date_to.month - date_from.month >= MAX_MONTHS:
        date_from = date_to.replace(year=date_to.year - MAX_MONTHS // 12, day=1)
    return date_from, date_to


def grain_for(region: Region) -> str:
    """A region's own figures are its own grain's cells (one region's worth of rows)."""
    return str(region.level)


# the map and the children: province and city pages read the county indicator cells (``actions._roll_ups``)
CHILD_GRAIN = {"province": "kpi", "city": "kpi", "county": "township"}


def _cells(region: Region, date_from: dt.date, date_to: dt.date, grain: str | None = None):
    """The region's cells in the range; ``people`` is a count of today, whatever the range. The subtree is a
    code range (digits only: ``22`` ≤ code < ``23``), which a plain B-tree index serves on either database."""
    prefix = prefix_of(region.code)
    upper = str(int(prefix) + 1).zfill(len(prefix))
    months = Q(month__gte=date_from.replace(day=1), month__lte=date_to)
    return Cell.objects.filter(
        grain=grain or grain_for(region), region_code__gte=prefix, region_code__lt=upper
    ).filter(Q(topic="people") | months)


def region_rows(region: Region, date_from: dt.date, date_to: dt.date, topics=TOPICS) -> list[dict]:
    qs = _cells(region, date_from, date_to).filter(topic__in=topics)
    return list(qs.values("topic", "month", "d1", "d2", "d3").annotate(n=Sum("n"), amount=Sum("amount"))
                .order_by())  # fmt: skip


def _indicators_sql(kpi: bool) -> dict:
    """The child table's indicators as conditional sums (``figures.indicator_values`` in SQL): one row per child.
    In the indicator cells (``kpi``) the overdue flag is ``d1`` whatever the topic."""
    n = lambda **q: Coalesce(Sum("n", filter=Q(**q)), 0)  # noqa: E731
    flag = lambda own: "d1" if kpi else own  # noqa: E731
    return {
        "people": n(topic="people"),
        "applications": n(topic="applications"),
        "deadlines_overdue": n(topic="deadlines", **{flag("d2"): "overdue"}),
        "warnings": n(topic="warnings"),
        "warnings_overdue": n(topic="warnings", d1="overdue"),
        "exits": n(topic="exits"),
        "needs_overdue": n(topic="needs", **{flag("d2"): "overdue"}),
        "paid": Coalesce(Sum("amount", filter=Q(topic="payments")), 0),
        "complaints": n(topic="complaints"),
        "complaints_overdue": n(topic="complaints", **{flag("d2"): "overdue"}),
    }


def by_prefix(region: Region, length: int, date_from: dt.date, date_to: dt.date) -> dict[str, dict[str, int]]:
    """Indicators per sub-region (code prefix of ``length``) from one grouped query over the children's grain."""
    grain = CHILD_GRAIN[region.level]
    rows = (
        _cells(region, date_from, date_to, grain=grain)
        .annotate(sub=Substr("region_code", 1, length))
        .values("sub")
        .annotate(**_indicators_sql(grain == "kpi"))
        .order_by()
    )
    return {r.pop("sub"): {k: int(r[k]) for k in figures.INDICATORS} for r in rows}


def crumbs(region: Region, own: Region) -> list[Region]:
    codes = [c for c in reversed(ancestors(region.code)) if is_within(c, own.code)]
    return regions_by_codes(codes)


def built() -> Build | None:
    return Build.objects.filter(key="all").first()


def overview(user, region_code: str | None, date_from: dt.date | None = None, date_to: dt.date | None = None,
             *, with_map: bool = True) -> Overview:  # fmt: skip
    """Every topic of one region of the user's subtree, its children (one level down) and, for a province or
    city, its counties for the map."""
    region = region_for(user, region_code)
    date_from, date_to = clean_range(date_from, date_to)
    months = figures.months_between(date_from, date_to)
    rows = region_rows(region, date_from, date_to)
    b = built()
    out = Overview(
        region=region,
        date_from=date_from,
        date_to=date_to,
        built_at=b.built_at if b else None,
        as_of=b.as_of if b else None,
        topics=figures.topics(rows, months),
        totals=figures.indicator_values(rows),
        crumbs=crumbs(region, user.region),
    )
    if region.level in ("province", "city"):
        # one grouped query per county serves both the map and the children (cities or counties)
        counties = by_prefix(region, LEVEL_PREFIX_LEN["county"], date_from, date_to)
        if with_map:
            out.counties = counties
    else:
        counties = None
    if region.level in LEVELS_WITH_CHILDREN:
        out.child_level = str(CHILD_LEVEL[Level(region.level)])
        out.children = children(region, out.child_level, date_from, date_to, counties)
    return out


def _roll_up(values: dict[str, dict[str, int]], length: int) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for code, v in values.items():
        into = out.setdefault(code[:length], dict.fromkeys(figures.INDICATORS, 0))
        for k, n in v.items():
            into[k] += n
    return out


def children(region: Region, child_level: str, date_from: dt.date, date_to: dt.date,
             counties: dict[str, dict[str, int]] | None = None) -> list[dict]:  # fmt: skip
    """One row per child region (zeros included); what lies under the region but under none of its children
    (a record kept at the county itself) is one more row, so the rows always add up to the region."""
    n = LEVEL_PREFIX_LEN[child_level]
    values = _roll_up(counties, n) if counties is not None else by_prefix(region, n, date_from, date_to)
    empty = dict.fromkeys(figures.INDICATORS, 0)
    rows = []
    for child in Region.objects.filter(parent_id=region.code).order_by("code"):
        rows.append({"code": child.code, "name": child.name, "values": values.pop(child.code[:n], empty)})
    if values:
        rest = {k: sum(v[k] for v in values.values()) for k in empty}
        rows.append({"code": "", "name": "未落到下级区划", "values": rest})
    return rows


def topic(user, region_code: str | None, key: str, date_from: dt.date | None = None,
          date_to: dt.date | None = None) -> tuple[Region, figures.Topic, list[dict]]:  # fmt: skip
    """One topic of one region, with its children's indicators (the API's and the benchmark's per-topic read)."""
    if key not in TOPICS:
        raise Http404("未知的统计主题")
    region = region_for(user, region_code)
    date_from, date_to = clean_range(date_from, date_to)
    months = figures.months_between(date_from, date_to)
    rows = region_rows(region, date_from, date_to, topics=(key,))
    fig = figures.topics(rows, months)[key]
    kids: list[dict] = []
    if region.level in LEVELS_WITH_CHILDREN:
        kids = children(region, str(CHILD_LEVEL[Level(region.level)]), date_from, date_to)
    return region, fig, kids

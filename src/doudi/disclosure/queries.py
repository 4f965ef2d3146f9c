"""Reads of disclosure (CASEWORK §9). The public reads are the same for everyone (no login, no scope): they
address a region by its division code and read only what was published — the office guide, the standards
in force, the running notices, the published recipient list and figures; a code that is not a Jilin county
or township is ``None`` (the views answer 404). The staff reads are scoped to the officer's region."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from doudi.casework import queries as casework_queries
from doudi.core.scoping import is_within
from doudi.disclosure import guide_defaults
from doudi.disclosure.models import OfficeGuide, PublishedList, PublishedRecipient, PublishedStat
from doudi.disclosure.suppress import suppress_table
from doudi.payments.models import Programme
from doudi.policy import params_store
from doudi.policy.rules.params import ParameterError
from doudi.regions.models import Region

PUBLIC_LEVELS = ("county", "township")
PAGE_SIZE = 200


def public_region(code: str) -> Region | None:
    """A Jilin county or township by its 12-digit code; anything else (a village, a city, another
    province, a malformed code) is None."""
    if not (isinstance(code, str) and len(code) == 12 and code.isdigit() and code.startswith("22")):
        return None
    return Region.objects.filter(code=code, level__in=PUBLIC_LEVELS).first()


def county_of(region: Region) -> Region:
    if region.level == "county":
        return region
    return Region.objects.get(code=region.code[:6].ljust(12, "0"))


def index() -> list[dict]:
    """Cities with their counties (the public index)."""
    rows = list(
        Region.objects.filter(level__in=("city", "county")).order_by("code").values("code", "name", "level")
    )
    cities: list[dict] = []
    for r in rows:
        if r["level"] == "city":
            cities.append({**r, "counties": []})
        elif cities and r["code"].startswith(cities[-1]["code"][:4]):
            cities[-1]["counties"].append(r)
    return [c for c in cities if c["counties"]]


def townships(county: Region) -> list[Region]:
    return list(Region.objects.filter(level="township", code__startswith=county.code[:6]).order_by("code"))


def guide(region: Region) -> dict:
    """The office guide shown for the region: its own text, else (township) the county's, else the default."""
    county = county_of(region)
    rows = {g.region_code: g for g in OfficeGuide.unscoped.filter(region_code__in={region.code, county.code})}
    own, parent = rows.get(region.code), rows.get(county.code) if region.level == "township" else None
    base = guide_defaults.defaults(region.name, county.name, region.level)
    out: dict = {}
    for field in guide_defaults.FIELDS:
        value = getattr(own, field, "") if own else ""
        if not value and parent is not None and field in ("phone", "complaint_phone", "complaint_address"):
            value = getattr(parent, field, "")
        out[field] = value or base[field]
    out["updated_at"] = own.updated_at if own else None
    return out


def _yuan(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def standards(region: Region, on: dt.date) -> list[dict]:
    """The standards in force on ``on`` for the region (R-PUB1): dibao, TEKUN basic living and care, the
    top-ups — city and countryside, in yuan per person and month, from the parameters."""
    by_area = {area: params_store.provider(region.code, area, on) for area in ("urban", "rural")}

    def row(label: str, compute) -> dict | None:
        try:
            values = {area: _yuan(compute(p)) for area, p in by_area.items()}
        except (ParameterError, KeyError, ArithmeticError):
            return None
        return {"label": label, "urban": values["urban"], "rural": values["rural"]}

    def s(p) -> Decimal:
        return p.dibao_standard

    specs = [
        ("最低生活保障标准", s),
        ("特困人员基本生活标准", lambda p: p.decimal("tekun_basic_multiple") * s(p)),
        (
            "特困人员照料护理标准（全护理）",
            lambda p: p.decimal("tekun_care_share.full") * p.decimal("min_wage.monthly"),
        ),
        (
            "特困人员照料护理标准（半护理）",
            lambda p: p.decimal("tekun_care_share.partial") * p.decimal("min_wage.monthly"),
        ),
        (
            "特困人员照料护理标准（全自理）",
            lambda p: p.decimal("tekun_care_share.self") * p.decimal("min_wage.monthly"),
        ),
        ("低保对象重病患者增发", lambda p: p.decimal("topup.serious_illness") * s(p)),
        ("低保对象重度残疾人增发", lambda p: p.decimal("topup.severe_disability") * s(p)),
        ("低保对象70周岁以上老年人增发", lambda p: p.decimal("topup.elderly_70") * s(p)),
        ("低保对象未成年人增发", lambda p: p.decimal("topup.minor") * s(p)),
    ]
    return [r for r in (row(label, fn) for label, fn in specs) if r is not None]


def min_cell(region: Region, on: dt.date) -> int:
    try:
        return int(params_store.provider(region.code, "urban", on).decimal("disclosure.min_cell"))
    except (ParameterError, KeyError, ArithmeticError):
        return 5


def notices(region: Region) -> list:
    """Running notices of a township (casework's, exempt ones never: R-PUB2, R-PUB3)."""
    if region.level != "township":
        return []
    return casework_queries.public_notices(region.code)


def latest_list(region: Region) -> PublishedList | None:
    return PublishedList.unscoped.filter(region_code=county_of(region).code).order_by("-month").first()


def recipients(region: Region, page: int) -> dict | None:
    """One page of the region's published recipient list, or None when the page does not exist (page 1 of
    an empty list exists). Never ids: the rows carry only what R-PUB5 names."""
    published = latest_list(region)
    if published is None:
        return {"published": None, "rows": [], "page": 1, "pages": 1, "total": 0} if page == 1 else None
    prefix = region.code[:9] if region.level == "township" else region.code[:6]
    rows = PublishedRecipient.unscoped.filter(month=published.month, region_code__startswith=prefix)
    total = rows.count()
    pages = max(1, -(-total // PAGE_SIZE))
    if page < 1 or page > pages:
        return None
    values = rows.order_by("region_code", "id").values(
        "programme", "name", "household_size", "amount", "place"
    )[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    labels = dict(Programme.choices)
    out = [{**v, "programme": labels.get(v["programme"], "")} for v in values]
    return {"published": published, "rows": out, "page": page, "pages": pages, "total": total}


STAT_COLUMNS = (
    ("households.DIBAO", "低保户数"),
    ("persons.DIBAO", "低保人数"),
    ("amount.DIBAO", "低保金（元）"),
    ("households.TEKUN", "特困人数"),
    ("amount.TEKUN", "特困供养金（元）"),
    ("applications", "受理申请"),
    ("confirmed", "审核确认"),
    ("refused", "不予确认"),
    ("on_time", "按时办结"),
    ("exits", "终止救助"),
    ("transitions", "转入其他类别"),
)
# which count protects each column: an amount or a person count is shown only when its household count is
COUNT_OF = {
    "persons.DIBAO": "households.DIBAO",
    "amount.DIBAO": "households.DIBAO",
    "amount.TEKUN": "households.TEKUN",
}
# figures of a moment (recipients at a month's roster): a year shows its last published month; the others
# are flows (amounts paid, applications, decisions) and add up over the year's published months
STOCK = ("households.", "persons.")


def stat_years(region: Region) -> list[int]:
    """The years with published figures for the region's county, newest first."""
    months = PublishedStat.unscoped.filter(region_code__startswith=county_of(region).code[:6]).dates(
        "month", "year", order="DESC"
    )
    return [m.year for m in months]


def statistics(region: Region, on: dt.date, year: int | None = None) -> dict | None:
    """The published month's figures (or a year's, ``year``: flows summed over its published months, the
    recipients of its last one) per township of the county (or the one township), small cells suppressed
    (R-PUB6, ``disclosure.min_cell``); exempt cases counted."""
    county = county_of(region)
    stats = PublishedStat.unscoped.filter(region_code__startswith=county.code[:6])
    if year is None:
        published = latest_list(region)
        if published is None:
            return None
        months = [published.month]
    else:
        months = sorted(stats.filter(month__year=year).dates("month", "month"))
        if not months:
            return None
    values: dict[str, dict[str, int]] = {}
    for code, key, value, month in stats.filter(month__in=months).values_list(
        "region_code", "key", "value", "month"
    ):
        if key.startswith(STOCK) and month != months[-1]:
            continue
        row = values.setdefault(code, {})
        row[key] = row.get(key, 0) + int(value)
    names = dict(Region.objects.filter(code__in=values).values_list("code", "name"))
    keys = [k for k, _ in STAT_COLUMNS]
    table = suppress_table(values, keys, COUNT_OF, min_cell(region, on))
    labels = [label for _, label in STAT_COLUMNS]
    rows = [
        {
            "code": c,
            "name": names.get(c, ""),
            "cells": list(zip(labels, [table["cells"][c][k] for k in keys], strict=True)),
        }
        for c in sorted(values)
    ]
    if region.level == "township":
        rows = [r for r in rows if r["code"] == region.code]
    last = months[-1]
    return {
        "month": last,
        "year": year,
        "period": f"{year}年（{months[0].month}—{last.month}月）" if year else f"{last.year}年{last.month}月",
        "columns": [label for _, label in STAT_COLUMNS],
        "rows": rows,
        "total": list(zip(labels, [table["total"][k] for k in keys], strict=True))
        if region.level == "county"
        else None,
        "min_cell": table["min_cell"],
    }


# --- staff reads (scoped) -----------------------------------------------------------------------------


def editable_regions(user) -> list[Region]:
    """The county and townships whose guide the officer edits: their own county's (an administrator: none
    listed, they open a region by code)."""
    region = user.region
    if region is None or region.level not in PUBLIC_LEVELS:
        return []
    county = county_of(region)
    return [county, *townships(county)]


def may_edit(user, region: Region) -> bool:
    """County officers edit inside their county; the administrator anywhere (R-S5 scope)."""
    if not user.can("disclosure.write") or user.region_id is None:
        return False
    return is_within(region.code, user.region.code)


def stored_guide(region: Region) -> OfficeGuide | None:
    return OfficeGuide.objects.filter(region_code=region.code).first()


def county_lists(county: Region, limit: int = 12) -> list[PublishedList]:
    return list(PublishedList.objects.filter(region_code=county.code).order_by("-month")[:limit])

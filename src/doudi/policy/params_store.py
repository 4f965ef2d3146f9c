"""The parameter store (DOMAIN §4): dated per-region rows in ``ParameterValue``, resolved by the pure
``rules.resolve_parameters``.

Reads only; every write (baseline load, approved proposals) is in ``policy.actions``. Parameters are
policy reference data, not region-owned: any staff user may read them for any region.

``active_rows()`` is cached per process. The cache is keyed by a cheap fingerprint of the table
(count, highest id and latest creation time of the active rows): every change the actions make
inserts at least one row,
so another process's approval is seen on the next read; the approving process also clears the cache
when its transaction commits.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from decimal import Decimal

from django.db.models import Count, Max

from doudi.policy.models import ParameterValue
from doudi.policy.rules import (
    Parameters,
    ParamRow,
    UnknownRegionError,
    load_baseline_rows,
    normalize_region_code,
    region_ancestry,
    resolve_parameters,
)
from doudi.policy.rules.params import FLOOR_NOTE, SPECS, ParameterError
from doudi.regions.models import Region
from doudi.registry.labels import DISABILITY_KIND_ZH
from doudi.registry.models import AreaType

AREA_LABELS: dict[str | None, str] = {**dict(AreaType.choices), None: "城乡通用"}
UNIT_LABELS = {
    "yuan/month": "元/人·月",
    "yuan/year": "元/年",
    "yuan": "元",
    "ratio": "比例/倍数",
    "months": "月",
    "count": "个/套",
    "enum": "选项",
    "grade_map": "类别:等级",
    "working_days": "工作日",
    "days": "天",
    "day": "日（每月）",
    "households": "户",
}
# Chinese readings of coded parameter values (enum choices, the disability grade map)
ENUM_VALUE_LABELS = {
    "true": "启用",
    "false": "停用",
    "red": "红色",
    "orange": "橙色",
    "yellow": "黄色",
    "keep": "按原金额发放",
    "capped": "按新家庭人口封顶",
    "month_of_death": "发放至死亡当月",
    "month_after": "发放至死亡次月",
    "highest": "取最高一项",
    "sum": "累加",
}
_RESOLVED_MAX = 4096


def value_label(value, unit: str | None) -> str:
    """A stored parameter value as a reader sees it: enum choices and the grade map in Chinese
    (``intellectual:3,physical:1`` → ``智力1–3级、肢体1级``), numbers as stored."""
    text = "" if value is None else str(value)
    if unit == "enum":
        return ENUM_VALUE_LABELS.get(text, text)
    if unit == "grade_map" and text:
        parts = []
        for item in text.split(","):
            kind, _, grade = item.strip().partition(":")
            label = DISABILITY_KIND_ZH.get(kind, kind)
            parts.append(f"{label}1级" if grade == "1" else f"{label}1–{grade}级")
        return "、".join(parts)
    return text


_lock = threading.Lock()
_cache: dict[str, object] = {"fingerprint": None, "rows": [], "resolved": OrderedDict()}
_known_regions: set[str] = set()


def _fingerprint() -> tuple:
    agg = ParameterValue.objects.filter(status=ParameterValue.Status.ACTIVE).aggregate(
        n=Count("id"), last=Max("id"), at=Max("created_at")
    )
    return agg["n"], agg["last"], agg["at"]


def _row(pv: ParameterValue) -> ParamRow:
    return ParamRow(
        key=pv.key,
        region_code=pv.region_code,
        area_type=pv.area_type or None,
        value=pv.value,
        unit=pv.unit,
        effective_from=pv.effective_from,
        effective_to=pv.effective_to,
        source=pv.source,
        unverified=pv.unverified,
        floor=pv.floor,
    )


def clear_cache() -> None:
    """Forget the cached rows (called by the actions when parameters change, on commit)."""
    with _lock:
        _cache["fingerprint"] = None
        _cache["rows"] = []
        _cache["resolved"] = OrderedDict()


def active_rows() -> list[ParamRow]:
    """Every active parameter row, as the pure rules' ``ParamRow`` (cached; see module docstring)."""
    fp = _fingerprint()
    with _lock:
        if _cache["fingerprint"] == fp:
            return _cache["rows"]  # type: ignore[return-value]
    # the resolver keeps the first of two equally ranked rows: the newest entered comes first, so that the
    # choice never depends on the database's row order (PostgreSQL's changes after updates)
    active = ParameterValue.objects.filter(status=ParameterValue.Status.ACTIVE)
    rows = [_row(pv) for pv in active.order_by("key", "region_code", "effective_from", "-pk")]
    with _lock:
        _cache.update(fingerprint=fp, rows=rows, resolved=OrderedDict())
    return rows


def ancestry(region_code: str) -> list[str]:
    """12-digit codes from the region up to the province (codes nest by prefix, checked on insert)."""
    return region_ancestry(region_code)


def provider(region12: str, area_type: str, as_of: dt.date) -> Parameters:
    """The ``params_provider`` of ``rules.assess`` backed by the database rows."""
    rows = active_rows()
    try:
        key = (normalize_region_code(region12), area_type, as_of)
    except (ValueError, AttributeError):
        raise UnknownRegionError(str(region12 or "")) from None
    with _lock:
        resolved: OrderedDict = _cache["resolved"]  # type: ignore[assignment]
        hit = resolved.get(key)
        if hit is not None and _cache["rows"] is rows:
            resolved.move_to_end(key)
            return hit
    params = resolve_parameters(rows, ancestry(key[0]), area_type, as_of)
    with _lock:
        if _cache["rows"] is rows:
            resolved = _cache["resolved"]  # type: ignore[assignment]
            resolved[key] = params
            if len(resolved) > _RESOLVED_MAX:
                resolved.popitem(last=False)
    return params


def value_or_default(
    key: str, defaults: dict[str, Decimal], *, region_code: str, on: dt.date, area_type: str = "urban"
) -> Decimal:
    """The value of ``key`` in force for the region (any code length) and date, or ``defaults[key]`` — the
    documented default — when no row is loaded for it or the region is unknown (an app's own parameters)."""
    try:
        got = provider(str(region_code).ljust(12, "0"), area_type or "urban", on).entry(key).value
        return Decimal(str(got))
    except (UnknownRegionError, ParameterError, ArithmeticError, ValueError):
        return defaults[key]


def region_exists(region12: str) -> bool:
    """Is the code a region of the division tree? (Positive answers are cached: regions are never deleted.)"""
    code = str(region12).ljust(12, "0")
    if code in _known_regions:
        return True
    if Region.objects.filter(code=code).exists():
        _known_regions.add(code)
        return True
    return False


def baseline_rows() -> tuple[ParamRow, ...]:
    return load_baseline_rows()


def _region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _entry(
    row: ParamRow | ParameterValue, *, region_code: str, names: dict[str, str], note: str = ""
) -> dict:
    spec = SPECS.get(row.key)
    unit = row.unit or (spec.unit if spec else "")
    area = getattr(row, "area_type", None) or None
    return {
        "key": row.key,
        "label": spec.label_zh if spec else row.key,
        "assessment": bool(spec and spec.assessment),
        "area_type": area,
        "area_label": AREA_LABELS.get(area, area),
        "value": row.value,
        "value_label": value_label(row.value, unit),
        "unit": unit,
        "unit_label": UNIT_LABELS.get(unit, unit),
        "effective_from": row.effective_from,
        "effective_to": row.effective_to,
        "source": row.source,
        "unverified": row.unverified,
        "floor": row.floor,
        "note": note or (FLOOR_NOTE if row.floor else ""),
        "region_code": row.region_code,
        "region_name": names.get(row.region_code, row.region_code),
        "inherited": row.region_code != region_code,
    }


def parameters_in_force(region_code: str, as_of: dt.date) -> list[dict]:
    """The parameters in force for a region on a date, each with its value, unit, source, effective
    dates and the region it is inherited from. A key whose urban and rural values come from different
    rows is listed once per area type. Ordered as the key registry, then other keys."""
    region12 = normalize_region_code(region_code)
    rows = active_rows()
    chain = ancestry(region12)
    by_area = {area: resolve_parameters(rows, chain, area, as_of) for area in ("urban", "rural")}
    names = _region_names(set(chain))
    order = {k: i for i, k in enumerate(SPECS)}
    keys = sorted(
        set(by_area["urban"].entries) | set(by_area["rural"].entries), key=lambda k: (order.get(k, 999), k)
    )
    out: list[dict] = []
    for key in keys:
        urban, rural = by_area["urban"].entries.get(key), by_area["rural"].entries.get(key)
        same = (
            urban is not None
            and rural is not None
            and (urban.region_code, urban.area_type, urban.effective_from)
            == (rural.region_code, rural.area_type, rural.effective_from)
        )
        picks = [v for v in (urban, rural) if v is not None]
        if same:
            picks = picks[:1]  # urban
        for pv in picks:
            row = ParamRow(
                key=key,
                region_code=pv.region_code or region12,
                area_type=pv.area_type,
                value=pv.value_text(),
                unit=pv.unit,
                effective_from=pv.effective_from,  # type: ignore[arg-type]
                effective_to=pv.effective_to,
                source=pv.source,
                unverified=pv.unverified,
                floor=pv.floor,
            )
            out.append(_entry(row, region_code=region12, names=names, note=pv.note_zh()))
    return out


def history(region_code: str, key: str) -> list[dict]:
    """Every stored row of ``key`` for the region and its ancestors (active and retired), most specific
    region first, newest first within a region; with the proposal that created each row."""
    region12 = normalize_region_code(region_code)
    chain = ancestry(region12)
    rank = {c: i for i, c in enumerate(chain)}
    rows = list(ParameterValue.objects.filter(key=key, region_code__in=chain).select_related("proposal"))
    rows.sort(key=lambda r: (rank[r.region_code], r.area_type or "", -r.effective_from.toordinal()))
    names = _region_names(set(chain))
    out = []
    for pv in rows:
        entry = _entry(pv, region_code=region12, names=names)
        entry.update(
            id=pv.pk,
            status=pv.status,
            status_label=pv.get_status_display(),
            proposal_id=pv.proposal_id,
            reason=pv.proposal.reason if pv.proposal is not None else "",
            created_at=pv.created_at,
        )
        out.append(entry)
    return out


def keys() -> list[tuple[str, str]]:
    """(key, Chinese label) of every key a proposal may change."""
    return [(k, s.label_zh) for k, s in SPECS.items()]

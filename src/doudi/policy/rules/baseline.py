"""Dated per-region parameter rows, the Jilin baseline, region ancestry and the resolver (DOMAIN §4).

A row is ``{key, region_code, area_type, value, unit, effective_from, effective_to, source, unverified, floor}``;
``floor`` marks a province minimum guidance standard (省定最低指导标准) standing in for a county's own figure.
The baseline ships as ``jilin_baseline.json`` in this package; the Django parameter store keeps the same
rows in the database and calls the same ``resolve_parameters``.

Resolution of one key for (ancestry, area type, date D):

1. keep the rows effective on D (``effective_from <= D <= effective_to``, an empty ``effective_to`` is
   open-ended) whose region is in the ancestry and whose ``area_type`` is empty or equals the household's;
2. the most specific region wins (township → county → city → province);
3. within that region an area-specific row beats an area-neutral one, then the latest ``effective_from``,
   then a local figure beats a province floor of the same date (a floor published later than the local
   figure is the better lower bound: the county must have raised its standard to it).

A more specific region's row that is not effective on D therefore falls back to its parent's row.

Two refinements:

- ``min_wage.monthly`` is "the previous year's local minimum wage" (DOMAIN R-B3): it is resolved on
  31 December of the year before D, so a tier that changed on 2024-10-01 counts from 2025.
- A key with no row effective on D but rows that start after D (D predates the first known figure) falls
  back to the earliest of those rows, flagged ``before_first`` so that every page and decision warns.

The region must be one of the province: an empty ancestry or a code outside the province raises
``UnknownRegionError`` (a ``ParameterError``), never an ``IndexError``; a well-formed code of the province
whose county is missing from the tree (an obsolete county code) resolves through its city and the
province, whose dibao and minimum-wage rows are the lowest published tier flagged as province floors.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from doudi.policy.rules import codes
from doudi.policy.rules.params import SPECS, ParameterError, Parameters, ParamValue, parse_value

PROVINCE_CODE = "220000000000"
PROVINCE_PREFIX = PROVINCE_CODE[:2]
# Keys that hold last year's figure: resolved on 31 December of the year before the assessment date.
PREVIOUS_YEAR_KEYS = frozenset({"min_wage.monthly"})


class UnknownRegionError(ParameterError):
    """The region is not one of the province: no parameters apply to it (DOMAIN §4).

    Raised by ``resolve_parameters`` / ``baseline_parameters`` for an empty, malformed or out-of-province
    region code (an identity number registered in another province); callers handling a batch catch it
    per record. ``key`` is ``"region"``; ``region_code`` is the offending code (may be empty).
    """

    def __init__(self, region_code: str):
        shown = region_code or "（空）"
        super().__init__(f"行政区划代码 {shown} 不属于吉林省区划，无法确定适用的政策参数", "region")
        self.region_code = region_code


@dataclass(frozen=True, slots=True)
class ParamRow:
    key: str
    region_code: str
    area_type: str | None
    value: str
    unit: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    unverified: bool
    floor: bool = False  # a province minimum guidance standard (省定最低指导标准), not the local figure

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> ParamRow:
        """Build and validate a row from JSON/DB data; raises ``ParameterError``."""
        key = str(data.get("key") or "")
        if not key:
            raise ParameterError("参数行缺少 key", "key")
        area = data.get("area_type")
        if area not in (None, *codes.AREA_TYPES):
            raise ParameterError(f"参数 {key} 的 area_type 无效：{area!r}", key)
        try:
            region = normalize_region_code(str(data.get("region_code")))
            start = _date(data["effective_from"])
            end = _date(data["effective_to"]) if data.get("effective_to") else None
        except (KeyError, TypeError, ValueError) as exc:
            raise ParameterError(f"参数 {key} 的行无效：{exc}", key) from None
        if end is not None and end < start:
            raise ParameterError(f"参数 {key} 的 effective_to 早于 effective_from", key)
        raw = data.get("value")
        parse_value(key, raw)  # validate early: a bad row should fail when loaded, not when used
        spec = SPECS.get(key)
        return cls(
            key=key,
            region_code=region,
            area_type=area,  # type: ignore[arg-type]
            value=str(raw),
            unit=str(data.get("unit") or (spec.unit if spec else "")),
            effective_from=start,
            effective_to=end,
            source=str(data.get("source") or ""),
            unverified=bool(data.get("unverified", False)),
            floor=bool(data.get("floor", False)),
        )

    def covers(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def as_dict(self) -> dict[str, object]:
        """The row as JSON data (``floor`` only when set: a proposal's change never carries it)."""
        data: dict[str, object] = {
            "key": self.key,
            "region_code": self.region_code,
            "area_type": self.area_type,
            "value": self.value,
            "unit": self.unit,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "source": self.source,
            "unverified": self.unverified,
        }
        if self.floor:
            data["floor"] = True
        return data


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@lru_cache(maxsize=1)
def load_baseline_rows() -> tuple[ParamRow, ...]:
    """The Jilin baseline rows shipped with the package."""
    text = resources.files("doudi.policy.rules").joinpath("jilin_baseline.json").read_text("utf-8")
    return tuple(ParamRow.from_mapping(row) for row in json.loads(text)["rows"])


def normalize_region_code(code: str) -> str:
    """A 6-digit county code or a 12-digit code → 12 digits; raises ``ValueError`` otherwise."""
    code = code.strip()
    if not code.isascii() or not code.isdigit() or len(code) not in (6, 12):
        raise ValueError(f"行政区划代码应为6位或12位数字：{code!r}")
    return code.ljust(12, "0")


def region_ancestry(code: str) -> list[str]:
    """Codes from the region itself up to its province, derived from the code alone.

    ``"222401101000"`` → ``["222401101000", "222401000000", "222400000000", "220000000000"]``.
    Levels are the statistical code's digit groups: province 2, city 4, county 6, township 9, village 12.
    """
    full = normalize_region_code(code)
    chain: list[str] = []
    for digits in (12, 9, 6, 4, 2):
        ancestor = full[:digits].ljust(12, "0")
        if ancestor not in chain:
            chain.append(ancestor)
    return chain


def _check_ancestry(ancestry: Sequence[str]) -> None:
    if not ancestry:
        raise UnknownRegionError("")
    for code in ancestry:
        if not isinstance(code, str) or len(code) != 12 or not code.isascii() or not code.isdigit():
            raise UnknownRegionError(str(code))
        if not code.startswith(PROVINCE_PREFIX):
            raise UnknownRegionError(code)


def lookup_date(key: str, on: dt.date) -> dt.date:
    """The date a key is resolved on for an assessment dated ``on`` (see ``PREVIOUS_YEAR_KEYS``)."""
    return dt.date(on.year - 1, 12, 31) if key in PREVIOUS_YEAR_KEYS else on


def resolve_parameters(
    rows: Iterable[ParamRow],
    ancestry: Sequence[str],
    area_type: str,
    on: dt.date,
) -> Parameters:
    """Resolve every key present in ``rows`` for one region ancestry, area type and date.

    ``ancestry`` is most specific first, 12-digit codes (see ``region_ancestry``; the Django side may pass
    the ancestry of its region tree instead). Raises ``UnknownRegionError`` when it is empty or leaves the
    province, ``ParameterError`` for an invalid area type — never anything else for bad input. Keys with
    no row at all are absent; ``Parameters.check_complete`` tells whether an assessment can run.
    """
    if area_type not in codes.AREA_TYPES:
        raise ParameterError(f"area_type 无效：{area_type!r}", "area_type")
    _check_ancestry(ancestry)
    rank = {code: i for i, code in enumerate(ancestry)}
    best: dict[str, tuple[tuple[int, int, int, int], ParamRow]] = {}
    earliest: dict[str, tuple[tuple[int, int, int, int], ParamRow]] = {}
    for row in rows:
        region_rank = rank.get(row.region_code)
        if region_rank is None or row.area_type not in (None, area_type):
            continue
        when = lookup_date(row.key, on)
        specific = 0 if row.area_type else 1
        if row.covers(when):
            order = (region_rank, specific, -row.effective_from.toordinal(), int(row.floor))
            current = best.get(row.key)
            if current is None or order < current[0]:
                best[row.key] = (order, row)
        elif row.effective_from > when:
            order = (region_rank, specific, row.effective_from.toordinal(), int(row.floor))
            current = earliest.get(row.key)
            if current is None or order < current[0]:
                earliest[row.key] = (order, row)
    chosen = {key: (row, False) for key, (_, row) in best.items()}
    for key, (_, row) in earliest.items():
        chosen.setdefault(key, (row, True))
    entries = {
        key: ParamValue(
            key=key,
            value=parse_value(key, row.value),
            unit=row.unit,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            source=row.source,
            unverified=row.unverified,
            region_code=row.region_code,
            area_type=row.area_type,
            floor=row.floor,
            before_first=before_first,
        )
        for key, (row, before_first) in sorted(chosen.items())
    }
    return Parameters(as_of=on, area_type=area_type, region_code=ancestry[0], entries=entries)


def baseline_parameters(region: str, area_type: str, on: dt.date) -> Parameters:
    """Resolve the shipped baseline for a region code (6 or 12 digits); the default provider of ``assess``.

    Raises ``UnknownRegionError`` for a malformed code or one outside the province."""
    try:
        region12 = normalize_region_code(region)
    except (ValueError, AttributeError):
        raise UnknownRegionError(str(region or "")) from None
    return _baseline_cached(region12, area_type, on)


@lru_cache(maxsize=4096)
def _baseline_cached(region12: str, area_type: str, on: dt.date) -> Parameters:
    return resolve_parameters(load_baseline_rows(), region_ancestry(region12), area_type, on)

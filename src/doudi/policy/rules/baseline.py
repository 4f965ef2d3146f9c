"""Dated per-region parameter rows, the Jilin baseline, region ancestry and the resolver (DOMAIN §4).

A row is ``{key, region_code, area_type, value, unit, effective_from, effective_to, source, unverified}``.
The baseline ships as ``jilin_baseline.json`` in this package; the Django parameter store keeps the same
rows in the database and calls the same ``resolve_parameters``.

Resolution of one key for (ancestry, area type, date D):

1. keep the rows effective on D (``effective_from <= D <= effective_to``, an empty ``effective_to`` is
   open-ended) whose region is in the ancestry and whose ``area_type`` is empty or equals the household's;
2. the most specific region wins (township → county → city → province);
3. within that region an area-specific row beats an area-neutral one, then the latest ``effective_from``.

A more specific region's row that is not effective on D therefore falls back to its parent's row.
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
        )

    def covers(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def as_dict(self) -> dict[str, object]:
        return {
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


def resolve_parameters(
    rows: Iterable[ParamRow],
    ancestry: Sequence[str],
    area_type: str,
    on: dt.date,
) -> Parameters:
    """Resolve every key present in ``rows`` for one region ancestry, area type and date.

    ``ancestry`` is most specific first (see ``region_ancestry``; the Django side may pass the ancestry
    of its region tree instead). Keys with no effective row are simply absent; ``Parameters.check_complete``
    tells whether an assessment can run.
    """
    if area_type not in codes.AREA_TYPES:
        raise ParameterError(f"area_type 无效：{area_type!r}", "area_type")
    rank = {code: i for i, code in enumerate(ancestry)}
    best: dict[str, tuple[tuple[int, int, int], ParamRow]] = {}
    for row in rows:
        region_rank = rank.get(row.region_code)
        if region_rank is None or row.area_type not in (None, area_type) or not row.covers(on):
            continue
        order = (region_rank, 0 if row.area_type else 1, -row.effective_from.toordinal())
        current = best.get(row.key)
        if current is None or order < current[0]:
            best[row.key] = (order, row)
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
        )
        for key, (_, row) in sorted(best.items())
    }
    return Parameters(as_of=on, area_type=area_type, region_code=ancestry[0], entries=entries)


def baseline_parameters(region: str, area_type: str, on: dt.date) -> Parameters:
    """Resolve the shipped baseline for a region code (6 or 12 digits); the default provider of ``assess``."""
    return _baseline_cached(normalize_region_code(region), area_type, on)


@lru_cache(maxsize=4096)
def _baseline_cached(region12: str, area_type: str, on: dt.date) -> Parameters:
    return resolve_parameters(load_baseline_rows(), region_ancestry(region12), area_type, on)

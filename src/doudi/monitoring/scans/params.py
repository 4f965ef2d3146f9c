"""Indicator parameters per region (DOMAIN R-M12, §4): resolved by the parameter store for every
(region, area type) a scan meets, as one Arrow table the SQL joins (``prm``).

Keys: ``warning.<ID>.enabled`` (``true``/``false``), ``warning.<ID>.level`` (red/orange/yellow),
``warning.<ID>.threshold`` (W-ILL, W-INC, W-GAP, W-NEW), ``rigid_expense_share`` (W-EXP) and
``warning.deadline_wd.<level>`` and ``warning.dispatch_mode`` (R-M13: ``direct``, the default — the scan
dispatches each new warning to the household's township while the county watches, recalls or
reassigns; ``county`` — the warning waits in the county inbox to be dispatched by hand). A key that does not resolve (no baseline loaded) falls back to the
indicator table's default: the indicator stays ON, at its default level — a scan never goes silent
because a row is missing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import pyarrow as pa

from doudi.monitoring.scans.indicators import DEFAULT_LEVELS, PARAMETER_IDS
from doudi.policy import params_store
from doudi.policy.rules import ParameterError, Parameters, region_ancestry, resolve_parameters

LEVELS = ("red", "orange", "yellow")
FALLBACK = {
    "warning.W-ILL.threshold": Decimal("0.5"),
    "warning.W-INC.threshold": Decimal("0.30"),
    "warning.W-GAP.threshold": Decimal(1),
    "warning.W-NEW.threshold": Decimal(20000),
    "rigid_expense_share": Decimal("0.60"),
    "warning.deadline_wd.red": Decimal(3),
    "warning.deadline_wd.orange": Decimal(7),
    "warning.deadline_wd.yellow": Decimal(15),
}
THRESHOLD_COLUMNS = {
    "ill_t": "warning.W-ILL.threshold",
    "inc_t": "warning.W-INC.threshold",
    "gap_months": "warning.W-GAP.threshold",
    "new_t": "warning.W-NEW.threshold",
    "rigid_share": "rigid_expense_share",
}


DISPATCH_KEY = "warning.dispatch_mode"  # R-M13, declared with the other keys in policy.rules.params


def code(indicator: str) -> str:
    return indicator.removeprefix("W-").lower()


def _text(p: Parameters, key: str) -> str | None:
    entry = p.entries.get(key)
    return None if entry is None else str(entry.value)


def _decimal(p: Parameters, key: str) -> Decimal:
    entry = p.entries.get(key)
    return entry.value if entry is not None and isinstance(entry.value, Decimal) else FALLBACK[key]


def _wanted(key: str) -> bool:
    return key.startswith("warning.") or key == "rigid_expense_share"


class Resolver:
    """``rules.resolve_parameters`` over the active rows of the keys monitoring reads, once per distinct
    (ancestry restricted to the regions that hold such rows, area type): a scan meets a thousand
    townships but only a handful of distinct parameter chains."""

    def __init__(self, as_of: dt.date):
        self.as_of = as_of
        rows = [r for r in params_store.active_rows() if _wanted(r.key)]
        # a database whose parameters were never loaded (``doudi init`` loads them) reads the shipped baseline
        self.rows = rows or [r for r in params_store.baseline_rows() if _wanted(r.key)]
        self.regions = {r.region_code for r in self.rows}
        self.cache: dict[tuple, Parameters] = {}

    def __call__(self, region_code: str, area_type: str) -> Parameters:
        area = area_type if area_type in ("urban", "rural") else "urban"
        try:
            chain = tuple(c for c in region_ancestry(region_code) if c in self.regions)
        except ValueError:
            chain = ()
        key = (chain, area)
        if key not in self.cache:
            # a region outside the tree (another province, a malformed code) has no chain: the
            # indicator defaults apply rather than stopping the scan (one bad record is never fatal)
            self.cache[key] = Parameters(as_of=self.as_of, area_type=area, region_code=region_code)
            if chain:
                with contextlib.suppress(ParameterError, IndexError):
                    self.cache[key] = resolve_parameters(self.rows, list(chain), area, self.as_of)
        return self.cache[key]


def resolve(region_code: str, area_type: str, as_of: dt.date, resolver: Resolver | None = None) -> dict:
    """The indicator parameters of one region and area type on a date, as a flat dict."""
    p = (resolver or Resolver(as_of))(region_code, area_type)
    row: dict = {"region_code": region_code, "area_type": area_type}
    for ind in PARAMETER_IDS:
        c = code(ind)
        row[f"{c}_on"] = _text(p, f"warning.{ind}.enabled") != "false"
        level = _text(p, f"warning.{ind}.level")
        row[f"{c}_level"] = level if level in LEVELS else DEFAULT_LEVELS[ind]
    for column, key in THRESHOLD_COLUMNS.items():
        row[column] = _decimal(p, key)
    for level in LEVELS:
        row[f"dl_{level}"] = int(_decimal(p, f"warning.deadline_wd.{level}"))
    row["dispatch_direct"] = _text(p, DISPATCH_KEY) != "county"
    return row


def dispatch_direct(region_code: str, as_of: dt.date) -> bool:
    """Is ``warning.dispatch_mode`` of the region ``direct`` on the date (the default)?"""
    return bool(resolve(region_code, "urban", as_of)["dispatch_direct"])


def schema() -> pa.Schema:
    fields = [pa.field("region_code", pa.string()), pa.field("area_type", pa.string())]
    for ind in PARAMETER_IDS:
        fields += [pa.field(f"{code(ind)}_on", pa.bool_()), pa.field(f"{code(ind)}_level", pa.string())]
    fields += [pa.field(c, pa.decimal128(18, 4)) for c in THRESHOLD_COLUMNS]
    fields += [pa.field(f"dl_{level}", pa.int32()) for level in LEVELS]
    fields.append(pa.field("dispatch_direct", pa.bool_()))
    return pa.schema(fields)


def table(pairs: Iterable[tuple[str, str]], as_of: dt.date) -> pa.Table:
    """``prm``: one row per distinct (region_code, area_type)."""
    resolver = Resolver(as_of)
    rows = [
        resolve(r, a, as_of, resolver) for r, a in sorted(set(pairs), key=lambda x: (x[0] or "", x[1] or ""))
    ]
    return pa.Table.from_pylist(rows, schema=schema())

"""The columnar layout the rules evaluate: one household table, one member table (Apache Arrow).

Money is integer fen, dates are ``yyyymmdd`` integers, flags are booleans. Members are sorted by
``household`` (the household's row number, 0 … H-1), every household has at least one member — the usual
CSR layout, which lets per-household sums be computed from a cumulative sum.

``build_tables`` turns parsed inputs into these tables; the batch benchmark (or a DuckDB/Parquet
pipeline) can produce them directly and call ``evaluate.assess_table`` without any per-household Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa

from doudi.policy.rules import codes
from doudi.policy.rules.inputs import AssessmentInput
from doudi.policy.rules.money import to_fen

I64 = pa.int64()
BOOL = pa.bool_()

# column → (type, default for an absent optional column or None when required)
HOUSEHOLD_COLUMNS: dict[str, tuple[pa.DataType, object]] = {
    "income_fen": (I64, None),  # income over income_months
    "income_months": (I64, None),
    "rigid_expense_fen": (I64, 0),  # sum of the four kinds over the 12 months before as_of
    "financial_fen": (I64, 0),
    "vehicles": (I64, 0),  # non-exempt motor vehicles
    "dwellings": (I64, 0),
    "business": (BOOL, False),
    "nonresidential": (BOOL, False),
    "floor_area_e2": (I64, -1),  # m² × 100 of all dwellings (R-A1 alternative); -1 = not known
    "existing_fpjc": (BOOL, False),
    "existing_other": (BOOL, False),
    "param_group": (I64, 0),  # index into the Parameters sequence passed to assess_table
}
MEMBER_COLUMNS: dict[str, tuple[pa.DataType, object]] = {
    "household": (I64, None),
    "birth_ymd": (I64, None),
    "disability_kind": (I64, 0),  # codes.DISABILITY_KINDS, 0 = none
    "disability_grade": (I64, 0),  # 1–4, 0 = none
    "serious_illness": (BOOL, False),
    "employed": (BOOL, False),
    "in_school": (BOOL, False),
    "adl_failed": (I64, 0),
    "own_income_fen": (I64, 0),
    "own_assets_ok": (BOOL, True),
    "has_capable_supporter": (BOOL, True),
    "current_tekun": (BOOL, False),  # holds TEKUN now (contract ``current``; R-T4 minors keep it)
}


def ymd(date) -> int:
    return date.year * 10000 + date.month * 100 + date.day


def build_tables(
    inputs: Sequence[AssessmentInput], groups: Sequence[int] | None = None
) -> tuple[pa.Table, pa.Table]:
    """Parsed inputs → (households, members) tables; ``groups[i]`` is household i's parameter group."""
    h: dict[str, list] = {name: [] for name in HOUSEHOLD_COLUMNS}
    m: dict[str, list] = {name: [] for name in MEMBER_COLUMNS}
    for i, item in enumerate(inputs):
        hh = item.household
        h["income_fen"].append(to_fen(hh.income_total))
        h["income_months"].append(hh.income_months)
        h["rigid_expense_fen"].append(to_fen(hh.rigid_expenditure.total))
        h["financial_fen"].append(to_fen(hh.assets.financial))
        h["vehicles"].append(hh.assets.vehicles)
        h["dwellings"].append(hh.assets.dwellings)
        h["business"].append(hh.assets.business)
        h["nonresidential"].append(hh.assets.nonresidential_property)
        area = hh.assets.floor_area
        h["floor_area_e2"].append(-1 if area is None else to_fen(area))
        h["existing_fpjc"].append(codes.FPJC in hh.existing)
        h["existing_other"].append(codes.OTHER in hh.existing)
        h["param_group"].append(groups[i] if groups is not None else 0)
        for member in hh.members:
            m["household"].append(i)
            m["birth_ymd"].append(ymd(member.birth_date))
            dis = member.disability
            m["disability_kind"].append(codes.DISABILITY_KINDS[dis.kind] if dis else 0)
            m["disability_grade"].append(dis.grade if dis else 0)
            m["serious_illness"].append(member.serious_illness)
            m["employed"].append(member.employed)
            m["in_school"].append(member.in_school)
            m["adl_failed"].append(member.adl_failed)
            m["own_income_fen"].append(to_fen(member.own_income_monthly))
            m["own_assets_ok"].append(member.own_assets_ok)
            m["has_capable_supporter"].append(member.has_capable_supporter)
            m["current_tekun"].append(codes.TEKUN in member.current)
    households = pa.table({k: pa.array(v, HOUSEHOLD_COLUMNS[k][0]) for k, v in h.items()})
    members = pa.table({k: pa.array(v, MEMBER_COLUMNS[k][0]) for k, v in m.items()})
    return households, members


def normalize_columns(
    data: pa.Table | Mapping[str, object], spec: dict[str, tuple[pa.DataType, object]], what: str
) -> dict[str, pa.Array]:
    """Columns of ``data`` as contiguous arrays of the spec's types; absent optional columns get defaults."""
    names = data.column_names if isinstance(data, pa.Table) else list(data)
    unknown = sorted(set(names) - set(spec))
    if unknown:
        raise ValueError(f"{what}: unknown columns {unknown}")
    length = None
    out: dict[str, pa.Array] = {}
    for name in names:
        column = data.column(name) if isinstance(data, pa.Table) else data[name]
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        elif not isinstance(column, pa.Array):
            column = pa.array(column)
        column = column.cast(spec[name][0])
        if column.null_count:
            raise ValueError(f"{what}.{name}: nulls are not allowed")
        if length is not None and len(column) != length:
            raise ValueError(f"{what}.{name}: length {len(column)} differs from {length}")
        length = len(column)
        out[name] = column
    for name, (dtype, default) in spec.items():
        if name in out:
            continue
        if default is None:
            raise ValueError(f"{what}: missing required column {name!r}")
        out[name] = pa.nulls(length or 0, dtype).fill_null(default)
    return out

"""Per-case month totals for the arrears (R-PAY7): the engine's payment lines of a case summed, without
building the lines (``entitlement.compute_lines``) — six months of a province are recomputed in a run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace as dataclass_replace

import pyarrow as pa
import pyarrow.compute as pc

from doudi.payments.base import month_start
from doudi.payments.entitlement import (
    benefits_of,
    grace_caps,
    param_regions,
    params_for,
    standards_of_capped,
)

TOTALS_SCHEMA = pa.schema([("case_id", pa.int64()), ("amount", pa.int64())])


def case_totals(cases: pa.Table, members: pa.Table, month: dt.date) -> pa.Table:
    """Per case, the month's amount (``case_id``, ``amount``): the sum of ``compute_lines``'s amounts,
    without building the lines — the arrears recompute months of a province and need only this."""
    month = month_start(month)
    return _with_caps(_raw_totals(cases, members, month), cases, members, month)


def case_totals_by_month(
    cases: pa.Table, members: pa.Table, months: Sequence[dt.date]
) -> dict[dt.date, pa.Table]:
    """``case_totals`` of the same cases for each of ``months`` (ascending). A month whose parameters
    equal the month before's in every parameter group (a standard changed from some month on stays the
    same after it) is that month's totals again, recomputed only for the cases with a member whose age
    in whole years differs — the engine's only other input that moves with the month (``as_of``)."""
    out: dict[dt.date, pa.Table] = {}
    if cases.num_rows == 0:
        return {month_start(m): TOTALS_SCHEMA.empty_table() for m in months}
    keys = _group_keys(cases)
    before: tuple[dt.date, tuple, pa.Table] | None = None
    for m in sorted(month_start(x) for x in months):
        same_params = tuple(dataclass_replace(params_for(r, a, m).ints, as_of_ymd=0) for r, a in keys)
        if before is not None and before[1] == same_params:
            raw = _aged(before[2], before[0], m, cases, members)
        else:
            raw = _raw_totals(cases, members, m)
        before = (m, same_params, raw)
        out[m] = _with_caps(raw, cases, members, m)
    return out


def _group_keys(cases: pa.Table) -> list[tuple[str, str]]:
    """The distinct (parameter region, area type) groups of the cases."""
    keys = pc.unique(
        pc.binary_join_element_wise(param_regions(cases["region_code"]), cases["area_type"], "|")
    )
    return [tuple(str(k).partition("|")[::2]) for k in keys.to_pylist()]  # type: ignore[misc]


def _aged(raw: pa.Table, was: dt.date, month: dt.date, cases: pa.Table, members: pa.Table) -> pa.Table:
    """``raw`` (the totals of ``was``) for ``month`` with the same parameters: the cases whose members
    are all as old in whole years are unchanged, the others are recomputed."""
    birth = members["birth_ymd"]
    then = pc.divide(pc.subtract(was.year * 10000 + was.month * 100 + was.day, birth), 10000)
    now = pc.divide(pc.subtract(month.year * 10000 + month.month * 100 + month.day, birth), 10000)
    older = pc.unique(members["basis_id"].filter(pc.not_equal(then, now)))
    moved = cases.filter(pc.is_in(cases["basis_id"], value_set=older))
    if moved.num_rows == 0:
        return raw
    again = _raw_totals(moved, members.filter(pc.is_in(members["basis_id"], value_set=older)), month)
    kept = raw.filter(pc.invert(pc.is_in(raw["case_id"], value_set=moved["case_id"])))
    return pa.concat_tables([kept, again])


def _raw_totals(cases: pa.Table, members: pa.Table, month: dt.date) -> pa.Table:
    """Per case, the sum of its positive line amounts before any grace cap."""
    if cases.num_rows == 0:
        return TOTALS_SCHEMA.empty_table()
    ben = benefits_of(cases, members, month)
    positive = [pc.max_element_wise(ben.per_member[c], 0) for c in ("b2", "b4", "b3_basic", "b3_care")]
    per_basis_member = (
        pa.table(
            {
                "basis_id": ben.member_rows["basis_id"],
                "d": pc.add(positive[0], positive[1]),
                "t": pc.add(positive[2], positive[3]),
            }
        )
        .group_by("basis_id")
        .aggregate([("d", "sum"), ("t", "sum")])
    )
    per_basis = pa.table({"basis_id": ben.bases["basis_id"], "b1": pc.max_element_wise(ben.b1, 0)}).join(
        per_basis_member, "basis_id", join_type="inner"
    )
    joined = cases.select(["case_id", "basis_id", "tier"]).join(per_basis, "basis_id", join_type="inner")
    dibao = pc.equal(joined["tier"], "DIBAO")
    amount = pc.if_else(dibao, pc.add(joined["b1"], joined["d_sum"]), joined["t_sum"])
    return pa.table({"case_id": joined["case_id"], "amount": amount.cast(pa.int64())}, schema=TOTALS_SCHEMA)


def _with_caps(totals: pa.Table, cases: pa.Table, members: pa.Table, month: dt.date) -> pa.Table:
    """R-X2 capped grace periods of ``month``: a capped case's total at most S × its persons (the few
    capped cases' standards resolved through their own parameter groups)."""
    caps = grace_caps(month, cases["case_id"])
    if not caps or totals.num_rows == 0:
        return totals
    capped_cases = cases.filter(pc.is_in(cases["case_id"], value_set=pa.array(list(caps), pa.int64())))
    if capped_cases.num_rows == 0:
        return totals
    standard = standards_of_capped(capped_cases, benefits_of(capped_cases, members, month), caps)
    limit = {c: (standard[c] * caps[c] + 50) // 100 for c in caps if c in standard}
    at = pc.index_in(totals["case_id"], value_set=pa.array(list(limit), pa.int64()))
    cap = pc.take(pa.array(list(limit.values()), pa.int64()), at)
    capped = pc.if_else(pc.is_null(cap), totals["amount"], pc.min_element_wise(totals["amount"], cap))
    return totals.set_column(1, "amount", capped)

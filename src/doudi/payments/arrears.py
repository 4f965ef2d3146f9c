"""Arrears of a retroactive parameter change (R-PAY3, R-PAY7): a standard raised from 1 July and entered
in September reaches the money at the next run.

Which months: those of the last ``pay.arrears_max_months`` before the run's month whose rosters are
past draft and were generated before a benefit parameter row (standard, TEKUN multiple, minimum wage,
care shares, top-ups) in force that month was entered. For each such month and each case paid on those
rosters, the month is recomputed with the parameters now in force for it
(``totals.case_totals_by_month``, the engine's formulas summed per case; only cases whose current
basis was already in force that month), and the difference to the entitlement lines paid is owed. Per case the positive differences, less the
standard-change arrears already written on rosters past draft that cover any of those months, become
ONE arrears line (origin ``standard_change``, rule ``R-PAY7``, ``covers`` the months) on the month's
draft roster. Arrears on the month's draft rosters are not subtracted — the run rewrites them (or keeps
them where unchanged) — so running again never pays the same difference twice. Reductions are not
recovered here (that needs a decision, R-PAY8).
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from doudi.casework import params as casework_params
from doudi.payments.base import add_months, month_start
from doudi.payments.entitlement import (
    LINE_SCHEMA,
    basis_in_force,
    lines_of_rosters,
    payable_in,
    read_arrow,
    read_numbers,
)
from doudi.payments.models import Roster, RosterLine
from doudi.payments.totals import case_totals_by_month
from doudi.policy.models import ParameterValue

BENEFIT_KEY_PREFIXES = (
    "dibao_standard.",
    "tekun_basic_multiple",
    "tekun_care_share.",
    "min_wage.",
    "topup.",
    "topup_combination",
)
ARREARS_SCHEMA = LINE_SCHEMA.append(pa.field("covers", pa.string()))


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def max_months(prefix: str, month: dt.date) -> int:
    region = (prefix or "22").ljust(12, "0")
    return int(casework_params.value("pay.arrears_max_months", region_code=region, on=month) or 12)


def months_to_recompute(month: dt.date, prefix: str, horizon: int) -> list[dt.date]:
    """Past months (within ``horizon``) with rosters past draft generated before a benefit parameter
    row in force that month was entered."""
    first = add_months(month, -horizon)
    rosters = Roster.unscoped.filter(month__gte=first, month__lt=month).exclude(state=Roster.State.DRAFT)
    if prefix:
        rosters = rosters.filter(region_code__startswith=prefix[:6])
    generated: dict[dt.date, dt.datetime | None] = {}
    for m, at in rosters.values_list("month", "generated_at"):
        if m not in generated or at is None or (generated[m] is not None and at < generated[m]):  # type: ignore[operator]
            generated[m] = at
    if not generated:
        return []
    rows = [
        r
        for r in ParameterValue.objects.filter(status=ParameterValue.Status.ACTIVE).values_list(
            "key", "effective_from", "effective_to", "created_at"
        )
        if r[0].startswith(BENEFIT_KEY_PREFIXES)
    ]
    out = []
    for m, at in sorted(generated.items()):
        for _key, start, end, created in rows:
            if start <= m and (end is None or end >= m) and (at is None or created > at):
                out.append(m)
                break
    return out


def _paid(month: dt.date, prefix: str) -> pa.Table:
    """Per case, the entitlement paid for ``month`` on rosters past draft (lines not dropped)."""
    like = f" AND l.region_code LIKE '{prefix}%'" if prefix else ""
    rosters = (
        Roster.unscoped.filter(month=month).exclude(state=Roster.State.DRAFT).values_list("pk", flat=True)
    )
    sql = (
        f"SELECT l.case_id, SUM(l.amount) FROM {_t(RosterLine)} l"
        f" WHERE {lines_of_rosters(list(rosters))}"
        f" AND l.origin = 'entitlement' AND l.status <> 'dropped' AND l.case_id IS NOT NULL{like}"
        " GROUP BY l.case_id"
    )
    return read_numbers(sql, pa.schema([("case_id", pa.int64()), ("paid", pa.int64())]))


def _written(first: dt.date, prefix: str, months: set[str]) -> dict[int, int]:
    """Per case, the standard-change arrears already on rosters past draft (not dropped) covering any of
    ``months`` (the run's own draft arrears are what it is recomputing)."""
    like = f" AND l.region_code LIKE '{prefix}%'" if prefix else ""
    sql = (
        f"SELECT l.case_id, l.amount, CAST(l.covers AS TEXT) FROM {_t(RosterLine)} l"
        f" JOIN {_t(Roster)} r ON r.id = l.roster_id"
        f" WHERE l.origin = 'standard_change' AND l.status <> 'dropped' AND l.month >= '{first.isoformat()}'"
        f" AND r.state <> 'draft' AND l.case_id IS NOT NULL{like}"
    )
    table = read_arrow(
        sql, pa.schema([("case_id", pa.int64()), ("amount", pa.int64()), ("covers", pa.string())])
    )
    out: dict[int, int] = {}
    for case_id, amount, covers in zip(*(table[c].to_pylist() for c in table.column_names), strict=True):
        if months & set(json.loads(covers or "[]")):
            out[case_id] = out.get(case_id, 0) + amount
    return out


def standard_change_lines(cases_all: pa.Table, members: pa.Table, month: dt.date, prefix: str) -> pa.Table:
    """The arrears lines (``ARREARS_SCHEMA``) the run writes on ``month``'s draft rosters."""
    month = month_start(month)
    horizon = max_months(prefix, month)
    months = months_to_recompute(month, prefix, horizon)
    if not months:
        return ARREARS_SCHEMA.empty_table()
    paid_of = {m: _paid(m, prefix) for m in months}
    ever_paid = pc.unique(pa.concat_arrays([p["case_id"].combine_chunks() for p in paid_of.values()]))
    recomputed = cases_all.filter(pc.is_in(cases_all["case_id"], value_set=ever_paid))
    due_of = case_totals_by_month(recomputed, members, months)
    diffs = []
    for bit, m in enumerate(months):
        paid = paid_of[m]
        if paid.num_rows == 0:
            continue
        cases = basis_in_force(payable_in(recomputed, m), m)
        due = due_of[m].filter(pc.is_in(due_of[m]["case_id"], value_set=cases["case_id"]))
        if due.num_rows == 0:
            continue
        joined = due.join(paid, "case_id", join_type="inner")
        diff = pc.subtract(joined["amount"], joined["paid"])
        keep = pc.greater(diff, 0)
        n = int(pc.sum(keep).as_py() or 0)
        diffs.append(
            pa.table(
                {
                    "case_id": joined["case_id"].filter(keep),
                    "diff": diff.filter(keep),
                    "m": pa.array([1 << bit] * n, pa.int64()),  # the months covered, as bits
                }
            )
        )
    if not diffs:
        return ARREARS_SCHEMA.empty_table()
    per_case = pa.concat_tables(diffs).group_by("case_id").aggregate([("diff", "sum"), ("m", "sum")])
    # one JSON text per distinct set of months (a handful), not one json.dumps per case
    masks = pc.unique(per_case["m_sum"])
    texts = [
        json.dumps(sorted(f"{m:%Y-%m}" for bit, m in enumerate(months) if mask >> bit & 1))
        for mask in masks.to_pylist()
    ]
    covers = pc.take(pa.array(texts, pa.string()), pc.index_in(per_case["m_sum"], value_set=masks))
    per_case = per_case.append_column("covers", covers)
    written = _written(add_months(month, -horizon), prefix, {f"{m:%Y-%m}" for m in months})
    owed = [
        d - written.get(c, 0)
        for c, d in zip(per_case["case_id"].to_pylist(), per_case["diff_sum"].to_pylist(), strict=True)
    ]
    per_case = per_case.append_column("owed", pa.array(owed, pa.int64()))
    per_case = per_case.filter(pc.greater(per_case["owed"], 0))
    if per_case.num_rows == 0:
        return ARREARS_SCHEMA.empty_table()
    return _lines(per_case, cases_all, members)


def _lines(per_case: pa.Table, cases_all: pa.Table, members: pa.Table) -> pa.Table:
    per_case = per_case.sort_by("case_id")
    info = cases_all.select(
        ["case_id", "household_id", "tier", "state", "basis_id", "region_code", "n_assessed"]
    )
    t = info.take(pc.index_in(per_case["case_id"], value_set=info["case_id"]))
    # a TEKUN case is paid to its (first) TEKUN member, a DIBAO case to the household
    tekun = members.filter(members["tekun"])
    first_tekun = tekun.group_by("basis_id").aggregate([("person_id", "min")])
    at = pc.index_in(t["basis_id"], value_set=first_tekun["basis_id"])
    t = t.append_column("person_id_min", pc.take(first_tekun["person_id_min"], at))
    t = t.append_column("owed", per_case["owed"]).append_column("covers", per_case["covers"])
    is_tekun = pc.equal(t["tier"], "TEKUN")
    person = pc.if_else(is_tekun, pc.fill_null(t["person_id_min"], 0), 0)
    hh_key = pc.binary_join_element_wise("h", t["household_id"].cast(pa.string()), "")
    p_key = pc.binary_join_element_wise("p", person.cast(pa.string()), "")
    held = pc.equal(t["state"], "suspended")
    n = t.num_rows
    return pa.table(
        {
            "case_id": t["case_id"],
            "household_id": t["household_id"],
            "person_id": person,
            "payee_key": pc.if_else(is_tekun, p_key, hh_key),
            "programme": t["tier"],
            "tier": t["tier"],
            "line": pa.array(["arrears"] * n, pa.string()),
            "rule": pa.array(["R-PAY7"] * n, pa.string()),
            "amount": t["owed"],
            "members": pc.if_else(is_tekun, 1, t["n_assessed"]),
            "region_code": t["region_code"],
            "status": pc.if_else(held, "held", "due"),
            "status_reason": pc.if_else(held, "暂停发放", ""),
            "covers": t["covers"],
        },
        schema=ARREARS_SCHEMA,
    )

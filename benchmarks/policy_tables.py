"""Synthetic households (``doudi.devtools.synth``) → the columnar tables of ``rules.assess_table``,
vectorised (Arrow compute, regex field extraction from the generator's JSON fact values; no Python loop
per household). Shared by ``bench_policy.py`` and ``peers/run_openfisca.py``.

The meaning of each fact is the one of ``devtools.assessment.assessment_inputs`` (the contract-input
form of the same data), which ``check_against_contract_inputs`` verifies on a sample.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from doudi.devtools.synth import SynthData
from doudi.policy.rules import Parameters, baseline_parameters
from doudi.policy.rules.codes import DISABILITY_KINDS
from doudi.policy.rules.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

I64 = pa.int64()
HOUSEHOLD_ORDER = list(HOUSEHOLD_COLUMNS)
MEMBER_ORDER = list(MEMBER_COLUMNS)
# the field order of each fact kind's value as written by devtools.synth
FIELDS = {
    "disability": ("kind", "grade"),
    "serious_illness": ("flag", "diagnosis_code"),
    "employment": ("employed",),
    "schooling": ("in_school", "stage"),
    "adl": ("failed",),
    "own_income": ("monthly",),
    "own_assets": ("ok",),
    "supporter": ("has_capable_supporter",),
    "income": ("total", "months"),
    "assets": ("financial", "vehicles", "dwellings", "business", "nonresidential_property"),
    "rigid_expenditure": ("medical", "education", "housing", "care"),
}


@dataclass(frozen=True)
class Tables:
    households: pa.Table  # rule columns incl. param_group
    members: pa.Table  # rule columns, sorted by household
    params: list[Parameters]  # by param_group
    contexts: list[tuple[str, str]]  # (region code, area type) by param_group
    household_keys: pa.Array
    region_codes: pa.Array
    area_types: pa.Array


def _parse(values: pa.Array | pa.ChunkedArray, names: tuple[str, ...]) -> dict[str, pa.Array]:
    """The generator's JSON object texts (``{"a": 1, "b": true}``: the same fields in the same order in
    every row, no ", " inside values) → one text column per field, by splitting — much faster than a
    JSON or regex parser for millions of rows."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    flat = pc.list_flatten(pc.split_pattern(values, ", "))
    k = len(names)
    if len(flat) != k * len(values):
        raise ValueError(f"unexpected fact layout, fields {names}")
    literal = pc.utf8_trim(pc.list_element(pc.split_pattern(flat, ": ", max_splits=1), 1), characters='{}" ')
    return {name: literal.take(pa.array(np.arange(i, len(flat), k))) for i, name in enumerate(names)}


def _serial(keys: pa.Array | pa.ChunkedArray, prefix_len: int) -> pa.Array:
    """Row number from a generated key (``SYN-H00000042`` / ``SYN-P000000042``: numbered from 1)."""
    out = pc.subtract(pc.utf8_slice_codeunits(keys, prefix_len).cast(I64), 1)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _kind(facts: pa.Table, kind: str) -> pa.Table:
    return facts.filter(pc.equal(facts["kind"], kind))


def _scatter(n: int, index: np.ndarray, values, default) -> np.ndarray:
    """A column of ``n`` rows: ``values`` at ``index``, ``default`` elsewhere."""
    dtype = np.bool_ if isinstance(default, bool) else np.int64
    out = np.full(n, default, dtype=dtype)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if len(index):
        if pa.types.is_string(values.type):  # a literal from _parse
            values = pc.equal(values, "true") if dtype is np.bool_ else values.cast(I64)
        out[index] = values.cast(pa.bool_() if dtype is np.bool_ else I64).to_numpy(zero_copy_only=False)
    return out


def ymd(dates: pa.Array) -> pa.Array:
    return pc.add(
        pc.add(pc.multiply(pc.year(dates), 10_000), pc.multiply(pc.month(dates), 100)), pc.day(dates)
    ).cast(I64)


def build(
    data: SynthData, *, as_of: dt.date | None = None, provider=baseline_parameters, key_prefix: str = "SYN-"
) -> Tables:
    """The rule tables of every synthetic household; parameters per (township, area type) from
    ``provider`` (the shipped Jilin baseline by default) as of ``as_of`` (default: the data's date).
    ``key_prefix`` is the generator's (keys are the prefix, ``H``/``P`` and a serial number)."""
    as_of = as_of or data.as_of
    skip = len(key_prefix) + 1
    hh, roster = data.households, data.roster
    n_h = hh.num_rows
    member_household = _serial(roster["household_key"], skip)
    order = pc.sort_indices(member_household)  # stable: members keep their roster order
    roster = roster.take(order)
    member_household = member_household.take(order)
    n_p = roster.num_rows
    position = np.empty(n_p, np.int64)  # generated person number → row in the sorted member table
    position[_serial(roster["person_key"], skip).to_numpy()] = np.arange(n_p)

    pf = data.person_facts
    columns: dict[str, object] = {"household": member_household, "birth_ymd": ymd(roster["birth_date"])}
    kinds = pa.array(list(DISABILITY_KINDS), pa.string())
    # (fact kind, {member column: (field, transform, default)})
    person_specs = {
        "disability": {
            "disability_kind": ("kind", lambda v: pc.add(pc.index_in(v, value_set=kinds), 1), 0),
            "disability_grade": ("grade", None, 0),
        },
        "serious_illness": {"serious_illness": ("flag", None, False)},
        "employment": {"employed": ("employed", None, False)},
        "schooling": {"in_school": ("in_school", None, False)},
        "adl": {"adl_failed": ("failed", None, 0)},
        "own_income": {"own_income_fen": ("monthly", _to_fen, 0)},
        "own_assets": {"own_assets_ok": ("ok", None, True)},
        "supporter": {"has_capable_supporter": ("has_capable_supporter", None, True)},
    }
    for kind, spec in person_specs.items():
        facts = _kind(pf, kind)
        index = position[_serial(facts["person_key"], skip).to_numpy()]
        parsed = _parse(facts["value"], FIELDS[kind])
        for column, (field, transform, default) in spec.items():
            values = parsed[field]
            columns[column] = _scatter(n_p, index, transform(values) if transform else values, default)
    # the generator records no member-level ``current`` categories (contract version 2)
    columns["current_tekun"] = pa.nulls(n_p, pa.bool_()).fill_null(False)
    members = pa.table({name: columns[name] for name in MEMBER_ORDER})

    hf = data.household_facts
    h_columns: dict[str, object] = {}
    household_specs = {
        "income": {"income_fen": ("total", _to_fen, 0), "income_months": ("months", None, 12)},
        "assets": {
            "financial_fen": ("financial", _to_fen, 0),
            "vehicles": ("vehicles", None, 0),
            "dwellings": ("dwellings", None, 0),
            "business": ("business", None, False),
            "nonresidential": ("nonresidential_property", None, False),
        },
    }
    for kind, spec in household_specs.items():
        facts = _kind(hf, kind)
        index = _serial(facts["household_key"], skip).to_numpy()
        parsed = _parse(facts["value"], FIELDS[kind])
        for column, (field, transform, default) in spec.items():
            h_columns[column] = _scatter(
                n_h, index, transform(parsed[field]) if transform else parsed[field], default
            )
    rigid = _kind(hf, "rigid_expenditure")
    parsed = {k: v.cast(I64) for k, v in _parse(rigid["value"], FIELDS["rigid_expenditure"]).items()}
    total = pc.add(pc.add(parsed["medical"], parsed["education"]), pc.add(parsed["housing"], parsed["care"]))
    h_columns["rigid_expense_fen"] = _scatter(
        n_h, _serial(rigid["household_key"], skip).to_numpy(), _to_fen(total), 0
    )

    contexts: dict[tuple[str, str], int] = {}
    params: list[Parameters] = []
    pairs = pc.binary_join_element_wise(hh["region_code"], hh["area_type"], "|")
    for pair in sorted(pc.unique(pairs).to_pylist()):
        region, area = pair.split("|")
        contexts[(region, area)] = len(params)
        params.append(provider(region, area, as_of))
    names = pa.array([f"{r}|{a}" for r, a in contexts], pa.string())
    h_columns["floor_area_e2"] = pa.nulls(n_h, I64).fill_null(-1)  # no floor area generated
    h_columns["existing_fpjc"] = pc.equal(hh["category"], "FPJC")
    h_columns["existing_other"] = pc.equal(hh["category"], "OTHER")
    h_columns["param_group"] = pc.index_in(pairs, value_set=names).cast(I64)
    households = pa.table({name: h_columns[name] for name in HOUSEHOLD_ORDER})
    return Tables(
        households=households,
        members=members,
        params=params,
        contexts=list(contexts),
        household_keys=hh["household_key"],
        region_codes=hh["region_code"],
        area_types=hh["area_type"],
    )


def _to_fen(yuan: pa.Array) -> pa.Array:
    """Whole yuan (the generator's amounts are integers) → fen."""
    return pc.multiply_checked(yuan.cast(I64), 100)


def check_against_contract_inputs(data: SynthData, tables: Tables) -> int:
    """Compare with ``build_tables`` over ``assessment_inputs`` (the contract path); returns the number
    of differing households (0 expected). For small samples: it goes through Python dicts."""
    from doudi.devtools.assessment import assessment_inputs
    from doudi.policy.rules import build_tables, parse_input

    inputs = [parse_input(x) for x in assessment_inputs(data, with_standard=False)]
    h, m = build_tables(inputs)
    mine_h = tables.households.drop_columns(["param_group"]).to_pylist()
    theirs_h = h.drop_columns(["param_group"]).to_pylist()
    mine_m, theirs_m = tables.members.to_pylist(), m.to_pylist()
    bad = sum(a != b for a, b in zip(mine_h, theirs_h, strict=True))
    if mine_m != theirs_m:
        bad += 1
    return bad

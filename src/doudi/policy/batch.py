"""Batch reassessment of a whole scope as of a date, with its transition report (issue "Policy engine").

``reassess(region_code, as_of, out_dir, progress=…)`` reads the scope's registry households chunk by
chunk (``extract``), assesses each chunk with one ``rules.assess_table`` call (parameters per region
and area type from the parameter store), and writes one Parquet row per household to
``<out_dir>/results.parquet`` (``RESULT_SCHEMA``): the current tier from the category statuses
holding on the date, the assessed category, per-capita income, monthly total, the key criteria that
passed and failed (R-T4, R-A1, R-D1, R-M1, R-R1 in the order of R-C2), and for a household that would
move the reason in Chinese. It returns the summary stored on the ``PolicyRun``: counts by
(from → to) for the scope and per county and township, costs, and the households it could not assess.

Pure reads and a file write; the run's state changes are ``run_actions``. Needs a region scope.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from doudi.core.scoping import prefix_of
from doudi.policy import extract as ex
from doudi.policy import params_store, rules
from doudi.policy.rules import ParameterError, Parameters, TableResult, assess_table
from doudi.policy.rules.codes import HOUSEHOLD_CATEGORY_BY_CODE, RULE_SET_VERSION
from doudi.policy.rules.explain import TEMPLATES
from doudi.policy.rules.money import fmt_fen_2dp, fmt_number, fmt_percent, fmt_yuan
from doudi.regions.queries import names_for
from doudi.registry.models import CATEGORY_NAMES

NONE = "NONE"  # no tier (in matrices and summaries)
TIERS = ("TEKUN", "DIBAO", "MARGINAL", "RIGID", NONE)
TIER_ZH = {**{t: CATEGORY_NAMES[t] for t in TIERS if t != NONE}, NONE: "无"}
RANK = {"TEKUN": 4, "DIBAO": 3, "MARGINAL": 2, "RIGID": 1, NONE: 0}
SKIP_NO_PARAMS = "该区划在测算日没有可用的政策参数"
SKIP_UNKNOWN_REGION = "所属区划不在区划库中"
RESULTS_FILE = "results.parquet"
Progress = Callable[[int, int], None]

RESULT_SCHEMA = pa.schema(
    [
        ("household_id", pa.int64()),
        ("household_key", pa.string()),
        ("region_code", pa.string()),
        ("county_code", pa.string()),
        ("township_code", pa.string()),
        ("area_type", pa.string()),
        ("current_category", pa.string()),  # tier held on the date, null = none
        ("current_categories", pa.string()),  # every category held, "DIBAO,FPJC"
        ("assessed_category", pa.string()),  # null = none (or not assessed, see skip_reason)
        ("per_capita_monthly_income", pa.decimal128(14, 2)),
        ("monthly_total", pa.int64()),
        ("passed_criteria", pa.string()),  # "R-A1,R-D1"
        ("failed_criteria", pa.string()),  # "R-T4"
        ("moved", pa.bool_()),
        ("tekun_persons", pa.int64()),  # members recognised as TEKUN per person (R-T4)
        ("reason_zh", pa.string()),  # movers: the first failing / deciding passing criterion
        ("skip_reason", pa.string()),  # not assessed: why
    ]
)


def level_codes(regions: pa.Array) -> dict[str, pa.Array]:
    """The county and township (12-digit codes) of each region, for the by-level reports."""
    return {
        "county_code": pc.utf8_rpad(pc.utf8_slice_codeunits(regions, 0, 6), 12, "0"),
        "township_code": pc.utf8_rpad(pc.utf8_slice_codeunits(regions, 0, 9), 12, "0"),
    }


def store_dir(run_id: int) -> Path:
    return Path(settings.DOUDI_STORE_DIR) / "policy" / str(run_id)


def results_path(run_id: int) -> Path:
    return store_dir(run_id) / RESULTS_FILE


def default_provider() -> rules.ParamsProvider:
    """The database parameter store; the shipped baseline when the store holds no rows yet."""
    return params_store.provider if params_store.active_rows() else rules.baseline_parameters


def county_of(code: str) -> str:
    return code[:6].ljust(12, "0")


def township_of(code: str) -> str:
    return code[:9].ljust(12, "0")


# --- parameters per (region, area type) ------------------------------------------------------------


class ParamGroups:
    """Resolves each (region, area type) once for a date and numbers them for ``param_group``."""

    def __init__(self, as_of: dt.date, provider: rules.ParamsProvider | None = None):
        self.as_of = as_of
        self.provider = provider or default_provider()
        self.params: list[Parameters] = []
        self.contexts: list[tuple[str, str]] = []
        self._index: dict[tuple[str, str], int | str] = {}

    def index(self, region: str, area: str) -> int | str:
        """The group index, or the Chinese reason why the context cannot be assessed."""
        key = (region, area)
        if key not in self._index:
            self._index[key] = self._resolve(region, area)
        return self._index[key]

    def _resolve(self, region: str, area: str) -> int | str:
        if not params_store.region_exists(region):
            return SKIP_UNKNOWN_REGION
        try:
            params = self.provider(region, area, self.as_of)
            params.check_complete()
            params.ints  # noqa: B018 - converts every value once
        except ParameterError:
            return SKIP_NO_PARAMS
        self.params.append(params)
        self.contexts.append((region, area))
        return len(self.params) - 1


@dataclass(frozen=True)
class Assessed:
    """One chunk: ``info`` for every household (with ``skip_reason`` filled where not assessed), and for
    the assessed ones (``info.skip_reason`` null, same order) the rule tables and their result."""

    info: pa.Table
    households: pa.Table  # rule input, with param_group
    members: pa.Table
    result: TableResult | None


def prepare(chunk: ex.Extract, groups: ParamGroups) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Assign parameter groups; households whose context has no parameters get a ``skip_reason`` and
    leave the rule tables. Returns (info, households with param_group, members)."""
    info = chunk.info
    skip = info["skip_reason"].to_pylist()
    regions, areas = info["region_code"].to_pylist(), info["area_type"].to_pylist()
    group_of: list[int] = []
    keep: list[bool] = []
    for i, reason in enumerate(skip):
        if reason is not None:
            continue
        g = groups.index(regions[i], areas[i])
        if isinstance(g, str):
            skip[i] = g
            keep.append(False)
        else:
            group_of.append(g)
            keep.append(True)
    households, members = chunk.households, chunk.members
    if not all(keep):
        households, members = _keep(households, members, keep)
    households = households.append_column("param_group", pa.array(group_of, pa.int64()))
    info = info.set_column(
        info.schema.get_field_index("skip_reason"), "skip_reason", pa.array(skip, pa.string())
    )
    return info, households, members


def _keep(households: pa.Table, members: pa.Table, keep: list[bool]) -> tuple[pa.Table, pa.Table]:
    mask = pa.array(keep, pa.bool_())
    new_row = pc.subtract(pc.cumulative_sum(pc.cast(mask, pa.int64())), 1)
    member_mask = pc.take(mask, members["household"])
    members = members.filter(member_mask)
    members = members.set_column(0, "household", pc.take(new_row, members["household"]))
    return households.filter(mask), members


def assess_chunk(chunk: ex.Extract, groups: ParamGroups) -> Assessed:
    info, households, members = prepare(chunk, groups)
    result = assess_table(households, members, groups.params) if households.num_rows else None
    return Assessed(info, households, members, result)


# --- result rows --------------------------------------------------------------------------------------

_CATEGORY_TEXT = pa.array([HOUSEHOLD_CATEGORY_BY_CODE[i] for i in range(5)], pa.string())


def criteria_codes(h: pa.Table) -> tuple[pa.Array, pa.Array]:
    """Passed and failed key criteria per household, as in the contract's ``criteria`` (R-C2 cascade)."""
    tekun, a1 = h["tekun"], h["a1"]
    below_s, below_m = h["below_standard"], h["below_marginal"]
    r1 = pc.and_(pc.and_(h["below_ceiling"], h["rigid_expense"]), a1)
    shown = {
        "R-T4": (pa.scalar(True), tekun),
        "R-A1": (pc.invert(tekun), a1),
        "R-D1": (pc.invert(tekun), pc.and_(below_s, a1)),
        "R-M1": (pc.and_(pc.invert(tekun), pc.invert(below_s)), pc.and_(below_m, a1)),
        "R-R1": (pc.and_(pc.invert(tekun), pc.invert(below_m)), r1),
    }
    passed, failed = [], []
    empty = pa.scalar("")
    for code, (show, ok) in shown.items():
        text = pa.scalar(f"{code},")
        passed.append(pc.if_else(pc.and_(show, ok), text, empty))
        failed.append(pc.if_else(pc.and_(show, pc.invert(ok)), text, empty))
    # (binary_join_element_wise with null_handling="skip" drops all-null rows, so no nulls here)
    return (
        pc.utf8_rtrim(pc.binary_join_element_wise(*passed, ""), characters=","),
        pc.utf8_rtrim(pc.binary_join_element_wise(*failed, ""), characters=","),
    )


def result_rows(chunk: Assessed, groups: ParamGroups) -> pa.Table:
    """``RESULT_SCHEMA`` rows for a chunk, in household id order (skipped households included)."""
    info = chunk.info
    n = info.num_rows
    assessed_mask = pc.is_null(info["skip_reason"])
    position = _positions(assessed_mask)
    h = chunk.result.households if chunk.result is not None else None
    if h is not None:
        category = pc.take(pc.take(_CATEGORY_TEXT, h["category"]), position)
        per_capita = pc.take(_decimal_yuan(h["per_capita_fen"]), position)
        total = pc.take(h["monthly_total"], position)
        tekun_persons = pc.take(h["tekun_members"], position)
        passed_codes, failed_codes = criteria_codes(h)
        passed = pc.take(passed_codes, position)
        failed = pc.take(failed_codes, position)
    else:
        category = pa.nulls(n, pa.string())
        per_capita = pa.nulls(n, pa.decimal128(14, 2))
        total = pa.nulls(n, pa.int64())
        tekun_persons = pa.nulls(n, pa.int64())
        passed = failed = pa.nulls(n, pa.string())
    current = info["current_category"]
    moved = pc.and_(
        assessed_mask,
        pc.not_equal(pc.fill_null(current, NONE), pc.fill_null(category, NONE)),
    )
    reasons = _reasons(chunk, groups, position, moved, current, category)
    regions = info["region_code"]
    return pa.table(
        {
            "household_id": info["household_id"],
            "household_key": info["household_key"],
            "region_code": regions,
            **level_codes(regions),
            "area_type": info["area_type"],
            "current_category": current,
            "current_categories": info["current_categories"],
            "assessed_category": category,
            "per_capita_monthly_income": per_capita,
            "monthly_total": total,
            "passed_criteria": passed,
            "failed_criteria": failed,
            "moved": pc.fill_null(moved, False),
            "tekun_persons": tekun_persons,
            "reason_zh": pc.if_else(assessed_mask, reasons, info["skip_reason"]),
            "skip_reason": info["skip_reason"],
        },
        schema=RESULT_SCHEMA,
    )


def _positions(mask: pa.Array | pa.ChunkedArray) -> pa.Array:
    """For each row, its position among the true rows (null where false)."""
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    ranks = pc.subtract(pc.cumulative_sum(pc.cast(mask, pa.int64())), 1)
    return pc.if_else(mask, ranks, pa.scalar(None, pa.int64()))


def _decimal_yuan(fen: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Integer fen → exact ``decimal128(14, 2)`` yuan (the fen are the decimal's unscaled value)."""
    if isinstance(fen, pa.ChunkedArray):
        fen = fen.combine_chunks()
    values = fen.to_numpy(zero_copy_only=False).astype(np.int64)
    words = np.empty((len(values), 2), np.int64)
    words[:, 0], words[:, 1] = values, values >> 63  # little-endian 128-bit two's complement
    return pa.Array.from_buffers(pa.decimal128(14, 2), len(values), [None, pa.py_buffer(words)])


def _reasons(chunk: Assessed, groups: ParamGroups, position, moved, current, category) -> pa.Array:
    """The Chinese reason of each mover (null for the others); Python only for the movers."""
    n = chunk.info.num_rows
    out: list[str | None] = [None] * n
    if chunk.result is None:
        return pa.array(out, pa.string())
    movers = pc.indices_nonzero(pc.fill_null(moved, False)).to_pylist()
    if not movers:
        return pa.array(out, pa.string())
    pos = pc.take(position, pa.array(movers, pa.int64()))
    h = chunk.result.households.take(pos).to_pylist()
    inp = chunk.households.take(pos).to_pylist()
    cur = pc.take(current, pa.array(movers, pa.int64())).to_pylist()
    new = pc.take(category, pa.array(movers, pa.int64())).to_pylist()
    for i, row, src, a, b in zip(movers, h, inp, cur, new, strict=True):
        params = groups.params[src["param_group"]]
        text = reason_zh(a or NONE, b or NONE, row, src, params)
        out[i] = text + standard_note(text, params)
    return pa.array(out, pa.string())


def standard_note(reason: str, params: Parameters) -> str:
    """DOMAIN §4: a reason naming a dibao standard that stands in for the local one (a province floor,
    or the earliest figure for an earlier date) says so; "" otherwise."""
    entry = params.entries.get(params.dibao_key)
    note = entry.note_zh() if entry is not None else ""
    return f"（所用低保标准：{note}）" if note and "低保标准" in reason else ""


_A1_ITEMS = {
    "a1_financial": "金融资产超过规定",
    "a1_vehicles": "有非豁免机动车",
    "a1_dwellings": "住房超过规定套数",
    "a1_business": "有登记注册企业",
    "a1_nonresidential": "有非住宅类房产",
}


def reason_zh(before: str, after: str, h: dict[str, Any], src: dict[str, Any], params: Parameters) -> str:
    """Why a household moves from ``before`` to ``after``: going up, the criterion that now passes;
    going down, the first criterion that now fails (and, when it leaves every tier, why R-R1 fails)."""
    s, k = params.dibao_standard, params.decimal("marginal_income_multiple")
    ceiling, share = params.decimal("rigid_income_ceiling.annual"), params.decimal("rigid_expense_share")
    f = {
        "p": fmt_fen_2dp(h["per_capita_fen"]),
        "s": fmt_yuan(s),
        "k": fmt_number(k),
        "ks": fmt_yuan(k * s),
        "c": fmt_yuan(ceiling),
        "cm": fmt_yuan(ceiling / 12),
    }

    def t(name: str) -> str:
        return TEMPLATES[name].format(**f)

    def r1_fail() -> str:
        if not h["below_ceiling"]:
            return f"{t('R-R1.above')}（R-R1 不满足）"
        income12 = Decimal(src["income_fen"]) * 12 / src["income_months"] / 100
        expense = TEMPLATES["R-R1.expense.fail"].format(
            e=fmt_fen_2dp(src["rigid_expense_fen"]),
            i12=str(income12.quantize(Decimal("0.01"))),
            share=fmt_percent(share),
            limit=str((share * income12).quantize(Decimal("0.01"))),
        )
        return f"{expense}（R-R1 不满足）"

    if after == "TEKUN":
        return "全体成员均同时符合特困人员条件（R-T4）"
    if before == "TEKUN":
        return "并非全体成员均同时符合无劳动能力、无生活来源、无履行能力的法定义务人条件（R-T4 不满足）"
    if not h["a1"]:
        items = "、".join(text for name, text in _A1_ITEMS.items() if not h[name])
        return f"家庭财产状况不符合低保规定：{items}（R-A1 不满足）"
    if RANK[after] > RANK[before]:
        if after == "DIBAO":
            return f"{t('R-D1.below')}（R-D1）"
        if after == "MARGINAL":
            return f"{t('R-M1.band')}（R-M1）"
        return f"{t('R-R1.band')}，且刚性支出超过家庭收入的 {fmt_percent(share)}（R-R1）"
    first = {
        "DIBAO": f"{t('R-D1.above')}（R-D1 不满足）",
        "MARGINAL": f"{t('R-M1.above')}（R-M1 不满足）",
        "RIGID": r1_fail(),
    }[before]
    if after == NONE and before != "RIGID":
        return f"{first}；{r1_fail()}"
    return first


# --- the transition report ------------------------------------------------------------------------------


class Transitions:
    """Accumulates counts and costs over the chunks of a run."""

    def __init__(self) -> None:
        self.cells: Counter[tuple[str, str, str, str]] = Counter()  # (county, township, from, to)
        self.cost: Counter[tuple[str, str]] = Counter()  # (county, township) → monthly total
        self.skipped: Counter[str] = Counter()
        self.tekun_persons = 0

    def add(self, rows: pa.Table) -> None:
        assessed = rows.filter(pc.is_null(rows["skip_reason"]))
        self.tekun_persons += int(pc.sum(assessed["tekun_persons"]).as_py() or 0)
        grouped = (
            pa.table(
                {
                    "county": assessed["county_code"],
                    "township": assessed["township_code"],
                    "from": pc.fill_null(assessed["current_category"], NONE),
                    "to": pc.fill_null(assessed["assessed_category"], NONE),
                    "total": assessed["monthly_total"],
                }
            )
            .group_by(["county", "township", "from", "to"])
            .aggregate([("total", "count"), ("total", "sum")])
        )
        for r in grouped.to_pylist():
            self.cells[(r["county"], r["township"], r["from"], r["to"])] += r["total_count"]
            self.cost[(r["county"], r["township"])] += r["total_sum"] or 0
        for r in (
            rows.filter(pc.is_valid(rows["skip_reason"]))
            .group_by("skip_reason")
            .aggregate([("household_id", "count")])
            .to_pylist()
        ):
            self.skipped[r["skip_reason"]] += r["household_id_count"]

    def summary(self, *, region_code: str, as_of: dt.date) -> dict[str, Any]:
        by: dict[tuple[str, str], dict[str, Any]] = {}
        total = _bucket()
        for (county, township, a, b), n in self.cells.items():
            for level, code in (("county", county), ("township", township)):
                bucket = by.setdefault((level, code), _bucket())
                _count(bucket, a, b, n)
            _count(total, a, b, n)
        for (county, township), cost in self.cost.items():
            by[("county", county)]["monthly_total"] += cost
            by[("township", township)]["monthly_total"] += cost
            total["monthly_total"] += cost
        names = names_for({code for _, code in by})
        regions = [
            {"level": level, "code": code, "name": names.get(code, code), **bucket}
            for (level, code), bucket in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0] != "county"))
        ]
        skipped = sum(self.skipped.values())
        return {
            "kind": "reassessment",
            "region_code": region_code,
            "as_of": as_of.isoformat(),
            "rule_set_version": RULE_SET_VERSION,
            "tiers": list(TIERS),
            **total,
            "households": total["assessed"] + skipped,
            "tekun_persons": self.tekun_persons,
            "skipped": skipped,
            "skipped_by_reason": dict(self.skipped.most_common()),
            "by_region": regions,
        }


def _bucket() -> dict[str, Any]:
    return {"assessed": 0, "movers": 0, "monthly_total": 0, "matrix": {}, "after": {}, "before": {}}


def _count(bucket: dict[str, Any], a: str, b: str, n: int) -> None:
    bucket["assessed"] += n
    if a != b:
        bucket["movers"] += n
    row = bucket["matrix"].setdefault(a, {})
    row[b] = row.get(b, 0) + n
    bucket["before"][a] = bucket["before"].get(a, 0) + n
    bucket["after"][b] = bucket["after"].get(b, 0) + n


# --- the run --------------------------------------------------------------------------------------------


def reassess(
    *,
    region_code: str,
    as_of: dt.date,
    out_dir: Path,
    progress: Progress | None = None,
    chunk_size: int = ex.CHUNK_HOUSEHOLDS,
    provider: rules.ParamsProvider | None = None,
) -> dict[str, Any]:
    """Reassess every household of ``region_code``'s subtree (within the current scope) as of
    ``as_of``; writes ``out_dir/results.parquet`` and returns the summary."""
    prefix = prefix_of(region_code)
    ids = ex.household_ids(prefix)
    total = len(ids)
    if progress:
        progress(0, total)
    groups = ParamGroups(as_of, provider)
    transitions = Transitions()
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{RESULTS_FILE}.tmp"
    done = 0
    with pq.ParquetWriter(tmp, RESULT_SCHEMA) as writer:
        for chunk in ex.iter_extracts(as_of, region_prefix=prefix, chunk_size=chunk_size, ids=ids):
            rows = result_rows(assess_chunk(chunk, groups), groups)
            writer.write_table(rows)
            transitions.add(rows)
            done += rows.num_rows
            if progress:
                progress(done, total)
    os.replace(tmp, out_dir / RESULTS_FILE)
    return transitions.summary(region_code=region_code, as_of=as_of)


def read_results(path: Path, *, movers_only: bool = False, columns: Sequence[str] | None = None) -> pa.Table:
    table = pq.read_table(path, columns=list(columns) if columns else None)
    if movers_only:
        table = table.filter(table["moved"])
    return table


def matrix_rows(matrix: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """A (from → to) dict as table rows over ``TIERS``, with row totals, for pages and workbooks."""
    out = []
    for a in TIERS:
        cells = [matrix.get(a, {}).get(b, 0) for b in TIERS]
        if any(cells):
            out.append({"tier": a, "label": TIER_ZH[a], "cells": cells, "total": sum(cells)})
    return out


def by_level(summary: dict[str, Any], level: str) -> list[dict[str, Any]]:
    return [r for r in summary.get("by_region", []) if r["level"] == level]

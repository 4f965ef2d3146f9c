"""What-if simulation of a parameter change (R-S3): who moves between tiers and what it costs, by region.

``simulate(region_code=…, changes=…, as_of=…)`` reads the registry households of the region (within
the current scope) once (``extract``), assesses them twice with ``rules.assess_table`` — with the
parameters in force and with the changed ones — and summarises the difference. It is also the preview
of a parameter proposal (``proposal_preview``), so it is synchronous.

Changes (a dict or a list of dicts):

* flat contract overrides, ``{"dibao_standard_urban": "798"}`` (several keys allowed; ``dibao_standard``
  means each household's own area type);
* ``{"key": "dibao_standard.urban", "value": "798"}`` or ``{"key": …, "factor": "1.05"}`` — a canonical
  key (DOMAIN §4) set to a value, or each household's resolved value times a factor (rounded half-up to
  the key's precision: fen for money, 1/10,000 for ratios, whole counts). Optional ``area_type`` and
  ``region`` (a sub-region code) restrict the change to those households;
* a proposal row ``{"key", "value", "region_code", "effective_from", …}`` (the shape of
  ``ParameterProposal.changes``): simulated exactly as if approved — the row is added to the store's
  rows (replacing rows of the same key, region and area type starting on or after it) and every
  household's parameters are resolved again, so a township's own row still wins over a county change.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.core.serializers.json import DjangoJSONEncoder

from doudi.core.scoping import is_within, prefix_of, require_scope
from doudi.policy import batch, params_store, run_actions
from doudi.policy import extract as ex
from doudi.policy.models import PolicyRun
from doudi.policy.rules import (
    ParameterError,
    Parameters,
    ParamRow,
    ParamValue,
    assess_table,
    load_baseline_rows,
    normalize_region_code,
    region_ancestry,
    resolve_parameters,
)
from doudi.policy.rules.codes import RULE_SET_VERSION
from doudi.policy.rules.params import COUNT, FLAT_OVERRIDES, MONEY, RATIO, SPECS, canonical_key, parse_value
from doudi.regions.queries import names_for

logger = logging.getLogger(__name__)
PREVIEW_FAILED = "测算预览生成失败（{reason}）。参数调整申请已照常提交，不受影响；审核时请另行评估影响"
PREVIEW_FAILED_INTERNAL = "系统内部错误，详情已记入日志"
PREVIEW_MISSING = "本申请未生成测算预览，审核时请另行评估影响"
MAX_FACTOR = Decimal(10)
QUANTUM = {MONEY: Decimal("0.01"), RATIO: Decimal("0.0001"), COUNT: Decimal(1)}
ROW_KEYS = ("region_code", "effective_from")
IGNORED_KEYS = ("unit", "effective_to", "source", "unverified", "label", "area_label", "unit_label")

SIM_SCHEMA = pa.schema(
    [
        ("household_id", pa.int64()),
        ("household_key", pa.string()),
        ("region_code", pa.string()),
        ("county_code", pa.string()),
        ("township_code", pa.string()),
        ("area_type", pa.string()),
        ("category_before", pa.string()),
        ("category_after", pa.string()),
        ("per_capita_monthly_income", pa.decimal128(14, 2)),
        ("monthly_total_before", pa.int64()),
        ("monthly_total_after", pa.int64()),
        ("moved", pa.bool_()),
        ("reason_zh", pa.string()),
        ("tekun_persons_before", pa.int64()),  # members TEKUN per person (R-T4)
        ("tekun_persons_after", pa.int64()),
    ]
)


class SimulationError(ValueError):
    """Bad simulation input, in Chinese."""


@dataclass(frozen=True)
class Change:
    key: str  # canonical; "dibao_standard.{area_type}" for the flat "dibao_standard"
    value: Decimal | str | None = None
    factor: Decimal | None = None
    area_type: str | None = None
    region: str | None = None  # restrict to this subtree (override changes)
    row: ParamRow | None = None  # a proposal row, resolved with the store's rows

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key}
        if self.factor is not None:
            out["factor"] = str(self.factor)
        else:
            out["value"] = str(self.value)
        if self.area_type:
            out["area_type"] = self.area_type
        if self.row is not None:
            out["region_code"] = self.row.region_code
            out["effective_from"] = self.row.effective_from.isoformat()
        elif self.region:
            out["region"] = self.region
        return out

    def label_zh(self) -> str:
        spec = SPECS.get(self.key.replace("{area_type}", "urban"))
        name = (
            "低保标准（按家庭城乡类别）"
            if "{area_type}" in self.key
            else (spec.label_zh if spec else self.key)
        )
        area = {"urban": "（城市）", "rural": "（农村）"}.get(self.area_type or "", "")
        if self.factor is not None:
            pct = (self.factor - 1) * 100
            what = f"{'上调' if pct >= 0 else '下调'} {abs(pct).normalize():f}%"
        else:
            what = f"调整为 {self.value}"
        where = f"，区划 {self.row.region_code}，自 {self.row.effective_from:%Y-%m-%d} 起" if self.row else ""
        if self.region and not self.row:
            where = f"，仅区划 {self.region}"
        return f"{name}{area}{what}{where}"


@dataclass
class SimulationResult:
    summary: dict[str, Any]
    rows: pa.Table = field(repr=False)
    run: PolicyRun | None = None

    @property
    def run_id(self) -> int | None:
        return self.run.pk if self.run is not None else None


# --- changes --------------------------------------------------------------------------------------------


def _decimal(raw: Any, what: str) -> Decimal:
    if isinstance(raw, bool):
        raise SimulationError(f"{what}应为数值")
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise SimulationError(f"{what}应为数值") from None
    if not value.is_finite():
        raise SimulationError(f"{what}应为数值")
    return value


def _canonical(key: str) -> str:
    if key in FLAT_OVERRIDES:
        return canonical_key(key, "{area_type}")
    return key


def _check_key(key: str, *, assessment_only: bool = True) -> None:
    probe = key.replace("{area_type}", "urban")
    spec = SPECS.get(probe)
    if spec is None:
        raise SimulationError(f"未知参数 {key}")
    if assessment_only and not spec.assessment:
        raise SimulationError(f"参数 {key} 不影响认定和待遇测算，无需模拟")


def parse_changes(changes: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> list[Change]:
    """Validate the changes (see the module docstring); raises ``SimulationError``."""
    items = [changes] if isinstance(changes, Mapping) else list(changes)
    out: list[Change] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise SimulationError("参数调整应为对象")
        if "key" not in item:
            for flat, value in item.items():
                out.append(_one({"key": flat, "value": value}))
            continue
        out.append(_one(item))
    if not out:
        raise SimulationError("至少需要一项参数调整")
    return out


def _one(item: Mapping[str, Any]) -> Change:
    unknown = set(item) - {"key", "value", "factor", "area_type", "region", *ROW_KEYS, *IGNORED_KEYS}
    if unknown:
        raise SimulationError(f"未知字段 {'、'.join(sorted(unknown))}")
    key = _canonical(str(item["key"]).strip())
    is_row = all(item.get(k) for k in ROW_KEYS) and item.get("factor") in (None, "")
    # a proposal row of a key the assessment does not read simply changes nothing here
    _check_key(key, assessment_only=not is_row)
    area = item.get("area_type") or None
    if area not in (None, "urban", "rural"):
        raise SimulationError("城乡类别应为 urban 或 rural")
    has_value, has_factor = item.get("value") not in (None, ""), item.get("factor") not in (None, "")
    if has_value == has_factor:
        raise SimulationError(f"参数 {key}：请给出新的取值或调整比例（二者选一）")
    region = str(item.get("region") or "").strip() or None
    if region and not (region.isdigit() and len(region) in (6, 9, 12)):
        raise SimulationError("限定区划代码应为6位、9位或12位数字")
    if has_factor:
        spec = SPECS[key.replace("{area_type}", "urban")]
        if spec.kind not in QUANTUM:
            raise SimulationError(f"参数 {key} 不是数值，不能按比例调整")
        factor = _decimal(item["factor"], "调整比例")
        if not 0 < factor <= MAX_FACTOR:
            raise SimulationError("调整比例应大于 0 且不超过 10 倍")
        return Change(key=key, factor=factor, area_type=area, region=region)
    probe = key.replace("{area_type}", area or "urban")
    try:
        value = parse_value(
            probe, item["value"] if not isinstance(item["value"], float) else str(item["value"])
        )
    except ParameterError as exc:
        raise SimulationError(exc.message) from None
    if is_row:
        if "{area_type}" in key:
            raise SimulationError("按申请行模拟时请使用完整参数名（如 dibao_standard.urban）")
        try:
            row = ParamRow.from_mapping(
                {
                    "key": key,
                    "region_code": item["region_code"],
                    "area_type": area,
                    "value": str(item["value"]),
                    "unit": item.get("unit") or SPECS[key].unit,
                    "effective_from": item["effective_from"],
                    "effective_to": item.get("effective_to") or None,
                    "source": item.get("source") or "参数调整申请（模拟）",
                }
            )
        except ParameterError as exc:
            raise SimulationError(exc.message) from None
        return Change(key=key, value=value, area_type=area, row=row)
    return Change(key=key, value=value, area_type=area, region=region)


def _quantize(key: str, value: Decimal) -> Decimal:
    q = QUANTUM[SPECS[key].kind]
    value = value.quantize(q, rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def apply_overrides(params: Parameters, changes: Sequence[Change], region: str) -> Parameters:
    """``params`` (one region and area type) with the override changes that apply to it."""
    entries = dict(params.entries)
    for c in changes:
        if c.row is not None or (c.area_type and c.area_type != params.area_type):
            continue
        if c.region and not is_within(region, c.region):
            continue
        key = c.key.format(area_type=params.area_type)
        current = entries.get(key)
        if c.factor is not None:
            if current is None or not isinstance(current.value, Decimal):
                continue
            value: Decimal | str = _quantize(key, current.value * c.factor)
        else:
            value = c.value  # type: ignore[assignment]
        if current is not None and current.value == value:
            continue
        entries[key] = ParamValue(
            key=key,
            value=value,
            unit=SPECS[key].unit,
            effective_from=params.as_of,
            effective_to=None,
            source="政策模拟参数调整",
            unverified=False,
            region_code=None,
            area_type=params.area_type,
            override=True,
        )
    return replace(params, entries=entries)


def _store_rows() -> list[ParamRow]:
    return list(params_store.active_rows()) or list(load_baseline_rows())


def changed_parameters(groups: batch.ParamGroups, changes: Sequence[Change]) -> list[Parameters]:
    """The parameters of every group after the changes (rows first, then overrides)."""
    row_changes = [c.row for c in changes if c.row is not None]
    rows: list[ParamRow] | None = None
    if row_changes:
        replaced = {(r.key, r.region_code, r.area_type): r.effective_from for r in row_changes}
        rows = [
            r
            for r in _store_rows()
            if not (
                (r.key, r.region_code, r.area_type) in replaced
                and r.effective_from >= replaced[(r.key, r.region_code, r.area_type)]
            )
        ] + row_changes
    out = []
    for params, (region, area) in zip(groups.params, groups.contexts, strict=True):
        if rows is not None:
            params = resolve_parameters(rows, region_ancestry(region), area, groups.as_of)
        try:
            params = apply_overrides(params, changes, region)
            params.check_complete()
            params.ints  # noqa: B018 - validate every value once
        except ParameterError as exc:
            raise SimulationError(f"调整后的参数无效：{exc.message}") from None
        out.append(params)
    return out


# --- the simulation ----------------------------------------------------------------------------------


def simulate(
    *,
    region_code: str,
    changes: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    as_of: dt.date,
    actor=None,
    record: bool = True,
    provider=None,
) -> SimulationResult:
    """Simulate ``changes`` over the registry households of ``region_code``'s subtree as of ``as_of``.

    Needs a region scope containing the region. ``record`` stores a finished ``PolicyRun`` (kind
    simulation) with the summary and the per-household rows (``results.parquet``)."""
    scope = require_scope()
    try:
        region12 = normalize_region_code(str(region_code).ljust(12, "0")[:12])
    except ValueError as exc:
        raise SimulationError(str(exc)) from None
    if not scope.contains(region12) and scope.prefix:
        raise SimulationError("所选区划不在您的管辖范围内")
    parsed = parse_changes(changes)
    prefix = prefix_of(region12)
    chunk = ex.extract(as_of, region_prefix=prefix)
    groups = batch.ParamGroups(as_of, provider)
    info, households, members = batch.prepare(chunk, groups)
    changed = changed_parameters(groups, parsed)
    rows = _rows(info, households, members, groups, changed)
    summary = summarize(rows, info, region_code=region12, as_of=as_of, changes=parsed)
    summary["parameters"] = _parameter_changes(groups, changed)
    run = None
    if record:
        run = run_actions.record_simulation(
            actor=actor or "政策模拟",
            region_code=region12,
            as_of=as_of,
            changes=[c.as_dict() for c in parsed],
            summary=summary,
        )
        out = batch.store_dir(run.pk)
        out.mkdir(parents=True, exist_ok=True)
        pq.write_table(rows, out / batch.RESULTS_FILE)
    return SimulationResult(summary=summary, rows=rows, run=run)


def _rows(info, households, members, groups: batch.ParamGroups, changed: list[Parameters]) -> pa.Table:
    assessed = info.filter(pc.is_null(info["skip_reason"]))
    if households.num_rows == 0:
        return SIM_SCHEMA.empty_table()
    before = assess_table(households, members, groups.params).households
    after = assess_table(households, members, changed).households
    cat_before = pc.take(batch._CATEGORY_TEXT, before["category"])
    cat_after = pc.take(batch._CATEGORY_TEXT, after["category"])
    moved = pc.not_equal(pc.fill_null(cat_before, batch.NONE), pc.fill_null(cat_after, batch.NONE))
    reasons: list[str | None] = [None] * households.num_rows
    movers = pc.indices_nonzero(moved)
    if len(movers):
        h_after = after.take(movers).to_pylist()
        src = households.take(movers).to_pylist()
        a = pc.take(cat_before, movers).to_pylist()
        b = pc.take(cat_after, movers).to_pylist()
        for i, h, s, x, y in zip(movers.to_pylist(), h_after, src, a, b, strict=True):
            reasons[i] = batch.reason_zh(x or batch.NONE, y or batch.NONE, h, s, changed[s["param_group"]])
    regions = assessed["region_code"]
    return pa.table(
        {
            "household_id": assessed["household_id"],
            "household_key": assessed["household_key"],
            "region_code": regions,
            **batch.level_codes(regions),
            "area_type": assessed["area_type"],
            "category_before": cat_before,
            "category_after": cat_after,
            "per_capita_monthly_income": batch._decimal_yuan(before["per_capita_fen"]),
            "monthly_total_before": before["monthly_total"],
            "monthly_total_after": after["monthly_total"],
            "moved": moved,
            "reason_zh": pa.array(reasons, pa.string()),
            "tekun_persons_before": before["tekun_members"],
            "tekun_persons_after": after["tekun_members"],
        },
        schema=SIM_SCHEMA,
    )


def _bucket() -> dict[str, Any]:
    return {
        "assessed": 0,
        "movers": 0,
        "before": {},
        "after": {},
        "matrix": {},
        "cost": {"before": 0, "after": 0, "delta": 0},
    }


def summarize(rows: pa.Table, info: pa.Table, *, region_code: str, as_of: dt.date, changes) -> dict[str, Any]:
    """Households by tier before/after, the movers matrix and the monthly cost, overall and per county
    and township (JSON-able)."""
    grouped = (
        pa.table(
            {
                "county": rows["county_code"],
                "township": rows["township_code"],
                "a": pc.fill_null(rows["category_before"], batch.NONE),
                "b": pc.fill_null(rows["category_after"], batch.NONE),
                "x": rows["monthly_total_before"],
                "y": rows["monthly_total_after"],
            }
        )
        .group_by(["county", "township", "a", "b"])
        .aggregate([("x", "count"), ("x", "sum"), ("y", "sum")])
        .to_pylist()
    )
    total = _bucket()
    by: dict[tuple[str, str], dict[str, Any]] = {}
    for g in grouped:
        for bucket in (
            total,
            by.setdefault(("county", g["county"]), _bucket()),
            by.setdefault(("township", g["township"]), _bucket()),
        ):
            n, a, b = g["x_count"], g["a"], g["b"]
            bucket["assessed"] += n
            bucket["movers"] += n if a != b else 0
            bucket["before"][a] = bucket["before"].get(a, 0) + n
            bucket["after"][b] = bucket["after"].get(b, 0) + n
            row = bucket["matrix"].setdefault(a, {})
            row[b] = row.get(b, 0) + n
            bucket["cost"]["before"] += g["x_sum"] or 0
            bucket["cost"]["after"] += g["y_sum"] or 0
    for bucket in (total, *by.values()):
        bucket["cost"]["delta"] = bucket["cost"]["after"] - bucket["cost"]["before"]
    names = names_for({code for _, code in by} | {region_code})
    skipped = Counter(r for r in info["skip_reason"].to_pylist() if r is not None)
    return {
        "kind": "simulation",
        "region_code": region_code,
        "region_name": names.get(region_code, region_code),
        "as_of": as_of.isoformat(),
        "rule_set_version": RULE_SET_VERSION,
        "changes": [{**c.as_dict(), "label": c.label_zh()} for c in changes],
        "tiers": list(batch.TIERS),
        **total,
        "households": total["assessed"] + sum(skipped.values()),
        "tekun_persons": {
            "before": int(pc.sum(rows["tekun_persons_before"]).as_py() or 0),
            "after": int(pc.sum(rows["tekun_persons_after"]).as_py() or 0),
        },
        "skipped": sum(skipped.values()),
        "skipped_by_reason": dict(skipped.most_common()),
        "by_region": [
            {"level": level, "code": code, "name": names.get(code, code), **bucket}
            for (level, code), bucket in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0] != "county"))
        ],
    }


def _parameter_changes(groups: batch.ParamGroups, changed: list[Parameters]) -> list[dict[str, Any]]:
    """Per (region, area type): the assessment parameters whose value changed, before → after."""
    out = []
    names = names_for({region for region, _ in groups.contexts})
    for (region, area), old, new in zip(groups.contexts, groups.params, changed, strict=True):
        for key, pv in new.entries.items():
            was = old.entries.get(key)
            if key.startswith("dibao_standard.") and key != old.dibao_key:
                continue  # the other area type's standard does not touch these households
            if SPECS.get(key) and SPECS[key].assessment and (was is None or was.value != pv.value):
                out.append(
                    {
                        "region_code": region,
                        "region_name": names.get(region, region),
                        "area_type": area,
                        "key": key,
                        "label": SPECS[key].label_zh,
                        "before": was.value_text() if was else None,
                        "after": pv.value_text(),
                    }
                )
    return out


def proposal_preview(region_code: str, changes: list[dict], *, actor=None) -> tuple[dict | None, str]:
    """The what-if preview (R-S3) of a parameter change: ``(preview, note)``.

    Calls ``simulate(region_code=…, changes=…, as_of=…)`` as of the earliest effective
    date of the changes. When it fails, the preview is ``None`` and the note says so in Chinese, with
    the reason when it is a simulation input error (an internal error is only logged); the proposal
    is still recorded and the reviewer sees the note."""
    as_of = min(dt.date.fromisoformat(str(c["effective_from"])) for c in changes)
    try:
        outcome = simulate(region_code=region_code, changes=changes, as_of=as_of, actor=actor)
    except SimulationError as exc:  # a Chinese message about the input: safe to show
        return None, PREVIEW_FAILED.format(reason=str(exc).strip("。") or PREVIEW_FAILED_INTERNAL)
    except Exception:  # a failed preview must not lose the proposal
        logger.exception("parameter proposal preview failed for %s", region_code)
        return None, PREVIEW_FAILED.format(reason=PREVIEW_FAILED_INTERNAL)
    summary = json.loads(json.dumps(outcome.summary, cls=DjangoJSONEncoder))
    run_id = outcome.run_id
    return {"as_of": as_of.isoformat(), "summary": summary, "run_id": run_id}, ""

"""Presentation of a ``PolicyRun``: the tables its page shows and its Excel workbook.

Reads the run's summary and its ``results.parquet`` only (``batch.results_path``). The workbook is
written through ``run_actions.export_run_workbook``, which audits the download.
"""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone
from openpyxl import Workbook

from doudi.core.cells import append_row
from doudi.policy import batch
from doudi.policy.models import PolicyRun
from doudi.regions.queries import names_for
from doudi.registry.exports import household_key_linker
from doudi.registry.models import CATEGORY_NAMES, AreaType

EXCEL_MAX_ROWS = 1_000_000  # one sheet holds 1,048,576 rows
MOVERS_SHOWN = 200
CATEGORY_ZH: dict[str | None, str] = {None: "无", batch.NONE: "无"}
CATEGORY_ZH.update(CATEGORY_NAMES)


def tier_label(code: str | None) -> str:
    return CATEGORY_ZH.get(code, code or "无")


def matrix(summary_part: dict[str, Any]) -> dict[str, Any]:
    """A (from → to) matrix over all tiers for a template: header labels and rows with totals."""
    tiers = batch.TIERS
    rows = batch.matrix_rows(summary_part.get("matrix", {}))
    for row in rows:
        row["cells"] = [
            {"n": n, "moved": tiers[j] != row["tier"], "to": tiers[j]} for j, n in enumerate(row["cells"])
        ]
    totals = [sum(summary_part.get("matrix", {}).get(a, {}).get(b, 0) for a in tiers) for b in tiers]
    return {"labels": [batch.TIER_ZH[t] for t in tiers], "rows": rows, "totals": totals}


def regions(summary: dict[str, Any], level: str) -> list[dict[str, Any]]:
    """Per-region rows of a summary (county or township level) with their matrices."""
    out = []
    for r in batch.by_level(summary, level):
        out.append({**r, "table": matrix(r)})
    return out


def movers(run: PolicyRun, limit: int | None = MOVERS_SHOWN) -> tuple[list[dict[str, Any]], int]:
    """The households that would move (first ``limit``), and how many there are."""
    path = batch.results_path(run.pk)
    if not path.exists():
        return [], 0
    table = batch.read_results(path, movers_only=True)
    count = table.num_rows
    if limit is not None:
        table = table.slice(0, limit)
    rows = table.to_pylist()
    names = names_for({r["region_code"] for r in rows})
    for r in rows:
        r["region_name"] = names.get(r["region_code"], r["region_code"])
        if run.kind == PolicyRun.Kind.SIMULATION:
            r["from_label"], r["to_label"] = tier_label(r["category_before"]), tier_label(r["category_after"])
        else:
            r["from_label"], r["to_label"] = (
                tier_label(r["current_category"]),
                tier_label(r["assessed_category"]),
            )
    return rows, count


def chart_data(run: PolicyRun) -> dict[str, Any] | None:
    """ECharts data of a simulation: tiers before/after, the movers (sankey links) and cost by region."""
    s = run.summary
    if run.kind != PolicyRun.Kind.SIMULATION or not s:
        return None
    tiers = batch.TIERS
    links = [
        {"source": f"调整前·{batch.TIER_ZH[a]}", "target": f"调整后·{batch.TIER_ZH[b]}", "value": n}
        for a, row in s.get("matrix", {}).items()
        for b, n in row.items()
        if a != b and n
    ]
    level = "township" if len(batch.by_level(s, "county")) <= 1 else "county"
    by = batch.by_level(s, level)
    return {
        "tiers": [batch.TIER_ZH[t] for t in tiers],
        "before": [s.get("before", {}).get(t, 0) for t in tiers],
        "after": [s.get("after", {}).get(t, 0) for t in tiers],
        "links": links,
        "nodes": sorted({x for link in links for x in (link["source"], link["target"])}),
        "regions": [r["name"] for r in by],
        "cost_before": [r["cost"]["before"] for r in by],
        "cost_after": [r["cost"]["after"] for r in by],
    }


# --- the workbook ----------------------------------------------------------------------------------


def _matrix_sheet(wb: Workbook, title: str, part: dict[str, Any], corner: str) -> None:
    ws = wb.create_sheet(title)
    append_row(ws, [corner, *[batch.TIER_ZH[t] for t in batch.TIERS], "合计"])
    for row in batch.matrix_rows(part.get("matrix", {})):
        append_row(ws, [row["label"], *row["cells"], row["total"]])


def workbook(run: PolicyRun, *, actor=None, link_base: str = "") -> tuple[bytes, int]:
    """``(xlsx bytes, household rows written)``; called by ``run_actions.export_run_workbook``."""
    s = run.summary
    wb = Workbook(write_only=True)
    about = wb.create_sheet("说明")
    append_row(about, ["测算类型", run.get_kind_display()])
    append_row(about, ["测算编号", run.pk])
    append_row(about, ["区划", names_for({run.region_code}).get(run.region_code, run.region_code)])
    append_row(about, ["测算日期", run.as_of.isoformat()])
    append_row(about, ["规则版本", s.get("rule_set_version", "")])
    append_row(about, ["家庭数", s.get("households", 0)])
    append_row(about, ["已测算", s.get("assessed", 0)])
    append_row(about, ["无法测算", s.get("skipped", 0)])
    append_row(about, ["类别变动", s.get("movers", 0)])
    for change in s.get("changes", []):
        append_row(about, ["参数调整", change.get("label", "")])
    if "cost" in s:
        append_row(about, ["月度待遇（调整前，元）", s["cost"]["before"]])
        append_row(about, ["月度待遇（调整后，元）", s["cost"]["after"]])
        append_row(about, ["月度待遇变化（元）", s["cost"]["delta"]])
    else:
        append_row(about, ["月度待遇合计（元）", s.get("monthly_total", 0)])
    append_row(about, ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    append_row(about, ["导出人", getattr(actor, "label", str(actor or ""))])
    append_row(about, ["注意", "本文件含家庭收入等敏感信息，请妥善保管，用后删除。"])
    for reason, n in s.get("skipped_by_reason", {}).items():
        append_row(about, ["无法测算原因", f"{reason}：{n} 户"])
    simulation = run.kind == PolicyRun.Kind.SIMULATION
    _matrix_sheet(wb, "类别迁移矩阵", s, "调整前 \\ 调整后" if simulation else "现有类别 \\ 测算类别")
    ws = wb.create_sheet("分区划统计")
    cost_head = (
        ["调整前月度待遇（元）", "调整后月度待遇（元）", "变化（元）"] if simulation else ["月度待遇（元）"]
    )
    pair = ["调整前类别", "调整后类别"] if simulation else ["现有类别", "测算类别"]
    append_row(ws, ["层级", "区划代码", "区划名称", "测算户数", "变动户数", *cost_head, *pair, "户数"])
    for r in s.get("by_region", []):
        level = "县（市、区）" if r["level"] == "county" else "乡镇（街道）"
        cost = (
            [r["cost"]["before"], r["cost"]["after"], r["cost"]["delta"]]
            if simulation
            else [r["monthly_total"]]
        )
        head = [level, r["code"], r["name"], r["assessed"], r["movers"], *cost]
        for a, row in r.get("matrix", {}).items():
            for b, n in row.items():
                append_row(ws, [*head, batch.TIER_ZH.get(a, a), batch.TIER_ZH.get(b, b), n])
    rows = _household_sheet(wb, run, simulation, link_base)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), rows


def _household_sheet(wb: Workbook, run: PolicyRun, simulation: bool, link_base: str = "") -> int:
    path = batch.results_path(run.pk)
    ws = wb.create_sheet("变动家庭")
    key = household_key_linker(ws, link_base, as_of=run.as_of)
    if simulation:
        append_row(
            ws,
            [
                "户编号",
                "区划",
                "城乡",
                "调整前类别",
                "调整后类别",
                "人均月收入（元）",
                "调整前月待遇（元）",
                "调整后月待遇（元）",
                "原因",
            ],
        )
    else:
        append_row(
            ws,
            [
                "户编号",
                "区划",
                "城乡",
                "现有类别",
                "测算类别",
                "人均月收入（元）",
                "月待遇（元）",
                "通过的条件",
                "未通过的条件",
                "原因",
            ],
        )
    if not path.exists():
        return 0
    table: pa.Table = batch.read_results(path)
    if not simulation:  # movers first, then the households that could not be assessed
        table = table.filter(pc.or_(table["moved"], pc.is_valid(table["skip_reason"])))
    else:
        table = table.filter(table["moved"])
    names = names_for(set(pc.unique(table["region_code"]).to_pylist()))
    written = 0
    for batch_ in table.to_batches(max_chunksize=20_000):
        for r in batch_.to_pylist():
            if written >= EXCEL_MAX_ROWS:
                break
            area = AreaType.URBAN.label if r["area_type"] == AreaType.URBAN else AreaType.RURAL.label
            region = names.get(r["region_code"], r["region_code"])
            income = (
                float(r["per_capita_monthly_income"]) if r["per_capita_monthly_income"] is not None else None
            )
            if simulation:
                append_row(ws,
                    [key(r["household_key"]), region, area, tier_label(r["category_before"]), tier_label(r["category_after"]),
                     income, r["monthly_total_before"], r["monthly_total_after"], r["reason_zh"]]
                )  # fmt: skip
            else:
                assessed = "无法测算" if r["skip_reason"] else tier_label(r["assessed_category"])
                append_row(ws,
                    [key(r["household_key"]), region, area, tier_label(r["current_category"]), assessed, income,
                     r["monthly_total"], r["passed_criteria"], r["failed_criteria"], r["reason_zh"]]
                )  # fmt: skip
            written += 1
    return written

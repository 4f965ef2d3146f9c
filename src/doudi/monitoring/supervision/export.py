"""The supervision workbook (.xlsx) of one region: the figures of the page and the overdue list, audited."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import append_row
from doudi.monitoring.models import EarlyWarning, Indicator, WarningLevel
from doudi.monitoring.supervision.queries import Overview, overdue_q, warnings_in
from doudi.regions.queries import names_for
from doudi.registry.exports import household_key_linker

LEVELS = dict(WarningLevel.choices)
STATUSES = dict(EarlyWarning.Status.choices)
INDICATORS = dict(Indicator.choices)
OVERDUE_MAX = 50_000


@transaction.atomic
def export_workbook(*, actor, ov: Overview, link_base: str = "") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("概况")
    append_row(ws, ["区划", ov.region.full_name])
    append_row(ws, ["统计日期", ov.today.isoformat()])
    append_row(ws, ["预警总数", ov.totals["total"]])
    append_row(ws, ["未办结", ov.totals["open"]])
    append_row(ws, ["已核查", ov.totals["verified"]])
    append_row(ws, ["按时核查", ov.totals["on_time"]])
    append_row(ws, ["按时核查率（%）", ov.on_time_rate if ov.on_time_rate is not None else "—"])
    append_row(ws, ["逾期未核查", ov.totals["overdue"]])
    ws = wb.create_sheet("按原因")
    append_row(ws, ["原因", "预警数", "未办结", *LEVELS.values()])
    for r in ov.by_indicator:
        append_row(ws, [r["label"], r["n"], r["open"], *(r["levels"].get(k, 0) for k in LEVELS)])
    ws = wb.create_sheet("按等级与状态")
    append_row(ws, ["等级", "预警数"])
    for r in ov.by_level:
        append_row(ws, [r["label"], r["n"]])
    append_row(ws, [])
    append_row(ws, ["状态", "预警数"])
    for r in ov.by_status:
        append_row(ws, [r["label"], r["n"]])
    append_row(ws, [])
    append_row(ws, ["处置方式", "件数"])
    for r in ov.dispositions:
        append_row(ws, [r["label"], r["n"]])
    if ov.children:
        ws = wb.create_sheet("下级区划")
        append_row(
            ws,
            [
                "区划代码",
                "区划",
                "预警数",
                "未办结",
                "红色",
                "已核查",
                "按时核查",
                "按时核查率（%）",
                "逾期未核查",
            ],
        )
        for c in ov.children:
            append_row(ws, [c["code"], c["name"], c["total"], c["open"], c["red"], c["verified"], c["on_time"],
                       c["on_time_rate"] if c["on_time_rate"] is not None else "—", c["overdue"]])  # fmt: skip
    ws = wb.create_sheet("逾期未核查")
    append_row(ws, ["预警编号", "原因", "等级", "状态", "户编号", "区划", "发出日期", "核查时限", "逾期天数"])
    rows = list(
        warnings_in(ov.region.code).filter(overdue_q(ov.today)).order_by("deadline", "id")
        .values_list("id", "indicator", "level", "status", "household__household_key", "region_code", "raised_on",
                     "deadline")[:OVERDUE_MAX]
    )  # fmt: skip
    names = names_for({r[5] for r in rows})
    key = household_key_linker(ws, link_base)
    for wid, ind, level, status, hkey, region, raised, deadline in rows:
        append_row(ws, [wid, INDICATORS.get(ind, ind), LEVELS.get(level, level), STATUSES.get(status, status),
                   key(hkey) if hkey else "（潜在救助对象）", names.get(region, region), raised.isoformat(), deadline.isoformat(),
                   (ov.today - deadline).days])  # fmt: skip
    about = wb.create_sheet("说明")
    append_row(about, ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    append_row(about, ["导出人", getattr(actor, "label", str(actor))])
    append_row(about, ["注意", "本文件不含身份证号等个人身份信息；请妥善保管。"])
    record_audit(
        actor=actor,
        action=AuditAction.MONITORING_SUPERVISION_EXPORT,
        region_code=ov.region.code,
        subject_type="supervision",
        subject_id=ov.region.code,
        detail=f"导出预警督办统计（{ov.region.full_name}，逾期 {len(rows)} 条）",
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

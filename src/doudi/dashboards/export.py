"""The dashboards' workbook (.xlsx): the figures of the page — one sheet per topic, the children — audited."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import safe_row
from doudi.dashboards import figures
from doudi.dashboards.queries import Overview

CHILD_LABELS = {"city": "市（州）", "county": "县（市、区）", "township": "乡镇（街道）"}


def _sheet(wb: Workbook, title: str, head: list[str], rows: list[list]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append(safe_row(head))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(row))
    ws.freeze_panes = "B2"


@transaction.atomic
def export_workbook(*, actor, ov: Overview) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    about: list[list] = [
        ["区划", ov.region.full_name],
        ["统计期间", f"{ov.date_from.isoformat()} 至 {ov.date_to.isoformat()}"],
        [
            "数据截至",
            timezone.localtime(ov.built_at).strftime("%Y-%m-%d %H:%M") if ov.built_at else "尚未生成",
        ],
        *([figures.INDICATORS[k][0] + f"（{figures.INDICATORS[k][1]}）", v] for k, v in ov.totals.items()),
    ]
    _sheet(wb, "概况", ["项目", "数值"], about)
    for t in ov.topics.values():
        _sheet(wb, t.title.split("（")[0], t.head, [*t.rows, *([t.total] if t.total else [])])
    if ov.children:
        head = [CHILD_LABELS.get(ov.child_level or "", "下级区划"), "区划代码",
                *(f"{n}（{u}）" for n, u in figures.INDICATORS.values())]  # fmt: skip
        _sheet(wb, "下级区划", head, [[c["name"], c["code"], *c["values"].values()] for c in ov.children])
    notes = wb.create_sheet("说明")
    for row in (["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")],
                ["导出人", getattr(actor, "label", str(actor))],
                ["注意", "本文件只含汇总数，不含个人信息；按月统计的主题按所选期间的整月汇总。"]):  # fmt: skip
        notes.append(safe_row(row))
    record_audit(
        actor=actor,
        action=AuditAction.DASHBOARDS_EXPORT,
        region_code=ov.region.code,
        subject_type="dashboards_export",
        subject_id=ov.region.code,
        detail=f"导出统计分析报表（{ov.region.full_name}，{ov.date_from.isoformat()} 至 {ov.date_to.isoformat()}）",
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

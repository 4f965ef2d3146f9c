"""The Excel export of the complaint list: every column and value in Chinese, the complainant masked (anonymous
ones blank), sensitive tickets only where the caller may see them (the list's own query)."""

from __future__ import annotations

from django.utils import timezone

from doudi.complaints import queries
from doudi.core.workbook import sheet_bytes
from doudi.regions.queries import names_for

COLUMNS = ["编号", "所涉乡镇（街道）", "来源渠道", "类型", "敏感", "信访事项", "事由", "投诉人", "联系电话（脱敏）",
           "收到日期", "受理日期", "办理层级", "升级督办", "状态", "期限类型", "到期日", "时限状态", "处理决定",
           "问题原因", "办结日期"]  # fmt: skip


def _d(day) -> str:
    return day.isoformat() if day else ""


def book(qs) -> tuple[bytes, int]:
    today = timezone.localdate()
    items = list(qs[:100000])
    names = names_for({c.region_code for c in items})

    def rows():
        for c in items:
            dl = queries.deadline(c, today)
            yield [
                c.number, names.get(c.region_code, ""), c.channel_label, c.type_label, "是" if c.sensitive else "否",
                "是" if c.xinfang else "否", c.summary, "匿名" if c.anonymous else c.reporter_name,
                c.reporter_phone_masked, _d(c.received_on), _d(c.accepted_on), c.level_label,
                c.escalated_label, c.state_label, dl["label"], _d(dl["due"]), dl["status_label"], c.decision_label,
                c.root_cause_label, _d(c.closed_on),
            ]  # fmt: skip

    return sheet_bytes("投诉举报", COLUMNS, rows())

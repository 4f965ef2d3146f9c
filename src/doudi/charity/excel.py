"""The Excel export of the needs library for the township and the county: every column in Chinese, the
household by its number only (no name, no identity number), the village and township by name for staff."""

from __future__ import annotations

from django.utils import timezone

from doudi.charity import queries
from doudi.core.workbook import sheet_bytes

COLUMNS = ["需求编号", "县（市、区）", "乡镇（街道）", "户编号", "来源", "类别", "需求标题", "单位", "所需", "已认领",
           "已完成", "剩余", "截止日期", "状态", "家庭同意日期", "发布日期", "完成日期", "关闭原因"]  # fmt: skip


def _d(day) -> str:
    return day.isoformat() if day else ""


def needs_book(qs) -> tuple[bytes, int]:
    items = list(qs[:100000])
    today = timezone.localdate()
    table = queries.rows(items, today)

    def rows():
        for r in table:
            n = r["n"]
            yield [
                n.public_number, r["county"], r["town"], n.household.household_key, n.origin_name, n.category_label,
                n.title, n.unit, float(n.target), float(n.claimed), float(n.fulfilled), float(n.remaining),
                _d(n.due_on), n.state_label, _d(n.consent_on), _d(n.published_on), _d(n.completed_on),
                n.close_reason,
            ]  # fmt: skip

    return sheet_bytes("帮扶需求", COLUMNS, rows())

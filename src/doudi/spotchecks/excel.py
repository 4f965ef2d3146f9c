"""The Excel export of one spot-check round: every column and value in Chinese."""

from __future__ import annotations

from django.utils import timezone

from doudi.core.workbook import sheet_bytes
from doudi.regions.queries import names_for
from doudi.spotchecks import queries

COLUMNS = ["抽查对象", "类别", "所在乡镇（街道）", "核查人员", "核查期限", "状态", "是否逾期", "核查结论", "问题类别",
           "核查情况", "核查日期", "整改期限", "整改措施", "整改日期"]  # fmt: skip


def _d(day) -> str:
    return day.isoformat() if day else ""


def book(rnd) -> tuple[bytes, int]:
    today = timezone.localdate()
    items = list(queries.items(rnd))
    names = names_for({i.region_code for i in items})

    def rows():
        for i in items:
            dl = queries.deadline(i, today)
            who = (i.assigned_to.display_name or i.assigned_to.username) if i.assigned_to else ""
            yield [
                i.subject_ref, i.kind_label, names.get(i.region_code, ""), who, _d(i.due), i.state_label,
                "逾期" if dl["overdue"] else "", i.result_label, i.category_label, i.note, _d(i.checked_on),
                _d(i.correction_due), i.correction, _d(i.corrected_on),
            ]  # fmt: skip

    return sheet_bytes("抽查核查", COLUMNS, rows())

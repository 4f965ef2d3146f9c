"""Excel exports (openpyxl): a roster's lines and the monthly summaries, every column and value in
Chinese (no raw codes), masked accounts only; cells made safe against formula injection."""

from __future__ import annotations

from doudi.core.workbook import sheet_bytes
from doudi.payments.base import month_label
from doudi.payments.models import Programme, Roster, RosterLine
from doudi.registry.models import CATEGORY_NAMES

LEVEL_LABELS = {"township": "乡镇（街道）", "county": "县（市、区）", "city": "市（州）", "province": "省"}
ROSTER_COLUMNS = ["户编号", "收款人", "救助类别", "月份", "类型", "规则", "金额（元）", "涵盖月份", "状态", "原因",
                  "收款账户", "开户行", "到账日期"]  # fmt: skip
SUMMARY_COLUMNS = ["区划代码", "区划名称", "层级", "项目", "类别", "月份", "户数", "人数", "应发（元）", "实发（元）",
                   "失败（元）", "补发（元）", "追回（元）"]  # fmt: skip


def _book(title: str, head: list[str], rows) -> bytes:
    return sheet_bytes(title, head, rows)[0]


def roster_book(roster: Roster, lines) -> bytes:
    def rows():
        for ln in lines:
            yield [
                ln.household.household_key,
                ln.person.name if ln.person_id else "全户",
                CATEGORY_NAMES.get(ln.tier, ln.tier),
                month_label(ln.month),
                RosterLine.Line(ln.line).label,
                ln.rule,
                ln.amount,
                "、".join(ln.covers or []),
                RosterLine.Status(ln.status).label,
                ln.status_reason or ln.bank_reason,
                ln.account_masked,
                ln.bank_name,
                ln.paid_on.isoformat() if ln.paid_on else "",
            ]

    return _book(f"花名册{roster.pk}", ROSTER_COLUMNS, rows())


def summary_book(summaries, names: dict[str, str]) -> bytes:
    def rows():
        for s in summaries:
            yield [
                s.region_code,
                names.get(s.region_code, ""),
                LEVEL_LABELS.get(s.level, s.level),
                Programme(s.programme).label,
                CATEGORY_NAMES.get(s.tier, s.tier),
                month_label(s.month),
                s.households,
                s.persons,
                s.due_amount,
                s.paid_amount,
                s.failed_amount,
                s.arrears_amount,
                s.recovery_amount,
            ]

    return _book("发放汇总", SUMMARY_COLUMNS, rows())

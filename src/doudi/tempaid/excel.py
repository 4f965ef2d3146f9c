"""Excel exports of temporary assistance, every column and value in Chinese, identity numbers masked."""

from __future__ import annotations

from django.utils import timezone

from doudi.core.workbook import sheet_bytes
from doudi.regions.queries import names_for
from doudi.tempaid import queries
from doudi.tempaid.base import AUTHORITY_LABELS
from doudi.tempaid.models import AidForm, AidType, ContingencyFund, Degree, FundLedger, TempAidCase

CASE_COLUMNS = ["编号", "急难发生地", "救助类型", "档次", "急难事由", "发生日期", "申请人", "身份证号（脱敏）", "户籍地",
                "受理日期", "先行救助（元）", "先行救助日期", "办理时限", "到期日", "时限状态", "批准金额（元）",
                "审批层级", "救助方式", "状态", "突发公共事件"]  # fmt: skip
LEDGER_COLUMNS = ["日期", "类型", "金额（元）", "余额（元）", "临时救助编号", "说明"]


def _book(title: str, head: list[str], rows) -> tuple[bytes, int]:
    return sheet_bytes(title, head, rows)


def _d(day) -> str:
    return day.isoformat() if day else ""


def cases_book(qs) -> tuple[bytes, int]:
    today = timezone.localdate()
    items = list(qs.select_related("emergency")[:100000])
    names = names_for({c.region_code for c in items})

    def rows():
        for c in items:
            dl = queries.deadline(c, today)
            yield [
                c.number, names.get(c.region_code, ""), AidType(c.aid_type).label, Degree(c.degree).label, c.event,
                _d(c.event_date), c.applicant_name, c.id_masked, c.hukou_place, _d(c.accepted_on),
                c.paid_first_amount or "", _d(c.paid_first_on), dl["label"], _d(dl["due"]), dl["status_label"],
                c.approved_amount or "", AUTHORITY_LABELS.get(c.authority, ""), AidForm(c.form).label,
                TempAidCase.State(c.state).label, c.emergency.title if c.emergency else "",
            ]  # fmt: skip

    return _book("临时救助", CASE_COLUMNS, rows())


def ledger_book(fund: ContingencyFund, entries) -> tuple[bytes, int]:
    def rows():
        for e in entries:
            yield [_d(e.on), FundLedger.Kind(e.kind).label, e.amount, e.balance_after,
                   e.case.number if e.case_id else "", e.note]  # fmt: skip

    return _book(f"备用金{fund.year}", LEDGER_COLUMNS, rows())

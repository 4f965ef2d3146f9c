"""The bank file of a roster and the bank's return file (R-PAY1, R-PAY6), layout in ``docs/payments.md``
"Bank file". Formats only — no writes: the audited generation and the import are ``bank_actions``.

Bank file (CSV, UTF-8 with BOM; XLSX the same rows in the first sheet):

1. a title line ``#兜底救助金发放文件,<roster id>,<paying region>,<programme>,<YYYY-MM>,<kind>-<seq>``;
2. the header ``序号,付款标识,收款人,账号,开户行,账户类型,金额,明细条数,摘要``;
3. one row per payee account: the roster's due lines of that account added up (amount in yuan with two
   decimals), ``付款标识`` = ``<roster id>-<account id>`` (the bank returns it);
4. the checksum line ``#校验,<rows>,<total yuan>,<SM3 hex of the data rows>`` where the digest is taken
   over the data rows as written (fields joined by ``,``, rows by ``\\n``, UTF-8).

Return file (CSV or XLSX, first sheet): header ``付款标识,结果,原因,到账日期`` then one row per
payment: 结果 ``成功``/``失败`` (or ``paid``/``failed``), 原因 the bank's reason of a failure, 到账日期
``YYYY-MM-DD`` (default the import day). Lines starting with ``#`` are ignored."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Count, Sum

from doudi.core import crypto
from doudi.payments.base import month_label
from doudi.payments.models import Programme, RecipientAccount, Roster, RosterLine

HEADER = ["序号", "付款标识", "收款人", "账号", "开户行", "账户类型", "金额", "明细条数", "摘要"]
RETURN_HEADER = ["付款标识", "结果", "原因", "到账日期"]
PAID_WORDS = {"成功", "paid", "已到账", "success", "ok"}
FAILED_WORDS = {"失败", "failed", "fail", "发放失败"}


def _yuan(amount: int) -> str:
    return f"{amount}.00"


def rows(roster: Roster) -> list[list[str]]:
    """The data rows: the roster's due lines grouped by account (one query for the sums, one for the
    accounts); the full number decrypted here only."""
    grouped = (
        RosterLine.unscoped.filter(roster=roster, status=RosterLine.Status.DUE, account__isnull=False)
        .values("account")
        .annotate(total=Sum("amount"), n=Count("pk"))
        .order_by("account")
    )
    sums = list(grouped)
    accounts = RecipientAccount.unscoped.in_bulk([s["account"] for s in sums])
    memo = f"{month_label(roster.month)}{Programme(roster.programme).label}"
    out = []
    for i, s in enumerate(sums, 1):
        acc = accounts[s["account"]]
        number = crypto.decrypt(acc.number_enc) if acc.number_enc else ""
        out.append(
            [
                str(i),
                f"{roster.pk}-{acc.pk}",
                acc.holder_name,
                number,
                acc.bank_name,
                RecipientAccount.Kind(acc.kind).label,
                _yuan(int(s["total"])),
                str(s["n"]),
                memo,
            ]
        )
    return out


def _canonical(data: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in data).encode("utf-8")


def checksum(data: list[list[str]]) -> str:
    return crypto.sm3_hex(_canonical(data))


def title(roster: Roster) -> list[str]:
    return [
        "#兜底救助金发放文件",
        str(roster.pk),
        roster.region_code,
        roster.programme,
        roster.month.strftime("%Y-%m"),
        f"{roster.kind}-{roster.seq}",
    ]


def check_line(data: list[list[str]]) -> list[str]:
    total = sum(int(r[6].split(".")[0]) for r in data)
    return ["#校验", str(len(data)), _yuan(total), checksum(data)]


def to_csv(roster: Roster, data: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(title(roster))
    w.writerow(HEADER)
    w.writerows(data)
    w.writerow(check_line(data))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(roster: Roster, data: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "发放文件"
    ws.append(title(roster))
    ws.append(HEADER)
    for r in data:
        ws.append(r)  # text cells: account numbers keep their digits
    ws.append(check_line(data))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_bank_file(content: bytes, name: str = "") -> tuple[list[list[str]], list[str]]:
    """A bank file back into its data rows and checksum line (tests, and the bank side's check)."""
    table = _table(content, name)
    data = [r[:9] for r in table[2:] if r and not str(r[0]).startswith("#")]
    check = next((r for r in table if r and str(r[0]) == "#校验"), [])
    return data, [str(c) for c in check[:4]]


@dataclass
class ReturnRow:
    line_no: int
    ref: str
    paid: bool
    reason: str
    paid_on: dt.date | None


def _table(content: bytes, name: str) -> list[list[str]]:
    if name.lower().endswith(".xlsx") or content[:2] == b"PK":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        return [["" if c is None else str(c).strip() for c in row] for row in ws.iter_rows(values_only=True)]
    text = content.decode("utf-8-sig", errors="replace")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def parse_return(content: bytes, name: str = "") -> tuple[list[ReturnRow], list[dict]]:
    """The bank's answers and the rows that could not be read (``{"line", "reason"}``, Chinese); a bad
    row never stops the others."""
    good: list[ReturnRow] = []
    problems: list[dict] = []
    try:
        table = _table(content, name)
    except Exception:  # not a CSV / XLSX at all
        return [], [{"line": 0, "reason": "无法读取回盘文件（应为 CSV 或 XLSX）"}]
    for n, row in enumerate(table, 1):
        if not row or not any(row) or str(row[0]).startswith("#") or row[0] == RETURN_HEADER[0]:
            continue
        cells = (row + ["", "", "", ""])[:4]
        ref, result, reason, day = cells
        word = result.strip().lower()
        if word in PAID_WORDS:
            paid = True
        elif word in FAILED_WORDS:
            paid = False
        else:
            problems.append({"line": n, "reason": f"结果“{result}”无法识别（应为 成功 或 失败）"})
            continue
        if not paid and not reason:
            problems.append({"line": n, "reason": "失败的记录须写明原因"})
            continue
        paid_on = None
        if day:
            try:
                paid_on = dt.date.fromisoformat(day[:10])
            except ValueError:
                problems.append({"line": n, "reason": f"到账日期“{day}”格式应为 YYYY-MM-DD"})
                continue
        good.append(ReturnRow(n, ref.strip(), paid, reason.strip()[:200], paid_on))
    return good, problems

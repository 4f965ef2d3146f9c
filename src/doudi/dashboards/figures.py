"""Shape summed cells into each topic's table and chart (no database here: ``queries`` passes the rows).

Each topic is one table — a header row, rows with a header cell, a total row where sums make sense — and a
chart drawn from the same table, so the chart never shows a figure the table beside it does not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from doudi.dashboards import labels as L

Row = dict  # {topic, month, d1, d2, d3, n, amount}


@dataclass
class Topic:
    key: str
    title: str
    head: list[str]  # first: the row header's column
    rows: list[list]  # [row label, value, …]
    total: list | None = None
    chart: str = "bar"  # bar (stacked) | pie | line
    series: list[int] = field(default_factory=list)  # the columns (index into head) the chart draws
    unit: str = "人"
    note: str = ""

    def chart_data(self) -> dict:
        cols = self.series or list(range(1, len(self.head)))
        return {
            "key": self.key,
            "kind": self.chart,
            "unit": self.unit,
            "x": [r[0] for r in self.rows],
            "series": [{"name": self.head[c], "data": [r[c] for r in self.rows]} for c in cols],
        }


def _pivot(rows: Iterable[Row], row_key, col_key, value="n") -> dict:
    out: dict = defaultdict(lambda: defaultdict(int))
    for r in rows:
        out[row_key(r)][col_key(r)] += r[value]
    return out


def _table(grid: dict, row_codes: list[str], row_labels: dict, col_codes: list[str], *, total_col=True,
           keep_empty=False) -> tuple[list[list], list]:  # fmt: skip
    codes = row_codes + sorted(set(grid) - set(row_codes))
    rows = []
    for code in codes:
        values = [grid.get(code, {}).get(c, 0) for c in col_codes]
        if not keep_empty and not any(values):
            continue
        rows.append([L.label(row_labels, code), *values, *([sum(values)] if total_col else [])])
    total = ["合计", *(sum(r[i] for r in rows) for i in range(1, len(col_codes) + 1 + total_col))]
    return rows, total


def months_between(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    out, m = [], date_from.replace(day=1)
    while m <= date_to:
        out.append(m)
        m = m.replace(year=m.year + (m.month == 12), month=m.month % 12 + 1)
    return out


def people(rows: list[Row]) -> Topic:
    grid = _pivot(rows, lambda r: r["d1"], lambda r: r["d2"])
    cols = list(L.AREA)
    body, total = _table(grid, L.CATEGORIES, L.TIERS, cols)
    return Topic("people", L.TOPIC_TITLES["people"], ["类别", *L.AREA.values(), "合计"], body, total,
                 series=[1, 2], note="当前在册（统计生成之日），一人属多个类别的分别计入")  # fmt: skip


def applications(rows: list[Row], months: list[dt.date]) -> Topic:
    grid = _pivot(rows, lambda r: r["month"].strftime("%Y-%m"), lambda r: L.application_group(r["d1"]))
    codes = [m.strftime("%Y-%m") for m in months]
    body, total = _table(grid, codes, {c: c for c in codes}, list(L.APPLICATION_GROUPS), keep_empty=True)
    return Topic("applications", L.TOPIC_TITLES["applications"], ["收到月份", *L.APPLICATION_GROUPS.values(),
                 "收到申请"], body, total, series=[1, 2, 3, 4], unit="件", note="按申请日期所在月份；状态为当前状态")  # fmt: skip


def deadlines(rows: list[Row]) -> Topic:
    names = {r["d1"]: r["d3"] for r in rows if r["d3"]}
    grid = _pivot(rows, lambda r: r["d1"], lambda r: r["d2"])
    body, total = _table(grid, sorted(grid), names, list(L.STEP_TIMELINESS))
    return Topic("deadlines", L.TOPIC_TITLES["deadlines"], ["环节", *L.STEP_TIMELINESS.values(), "合计"], body,
                 total, series=[1, 2, 3, 4], unit="项", note="按时限到期日所在月份；时限按工作日计算")  # fmt: skip


def warnings(rows: list[Row], months: list[dt.date]) -> Topic:
    grid = _pivot(rows, lambda r: r["month"].strftime("%Y-%m"), lambda r: r["d1"])
    codes = [m.strftime("%Y-%m") for m in months]
    body, total = _table(grid, codes, {c: c for c in codes}, list(L.WARNING_TIMELINESS), keep_empty=True)
    return Topic("warnings", L.TOPIC_TITLES["warnings"], ["发出月份", *L.WARNING_TIMELINESS.values(), "发出预警"],
                 body, total, series=[1, 2, 3, 4, 5], unit="条", note="按预警发出日期所在月份")  # fmt: skip


def dispositions(rows: list[Row]) -> Topic:
    grid = _pivot(rows, lambda r: r["d1"], lambda r: "n")
    body, total = _table(grid, list(L.DISPOSITIONS), L.DISPOSITIONS, ["n"], total_col=False)
    return Topic("dispositions", L.TOPIC_TITLES["dispositions"], ["处置方式", "件数"], body, total, chart="pie",
                 unit="件", note="按处置决定日期所在月份")  # fmt: skip


def exits(rows: list[Row]) -> Topic:
    grid = _pivot(rows, lambda r: r["d2"], lambda r: r["d1"])
    body, total = _table(grid, L.CATEGORIES, L.TIERS, list(L.EXIT_KINDS))
    return Topic("exits", L.TOPIC_TITLES["exits"], ["类别", *L.EXIT_KINDS.values(), "合计"], body, total,
                 series=[1, 2, 3], unit="户", note="转入其他类别按转入的类别计")  # fmt: skip


def needs(rows: list[Row]) -> Topic:
    grid = _pivot(rows, lambda r: r["d1"], lambda r: r["d2"])
    body, total = _table(grid, list(L.DEPARTMENTS), L.DEPARTMENTS, list(L.NEED_ANSWERS))
    return Topic("needs", L.TOPIC_TITLES["needs"], ["部门", *L.NEED_ANSWERS.values(), "推送"], body, total,
                 series=[1, 2, 3, 4, 5], unit="项", note="按推送日期所在月份")  # fmt: skip


PAY_COUNTED = ("due", "held", "paid", "failed", "returned")


def payments(rows: list[Row], months: list[dt.date]) -> Topic:
    present = {r["d1"] for r in rows}
    tiers = [t for t in [*L.CATEGORIES, *L.TIERS] if t in present]
    tiers = list(dict.fromkeys(tiers)) + sorted(present - set(L.TIERS))
    grid = _pivot(rows, lambda r: r["month"].strftime("%Y-%m"), lambda r: r["d1"], value="amount")
    state = _pivot(rows, lambda r: r["month"].strftime("%Y-%m"), lambda r: r["d2"], value="amount")
    codes = [m.strftime("%Y-%m") for m in months]
    body = []
    for code in codes:
        values = [grid.get(code, {}).get(t, 0) for t in tiers]
        paid, failed = state.get(code, {}).get("paid", 0), state.get(code, {}).get("failed", 0)
        body.append([code, *values, sum(values), paid, failed])
    total = ["合计", *(sum(r[i] for r in body) for i in range(1, len(tiers) + 4))]
    head = ["发放月份", *(L.label(L.TIERS, t) for t in tiers), "应发合计", "已到账", "发放失败"]
    return Topic("payments", L.TOPIC_TITLES["payments"], head, body, total, series=list(range(1, len(tiers) + 1)),
                 unit="元", note="花名册明细金额（已剔除的不计），按所发放的月份")  # fmt: skip


def complaints(rows: list[Row]) -> Topic:
    grid = _pivot(rows, lambda r: r["d1"], lambda r: r["d2"])
    body, total = _table(grid, list(L.COMPLAINT_TYPES), L.COMPLAINT_TYPES, list(L.COMPLAINT_TIMELINESS))
    return Topic("complaints", L.TOPIC_TITLES["complaints"], ["类型", *L.COMPLAINT_TIMELINESS.values(), "合计"],
                 body, total, series=[1, 2, 3, 4], unit="件", note="按收到日期所在月份；时限按工作日计算")  # fmt: skip


def _counted_with_money(rows: list[Row], col, codes: list[str], labels: dict, cols: list[str], money_rows):
    """Rows (one per code, counts by ``col`` and their total) ending with the money of ``money_rows``."""
    grid = _pivot(rows, lambda r: r["d1"], col)
    money = _pivot(money_rows, lambda r: r["d1"], lambda r: "amount", value="amount")
    codes = [c for c in codes if c in grid] + sorted(set(grid) - set(codes))
    body, total = _table(grid, codes, labels, cols, keep_empty=True)
    body = [[*r, money.get(c, {}).get("amount", 0)] for r, c in zip(body, codes, strict=True)]
    return body, [*total, sum(r[-1] for r in body)]


def services(rows: list[Row]) -> Topic:
    names = sorted({r["d1"] for r in rows})
    confirmed = [r for r in rows if r["d2"] == "confirmed"]
    body, total = _counted_with_money(rows, lambda r: r["d2"], names, {n: n for n in names}, list(L.VISIT_STATES),
                                      confirmed)  # fmt: skip
    return Topic("services", L.TOPIC_TITLES["services"], ["服务项目", *L.VISIT_STATES.values(), "服务次数",
                 "已确认金额（元）"], body, total, series=[1, 2, 3], unit="次",
                 note="按服务日期所在月份；金额为已确认服务按合同单价计算（取整到元）")  # fmt: skip


def charity(rows: list[Row]) -> Topic:
    body, total = _counted_with_money(rows, lambda r: L.need_group(r["d2"]), list(L.NEED_CATEGORIES),
                                      L.NEED_CATEGORIES, list(L.NEED_GROUPS), rows)  # fmt: skip
    return Topic("charity", L.TOPIC_TITLES["charity"], ["类别", *L.NEED_GROUPS.values(), "发布需求",
                 "已到位资金（元）"], body, total, series=[1, 2, 3, 4], unit="项",
                 note="按需求发布日期所在月份；资金为乡镇确认收到的金额")  # fmt: skip


def topics(rows: list[Row], months: list[dt.date]) -> dict[str, Topic]:
    by: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by[r["topic"]].append(r)
    return {
        "people": people(by["people"]),
        "applications": applications(by["applications"], months),
        "deadlines": deadlines(by["deadlines"]),
        "warnings": warnings(by["warnings"], months),
        "dispositions": dispositions(by["dispositions"]),
        "exits": exits(by["exits"]),
        "needs": needs(by["needs"]),
        "payments": payments(by["payments"], months),
        "complaints": complaints(by["complaints"]),
        "services": services(by["services"]),
        "charity": charity(by["charity"]),
    }


# The child table's indicators (also the map's): key → (label, unit, how a child's rows give it)
INDICATORS: dict[str, tuple[str, str]] = {
    "people": ("在册人数", "人"),
    "applications": ("收到申请", "件"),
    "deadlines_overdue": ("办理逾期", "项"),
    "warnings": ("发出预警", "条"),
    "warnings_overdue": ("预警逾期未核查", "条"),
    "exits": ("退出与转换", "户"),
    "needs_overdue": ("需求逾期未答复", "项"),
    "paid": ("应发金额", "元"),
    "complaints": ("投诉举报", "件"),
    "complaints_overdue": ("投诉逾期未办结", "件"),
}


def indicator_values(rows: Iterable[Row]) -> dict[str, int]:
    """The indicators of one region from its rows (topic, d1, d2, n, amount)."""
    v = dict.fromkeys(INDICATORS, 0)
    for r in rows:
        t, n = r["topic"], r["n"]
        if t in ("people", "applications", "warnings", "exits", "complaints"):
            v[t] += n
        if t in ("deadlines", "complaints") and r["d2"] == "overdue":
            v[f"{t}_overdue"] += n
        elif t == "warnings" and r["d1"] == "overdue":
            v["warnings_overdue"] += n
        elif t == "needs" and r["d2"] == "overdue":
            v["needs_overdue"] += n
        elif t == "payments":
            v["paid"] += r["amount"]
    return v

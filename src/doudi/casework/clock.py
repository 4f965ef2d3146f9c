"""The working-day clock of an application (CASEWORK R-W12–R-W15): which deadlines a step opens or
closes, due dates on the holiday calendar (调休 included), pauses and extensions. Day 0 is the day of the
triggering event; a deadline is stored with its rule, start, due date and the calendar it used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from doudi.casework import params
from doudi.core.workdays import add_working_days, has_overrides, working_days_between


@dataclass(frozen=True)
class Rule:
    key: str
    rule: str
    what: str
    param: str
    level: str  # who owes it


TOTAL = Rule("total", "R-W13", "办结时限", "deadline.dibao_total_wd", "township")
INVESTIGATE = Rule("investigate_start", "R-W22", "启动入户调查", "deadline.investigate_start_wd", "township")
VERIFY = Rule("verify_start", "R-W20", "启动家庭经济状况核对", "deadline.verify_start_wd", "county")
CONFIRM = Rule("confirm", "R-W24", "审核确认", "deadline.confirm_wd", "county")
REFUSAL_LETTER = Rule(
    "refusal_letter", "R-W25", "送达不予确认告知书", "deadline.refusal_notice_wd", "township"
)
FILING = Rule("filing", "R-W24", "确认结果报县级备案", "deadline.delegated_filing_wd", "township")

RULES = {r.key: r for r in (TOTAL, INVESTIGATE, VERIFY, CONFIRM, REFUSAL_LETTER, FILING)}
EXTENSION_REASONS = {
    "cross_region": "跨地区调查",
    "objection": "异议重新调查",
    "data_pending": "核对数据未返回",
    "unreachable": "无法联系申请人",
    "other": "其他",
}


def calendar_version(year: int) -> str:
    try:
        pkg = version("chinese-calendar")
    except PackageNotFoundError:  # pragma: no cover - a dependency of the project
        pkg = "?"
    return f"chinese-calendar {pkg}" + ("+管理员调整" if has_overrides(year) else "")


def days_for(
    rule: Rule, *, region_code: str, on: dt.date, tekun: bool = False, extended: bool = False
) -> int:
    """The number of working days a rule gives (TEKUN's own limits for investigation and confirmation, R-W27)."""
    key = rule.param
    if rule is TOTAL and extended:
        key = "deadline.dibao_extended_wd"
    elif tekun and rule is INVESTIGATE:
        key = "deadline.tekun_investigate_wd"
    elif tekun and rule is CONFIRM:
        key = "deadline.tekun_confirm_wd"
    return params.days(key, region_code=region_code, on=on)


def due(start: dt.date, n: int, *, paused_wd: int = 0) -> dt.date:
    return add_working_days(start, n + paused_wd)


def paused_working_days(pauses: list[tuple[dt.date, dt.date | None]], until: dt.date) -> int:
    """Working days the clock stood still (R-W14): each pause from its start to its end (or ``until``)."""
    total = 0
    for start, end in pauses:
        total += max(0, working_days_between(start, end or until))
    return total


def overdue_days(due_on: dt.date, today: dt.date) -> int:
    return max(0, working_days_between(due_on, today))


def status(due_on: dt.date, done_on: dt.date | None, today: dt.date) -> str:
    """on_time / due_soon (≤ 2 WD left) / overdue / done / done_late."""
    if done_on is not None:
        return "done" if done_on <= due_on else "done_late"
    if today > due_on:
        return "overdue"
    return "due_soon" if working_days_between(today, due_on) <= 2 else "on_time"


STATUS_LABELS = {
    "on_time": "未到期",
    "due_soon": "即将到期",
    "overdue": "已逾期",
    "done": "按时完成",
    "done_late": "逾期完成",
}


def notice_end(start: dt.date, n: int, day_type: str) -> dt.date:
    """The last day of a notice of n days (calendar days end at 24:00 of the last day, R-W12)."""
    if day_type == "working":
        return add_working_days(start, n - 1) if n > 1 else start
    return start + dt.timedelta(days=n - 1)

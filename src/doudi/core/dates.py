"""Dates shared by every app: the ``as_of`` parameter of pages and APIs, and the validity window of
dated rows (``valid_from`` inclusive, ``valid_to`` exclusive or open)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

DATE_FORMAT_ERROR = "日期格式应为 YYYY-MM-DD"


def parse_date(text: str | None) -> dt.date:
    """``YYYY-MM-DD`` (surrounding blanks ignored); ``ValueError`` with a Chinese message otherwise."""
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValueError(DATE_FORMAT_ERROR) from None


def as_of_or_today(raw: str | None) -> tuple[dt.date, str]:
    """The ``as_of`` date a page was asked for: ``(date, "")``; blank → today; invalid → today and a
    Chinese message saying so."""
    raw = (raw or "").strip()
    if not raw:
        return timezone.localdate(), ""
    try:
        return parse_date(raw), ""
    except ValueError:
        return timezone.localdate(), f"日期“{raw}”无效，应为YYYY-MM-DD格式；已显示今天的情况"


def holds_on(d: dt.date, start: str = "valid_from", end: str = "valid_to") -> Q:
    """Rows whose window ``[start, end)`` contains ``d`` (an empty ``end`` is open)."""
    return Q(**{f"{start}__lte": d}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": d}))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    """Calendar months, the day kept where the month has it (else its last day)."""
    y, m = divmod(day.month - 1 + n, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))

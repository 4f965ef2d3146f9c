"""Filters for letter templates (also built into the letter template engine, no ``{% load %}`` needed)."""

from __future__ import annotations

import datetime as dt

from django import template

from doudi.core import idnumber

register = template.Library()


@register.filter
def mask_id(value) -> str:
    """An identity number as a letter may show it: ``220102********1234``."""
    return idnumber.mask(str(value or ""))


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@register.filter
def zh_date(value) -> str:
    """``2026-12-06`` → ``2026年12月6日``; other text is shown as given."""
    d = _as_date(value)
    if d is None:
        return "" if value is None else str(value)
    return f"{d.year}年{d.month}月{d.day}日"


@register.filter
def zh_month(value) -> str:
    """``2027-01-01`` → ``2027年1月``; text such as ``2027年1月`` is shown as given."""
    d = _as_date(value)
    if d is None:
        return "" if value is None else str(value)
    return f"{d.year}年{d.month}月"


@register.filter
def join_zh(value) -> str:
    """A list as ``甲、乙、丙``."""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)

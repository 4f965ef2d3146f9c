"""Working-day arithmetic for deadlines (warning deadlines R-M13, review deadlines R-W*).

A day is a working day when:

1. an administrator's override says so (it always wins), else
2. the ``chinese-calendar`` package knows the year (2004–2026 in version 1.11): its answer, which
   includes statutory holidays and make-up working days (调休), else
3. Monday–Friday (weekends only) — and ``calendar_warning(year)`` returns a Chinese notice for the UI
   so nobody mistakes the fallback for the official arrangement.

Lookups are cached per process: overrides are loaded one year at a time and the cache is cleared
when an override is saved or deleted in this process (signals) and otherwise refreshed every
``_OVERRIDE_TTL`` seconds so other processes pick up an administrator's change soon.

The overrides live in ``monitoring.WorkdayOverride``; the monitoring app registers the function that
reads them (``register_override_source`` in ``MonitoringConfig.ready``), so ``core`` imports no app
above it. Without a registered source there are no overrides.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable

import chinese_calendar

_OVERRIDE_TTL = 60.0
_lock = threading.Lock()
_overrides: dict[int, tuple[float, dict[dt.date, bool]]] = {}
_source: Callable[[int], dict[dt.date, bool]] | None = None


def register_override_source(fn: Callable[[int], dict[dt.date, bool]]) -> None:
    """Install the function returning a year's overrides (date -> is working day); clears the cache."""
    global _source
    _source = fn
    clear_cache()


@functools.cache
def package_covers(year: int) -> bool:
    """Does the bundled ``chinese-calendar`` data know this year's holiday arrangement?"""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides_for(year: int) -> dict[dt.date, bool]:
    now = time.monotonic()
    with _lock:
        hit = _overrides.get(year)
        if hit is not None and now - hit[0] < _OVERRIDE_TTL:
            return hit[1]
    rows = dict(_source(year)) if _source is not None else {}
    with _lock:
        _overrides[year] = (now, rows)
    return rows


def clear_cache(*_args, **_kwargs) -> None:
    """Forget cached overrides (connected to WorkdayOverride save/delete; also handy in tests)."""
    with _lock:
        _overrides.clear()


def has_overrides(year: int) -> bool:
    return bool(_overrides_for(year))


def calendar_warning(year: int) -> str | None:
    """A Chinese notice when ``year`` falls back to weekends only (no package data and no override rows)."""
    if package_covers(year) or has_overrides(year):
        return None
    return f"{year} 年节假日安排未维护，按周末计算"


def is_workday(d: dt.date) -> bool:
    if isinstance(d, dt.datetime):
        d = d.date()
    override = _overrides_for(d.year).get(d)
    if override is not None:
        return override
    if package_covers(d.year):
        return _package_is_workday(d)
    return d.weekday() < 5


@functools.lru_cache(maxsize=8192)
def _package_is_workday(d: dt.date) -> bool:
    """The package's answer, cached: its data is fixed and each of its look-ups scans its tables
    (a work list counts working days for every row)."""
    return chinese_calendar.is_workday(d)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (n > 0), before it (n < 0), or ``start`` itself (n == 0)."""
    if isinstance(start, dt.datetime):
        start = start.date()
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    while remaining:
        day += dt.timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days in (a, b] — so ``working_days_between(a, add_working_days(a, n)) == n``;
    negative when b is before a."""
    if isinstance(a, dt.datetime):
        a = a.date()
    if isinstance(b, dt.datetime):
        b = b.date()
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count

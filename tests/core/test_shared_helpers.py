"""The small helpers every app shares (``core/dates.py``, ``core/http.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone

from doudi.core.dates import as_of_or_today, holds_on, parse_date
from doudi.core.http import private


def test_as_of_or_today():
    today = timezone.localdate()
    assert as_of_or_today(" 2025-03-01 ") == (dt.date(2025, 3, 1), "")
    assert as_of_or_today(None) == (today, "") and as_of_or_today("  ") == (today, "")
    day, error = as_of_or_today("2025-02-30")
    assert day == today and "2025-02-30" in error and "YYYY-MM-DD" in error and "今天" in error


def test_parse_date_refuses_in_chinese():
    assert parse_date("2024-12-31") == dt.date(2024, 12, 31)
    with pytest.raises(ValueError, match="日期格式应为 YYYY-MM-DD"):
        parse_date("31/12/2024")


def test_holds_on_is_the_half_open_window():
    day = dt.date(2025, 1, 1)
    expected = Q(since__lte=day) & (Q(until__isnull=True) | Q(until__gt=day))
    assert holds_on(day, "since", "until") == expected
    assert holds_on(day) == Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def test_private_is_never_cached_and_varies_for_htmx():
    page = private(HttpResponse("x"))
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "HX-Request" in page["Vary"]
    assert not private(HttpResponse("x"), htmx=False).has_header("Vary")

"""core.workdays: the PRC holiday arrangement, a year the package does not know, and overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import workdays
from doudi.core.workdays import add_working_days, calendar_warning, is_workday, working_days_between

D = dt.date
pytestmark = pytest.mark.django_db


def test_national_day_2025_holidays_and_make_up_days():
    # 2025: Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 are make-up working days
    assert is_workday(D(2025, 9, 28))  # a Sunday, worked
    assert is_workday(D(2025, 10, 11))  # a Saturday, worked
    assert not any(is_workday(D(2025, 10, d)) for d in range(1, 9))
    assert is_workday(D(2025, 10, 9))
    assert not is_workday(D(2025, 10, 12))  # an ordinary Sunday


def test_add_working_days_across_national_day():
    # Fri Sep 26 → Sun Sep 28 (make-up) → Tue Sep 30 → holiday → Thu Oct 9 → Fri Oct 10 → Sat Oct 11
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 26), 3) == D(2025, 9, 30)
    assert add_working_days(D(2025, 9, 26), 4) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 26), 6) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 30), 0) == D(2025, 9, 30)
    assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)


def test_working_days_between_is_the_inverse_of_adding():
    start = D(2025, 9, 20)
    for n in range(0, 30):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 8)) == 0
    assert working_days_between(D(2025, 10, 9), D(2025, 9, 30)) == -1


def test_covered_years_carry_no_warning():
    assert calendar_warning(2025) is None
    assert calendar_warning(2026) is None


def test_an_uncovered_year_falls_back_to_weekends_with_a_warning():
    assert calendar_warning(2027) == "2027 年节假日安排未维护，按周末计算"
    assert is_workday(D(2027, 1, 1))  # New Year's Day, but nobody entered the 2027 arrangement: a Friday
    assert not is_workday(D(2027, 1, 2))  # Saturday
    assert add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)
    assert working_days_between(D(2027, 1, 1), D(2027, 1, 8)) == 5


def test_override_rows_win_in_any_year(staff):
    from doudi.monitoring.loop import calendar_actions

    admin = staff["admin"]
    calendar_actions.set_override(actor=admin, date=D(2027, 1, 1), is_workday=False, note="元旦")
    calendar_actions.set_override(actor=admin, date=D(2027, 1, 2), is_workday=True, note="调休")
    assert not is_workday(D(2027, 1, 1))
    assert is_workday(D(2027, 1, 2))
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 2)
    assert calendar_warning(2027) is None  # someone maintains the year now
    # an override beats the package too
    calendar_actions.set_override(actor=admin, date=D(2025, 10, 11), is_workday=False)
    assert not is_workday(D(2025, 10, 11))
    assert calendar_actions.remove_override(actor=admin, date=D(2025, 10, 11))
    assert is_workday(D(2025, 10, 11))


def test_only_administrators_maintain_the_calendar(staff):
    from doudi.monitoring.loop import calendar_actions

    with pytest.raises(PermissionError):
        calendar_actions.set_override(actor=staff["county"], date=D(2027, 1, 1), is_workday=False)


def test_lookups_are_cached(django_assert_max_num_queries):
    workdays.clear_cache()
    with django_assert_max_num_queries(1):
        add_working_days(D(2027, 3, 1), 40)
        working_days_between(D(2027, 3, 1), D(2027, 6, 1))


def test_calendar_page_is_for_administrators(client, staff):
    client.force_login(staff["county"])
    assert client.get("/monitoring/calendar/").status_code == 403
    client.force_login(staff["admin"])
    page = client.get("/monitoring/calendar/?year=2027")
    assert page.status_code == 200
    assert "2027 年节假日安排未维护，按周末计算" in page.content.decode()
    response = client.post(
        "/monitoring/calendar/?year=2027", {"date": "2027-02-08", "is_workday": "0", "note": "春节"}
    )
    assert response.status_code == 302
    assert not is_workday(D(2027, 2, 8))
    page = client.get("/monitoring/calendar/?year=2027").content.decode()
    assert "春节" in page and "未维护" not in page
    client.post("/monitoring/calendar/", {"remove": "2027-02-08"})
    assert is_workday(D(2027, 2, 8))

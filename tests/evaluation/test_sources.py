"""Each indicator's counts equal a direct count of the records made (per county, within the year only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi.core.scoping import all_regions
from doudi.evaluation import sources
from tests.conftest import NANGUAN_T1, YANJI_T1, YANJI_T2
from tests.evaluation.conftest import (
    DEADLINES,
    END,
    ROSTERS,
    SPOT_ITEMS,
    START,
    make_complaints,
    make_warnings,
    on_time,
)

pytestmark = pytest.mark.django_db


def _count(fn, start=START, end=END):
    with all_regions():
        return fn(start, end)


def test_applications_warnings_reviews_needs_complaints(world):
    expected = on_time(DEADLINES)
    assert expected == {"222401": (2, 4), "220102": (1, 1)}
    assert _count(sources.applications) == expected
    assert _count(sources.warnings) == expected
    assert _count(sources.reviews) == expected  # the cancelled reviews are not counted
    assert _count(sources.needs) == expected  # answered 23:30 local on the due day: on time; withdrawn aside
    assert _count(sources.complaints) == on_time(DEADLINES[:3])


def test_a_period_to_a_day_of_the_year_counts_what_fell_due_by_then(world):
    until = dt.date(2025, 3, 31)
    assert _count(sources.warnings, START, until) == on_time(DEADLINES, START, until) == {"222401": (2, 2)}


def test_rosters_sent_by_the_tenth(world):
    # 延吉: Jan (8th) and Feb (10th) on time, Mar late, Apr never sent; the December 2024 roster is last year's
    assert _count(sources.rosters) == {"222401": (2, 4), "220102": (1, 1)}
    assert ROSTERS  # the spec the figures come from


def test_spot_checks_problems_and_corrections(world):
    checked = [i for i in SPOT_ITEMS if i[1] != "pending"]
    problems = [i for i in checked if i[2] == "problem"]
    corrected = [i for i in problems if i[1] == "corrected"]
    assert _count(sources.spotcheck_problems) == {"222401": (len(problems), len(checked))}
    assert _count(sources.spotcheck_corrections) == {"222401": (len(corrected), len(problems))}


TOWNS = st.sampled_from([YANJI_T1, YANJI_T2, NANGUAN_T1])
DAYS = st.integers(-40, 400)  # due: from late 2024 to early 2026
SPEC = st.lists(st.tuples(TOWNS, DAYS, st.one_of(st.none(), st.integers(-20, 20))), min_size=0, max_size=25)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=SPEC)
def test_any_warnings_and_complaints_equal_the_direct_count(db, spec):
    rows = [(town, START + dt.timedelta(days=d), None if late is None else START + dt.timedelta(days=d + late))
            for town, d, late in spec]  # fmt: skip
    with transaction.atomic(), all_regions():
        make_warnings(rows)
        make_complaints(rows)
        assert sources.warnings(START, END) == on_time(rows)
        assert sources.complaints(START, END) == on_time(rows)
        transaction.set_rollback(True)

"""The demo evaluation: last year's and this year's county runs by the province's demo user; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from tests.conftest import YANJI

pytestmark = pytest.mark.django_db


def test_demo_runs_last_year_and_this_year(world):
    from doudi.devtools.demo_evaluation import seed_evaluation
    from doudi.devtools.seed import _create_accounts
    from doudi.evaluation.models import Row, Run

    with all_regions():
        _create_accounts()
        added = seed_evaluation(today=dt.date(2026, 1, 20))
        assert len(added) == 2 and seed_evaluation(today=dt.date(2026, 1, 20)) == []
        last = Run.objects.get(year=2025)
        assert last.computed_by_label == "省民政厅演示用户" and last.period_to == dt.date(2025, 12, 31)
        assert Row.unscoped.get(run=last, region_code=YANJI).rank == 2

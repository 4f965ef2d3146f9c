"""Demo performance evaluation (R-S2): last year's year-end evaluation of every county, run by the province's
demo user after the other demo data, and this year's so far when the demo activity lies in this year only (the
demo's dates are relative to today). Idempotent: a year that has a run is left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doudi.devtools.demo_casework import _user
from doudi.evaluation import actions
from doudi.evaluation.models import Run


def seed_evaluation(today: dt.date | None = None) -> list[int]:
    """The ids of the runs added (none when the province user is missing or the years have runs)."""
    today = today or timezone.localdate()
    province = _user("province")
    if province is None:
        return []
    added = []
    for year in (today.year - 1, today.year):
        if Run.objects.filter(year=year, level="county").exists():
            continue
        added.append(actions.run_evaluation(year=year, level="county", actor=province, on=today).pk)
    return added

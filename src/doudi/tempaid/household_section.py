"""The household page's temporary-assistance section (registered with ``registry.hooks``): the household's
cases, their amounts and the follow-up proposal (R-TA10)."""

from __future__ import annotations

import datetime as dt

from doudi.registry.models import Household
from doudi.tempaid import queries


def context(request, household: Household, as_of: dt.date) -> dict | None:
    if not request.user.can("tempaid.read"):
        return None
    cases = list(queries.household_cases(household.pk)[:20])
    if not cases:
        return None
    return {"tempaid_cases": cases}


def home(request) -> dict | None:
    """The home page's panel: open cases, back-fills due, overdue, waiting for approval."""
    user = request.user
    if getattr(user, "role", "") not in (
        "township_caseworker",
        "county_officer",
        "grid_worker",
    ) or not user.can("tempaid.read"):
        return None
    return {"tempaid_counts": queries.counts()}

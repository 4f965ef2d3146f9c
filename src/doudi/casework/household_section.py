"""The household page's casework section (registered with ``registry.hooks`` in ``CaseworkConfig.ready``):
the household's applications and cases, and the way to open a new application."""

from __future__ import annotations

import datetime as dt

from doudi.casework import queries, states
from doudi.registry.models import CATEGORY_NAMES, Household

REVIEW_CLASSES = {"A": "A类", "B": "B类", "C": "C类"}  # R-W30: the intervals are parameters


def context(request, household: Household, as_of: dt.date) -> dict | None:
    user = request.user
    if not user.can("casework.read"):
        return None
    applications = queries.household_applications(household.pk)
    cases = queries.household_cases(household.pk)
    return {
        "casework_applications": [
            {"a": a, "state_label": states.STATES.get(a.state, ""), "open": a.state in states.OPEN_STATES}
            for a in applications
        ],
        "casework_cases": [
            {
                "c": c,
                "tier_label": CATEGORY_NAMES.get(c.tier, ""),
                "review_label": REVIEW_CLASSES.get(c.review_class, "—"),
            }
            for c in cases
        ],
        "casework_can_open": user.can("casework.write")
        and not any(a.state in states.OPEN_STATES for a in applications),
    }

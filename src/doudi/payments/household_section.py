"""The household page's payments section (registered with ``registry.hooks`` in ``PaymentsConfig.ready``):
the household's accounts (masked) and every month paid with its breakdown."""

from __future__ import annotations

import datetime as dt

from doudi.payments import serialize
from doudi.registry.models import Household


def context(request, household: Household, as_of: dt.date) -> dict | None:
    user = request.user
    if not user.can("payments.read"):
        return None
    return {
        "payments": serialize.household_payments(household.pk),
        "payments_can_write": user.can("payments.write"),
    }

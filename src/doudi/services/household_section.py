"""The household page's services section (registered with ``registry.hooks``): the household's service orders
with their provider, state and satisfaction."""

from __future__ import annotations

import datetime as dt

from doudi.registry.models import Household
from doudi.services import queries


def context(request, household: Household, as_of: dt.date) -> dict | None:
    if not request.user.can("services.read"):
        return None
    orders = list(queries.household_orders(household.pk).order_by("-placed_on", "-pk")[:20])
    return {"service_orders": orders} if orders else None

"""Charity parameters: read from the policy parameter table for the region and date, with the documented
defaults when no row is loaded. ``charity.claim_lock_days``: how long a claim (认领) holds its part of a need
before it must be pledged (认捐); ``charity.delivery_days``: how long a pledge holds it before a delivery is
recorded. Expired claims are released by the daily job (``release_expired``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from doudi.policy import params_store

DEFAULTS: dict[str, Decimal] = {
    "charity.claim_lock_days": Decimal(getattr(settings, "DOUDI_CHARITY_CLAIM_LOCK_DAYS", 7)),
    "charity.delivery_days": Decimal(getattr(settings, "DOUDI_CHARITY_DELIVERY_DAYS", 30)),
}


def days(key: str, *, region_code: str, on: dt.date) -> int:
    return int(params_store.value_or_default(key, DEFAULTS, region_code=region_code, on=on))

"""The evaluation's weights (R-S2): one parameter per indicator, ``evaluation.weight.<key>``, in the policy
parameter table; a year's weights are the province's values in force on 1 January of that year (a change during
the year applies from the next year's evaluation), with the documented defaults when no row is loaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from doudi.evaluation.indicators import DEFAULT_WEIGHTS, INDICATORS
from doudi.policy import params_store

PROVINCE = "220000000000"


def weights(year: int) -> dict[str, Decimal]:
    """Indicator key → weight in force on 1 January of ``year``."""
    on = dt.date(year, 1, 1)
    return {
        i.key: params_store.value_or_default(i.weight_key, DEFAULT_WEIGHTS, region_code=PROVINCE, on=on)
        for i in INDICATORS
    }

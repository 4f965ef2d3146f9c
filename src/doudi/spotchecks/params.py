"""Spot-check parameters (seed §18): the share drawn per kind, the minimum per kind, the check and correction
limits in working days; read from the policy parameter table for the drawing region, with these defaults
when a row is not loaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from doudi.policy import params_store

DEFAULTS: dict[str, Decimal] = {
    "spotcheck.share.case": Decimal("0.05"),
    "spotcheck.share.refusal": Decimal("0.1"),
    "spotcheck.share.warning": Decimal("0.05"),
    "spotcheck.min_count": Decimal(3),
    "spotcheck.check_wd": Decimal(20),
    "spotcheck.correction_wd": Decimal(30),
}


def value(key: str, *, region_code: str, on: dt.date) -> Decimal:
    return params_store.value_or_default(key, DEFAULTS, region_code=region_code, on=on)


def days(key: str, *, region_code: str, on: dt.date) -> int:
    return int(value(key, region_code=region_code, on=on))

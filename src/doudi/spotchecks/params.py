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
    try:
        got = params_store.provider(str(region_code).ljust(12, "0"), "urban", on).entry(key).value
        return Decimal(str(got))
    except Exception:  # not loaded, unknown region: the documented default
        return DEFAULTS[key]


def days(key: str, *, region_code: str, on: dt.date) -> int:
    return int(value(key, region_code=region_code, on=on))

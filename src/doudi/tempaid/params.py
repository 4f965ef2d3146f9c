"""Temporary-assistance parameters (CASEWORK §10): read from the policy parameter table for the place and
date of the event, with the documented defaults when a row is not loaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from doudi.policy import params_store
from doudi.policy.rules import temp_aid as rules

DEFAULTS: dict[str, Decimal] = {
    "temp_aid.township_cap_multiple": Decimal(4),
    "temp_aid.county_cap_multiple": Decimal(10),
    "temp_aid.annual_cap_multiple": Decimal(0),
    "temp_aid.small_first_cap": Decimal(1000),
    "temp_aid.epidemic_months": Decimal(1),
    "temp_aid.notice_days": Decimal(0),
    "temp_aid.fund": Decimal(0),
    "deadline.temp_aid_wd": Decimal(10),
    "deadline.temp_aid_backfill_wd": Decimal(20),
    **{f"temp_aid.amount.{k}.{d}": v for (k, d), v in rules.DEFAULT_TABLE.items()},
}


def _params(region_code: str, area_type: str, on: dt.date | None):
    return params_store.provider(
        str(region_code).ljust(12, "0"), area_type or "urban", on or timezone.localdate()
    )


def value(key: str, *, region_code: str, on: dt.date | None = None, area_type: str = "urban") -> Decimal:
    return params_store.value_or_default(
        key, DEFAULTS, region_code=region_code, on=on or timezone.localdate(), area_type=area_type
    )


def days(key: str, **kw) -> int:
    return int(value(key, **kw))


def standard(region_code: str, area_type: str, on: dt.date | None = None) -> int:
    """S: the monthly dibao standard of the place (``dibao_standard.<area type>``), 0 when none is loaded."""
    try:
        got = _params(region_code, area_type, on).entry(f"dibao_standard.{area_type or 'urban'}").value
        return rules.yuan(Decimal(str(got)))
    except Exception:
        return 0


def table(region_code: str, on: dt.date | None = None) -> dict[tuple[str, int], Decimal]:
    return {
        (k, d): value(f"temp_aid.amount.{k}.{d}", region_code=region_code, on=on)
        for k in rules.TYPES
        for d in rules.DEGREES
    }

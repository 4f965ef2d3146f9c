"""Complaint parameters (CASEWORK §10, R-G5): read from the policy parameter table for the township and the
date, with the documented defaults when a row is not loaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from doudi.complaints import rules
from doudi.policy import params_store

_RESOLVE = {"notice_objection": 30, "verification_objection": 15, "report": 30}
DEFAULTS: dict[str, Decimal] = {
    **{f"grievance.response_wd.{t}": Decimal(3 if t.endswith("objection") else 5) for t in rules.TYPES},
    **{f"grievance.resolve_wd.{t}": Decimal(_RESOLVE.get(t, 15)) for t in rules.TYPES},
    "grievance.at_risk_share": Decimal("0.8"),
    "xinfang.accept_days": Decimal(15),
    "xinfang.resolve_days": Decimal(60),
    "xinfang.extend_days": Decimal(30),
}


def value(key: str, *, region_code: str, on: dt.date) -> Decimal:
    return params_store.value_or_default(key, DEFAULTS, region_code=region_code, on=on)


def days(key: str, *, region_code: str, on: dt.date) -> int:
    return int(value(key, region_code=region_code, on=on))

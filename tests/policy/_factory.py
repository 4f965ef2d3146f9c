"""Builders for contract inputs used by the policy-rule tests (no Django)."""

from __future__ import annotations

import datetime as dt
from typing import Any

AS_OF = dt.date(2025, 8, 1)
# Pinned parameters so rule tests do not depend on (unverified) baseline values.
PINNED = {
    "dibao_standard": 760,
    "marginal_income_multiple": 2,
    "rigid_expense_share": 0.6,
    "rigid_income_ceiling_annual": 36000,  # monthly 3000
    "tekun_basic_multiple": 1.3,
    "min_wage_monthly": 1920,
    "tekun_care_share_full": 0.3,
    "tekun_care_share_partial": 0.2,
    "tekun_care_share_self": 0.1,
    "topup_serious_illness": 0.2,
    "topup_severe_disability": 0.2,
    "topup_elderly_70": 0.1,
    "topup_minor": 0.1,
    "topup_combination": "highest",
    "asset_financial_months": 24,
    "asset_max_dwellings": 1,
}


def born(age: int, *, days_after: int = 0, as_of: dt.date = AS_OF) -> str:
    """Birth date of someone exactly ``age`` on ``as_of`` (birthday on as_of); ``days_after`` makes them younger."""
    birthday = as_of.replace(year=as_of.year - age)
    return (birthday + dt.timedelta(days=days_after)).isoformat()


def member(mid: str = "m1", *, age: int = 40, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": mid, "birth_date": born(age)}
    data.update(fields)
    return data


def request(
    members: list[dict[str, Any]] | None = None,
    *,
    income_total: Any = 0,
    income_months: int = 12,
    rigid: dict[str, Any] | None = None,
    assets: dict[str, Any] | None = None,
    existing: list[str] | None = None,
    parameters: dict[str, Any] | None = None,
    region: str = "222401",
    area_type: str = "urban",
    as_of: dt.date = AS_OF,
) -> dict[str, Any]:
    household: dict[str, Any] = {
        "income_total": income_total,
        "income_months": income_months,
        "members": members if members is not None else [member()],
    }
    if rigid is not None:
        household["rigid_expenditure_12m"] = rigid
    if assets is not None:
        household["assets"] = assets
    if existing is not None:
        household["existing"] = existing
    return {
        "as_of": as_of.isoformat(),
        "region": region,
        "area_type": area_type,
        "parameters": dict(PINNED if parameters is None else parameters),
        "household": household,
    }


def lines(result: dict[str, Any], rule: str | None = None) -> list[tuple[str, str | None, int]]:
    return [
        (b["rule"], b["member"], b["monthly"])
        for b in result["benefits"]
        if rule is None or b["rule"] == rule
    ]


def criterion(result: dict[str, Any], rule: str, member: str | None = None) -> dict[str, Any]:
    found = [c for c in result["criteria"] if c["rule"] == rule and c["member"] == member]
    assert len(found) == 1, (rule, member, result["criteria"])
    return found[0]


def member_result(result: dict[str, Any], mid: str) -> dict[str, Any]:
    return next(m for m in result["members"] if m["id"] == mid)

"""Casework parameters (CASEWORK §10, R-W10): dated and per region in the policy parameter table, with
the documented defaults when a key is not loaded — a deadline never disappears because a row is missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from doudi.policy import params_store

DEFAULTS: dict[str, Decimal | str] = {
    "deadline.dibao_total_wd": Decimal(30),
    "deadline.dibao_extended_wd": Decimal(45),
    "deadline.excludes_notice": "false",
    "deadline.investigate_start_wd": Decimal(3),
    "deadline.verify_start_wd": Decimal(3),
    "deadline.confirm_wd": Decimal(10),
    "deadline.refusal_notice_wd": Decimal(3),
    "deadline.delegated_filing_wd": Decimal(5),
    "deadline.tekun_investigate_wd": Decimal(15),
    "deadline.tekun_confirm_wd": Decimal(15),
    "deadline.escalate_after_wd": Decimal(2),
    "recheck_request_days": Decimal(15),
    "returned_lapse_days": Decimal(30),
    "notice.days": Decimal(7),
    "notice.day_type": "calendar",
    "appraisal_mode": "on_objection",
    "casework.confirm_authority": "county",  # R-W10: county | township (delegated)
    "casework.spot_check_share": Decimal("0.3"),  # open question 6: 30–50 % local practice
    "review.pass_mark": Decimal(60),
    "review.weight.income_gap": Decimal(30),
    "review.weight.assets": Decimal(15),
    "review.weight.labour_capacity": Decimal(15),
    "review.weight.health_disability": Decimal(15),
    "review.weight.rigid_expenditure": Decimal(10),
    "review.weight.housing": Decimal(10),
    "review.weight.consumption": Decimal(5),
    "monitor_after_exit_months": Decimal(12),
    "review_interval_months.A": Decimal(12),
    "review_interval_months.B": Decimal(12),
    "review_interval_months.C.urban": Decimal(3),
    "review_interval_months.C.rural": Decimal(6),
    "deadline.change_review_wd": Decimal("15"),
    "deadline.tekun_objection_wd": Decimal("15"),
    "notice.termination_days": Decimal("7"),
    "review.visit_always": "false",
    "review.emergency_extension_days": Decimal("0"),  # R-W30: a declared emergency, region-wide and dated
    "adjust_notice_threshold": Decimal("0"),
    "grace.income_ceiling_multiple": Decimal("1.5"),
    "grace.on_head_death": "false",
    "grace.amount_mode": "keep",
    "suspend_after_missed_checks": Decimal("2"),
    "suspend_max_months": Decimal("3"),
    "pay.send_by_day": Decimal("10"),
    "pay.credit_by_day": Decimal("20"),
    "pay.death_rule": "month_of_death",
    "pay.arrears_max_months": Decimal("12"),
    "pay.offset_max_share": Decimal("0.5"),
    "dibao_gradual_exit_months": Decimal(6),  # grace_months (R-W33, R-X2)
    "rigid_validity_months": Decimal(12),
}


def value(
    key: str, *, region_code: str, on: dt.date | None = None, area_type: str = "urban"
) -> Decimal | str:
    """The parameter in force for the region on the date, else its default."""
    default = DEFAULTS[key]
    try:
        params = params_store.provider(
            str(region_code).ljust(12, "0"), area_type or "urban", on or timezone.localdate()
        )
        got = params.entry(key).value
    except Exception:  # not loaded, unknown region: the documented default
        return default
    if isinstance(default, Decimal):
        try:
            return Decimal(str(got))
        except ArithmeticError:
            return default
    return str(got)


def days(key: str, **kw) -> int:
    return int(value(key, **kw))


def flag(key: str, **kw) -> bool:
    return str(value(key, **kw)).lower() in ("true", "1", "yes")


def delegated(region_code: str, on: dt.date | None = None) -> bool:
    """R-W10: does the township confirm in this region (a region setting)?"""
    return value("casework.confirm_authority", region_code=region_code, on=on) == "township"

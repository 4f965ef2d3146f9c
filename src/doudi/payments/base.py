"""What every payments write shares: the refusal errors (API 422 / 409), months as first days, the
paying region of a household (its county, or its township where confirmation is delegated, R-PAY4) and
the audit entry of a roster."""

from __future__ import annotations

import datetime as dt

from doudi.casework import params as casework_params
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.dates import add_months, month_start  # noqa: F401  (payments code imports them from here)


class PaymentsError(ValueError):
    """A write refused for a reason shown to the user (Chinese); API 422."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class PaymentsConflict(PaymentsError):
    """The roster's state does not allow the step, or someone else moved it first; API 409."""


def parse_month(text: str) -> dt.date:
    """``"2026-07"`` → 2026-07-01, or a Chinese error."""
    try:
        year, month = str(text).strip().split("-")[:2]
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError) as exc:
        raise PaymentsError(f"月份格式应为 YYYY-MM（如 2026-07），收到“{text}”", "month") from exc


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def county_code(region_code: str) -> str:
    return region_code[:6].ljust(12, "0")


def township_code(region_code: str) -> str:
    return region_code[:9].ljust(12, "0")


def paying_region(region_code: str, on: dt.date) -> str:
    """The region whose roster pays a household of ``region_code``: the township where the county has
    delegated confirmation to it (R-W10), otherwise the county (R-PAY4)."""
    township = township_code(region_code)
    if casework_params.delegated(township, on):
        return township
    return county_code(region_code)


def audit_roster(actor, roster, action: AuditAction, after: dict) -> None:
    record_audit(
        actor=actor,
        action=action,
        region_code=roster.region_code,
        subject_type="roster",
        subject_id=roster.pk,
        after=after,
    )

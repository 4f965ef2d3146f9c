"""What every services write shares: the refusal errors (API 422 / 409), the audit entry, the provider a
user works for, and the app's parameters (policy parameter table, documented defaults)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.policy import params_store

DEFAULTS: dict[str, Decimal] = {
    # working days a provider has to accept or decline an order before the township is told
    "deadline.services_accept_wd": Decimal(3),
}


# where an order may come from (``?warning=<id>`` …): the model holding the household it is about
ORIGINS = {"warning": ("monitoring", "EarlyWarning"), "application": ("casework", "Application"),
           "case": ("casework", "Case")}  # fmt: skip


class ServicesError(ValueError):
    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class ServicesConflict(ServicesError):
    """The state of the order, visit or settlement does not allow the step (API 409)."""


def today() -> dt.date:
    return timezone.localdate()


def user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def days(key: str, region_code: str, on: dt.date | None = None) -> int:
    return int(params_store.value_or_default(key, DEFAULTS, region_code=region_code, on=on or today()))


def audit(actor, action: AuditAction, subject_type: str, obj, after: dict, region_code: str = "") -> None:
    record_audit(
        actor=actor,
        action=action,
        region_code=region_code or obj.region_code,
        subject_type=subject_type,
        subject_id=obj.pk,
        after=after,
    )


def provider_id_of(user) -> int | None:
    """The provider organisation a service-provider user works for (None for anybody else)."""
    from doudi.services.models import ProviderStaff

    if getattr(user, "role", "") != "service_provider" or not getattr(user, "pk", None):
        return None
    return (
        ProviderStaff.unscoped.filter(user_id=user.pk, active=True, provider__active=True)
        .values_list("provider_id", flat=True)
        .first()
    )


def county_of(code: str) -> str:
    return str(code)[:6].ljust(12, "0")


def township_of(code: str) -> str:
    return str(code)[:9].ljust(12, "0")

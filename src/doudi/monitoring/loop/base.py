"""What every write of the warning loop shares: the refusal error, the verification deadline, the
household chain, the audit entry of a warning and ``Transition``, the one sequence of a warning
transition (lock → check ``flows`` → change → chain → audit → notify). The action modules import it;
it imports none of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.workdays import add_working_days
from doudi.monitoring.evidence import plain
from doudi.monitoring.loop import flows
from doudi.monitoring.loop.notify_actions import notify, township_staff
from doudi.monitoring.models import ChainEvent, EarlyWarning, WarningLevel
from doudi.policy import params_store

DEFAULT_DEADLINE_WD: dict[str, int] = {WarningLevel.RED: 3, WarningLevel.ORANGE: 7, WarningLevel.YELLOW: 15}


class MonitoringError(ValueError):
    """A write refused for a reason shown to the user (Chinese)."""


# --- shared helpers -------------------------------------------------------------------------------


def deadline_days(
    level: str, *, region_code: str = "220000000000", area_type: str = "urban", on: dt.date | None = None
) -> int:
    """``warning.deadline_wd.<level>`` for the region and date (policy parameter), else the default."""
    default = DEFAULT_DEADLINE_WD[level]
    try:
        params = params_store.provider(
            str(region_code).ljust(12, "0"), area_type or "urban", on or timezone.localdate()
        )
        value = params.entry(f"warning.deadline_wd.{level}").value
        days = int(Decimal(str(value)))
    except Exception:  # missing key, empty parameter table, bad value: the documented default
        return default
    return days if days > 0 else default


def deadline_for(
    *, level: str, raised_on: dt.date, region_code: str = "220000000000", area_type: str = "urban"
) -> dt.date:
    """The verification deadline: ``deadline_days`` working days after ``raised_on`` (R-M13)."""
    return add_working_days(
        raised_on, deadline_days(level, region_code=region_code, area_type=area_type, on=raised_on)
    )


def warning_link(warning_id: int) -> str:
    return reverse("monitoring:detail", args=[warning_id])


def actor_label(actor) -> str:
    if getattr(actor, "pk", None):
        return actor.label
    return str(actor or "系统")


def chain(
    *,
    warning: EarlyWarning | None = None,
    household_id: int | None = None,
    region_code: str = "",
    kind: str,
    ref,
    summary: str,
    data: dict | None = None,
    actor=None,
    at: dt.datetime | None = None,
) -> ChainEvent | None:
    """Append one typed event to a household's chain (nothing for a warning without a household)."""
    household_id = household_id or (warning.household_id if warning else None)
    if household_id is None:
        return None
    ref_type, ref_id = (ref._meta.label_lower, ref.pk) if hasattr(ref, "_meta") else ref
    return ChainEvent.unscoped.create(
        household_id=household_id,
        region_code=region_code or (warning.region_code if warning else ""),
        at=at or timezone.now(),
        kind=kind,
        ref_type=ref_type,
        ref_id=ref_id,
        summary=summary[:300],
        data=plain({**(data or {}), **({"warning": warning.pk} if warning is not None else {})}),
        actor=actor if getattr(actor, "pk", None) else None,
    )


def notify_township(warning: EarlyWarning, text: str, link: str = "") -> None:
    notify(township_staff(warning.township_code), text=text, link=link or warning_link(warning.pk))


def audit_warning(actor, action: AuditAction, warning: EarlyWarning, **kw) -> None:
    """The audit entry of a warning write (subject ``warning``, the warning's region)."""
    record_audit(
        actor=actor,
        action=action,
        region_code=warning.region_code,
        subject_type="warning",
        subject_id=warning.pk,
        **kw,
    )


def locked(warning: EarlyWarning) -> EarlyWarning:
    """The warning re-read under a row lock (its status may have moved since the page was drawn)."""
    return EarlyWarning.unscoped.select_for_update().get(pk=warning.pk)


class Transition:
    """One warning transition, the sequence every warning action shares: lock the row → check the
    transition table (``flows``) on construction; the caller validates, changes and saves the warning;
    then ``done`` appends the chain event(s), writes the audit entry and notifies (DOMAIN §8).

    Usage (inside the action's ``transaction.atomic``)::

        step = Transition(actor, warning, "assign")
        warning = step.warning  # the locked row
        ...validate, change, save...
        step.done(action=AuditAction.MONITORING_ASSIGN, summary=..., data=..., after=..., notify_to=[(users, text)])
    """

    def __init__(self, actor, warning: EarlyWarning, name: str) -> None:
        self.actor = actor
        self.warning = locked(warning)
        flows.check(actor, name, self.warning)

    def done(
        self,
        *,
        action: AuditAction,
        summary: str,
        data: dict,
        after: dict,
        before: dict | None = None,
        kind: str = ChainEvent.Kind.DISPATCH,
        ref=None,
        follow: Sequence[tuple[str, object, str, dict]] = (),
        notify_to: Sequence[tuple[Iterable[int], str]] = (),
    ) -> None:
        """Chain (the transition's event, then any ``follow`` events ``(kind, ref, summary, data)``),
        audit ``action`` (a member of ``AuditAction``) and notify each
        ``(users, text)`` with a link to the warning."""
        warning, actor = self.warning, self.actor
        events = [(kind, warning if ref is None else ref, summary, data), *follow]
        for ev_kind, ev_ref, ev_summary, ev_data in events:
            chain(warning=warning, kind=ev_kind, ref=ev_ref, actor=actor, summary=ev_summary, data=ev_data)
        audit_warning(actor, action, warning, before=before, after=after)
        for users, text in notify_to:
            notify(users, text=text, link=warning_link(warning.pk))

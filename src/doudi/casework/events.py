"""The domain events casework emits (LAYOUT: casework imports none of its listeners). A listener
connects in its app's ``ready`` and runs inside the emitting transaction: the household's chain, the
needs pushed to departments and the payments subscribe here."""

from __future__ import annotations

from enum import StrEnum

from django.dispatch import Signal


class CaseworkEvent(StrEnum):
    APPLICATION_OPENED = "application_opened"
    APPLICATION_MOVED = "application_moved"  # every transition: kwargs application, step
    CASE_CONFIRMED = "case_confirmed"  # kwargs application, case, decision
    APPLICATION_REFUSED = "application_refused"  # kwargs application, decision
    # the case's life (CASEWORK §5): kwargs case, kind (a CaseChange), decision (CaseDecision or None),
    # and per kind: suspension_cleared → suspension, held_from, held_until (months, firsts of month)
    # whose held lines are now to be paid as arrears (R-W34); death → person, died_on; move_done → move
    CASE_CHANGED = "case_changed"


class CaseChange(StrEnum):
    """The ``kind`` of a CASE_CHANGED event (what payments and the chain may react to)."""

    REVIEW_OPENED = "review_opened"
    UNCHANGED = "unchanged"
    ADJUSTED = "adjusted"  # new basis and monthly_total from decision.effective_month
    GRACE = "grace"
    GRACE_ENDED = "grace_ended"
    SUSPENDED = "suspended"  # lines from suspension.start_month are held
    SUSPENSION_CLEARED = "suspension_cleared"  # pay the held months as arrears
    TERMINATED = "terminated"  # paid up to case.pay_until
    TRANSITIONED = "transitioned"  # a new case (kwarg new_case) recognised directly (R-X1)
    DEATH = "death"  # case.pay_until may have been set
    MOVED = "moved"  # within a county: case.region_code changed; across: old case ends at pay_until


# one signal, the event name in ``event``; kwargs as above plus ``actor``
casework_event = Signal()


def emit(event: CaseworkEvent, **kwargs) -> None:
    casework_event.send(sender=CaseworkEvent, event=event, **kwargs)

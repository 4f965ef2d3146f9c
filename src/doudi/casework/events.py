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


# one signal, the event name in ``event``; kwargs as above plus ``actor``
casework_event = Signal()


def emit(event: CaseworkEvent, **kwargs) -> None:
    casework_event.send(sender=CaseworkEvent, event=event, **kwargs)

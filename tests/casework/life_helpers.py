"""A confirmed DIBAO case of the casework test family (two elderly people, 延吉市进学街道)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions

D = dt.date


def confirm(walk, on: dt.date | None = None):
    from doudi.casework.models import Case

    app = walk.event(walk.to_authority(), "confirm", on or D(2026, 11, 13), who="county")
    with all_regions():
        return Case.unscoped.get(application=app, tier="DIBAO")


@pytest.fixture
def case(walk):
    return confirm(walk)


def set_income(household, total: int, on: dt.date, months: int = 12):
    from doudi.registry import actions

    with all_regions():
        actions.record_household_fact(
            actor="test",
            household=household,
            kind="income",
            value={"total": total, "months": months},
            valid_from=on,
            source="self_declared",
        )


@pytest.fixture
def today(monkeypatch):
    """Move "today" (``timezone.localdate``) to a later date: ``today(D(2027, 6, 1))``."""
    from django.utils import timezone

    def set_today(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
        return day

    return set_today


def letters_of(case, kind: str):
    from doudi.letters.models import Letter

    with all_regions():
        return list(Letter.unscoped.filter(household_id=case.household_id, kind=kind))


def events_of(kind):
    """Collect CASE_CHANGED events of ``kind`` while the test runs."""
    from doudi.casework.events import CaseworkEvent, casework_event

    seen: list[dict] = []

    def listener(sender, *, event, **kw):
        if event == CaseworkEvent.CASE_CHANGED and kw.get("kind") == kind:
            seen.append(kw)

    casework_event.connect(listener, weak=False)
    return seen, lambda: casework_event.disconnect(listener)

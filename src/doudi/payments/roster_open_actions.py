"""Finding or opening the roster a line belongs to (R-PAY4: one per paying region, programme, month and
kind). Lines are never written without their roster."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from doudi.payments.base import PaymentsConflict
from doudi.payments.models import Roster


def roster_for(
    region_code: str, programme: str, month: dt.date, *, kind: str = Roster.Kind.REGULAR
) -> Roster:
    """The draft roster of (paying region, programme, month, kind), opened if there is none. A regular
    roster past draft is never written to: its month's further lines go on a supplementary roster."""
    if kind == Roster.Kind.REGULAR:
        roster = Roster.unscoped.filter(
            region_code=region_code, programme=programme, month=month, kind=kind, seq=1
        ).first()
        if roster is not None:
            return roster
        return _create(region_code, programme, month, kind, 1)
    latest = (
        Roster.unscoped.filter(region_code=region_code, programme=programme, month=month, kind=kind)
        .order_by("-seq")
        .first()
    )
    if latest is not None and latest.state == Roster.State.DRAFT:
        return latest
    return _create(region_code, programme, month, kind, (latest.seq + 1) if latest else 1)


def draft_roster_for(region_code: str, programme: str, month: dt.date) -> Roster:
    """Where a line made now for ``month`` goes: the month's regular roster while it is a draft, else a
    draft supplementary roster (补发名册) of that month."""
    regular = roster_for(region_code, programme, month)
    if regular.state == Roster.State.DRAFT:
        return regular
    return roster_for(region_code, programme, month, kind=Roster.Kind.SUPPLEMENTARY)


def _create(region_code: str, programme: str, month: dt.date, kind: str, seq: int) -> Roster:
    try:
        with transaction.atomic():
            return Roster.unscoped.create(
                region_code=region_code, programme=programme, month=month, kind=kind, seq=seq
            )
    except IntegrityError as exc:  # opened by a concurrent run: use that one
        roster = Roster.unscoped.filter(
            region_code=region_code, programme=programme, month=month, kind=kind, seq=seq
        ).first()
        if roster is None:
            raise PaymentsConflict("花名册正在由其他操作生成，请稍后重试") from exc
        return roster

"""Reads of the case's life (CASEWORK §5), scoped to the caller's subtree (``objects``): a case with
its history, the township's work list (reviews due, change reviews, grace periods ending, suspensions),
the county's list (terminations to decide, moves to confirm)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from doudi.casework import clock
from doudi.casework.lifecycle_base_actions import OPEN_CASE_STATES, add_months
from doudi.casework.models import (
    Case,
    CaseDecision,
    CaseMove,
    CaseReview,
    GracePeriod,
    PresenceCheck,
    Suspension,
)
from doudi.core.scoping import current_scope
from doudi.letters.models import Letter


def get_case(pk: int) -> Case:
    """Raises Case.DoesNotExist outside the scope too."""
    return Case.objects.select_related("household", "application").get(pk=pk)


def get_review(pk: int) -> CaseReview:
    return CaseReview.objects.select_related("case", "case__household").get(pk=pk)


def get_move(pk: int) -> CaseMove:
    """A move is seen by the sending region (scoped rows) and by the receiving one (its ``to_region``)."""
    move = CaseMove.unscoped.select_related("case").get(pk=pk)
    scope = current_scope()
    if scope is None or not (scope.contains(move.region_code) or scope.contains(move.to_region)):
        raise CaseMove.DoesNotExist
    return move


def get_suspension(pk: int) -> Suspension:
    return Suspension.objects.select_related("case").get(pk=pk)


def open_review(case: Case) -> CaseReview | None:
    return CaseReview.objects.filter(case=case, state__in=("open", "visit", "in_notice")).first()


@dataclass
class CaseHistory:
    case: Case
    decisions: list[CaseDecision]
    reviews: list[CaseReview]
    grace: list[GracePeriod]
    suspensions: list[Suspension]
    moves: list[CaseMove]
    checks: list[PresenceCheck]
    letters: list[Letter]
    open_review: CaseReview | None
    open_suspension: Suspension | None


def case_history(case: Case) -> CaseHistory:
    reviews = list(CaseReview.objects.filter(case=case).order_by("-opened_on", "-pk"))
    suspensions = list(Suspension.objects.filter(case=case).order_by("-start_month", "-pk"))
    return CaseHistory(
        case=case,
        decisions=list(CaseDecision.objects.filter(case=case).order_by("-on", "-pk")),
        reviews=reviews,
        grace=list(GracePeriod.objects.filter(case=case).order_by("-start_month")),
        suspensions=suspensions,
        moves=list(CaseMove.unscoped.filter(case=case).order_by("-requested_on", "-pk")),
        checks=list(PresenceCheck.objects.filter(case=case).order_by("-month")[:12]),
        letters=list(
            Letter.objects.filter(ref_type="casework.case", ref_id=case.pk).order_by("-issued_on", "-pk")
        ),
        open_review=next((r for r in reviews if r.state in ("open", "visit", "in_notice")), None),
        open_suspension=next((s for s in suspensions if not s.outcome), None),
    )


@dataclass
class LifeWork:
    reviews_due: list[CaseReview]  # periodic and RIGID re-recognition, open
    change_reviews: list[CaseReview]
    in_notice: list[CaseReview]
    grace_ending: list[GracePeriod]
    suspensions: list[Suspension]
    moves_to_confirm: list[CaseMove]
    upcoming: int  # cases whose review comes within 30 days (opened on the day)


def work(today: dt.date, *, limit: int = 200) -> LifeWork:
    """The work list of the case's life in the caller's subtree, each with its deadline."""
    open_reviews = CaseReview.objects.filter(state__in=("open", "visit")).select_related(
        "case", "case__household"
    )
    return LifeWork(
        reviews_due=list(open_reviews.exclude(kind="change").order_by("due", "pk")[:limit]),
        change_reviews=list(open_reviews.filter(kind="change").order_by("due", "pk")[:limit]),
        in_notice=list(
            CaseReview.objects.filter(state="in_notice")
            .select_related("case")
            .order_by("notice_until")[:limit]
        ),
        grace_ending=list(
            GracePeriod.objects.filter(ended_on__isnull=True, end_month__lte=add_months(today, 1))
            .select_related("case")
            .order_by("end_month")[:limit]
        ),
        suspensions=list(
            Suspension.objects.filter(outcome="").select_related("case").order_by("start_month")[:limit]
        ),
        moves_to_confirm=moves_to_confirm(limit),
        upcoming=Case.objects.filter(
            state__in=OPEN_CASE_STATES, next_review__gt=today, next_review__lte=today + dt.timedelta(days=30)
        ).count(),
    )


def moves_to_confirm(limit: int = 200) -> list[CaseMove]:
    """Cross-county moves into the caller's subtree waiting for its confirmation."""
    scope = current_scope()
    rows = CaseMove.unscoped.filter(state="requested", within_county=False).select_related("case")
    if scope is None:
        return []
    if scope.prefix:
        rows = rows.filter(to_region__startswith=scope.prefix)
    return list(rows.order_by("requested_on")[:limit])


def status(due: dt.date | None, today: dt.date) -> str:
    return clock.status(due, None, today) if due else ""


def cases(*, region: str = "", state: str = "", tier: str = ""):
    """Cases in the caller's subtree (the command's list), oldest first."""
    from doudi.core.scoping import prefix_of

    qs = Case.objects.order_by("pk")
    if region:
        qs = qs.filter(region_code__startswith=prefix_of(region))
    if state:
        qs = qs.filter(state=state)
    if tier:
        qs = qs.filter(tier=tier)
    return qs


def get_person(pk: int):
    from doudi.registry.models import Person

    return Person.objects.get(pk=pk)

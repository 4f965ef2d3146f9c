"""The SELECT of each topic's cells: one grouped query per topic over the source table (never a loop over
records). ``actions.refresh`` wraps each in ``INSERT INTO dashboards_cell … SELECT`` — the ORM writes the
SELECT, so the same statement runs on SQLite and PostgreSQL.

Every query yields the columns ``region, month, d1, d2, d3, n, amount``. Timeliness is judged against
``today`` (the build's day): what was open and past its deadline then is overdue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Round, Substr, TruncDate, TruncMonth

from doudi.casework.models import Application, CaseDecision, Deadline
from doudi.charity.models import Need
from doudi.complaints.models import Complaint
from doudi.monitoring.models import Disposition, EarlyWarning, NeedPush
from doudi.payments.models import RosterLine
from doudi.registry.models import CategoryStatus
from doudi.services.models import ServiceVisit

TOPICS = (
    "people",
    "applications",
    "deadlines",
    "warnings",
    "dispositions",
    "exits",
    "needs",
    "payments",
    "complaints",
    "services",
    "charity",
)
EXIT_KINDS = ("terminate", "transition", "grace")
NEED_ANSWERED = ("accepted", "given", "declined")


def _township(field: str = "region_code"):
    """The 12-digit code of the township a row's region belongs to."""
    return Concat(Substr(field, 1, 9), Value("000"), output_field=CharField())


def _month(field: Any):
    return TruncMonth(field, output_field=DateField())


def _shape(qs: QuerySet, *, region: str, month, d1, d2=None, d3=None, amount=None) -> QuerySet:
    blank = Value("", output_field=CharField())
    return (
        qs.annotate(
            c_region=_township(region),
            c_month=month,
            c_d1=d1,
            c_d2=d2 if d2 is not None else blank,
            c_d3=d3 if d3 is not None else blank,
        )
        .values("c_region", "c_month", "c_d1", "c_d2", "c_d3")
        .annotate(
            c_n=Count("pk"), c_amount=amount if amount is not None else Value(0, output_field=IntegerField())
        )
    )


def people(today: dt.date) -> QuerySet:
    """Persons holding each category today (a person counts once per category held), by area type."""
    qs = CategoryStatus.unscoped.filter(Q(until__isnull=True) | Q(until__gt=today), since__lte=today)
    first = Value(today.replace(day=1), output_field=DateField())
    return _shape(qs, region="region_code", month=first, d1=F("category"), d2=F("household__area_type"))


def applications(today: dt.date) -> QuerySet:
    """Applications by the month received and their state now."""
    return _shape(
        Application.unscoped.all(), region="region_code", month=_month("received_on"), d1=F("state")
    )


def _timeliness(done: str, due: str, today: dt.date) -> Case:
    return Case(
        When(**{f"{done}__isnull": False, f"{done}__lte": F(due)}, then=Value("on_time")),
        When(**{f"{done}__isnull": False}, then=Value("late")),
        When(**{f"{due}__lt": today}, then=Value("overdue")),
        default=Value("pending"),
        output_field=CharField(),
    )


def deadlines(today: dt.date) -> QuerySet:
    """Each step's time limits by the month due: met on time, met late, overdue (open, past due), pending."""
    return _shape(
        Deadline.unscoped.all(),
        region="region_code",
        month=_month("due"),
        d1=F("key"),
        d2=_timeliness("done_on", "due", today),
        d3=F("what"),
    )


def warnings(today: dt.date) -> QuerySet:
    """Warnings by the month raised: verified on time / late, overdue (open, unverified, past the deadline),
    pending; by level."""
    timeliness = Case(
        When(verified_on__isnull=False, verified_on__lte=F("deadline"), then=Value("on_time")),
        When(verified_on__isnull=False, then=Value("late")),
        When(is_open=True, deadline__lt=today, then=Value("overdue")),
        When(is_open=True, then=Value("pending")),
        default=Value("closed_unverified"),
        output_field=CharField(),
    )
    return _shape(
        EarlyWarning.unscoped.all(),
        region="region_code",
        month=_month("raised_on"),
        d1=timeliness,
        d2=F("level"),
    )


def dispositions(today: dt.date) -> QuerySet:
    """Dispositions by the month decided and kind."""
    return _shape(
        Disposition.unscoped.all(), region="region_code", month=_month(TruncDate("decided_at")), d1=F("kind")
    )


def exits(today: dt.date) -> QuerySet:
    """Terminations, transitions to another category and graduated exits by month and the case's tier."""
    return _shape(
        CaseDecision.unscoped.filter(kind__in=EXIT_KINDS),
        region="region_code",
        month=_month("on"),
        d1=F("kind"),
        d2=Coalesce(NullIf(F("tier"), Value("")), F("case__tier"), Value(""), output_field=CharField()),
    )


def needs(today: dt.date) -> QuerySet:
    """Needs pushed by month and department: answered on time / late, open past due, open, withdrawn."""
    answered_day = TruncDate("responded_at")
    answer = Case(
        When(status="withdrawn", then=Value("withdrawn")),
        When(
            Q(status__in=NEED_ANSWERED) & (Q(due_on__isnull=True) | Q(responded_at__isnull=True)),
            then=Value("on_time"),
        ),  # fmt: skip
        When(
            status__in=NEED_ANSWERED,
            then=Case(
                When(Q(due_on__gte=answered_day), then=Value("on_time")),
                default=Value("late"),
                output_field=CharField(),
            ),
        ),  # fmt: skip
        When(due_on__lt=today, then=Value("overdue")),
        default=Value("open"),
        output_field=CharField(),
    )
    return _shape(
        NeedPush.unscoped.all(),
        region="region_code",
        month=_month(TruncDate("created_at")),
        d1=F("department"),
        d2=answer,
    )


def payments_for(months: list[dt.date]) -> QuerySet:
    """Payment lines of the given months (dropped lines left out) by tier (the category paid, or the
    programme where a line carries none), status and programme; amount in yuan."""
    return _shape(
        RosterLine.unscoped.filter(month__in=months).exclude(status="dropped"),
        region="region_code",
        month=F("month"),
        d1=Coalesce(NullIf(F("tier"), Value("")), F("programme"), output_field=CharField()),
        d2=F("status"),
        d3=F("programme"),
        amount=Sum("amount"),
    )


def complaints(today: dt.date) -> QuerySet:
    """Complaints by the month received and type: closed on time / late, open past the deadline, open."""
    return _shape(
        Complaint.unscoped.all(),
        region="region_code",
        month=_month("received_on"),
        d1=F("ctype"),
        d2=_timeliness("closed_on", "resolve_due", today),
    )


def _yuan(expression) -> Cast:
    """A money sum in whole yuan (cells keep integers)."""
    return Cast(Round(Sum(expression)), IntegerField())


def services(today: dt.date) -> QuerySet:
    """Service visits (R-P3) by the month visited, service and state; amount: the visits × contracted price."""
    return _shape(
        ServiceVisit.unscoped.all(),
        region="region_code",
        month=_month("visited_on"),
        d1=F("order__service_type__name"),
        d2=F("state"),
        amount=_yuan(F("quantity") * F("order__unit_price")),
    )


def charity(today: dt.date) -> QuerySet:
    """Published needs of the needs library (R-P4) by the month published, category and state; amount: the money
    confirmed received (needs of goods count in n only)."""
    return _shape(
        Need.unscoped.filter(published_on__isnull=False),
        region="region_code",
        month=_month("published_on"),
        d1=F("category"),
        d2=F("state"),
        amount=_yuan(
            Case(When(measure="money", then=F("fulfilled")), default=Value(0), output_field=DecimalField())
        ),
    )


BUILDERS = {
    "people": people,
    "applications": applications,
    "deadlines": deadlines,
    "warnings": warnings,
    "dispositions": dispositions,
    "exits": exits,
    "needs": needs,
    "complaints": complaints,
    "services": services,
    "charity": charity,
}

"""The counts behind the indicators (``evaluation/indicators.py``): one GROUP BY query per indicator over its
source table, grouped by county (the first six digits of the row's region code), for a period
``[start, until]``. Province-wide reads for the evaluation run (an action): the unscoped managers, the caller
sets no scope. Each function returns ``{county6: (numerator, denominator)}``.

Denominators are fixed by the deadline, never by when the work was done: an item whose deadline fell in the
year counts in that year whether it was done early, late or not at all, so the figures of a past year do not
change when late work is finished afterwards (only a changed deadline or record would change them)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db import connection
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, Substr, TruncDate
from django.utils import timezone

from doudi.casework import params as casework_params
from doudi.casework.models import CaseReview, Deadline
from doudi.complaints.models import Complaint
from doudi.monitoring.models import EarlyWarning, NeedPush
from doudi.payments.models import Roster
from doudi.policy import params_store
from doudi.spotchecks import queries as spotcheck_queries

Counts = dict[str, tuple[int, int]]


def _grouped(qs: QuerySet, on_time: Q) -> Counts:
    got = (
        qs.annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(den=Count("pk"), num=Count("pk", filter=on_time))
        .order_by()
    )
    return {r["county"]: (int(r["num"]), int(r["den"])) for r in got}


def applications(start: dt.date, until: dt.date) -> Counts:
    """The overall limit (办结时限, R-W13) of applications falling due in the period: done on or before it."""
    qs = Deadline.unscoped.filter(key="total", due__range=(start, until))
    return _grouped(qs, Q(done_on__isnull=False, done_on__lte=F("due")))


def warnings(start: dt.date, until: dt.date) -> Counts:
    """Warnings whose verification deadline fell in the period: visited (verified_on) on or before it."""
    qs = EarlyWarning.unscoped.filter(deadline__range=(start, until))
    return _grouped(qs, Q(verified_on__isnull=False, verified_on__lte=F("deadline")))


def reviews(start: dt.date, until: dt.date) -> Counts:
    """Periodic and change reviews due in the period (cancelled ones aside): decided on or before the due day."""
    qs = CaseReview.unscoped.filter(due__range=(start, until)).exclude(state=CaseReview.State.CANCELLED)
    return _grouped(qs, Q(decided_on__isnull=False, decided_on__lte=F("due")))


def needs(start: dt.date, until: dt.date) -> Counts:
    """Needs pushed to departments with an answer deadline in the period (withdrawn ones aside): answered on
    or before it (the answer's local date)."""
    qs = NeedPush.unscoped.filter(due_on__range=(start, until)).exclude(status=NeedPush.Status.WITHDRAWN)
    return _grouped(qs, Q(responded_at__isnull=False) & _answered_by_due())


def _answered_by_due() -> Q:
    """``responded_at``'s local date ≤ ``due_on``. SQLite evaluates ``__date`` by a Python function per row
    (17 s over 3.7 M needs): there the instant is compared, as text (Django keeps UTC as ISO text), with the
    end of the due day in UTC — ``due_on`` 16:00:00 for China's one offset (+8, all year)."""
    offset = timezone.get_current_timezone().utcoffset(dt.datetime(2026, 1, 1)) or dt.timedelta(0)
    if connection.vendor != "sqlite" or not dt.timedelta(0) < offset < dt.timedelta(days=1):
        return Q(responded_at__date__lte=F("due_on"))
    ends = (dt.datetime(2000, 1, 2) - offset).strftime(" %H:%M:%S")
    return Q(responded_at__lt=Concat(Cast("due_on", CharField()), Value(ends)))


def complaints(start: dt.date, until: dt.date) -> Counts:
    """Complaints whose resolution deadline fell in the period: closed on or before it."""
    qs = Complaint.unscoped.filter(resolve_due__range=(start, until))
    return _grouped(qs, Q(closed_on__isnull=False, closed_on__lte=F("resolve_due")))


def send_by(region_code: str, month: dt.date) -> dt.date:
    """The roster's send-by day (``pay.send_by_day`` of the region and month; as ``payments.queries.send_by``)."""
    day = casework_params.days("pay.send_by_day", region_code=region_code, on=month)
    return month.replace(day=max(1, min(day, 28)))


def _township_send_by() -> bool:
    """Whether some township (or village) sets ``pay.send_by_day`` itself."""
    return any(
        row.key == "pay.send_by_day" and str(row.region_code)[6:].strip("0")
        for row in params_store.active_rows()
    )


def rosters(start: dt.date, until: dt.date) -> Counts:
    """Regular monthly rosters whose send-by day fell in the period: sent to the bank on or before it. One
    GROUP BY (region, month, day sent) — a few rows per roster at most — then each group's send-by day from
    the parameters of its region and month (a county may set its own)."""
    qs = (
        Roster.unscoped.filter(kind=Roster.Kind.REGULAR, month__range=(start.replace(day=1), until))
        .annotate(sent_on=TruncDate("sent_at"))
        .values("region_code", "month", "sent_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    due_of: dict[tuple[str, dt.date], dt.date] = {}
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_township = _township_send_by()
    for r in qs:
        # a township without a row of its own has its county's day: one lookup per county and month (a
        # province has ≈ 1,000 townships: a lookup each took 18 s on SQLite)
        region = r["region_code"] if by_township else r["region_code"][:6].ljust(12, "0")
        key = (region, r["month"])
        if key not in due_of:
            due_of[key] = send_by(*key)
        due = due_of[key]
        if not (start <= due <= until):
            continue
        c = out[r["region_code"][:6]]
        c[1] += r["n"]
        if r["sent_on"] is not None and r["sent_on"] <= due:
            c[0] += r["n"]
    return {k: (v[0], v[1]) for k, v in out.items()}


def _spotchecks(year: int) -> list[dict]:
    return spotcheck_queries.summary(None, year=year, level="county")


def spotcheck_problems(start: dt.date, until: dt.date) -> Counts:
    """Items of the year's spot-check rounds that were checked: a problem found (lower is better)."""
    return {r["key"][:6]: (r["problems"], r["checked"]) for r in _spotchecks(start.year) if r["checked"]}


def spotcheck_corrections(start: dt.date, until: dt.date) -> Counts:
    """Problems found by the year's spot-check rounds: corrected."""
    return {r["key"][:6]: (r["corrected"], r["problems"]) for r in _spotchecks(start.year) if r["problems"]}


SOURCES: dict[str, Callable[[dt.date, dt.date], Counts]] = {
    "application_on_time": applications,
    "warning_on_time": warnings,
    "review_on_time": reviews,
    "payment_on_time": rosters,
    "need_on_time": needs,
    "complaint_on_time": complaints,
    "spotcheck_problem": spotcheck_problems,
    "spotcheck_corrected": spotcheck_corrections,
}

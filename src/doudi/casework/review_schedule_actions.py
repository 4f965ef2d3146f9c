"""The daily pass of the case's life (R-W30, R-W31, R-W32, R-W33, R-W34, R-W35): record the deaths
found in linked department data not recorded yet (``death_actions``), open the reviews that have
come due (set-based, idempotent), prepare a bounded number of them (verification re-run, the visit
asked only when needed), end the grace periods whose last month has passed (termination + R-X1),
lapse suspensions held too long and put ended termination notices into effect."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from doudi.casework import death_actions, review_schedule
from doudi.casework.exit_actions import terminate_case
from doudi.casework.lifecycle_actions import lapse_suspensions
from doudi.casework.lifecycle_base_actions import month_start
from doudi.casework.models import CaseReview, GracePeriod
from doudi.casework.review_decide_actions import end_due_notices, prepare_review
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction

PREPARE_PER_PASS = 2000  # verification re-runs per daily pass; the rest on the next passes


@transaction.atomic
def open_due_reviews(today: dt.date) -> int:
    """One INSERT … SELECT per parameter group, then one UPDATE of the cases; running it twice on a
    day opens nothing more (a case has one open review at most)."""
    opened = 0
    now = timezone.now()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # the anti-join against the review table must be a hash or merge join: planned on an empty
            # or just-analysed review table it became a nested loop that scanned the table (and the rows
            # this INSERT adds) once per due case — a pass of 87,562 cases ran for over ten minutes
            cur.execute("SET LOCAL enable_nestloop = off")
        for group in review_schedule.plan(today):
            cur.execute(review_schedule.insert_sql(group), [today, group.due, now, now, group.cutoff])
            n = max(cur.rowcount, 0)
            if n:
                cur.execute(review_schedule.update_cases_sql(group), [now, group.cutoff])
            opened += n
    if opened:
        record_audit(
            actor="system",
            action=AuditAction.CASE_REVIEW_OPEN,
            region_code="220000000000",
            subject_type="job",
            subject_id="review_schedule",
            after={"opened": opened, "on": today},
        )
    return opened


def prepare_opened(today: dt.date, limit: int = PREPARE_PER_PASS) -> int:
    """Verification re-run for the reviews the scheduler opened today (up to ``limit``; the township
    re-runs the others from the case page), each in its own transaction so one household's missing
    data does not stop the others."""
    ids = list(
        CaseReview.unscoped.filter(trigger="due", opened_on=today, verification__isnull=True)
        .filter(state__in=("open", "visit"))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for review in CaseReview.unscoped.filter(pk__in=ids).select_related("case", "case__application"):
        if review.case.application_id is None:
            continue
        try:
            prepare_review(actor="system", review=review, on=today)
            done += 1
        except Exception:  # noqa: BLE001 - the review stays open for the township; counted, not fatal
            continue
    return done


def end_due_grace(today: dt.date) -> int:
    """渐退期满 (R-W33): the case ends after its last grace month, paid up to that month, and R-X1 runs."""
    n = 0
    for grace in GracePeriod.unscoped.filter(
        ended_on__isnull=True, end_month__lt=month_start(today)
    ).select_related("case"):
        with transaction.atomic():
            terminate_case(
                actor="system",
                case=grace.case,
                on=today,
                reasons=[f"渐退期已于{grace.end_month.year}年{grace.end_month.month}月届满"],
                rules=["R-W33", "R-X1"],
                pay_until=grace.end_month,
            )
        n += 1
    return n


def daily(today: dt.date | None = None, *, prepare_limit: int = PREPARE_PER_PASS) -> dict[str, int]:
    today = today or timezone.localdate()
    return {
        # catch-up over every linked death batch (the pipeline records them at linkage)
        "deaths_from_data": death_actions.record_deaths_from_data(actor="system", on=today),
        "reviews_opened": open_due_reviews(today),
        "reviews_prepared": prepare_opened(today, prepare_limit) if prepare_limit else 0,
        "grace_ended": end_due_grace(today),
        "suspensions_lapsed": lapse_suspensions(today),
        "notices_ended": end_due_notices(today),
    }

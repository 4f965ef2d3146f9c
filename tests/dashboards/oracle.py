"""Direct counts on the source tables, in Python over plain rows — what every dashboard figure must equal."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

TERMINAL = {"confirmed", "refused", "withdrawn", "lapsed", "not_accepted"}


def _timely(done, due, today):
    if done is not None:
        return "on_time" if done <= due else "late"
    return "overdue" if due < today else "pending"


def counts(prefix: str, date_from: dt.date, date_to: dt.date, today: dt.date) -> Counter:
    """(topic, a, b) → n (payments: amount) for the rows under ``prefix`` in the months of the range."""
    from doudi.casework.models import Application, CaseDecision, Deadline
    from doudi.complaints.models import Complaint
    from doudi.monitoring.models import Disposition, EarlyWarning, NeedPush
    from doudi.payments.models import RosterLine
    from doudi.registry.models import CategoryStatus

    lo = date_from.replace(day=1)

    def inside(day: dt.date) -> bool:  # whole months: the figures are monthly
        return lo <= day and day.replace(day=1) <= date_to

    def under(o) -> bool:
        return o.region_code.startswith(prefix)

    def month(day: dt.date) -> str:
        return day.strftime("%Y-%m")

    c: Counter = Counter()
    for s in CategoryStatus.unscoped.select_related("household"):
        if under(s) and s.since <= today and (s.until is None or s.until > today):
            c["people", s.category, s.household.area_type] += 1
    for a in Application.unscoped.all():
        if under(a) and inside(a.received_on):
            group = (
                a.state
                if a.state in ("confirmed", "refused")
                else ("other" if a.state in TERMINAL else "open")
            )
            c["applications", month(a.received_on), group] += 1
    for d in Deadline.unscoped.all():
        if under(d) and inside(d.due):
            c["deadlines", d.key, _timely(d.done_on, d.due, today)] += 1
    for w in EarlyWarning.unscoped.all():
        if under(w) and inside(w.raised_on):
            if w.verified_on is not None:
                t = "on_time" if w.verified_on <= w.deadline else "late"
            elif w.is_open:
                t = "overdue" if w.deadline < today else "pending"
            else:
                t = "closed_unverified"
            c["warnings", month(w.raised_on), t] += 1
    for p in Disposition.unscoped.all():
        if under(p) and inside(timezone.localtime(p.decided_at).date()):
            c["dispositions", p.kind, ""] += 1
    for x in CaseDecision.unscoped.select_related("case"):
        if under(x) and inside(x.on) and x.kind in ("terminate", "transition", "grace"):
            c["exits", x.kind, x.tier or x.case.tier] += 1
    for n in NeedPush.unscoped.all():
        pushed = timezone.localtime(n.created_at).date()
        if not (under(n) and inside(pushed)):
            continue
        if n.status == "withdrawn":
            t = "withdrawn"
        elif n.status in ("accepted", "given", "declined"):
            answered = timezone.localtime(n.responded_at).date() if n.responded_at else None
            t = "on_time" if n.due_on is None or answered is None or answered <= n.due_on else "late"
        else:
            t = "overdue" if n.due_on is not None and n.due_on < today else "open"
        c["needs", n.department, t] += 1
    for line in RosterLine.unscoped.all():
        if under(line) and inside(line.month) and line.status != "dropped":
            c["payments", month(line.month), line.tier or line.programme] += line.amount
            c["payments_status", month(line.month), line.status] += line.amount
    for k in Complaint.unscoped.all():
        if under(k) and inside(k.received_on):
            c["complaints", k.ctype, _timely(k.closed_on, k.resolve_due, today)] += 1
    return Counter({k: v for k, v in c.items() if v})


def indicators(c: Counter) -> dict[str, int]:
    """The child table's indicators from the direct counts."""
    total = lambda topic: sum(v for (t, *_), v in c.items() if t == topic)  # noqa: E731
    overdue = lambda topic, i: sum(v for k, v in c.items() if k[0] == topic and k[i] == "overdue")  # noqa: E731
    return {
        "people": total("people"),
        "applications": total("applications"),
        "deadlines_overdue": overdue("deadlines", 2),
        "warnings": total("warnings"),
        "warnings_overdue": overdue("warnings", 2),
        "exits": total("exits"),
        "needs_overdue": overdue("needs", 2),
        "paid": total("payments"),
        "complaints": total("complaints"),
        "complaints_overdue": overdue("complaints", 2),
    }

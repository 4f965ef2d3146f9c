"""Every read of complaints, scoped to the caller's region subtree (``objects``) and to what the caller may see
(R-G7: a sensitive ticket only for its supervising level and auditors, never the named staff); outside it a
look-up raises ``DoesNotExist`` (the views and the API answer 404). The public status lookup reads by
tracking number and check field only."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from doudi.complaints import params, rules
from doudi.complaints.base import is_auditor, level
from doudi.complaints.deadline_actions import overdue
from doudi.complaints.models import Complaint, ComplaintStep, StaffRelation
from doudi.core.workdays import working_days_between

FILTERS = {
    "open": "办理中",
    "new": "待受理",
    "overdue": "已逾期",
    "escalated": "升级督办",
    "for_approval": "待审批",
    "sensitive": "举报（敏感）",
    "closed": "已办结",
    "all": "全部",
}


def visible(user) -> QuerySet[Complaint]:
    qs = Complaint.objects.all()
    if user is None or is_auditor(user):
        return qs
    seen = [lv for lv in rules.LEVELS if rules.rank(lv) <= rules.rank(level(user))]
    return qs.filter(Q(sensitive=False) | Q(handler_level__in=seen)).exclude(subject_staff_id=user.pk)


def complaints(
    user, which: str = "open", *, q: str = "", today: dt.date | None = None
) -> QuerySet[Complaint]:
    today = today or timezone.localdate()
    qs = visible(user)
    if which == "open":
        qs = qs.exclude(state="closed")
    elif which == "overdue":
        qs = qs.filter(overdue(today))
    elif which == "escalated":
        qs = qs.exclude(escalated_level="").exclude(state="closed")
    elif which == "sensitive":
        qs = qs.filter(sensitive=True)
    elif which in rules.STATES:
        qs = qs.filter(state=which)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(summary__icontains=q) | Q(subject_name__icontains=q))
    return qs.order_by("state" if which == "all" else "resolve_due", "pk")


def counts(user, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    got = visible(user).aggregate(
        open=Count("pk", filter=~Q(state="closed")),
        new=Count("pk", filter=Q(state="new")),
        overdue=Count("pk", filter=overdue(today)),
        escalated=Count("pk", filter=~Q(escalated_level="") & ~Q(state="closed")),
        for_approval=Count("pk", filter=Q(state="for_approval")),
    )
    return {k: v or 0 for k, v in got.items()}


def get(user, pk: int) -> Complaint:
    return (
        visible(user)
        .select_related(
            "household",
            "application",
            "case",
            "handler",
            "subject_staff",
            "appeal_of",
            "proposed_by",
            "approved_by",
        )
        .get(pk=pk)
    )


def get_by_number(user, number: str) -> Complaint:
    return visible(user).get(number=number)


def steps(c: Complaint) -> list[ComplaintStep]:
    return list(ComplaintStep.objects.filter(complaint=c).select_related("actor").order_by("pk"))


def deadline(c: Complaint, today: dt.date | None = None) -> dict:
    """The clock shown on every list (R-G5): the response before acceptance, then the resolution; its status
    on track / at risk / breached, the working days left or overdue."""
    today = today or timezone.localdate()
    responding = c.state == "new"
    due = c.response_due if responding else c.resolve_due
    label = "受理期限" if responding else "办结期限"
    done = c.state == "closed"
    end = c.closed_on if done and c.closed_on else today
    total = max(working_days_between(c.received_on, due), 1)
    used = working_days_between(c.received_on, end)
    share = float(params.value("grievance.at_risk_share", region_code=c.region_code, on=c.received_on))
    status = rules.time_status(used, total, overdue=end > due, done=done, at_risk_share=share)
    if done:
        status = "breached" if c.closed_on and c.closed_on > c.resolve_due else "done"
    left = working_days_between(today, due)
    return {
        "label": label,
        "due": due,
        "status": status,
        "status_label": rules.STATUS_LABELS[status] if not (done and status == "breached") else "逾期办结",
        "left": left,
        "overdue_days": -left if left < 0 and not done else 0,
    }


def rows(items, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    return [{"c": c, "deadline": deadline(c, today)} for c in items]


def appeals_of(c: Complaint) -> list[Complaint]:
    return list(Complaint.unscoped.filter(appeal_of=c).order_by("pk"))


def relations_of(household_id: int) -> list[StaffRelation]:
    return list(StaffRelation.objects.filter(household_id=household_id).select_related("user"))


def staff_choices(user, c: Complaint) -> list:
    """Staff who may be assigned ``c``: active users of the ticket's region with write access (recusal is
    checked by the action)."""
    from django.contrib.auth import get_user_model

    from doudi.complaints.base import may_handle

    candidates = (
        get_user_model()
        .objects.filter(
            is_active=True, role__in=list(rules.ROLE_LEVEL), region_id__in=_ancestors(c.region_code)
        )
        .order_by("role", "username")[:200]
    )
    return [u for u in candidates if not may_handle(u, c)]


def _ancestors(code: str) -> list[str]:
    code = str(code).ljust(12, "0")
    return [code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)]


# --- the public lookup ---------------------------------------------------------------------------------

PUBLIC_STAGES = [("new", "已收到"), ("accepted", "已受理"), ("in_progress", "调查核实"), ("decided", "作出处理决定"),
                 ("closed", "已答复办结")]  # fmt: skip
_PUBLIC_STAGE = {"new": 0, "accepted": 1, "in_progress": 2, "on_hold": 2, "for_approval": 2, "decided": 3,
                 "closed": 4}  # fmt: skip


def public_status(code: str, check: str) -> dict | None:
    """The stage, dates, decision and reply of one ticket when the tracking number and its check field both
    match; None otherwise (the same answer whether the number exists or not)."""
    from doudi.complaints.actions import check_digest
    from doudi.core.crypto import constant_time_equal

    c = Complaint.unscoped.filter(tracking_code=code).first()
    expected = check_digest(code, check)
    if c is None or not c.check_digest or not constant_time_equal(c.check_digest, expected):
        return None
    appeal = Complaint.unscoped.filter(appeal_of=c).first()
    return {
        "number": c.number,
        "type": c.type_label,
        "received_on": c.received_on,
        "stage": _PUBLIC_STAGE.get(c.state, 0),
        "state": "已受理" if c.state in ("on_hold", "for_approval") else c.state_label,
        "not_accepted": c.decision == "not_accepted",
        "resolve_due": c.resolve_due if c.state != "closed" else None,
        "closed_on": c.closed_on,
        "decision": c.decision_label if c.state == "closed" else "",
        "reply": c.reply if c.state == "closed" else "",
        "appeal": {"state": appeal.state_label, "number": appeal.number} if appeal else None,
        "may_appeal": c.state == "closed" and appeal is None and c.handler_level != "province",
        "_pk": c.pk,
    }


def application_by_number(number: str):
    """A casework application in the caller's scope by its number (None when not found)."""
    from doudi.casework.models import Application

    return Application.objects.select_related("household").filter(number=number.strip()).first()


def public_ticket(pk: int) -> Complaint:
    """The ticket behind a lookup that already matched its tracking number and check field."""
    return Complaint.unscoped.get(pk=pk)

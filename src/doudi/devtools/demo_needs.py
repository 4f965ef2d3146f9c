"""Demo data of the department portal (R-P1): the needs of the demo population pushed by rule — a first
pass dated a month back, so that the needs still unanswered are overdue, then today's — and a few answers
(accepted, given with an amount, declined with a reason) by a demo user of each department in 延吉市.
Idempotent: the dated pass and the answers run once (when no demo department user has answered yet)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from doudi.core.scoping import using_scope
from doudi.monitoring.loop.disposition_actions import respond_need
from doudi.monitoring.models import NeedPush
from doudi.monitoring.needs import push_actions, queries

ACTOR = "demo seed"
# (username, department) of the demo department users of 延吉市; their accounts are in ``seed.ACCOUNTS``
DEPARTMENT_USERS = (
    ("yibao-yanji", "medical_insurance"),
    ("jiaoyu-yanji", "education"),
    ("zhujian-yanji", "housing"),
    ("renshe-yanji", "hrss"),
    ("minzheng-yanji", "civil_affairs"),
    ("canlian-yanji", "disabled_federation"),
)
BACKDATE_DAYS = 45
ANSWERS = (
    ("given", "已按政策落实", "300"),
    ("accepted", "已受理，正在办理", None),
    ("declined", "经核实已在其他地区享受同类救助", None),
)


@dataclass
class NeedsSeed:
    pushed: int = 0
    withdrawn: int = 0
    answered: dict[str, int] = field(default_factory=dict)


def seed_needs(today: dt.date | None = None) -> NeedsSeed:
    """Run under ``all_regions()`` (the demo seed does)."""
    today = today or timezone.localdate()
    report = NeedsSeed()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=[name for name, _ in DEPARTMENT_USERS], is_active=True
        )
    }
    first = not NeedPush.unscoped.filter(
        source=NeedPush.Source.RULE, responded_by__in=users.values()
    ).exists()
    if first:
        back = push_actions.reconcile_all(as_of=today - dt.timedelta(days=BACKDATE_DAYS), actor=ACTOR)
        report.pushed += back.pushed
    now = push_actions.reconcile_all(as_of=today, actor=ACTOR)
    report.pushed += now.pushed
    report.withdrawn += now.withdrawn
    if not first:
        return report
    for username, _dept in DEPARTMENT_USERS:
        user = users.get(username)
        if user is None:
            continue
        with using_scope(user.region_id or "22"):
            waiting = list(queries.queue(user, "new", today)[: 3 * len(ANSWERS)])
            n = 0
            for i, push in enumerate(waiting[: 2 * len(ANSWERS)]):
                status, feedback, amount = ANSWERS[i % len(ANSWERS)]
                respond_need(actor=user, push=push, status=status, feedback=feedback, amount=amount)
                n += 1
        report.answered[username] = n
    return report

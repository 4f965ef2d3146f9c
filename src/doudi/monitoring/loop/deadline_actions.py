"""The daily deadline jobs of the warning loop (R-M13, R-M14): escalation of overdue warnings and
notices of approaching deadlines. Set-based (batches of ids, bulk inserts), idempotent per day."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from doudi.accounts.models import Role, User
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.workdays import add_working_days
from doudi.monitoring.loop import flows
from doudi.monitoring.loop.base import deadline_days
from doudi.monitoring.loop.notify_actions import LEVEL_ROLES
from doudi.monitoring.models import ChainEvent, EarlyWarning, Indicator, Notification, WarningLevel

S = EarlyWarning.Status
BATCH = 5000
INDICATOR_LABELS = dict(Indicator.choices)


def _overdue(today: dt.date, level: str) -> Q:
    # escalated again only after another full deadline period at the new level
    again = add_working_days(today, -deadline_days(level, on=today))
    return (
        Q(is_open=True, level=level, deadline__lt=today)
        & flows.can_escalate_q()
        & (Q(escalated_on__isnull=True) | Q(escalated_on__lte=again))
    )


@transaction.atomic
def escalate_overdue(*, today: dt.date) -> int:
    """Escalate every open warning past its deadline one level up (township → county → city →
    province; a never-dispatched warning county → city …): ``escalations`` + 1, a chain event, and
    one notice per receiving region and day. Running it again the same day changes nothing."""
    now = timezone.now()
    total = 0
    per_region: Counter[tuple[str, str]] = Counter()
    for level in WarningLevel.values:
        cond = _overdue(today, level)
        last = 0
        while True:
            rows = list(
                EarlyWarning.unscoped.filter(cond, pk__gt=last)
                .order_by("pk")
                .values(
                    "pk", "status", "escalations", "household_id", "region_code", "indicator", "deadline"
                )[:BATCH]
            )
            if not rows:
                break
            last = rows[-1]["pk"]
            ids = [r["pk"] for r in rows]
            EarlyWarning.unscoped.filter(cond, pk__in=ids).update(
                escalations=F("escalations") + 1, escalated_on=today
            )
            events = []
            for r in rows:
                target = flows.escalated_level(r["status"], r["escalations"] + 1)
                region = flows.region_at(r["region_code"], target)
                per_region[(target, region)] += 1
                if r["household_id"]:
                    events.append(
                        ChainEvent(
                            household_id=r["household_id"],
                            region_code=r["region_code"],
                            at=now,
                            kind=ChainEvent.Kind.ESCALATION,
                            ref_type="monitoring.warning",
                            ref_id=r["pk"],
                            summary=f"{INDICATOR_LABELS.get(r['indicator'], r['indicator'])}预警逾期"
                            f"（期限 {r['deadline']:%Y-%m-%d}），升级至{flows.LEVEL_LABELS[target]}督办",
                            data={
                                "to": target,
                                "escalations": r["escalations"] + 1,
                                "on": today.isoformat(),
                                "warning": r["pk"],
                            },
                        )
                    )
            ChainEvent.unscoped.bulk_create(events, batch_size=BATCH)
            total += len(rows)
    if total:
        _notify_escalations(per_region, today)
        record_audit(
            actor="system",
            action=AuditAction.MONITORING_ESCALATE,
            region_code="220000000000",
            subject_type="job",
            subject_id=today.isoformat(),
            after={"escalated": total, "regions": len(per_region)},
        )
    return total


def _notify_escalations(per_region: Counter, today: dt.date) -> None:
    link = reverse("monitoring:inbox") + "?view=todo"
    rows = []
    for (level, region), n in per_region.items():
        for uid in User.objects.filter(
            region_id=region, role__in=LEVEL_ROLES[level], is_active=True
        ).values_list("pk", flat=True):
            rows.append(
                Notification(
                    user_id=uid,
                    link=link,
                    dedupe_key=f"escalation:{region}:{today}",
                    text=f"{today:%m月%d日}有 {n} 条逾期预警升级至本级，请督办",
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)


@transaction.atomic
def notify_approaching_deadlines(*, today: dt.date) -> int:
    """Tell whoever holds an open warning that its deadline is today or the next working day (the
    assigned grid worker; else the township caseworkers; else, not yet dispatched, the county
    officers). One notice per warning, user and deadline; returns how many were new."""
    horizon = add_working_days(today, 1)
    rows = list(
        EarlyWarning.unscoped.filter(is_open=True, deadline__gte=today, deadline__lte=horizon).values(
            "pk", "status", "assigned_to_id", "township_code", "region_code", "deadline", "indicator"
        )
    )
    if not rows:
        return 0
    townships = {r["township_code"] for r in rows if r["township_code"]}
    counties = {flows.region_at(r["region_code"], "county") for r in rows}
    staff: dict[str, list[int]] = defaultdict(list)
    for uid, region in User.objects.filter(
        Q(role=Role.TOWNSHIP, region_id__in=townships) | Q(role=Role.COUNTY, region_id__in=counties),
        is_active=True,
    ).values_list("pk", "region_id"):
        staff[region].append(uid)
    wanted: dict[tuple[int, str], Notification] = {}
    for r in rows:
        if r["status"] == S.ASSIGNED and r["assigned_to_id"]:
            users = [r["assigned_to_id"]]
        elif r["status"] == S.RAISED or not r["township_code"]:
            users = staff.get(flows.region_at(r["region_code"], "county"), [])
        else:
            users = staff.get(r["township_code"], [])
        key = f"deadline:{r['pk']}:{r['deadline']}"
        label = INDICATOR_LABELS.get(r["indicator"], r["indicator"])
        when = "今天" if r["deadline"] == today else f"{r['deadline']:%m月%d日}"
        for uid in users:
            wanted[(uid, key)] = Notification(
                user_id=uid,
                dedupe_key=key,
                link=reverse("monitoring:detail", args=[r["pk"]]),
                text=f"{label}预警核查期限为{when}，请及时办理",
            )
    if not wanted:
        return 0
    existing = set(
        Notification.objects.filter(dedupe_key__in={k for _, k in wanted}).values_list(
            "user_id", "dedupe_key"
        )
    )
    new = [n for key, n in wanted.items() if key not in existing]
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=BATCH)
    return len(new)

"""The daily pass (``monitoring.schedule.register_daily``, ``doudi services overdue``): orders not accepted by
their working-day deadline and planned visits whose date passed with no visit recorded are raised to the
township — one notification per township user and day, the order marked escalated and the plans marked
notified (set-based: a few UPDATEs, bulk notifications, one audit entry per township)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.monitoring.loop.notify_actions import notify, township_staff
from doudi.services.models import PlannedVisit, ServiceOrder, ServiceVisit

ACTOR = "定时任务"


def missed_plans(today: dt.date):
    """Planned visits of orders in service whose date passed with no visit recorded that day."""
    visited = ServiceVisit.unscoped.filter(order_id=OuterRef("order_id"), visited_on=OuterRef("on"))
    return PlannedVisit.unscoped.filter(on__lt=today, order__state=ServiceOrder.State.ACCEPTED).exclude(
        Exists(visited)
    )


def late_orders(today: dt.date):
    return ServiceOrder.unscoped.filter(state=ServiceOrder.State.PLACED, accept_due__lt=today)


@transaction.atomic
def raise_overdue(*, today: dt.date, actor=ACTOR) -> dict:
    late = list(late_orders(today).filter(escalated_on__isnull=True).values_list("pk", "region_code"))
    missed = list(missed_plans(today).filter(missed_notified=False).values_list("pk", "region_code"))
    ServiceOrder.unscoped.filter(pk__in=[pk for pk, _ in late]).update(escalated_on=today)
    PlannedVisit.unscoped.filter(pk__in=[pk for pk, _ in missed]).update(missed_notified=True)
    per_town: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, town in late:
        per_town[town][0] += 1
    for _, town in missed:
        per_town[town][1] += 1
    for town, (n_late, n_missed) in sorted(per_town.items()):
        parts = ([f"{n_late}个工单超期未接单"] if n_late else []) + (
            [f"{n_missed}次计划服务未按期上门"] if n_missed else []
        )
        notify(township_staff(town), text="救助服务逾期：" + "，".join(parts) + "，请督促服务机构",
               link="/services/orders/?show=overdue", dedupe_key=f"services:overdue:{today.isoformat()}")  # fmt: skip
        record_audit(actor=actor, action=AuditAction.SERVICES_OVERDUE, region_code=town,
                     subject_type="service_order", subject_id=town,
                     after={"date": today, "late_orders": n_late, "missed_visits": n_missed})  # fmt: skip
    return {"services_late_orders": len(late), "services_missed_visits": len(missed)}

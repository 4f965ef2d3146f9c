"""In-app notifications (new warning, dispatch, assignment, deadline, escalation, need push).

Notifications are addressed to users found by role and region; a ``dedupe_key`` makes a notice
idempotent per user (a unique constraint; inserts that would repeat one are skipped).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import Role, User
from doudi.core.scoping import is_within
from doudi.monitoring.loop.flows import region_at
from doudi.monitoring.models import Notification

COUNTY_ROLES = (Role.COUNTY,)
LEVEL_ROLES = {
    "county": (Role.COUNTY,),
    "city": (Role.CITY,),
    "province": (Role.PROVINCE,),
    "township": (Role.TOWNSHIP,),
}


def users_at(region_code: str, roles: Iterable[str]) -> list[int]:
    return list(
        User.objects.filter(region_id=region_code, role__in=list(roles), is_active=True).values_list(
            "pk", flat=True
        )
    )


def county_officers(region_code: str) -> list[int]:
    return users_at(region_at(region_code, "county"), COUNTY_ROLES)


def township_staff(township_code: str) -> list[int]:
    return users_at(township_code, (Role.TOWNSHIP,)) if township_code else []


def department_users(department: str, region_code: str) -> list[int]:
    """Active users of ``department`` whose region covers ``region_code``."""
    rows = User.objects.filter(role=Role.DEPARTMENT, department=department, is_active=True).values_list(
        "pk", "region_id"
    )
    return [pk for pk, region in rows if region and is_within(region_code, region)]


def notify(user_ids: Iterable[int], *, text: str, link: str = "", dedupe_key: str = "") -> int:
    """One notification per user (skipping those already holding ``dedupe_key``)."""
    rows = [
        Notification(user_id=uid, text=text[:300], link=link[:300], dedupe_key=dedupe_key[:100])
        for uid in dict.fromkeys(user_ids)
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key), batch_size=2000)
    return len(rows)


def notify_many(rows: list[Notification]) -> None:
    """Bulk insert prepared notifications; repeats of a (user, dedupe_key) are skipped."""
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


@transaction.atomic
def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())

"""The departments' own queries (seed §17, R-P1): by identity number, whether a person is in a low-income
category (the answer is the categories and since when, nothing else), and the list of persons the
department owes an assistance to in a month or a year. Both are scoped to the user's department and
region and to a stated purpose (one of the department's assistances), every query is audited, and a
user's queries are rate-limited by counting their audit rows (as the public reports count theirs,
``loop.report_actions.RateLimited``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from doudi.core.audit import record_read
from doudi.core.audit_actions import AuditAction
from doudi.core.dates import add_months, holds_on
from doudi.core.models import AuditEvent
from doudi.monitoring.loop.base import MonitoringError
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.loop.report_actions import RateLimited
from doudi.monitoring.models import NeedPush
from doudi.monitoring.needs import queries
from doudi.policy.rules import entitlements as E
from doudi.registry.identity import index_for
from doudi.registry.models import Category, CategoryStatus, Person

S = NeedPush.Status
CATEGORY_LABELS = dict(Category.choices)
QUERY_ACTIONS = (AuditAction.NEEDS_STATUS_QUERY, AuditAction.NEEDS_OWED_LIST)
OWED_COLUMNS = (
    "需求编号",
    "救助项目",
    "姓名",
    "身份证号（脱敏）",
    "区划代码",
    "推送日期",
    "答复时限",
    "状态",
    "需求结束日期",
)


def per_minute() -> int:
    return int(getattr(settings, "DOUDI_NEEDS_QUERIES_PER_MINUTE", 30))


def purposes(user) -> dict[str, str]:
    """The assistances a department may state as its purpose (its own entitlements)."""
    return {e.code: e.label for e in E.ENTITLEMENTS if e.department == user.department}


def check_query(user, purpose: str) -> None:
    """A department user, one of its assistances as purpose, and under the rate limit."""
    if not queries.is_department_user(user):
        raise FlowDenied("只有部门用户可以查询")
    if purpose not in purposes(user):
        raise MonitoringError("请选择本部门的救助项目作为查询用途")
    since = timezone.now() - dt.timedelta(minutes=1)
    recent = AuditEvent.objects.filter(actor=user, action__in=QUERY_ACTIONS, at__gte=since).count()
    if recent >= per_minute():
        raise RateLimited("查询过于频繁，请一分钟后再试")


@dataclass(frozen=True)
class StatusAnswer:
    categories: list[dict]  # [{category, label, since}] — nothing else about the person

    def as_dict(self) -> dict:
        return {"low_income": bool(self.categories), "categories": self.categories}


@transaction.atomic
def status_by_id(*, actor, id_number: str, purpose: str, on: dt.date | None = None) -> StatusAnswer:
    """Is the person with this identity number in a low-income category on ``on`` (in the user's region)?"""
    check_query(actor, purpose)
    on = on or timezone.localdate()
    index = index_for(id_number)
    if not index:
        raise MonitoringError("请输入身份证号")
    person = Person.objects.filter(id_index=index).only("pk", "id_masked", "region_code").first()
    cats: list[dict] = []
    if person is not None:
        rows = (
            CategoryStatus.objects.filter(holds_on(on, "since", "until"), person=person)
            .order_by("since")
            .values_list("category", "since")
        )
        first: dict[str, dt.date] = {}
        for cat, since in rows:
            first.setdefault(cat, since)
        cats = [
            {"category": c, "label": CATEGORY_LABELS.get(c, c), "since": s.isoformat()}
            for c, s in first.items()
        ]
    masked = (
        person.id_masked
        if person
        else (id_number[:6] + "********" + id_number[-4:] if len(id_number) > 10 else "")
    )
    record_read(
        actor=actor,
        action=AuditAction.NEEDS_STATUS_QUERY,
        region_code=actor.region_id,
        subject_type="person",
        subject_id=person.pk if person else "",
        detail=f"用途：{E.LABELS[purpose]}；查询 {masked}：{'、'.join(c['label'] for c in cats) or '非低收入人口'}",
    )
    return StatusAnswer(cats)


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """ "YYYY-MM" (a month) or "YYYY" (a year) → [start, end)."""
    text = (period or "").strip()
    try:
        if len(text) == 4:
            start = dt.date(int(text), 1, 1)
            return start, dt.date(start.year + 1, 1, 1)
        start = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise MonitoringError("期间应为 YYYY-MM（月）或 YYYY（年）") from None
    return start, add_months(start, 1)


def owed(user, purpose: str, period: str):
    """The pushes of the department's assistance whose need held in the period (not withdrawn or declined)."""
    start, end = period_bounds(period)
    # pushed on a (local) day before the period's end: before its first local midnight (an index range)
    before = timezone.make_aware(dt.datetime.combine(end, dt.time.min))
    return (
        queries.department_needs(user)
        .filter(need=purpose, created_at__lt=before)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .exclude(status__in=(S.WITHDRAWN, S.DECLINED))
        .order_by("region_code", "pk")
    )


def _local_day(value) -> str:
    """The local date of a stored timestamp as read by the raw cursor (naive values are UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return timezone.localtime(value).date().isoformat()


def _day(value) -> str:
    return "" if value is None else value if isinstance(value, str) else value.isoformat()


def owed_rows(user, purpose: str, period: str, offset: int = 0, limit: int | None = None) -> Iterator[list]:
    """The rows of the list: the query's SQL run on the cursor (no model conversion per row; the push's
    local day computed once per distinct timestamp — a pass pushes with one)."""
    status = dict(S.choices)
    label = E.LABELS.get(purpose, purpose)
    qs = owed(user, purpose, period).values_list(
        "pk", "person__name", "person__id_masked", "region_code", "created_at", "due_on", "status", "ended_on"
    )
    if limit is not None:
        qs = qs[offset : offset + limit]
    sql, params = qs.query.sql_with_params()
    days: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20_000):
            for pk, name, masked, region, created, due_on, st, ended in rows:
                day = days.get(created)
                if day is None:
                    day = days[created] = _local_day(created)
                yield [pk, label, name or "", masked or "", region, day, _day(due_on), status.get(st, st),
                       _day(ended)]  # fmt: skip


@transaction.atomic
def audit_owed(*, actor, purpose: str, period: str, rows: int, fmt: str) -> None:
    record_read(
        actor=actor,
        action=AuditAction.NEEDS_OWED_LIST,
        region_code=actor.region_id,
        subject_type="need_push",
        subject_id=f"{purpose}:{period}",
        detail=f"用途：{E.LABELS[purpose]}；下载 {period} 应救助人员名单 {rows} 人（{fmt}，身份证号脱敏）",
    )


def owed_csv(user, purpose: str, period: str) -> tuple[bytes, int]:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(OWED_COLUMNS)
    n = 0
    for row in owed_rows(user, purpose, period):
        w.writerow(row)
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n


def owed_xlsx(user, purpose: str, period: str) -> tuple[bytes, int]:
    from openpyxl import Workbook

    from doudi.core.cells import append_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("应救助人员名单")
    ws.append(list(OWED_COLUMNS))
    n = 0
    for row in owed_rows(user, purpose, period):
        append_row(ws, row)
        n += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), n

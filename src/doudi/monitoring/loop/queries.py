"""Reads of the warning loop, always through the scoped managers (a missing scope raises; a row
outside the caller's subtree is simply not found).

The inbox runs a fixed number of queries whatever the page size: the page (with household, assignee
and person joined), its count, then one batch each for head names and region names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from doudi.accounts.models import Role, User
from doudi.core.audit_actions import AuditAction
from doudi.core.models import AuditEvent
from doudi.core.scoping import prefix_of
from doudi.monitoring.loop import flows
from doudi.monitoring.models import (
    ChainEvent,
    Disposition,
    EarlyWarning,
    GrassrootsReport,
    Indicator,
    NeedPush,
    Notification,
    Visit,
    VisitPhoto,
    WarningLevel,
    WorkdayOverride,
)
from doudi.policy.models import Decision
from doudi.regions.queries import children, names_for
from doudi.registry.models import Category, CategoryStatus, Person

S = EarlyWarning.Status


def warnings_in_scope() -> QuerySet[EarlyWarning]:
    return EarlyWarning.objects.all()


def get_warning(pk: int) -> EarlyWarning:
    """Raises EarlyWarning.DoesNotExist outside the scope too (existence is not leaked)."""
    return EarlyWarning.objects.select_related("household", "assigned_to", "potential_case", "person").get(
        pk=pk
    )


@dataclass
class InboxFilters:
    view: str = "todo"  # todo | open | overdue | closed | all
    indicator: str = ""
    level: str = ""
    status: str = ""
    overdue: bool = False
    region: str = ""  # a subtree of the caller's scope (the home page's per-region counts link here)


VIEWS = {"todo": "待我处理", "open": "全部未办结", "closed": "已办结", "all": "全部"}


def inbox(user, f: InboxFilters, today: dt.date | None = None) -> QuerySet[EarlyWarning]:
    today = today or timezone.localdate()
    qs = warnings_in_scope()
    # ``is_open`` stays a top-level condition: it is what lets the partial indexes (open warnings in
    # deadline order, by township, by assignee) serve the page without sorting the whole scope
    if f.view == "todo":
        qs = qs.filter(is_open=True).filter(flows.todo_q(user))
    elif f.view == "open":
        qs = qs.filter(is_open=True)
    elif f.view == "closed":
        qs = qs.filter(is_open=False)
    if user.role == "grid_worker" and f.view != "todo":
        qs = qs.filter(assigned_to=user)
    if f.indicator in Indicator.values:
        qs = qs.filter(indicator=f.indicator)
    if f.level in WarningLevel.values:
        qs = qs.filter(level=f.level)
    if f.status in S.values:
        qs = qs.filter(status=f.status)
    if f.overdue:
        qs = qs.filter(is_open=True, deadline__lt=today)
    if f.region.isdigit():
        qs = qs.filter(region_code__startswith=prefix_of(f.region))
    order = ("deadline", "id") if f.view != "closed" else ("-closed_on", "-id")
    return qs.select_related("household", "assigned_to").order_by(*order)


class InboxPage:
    """One page of an inbox without counting the whole result: the page is read with one extra row
    (is there a next page?), and the total is counted only up to ``cap`` ("1,000+")."""

    def __init__(self, qs: QuerySet[EarlyWarning], number, size: int = 50, cap: int = 1000) -> None:
        try:
            self.number = max(1, int(number or 1))
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * size
        rows = list(qs[start : start + size + 1])
        if not rows and self.number > 1:  # past the end: show the first page
            self.number, start = 1, 0
            rows = list(qs[: size + 1])
        self.has_next = len(rows) > size
        self.object_list = rows[:size]
        self.has_previous = self.number > 1
        self.next_page_number = self.number + 1
        self.previous_page_number = self.number - 1
        if not self.has_next:
            self.count, self.capped = start + len(self.object_list), False
        else:
            n = qs.order_by().values("pk")[: cap + 1].count()
            self.count, self.capped = min(n, cap), n > cap

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


INDICATOR_LABELS = dict(Indicator.choices)
LEVEL_LABELS = dict(WarningLevel.choices)
STATUS_LABELS = dict(S.choices)


def inbox_rows(page: list[EarlyWarning], today: dt.date | None = None) -> list[dict[str, Any]]:
    """Display rows for a page, labels resolved here (plain strings for a fast template): two batch
    queries (head names, region names), none per row."""
    today = today or timezone.localdate()
    hh_ids = {w.household_id for w in page if w.household_id}
    heads: dict[int, str] = {}
    if hh_ids:
        heads = dict(
            Person.objects.filter(household_id__in=hh_ids, relation="head").values_list(
                "household_id", "name"
            )
        )
    names = names_for({w.region_code for w in page} | {w.township_code for w in page if w.township_code})
    base = reverse("monitoring:inbox")
    rows = []
    for w in page:
        if w.household is not None:
            subject = f"{w.household.household_key} {heads.get(w.household.pk, '')}".strip()
        else:
            subject = "潜在救助对象" if w.potential_case_id else "群众报告线索"
        region = names.get(w.region_code, "")
        township = names.get(w.township_code, "") if w.township_code else ""
        rows.append(
            {
                "pk": w.pk,
                "link": f"{base}{w.pk}/",
                "level": w.level,
                "level_label": LEVEL_LABELS.get(w.level, w.level),
                "indicator_label": INDICATOR_LABELS.get(w.indicator, w.indicator),
                "merged": w.merged_count if w.merged_count > 1 else 0,
                "subject": subject,
                "region": region,
                "township": township if township and township != region else "",
                "status_label": STATUS_LABELS.get(w.status, w.status),
                "assignee": w.assigned_to.label if w.assigned_to is not None else "",
                "deadline": w.deadline.isoformat(),
                "overdue": w.is_open and w.deadline < today,
                "escalated_to": flows.LEVEL_LABELS[flows.escalated_level(w.status, w.escalations)]
                if w.is_open and w.escalations
                else "",
            }
        )
    return rows


# --- the household chain (一户一条救助链) ----------------------------------------------------------


@dataclass
class ChainItem:
    at: dt.datetime
    kind: str
    label: str
    summary: str
    actor: str = ""
    link: str = ""
    order: int = 0


def _start_of(d: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time.min))


def household_chain(household) -> list[ChainItem]:
    """ChainEvents, policy decisions and category changes of a household, oldest first. Three
    queries (plus the names of the persons in category rows, joined)."""
    kinds = dict(ChainEvent.Kind.choices)
    items: list[ChainItem] = []
    decision_refs: set[int] = set()
    for ev in ChainEvent.objects.filter(household=household).select_related("actor").order_by("at", "id"):
        if ev.ref_type == "policy.decision":
            decision_refs.add(ev.ref_id)
        link = f"/monitoring/warnings/{ev.ref_id}/" if ev.ref_type == "monitoring.warning" else ""
        items.append(
            ChainItem(
                ev.at,
                ev.kind,
                kinds.get(ev.kind, ev.kind),
                ev.summary,
                ev.actor.label if ev.actor else "",
                link,
                ev.pk,
            )
        )
    for d in Decision.objects.filter(household=household).exclude(pk__in=decision_refs).order_by("taken_at"):
        cat = (
            Category(d.household_category).label
            if d.household_category in Category.values
            else "不符合救助条件"
        )
        items.append(
            ChainItem(
                d.taken_at,
                ChainEvent.Kind.DECISION,
                kinds[ChainEvent.Kind.DECISION],
                f"认定结果：{cat}（截至 {d.as_of:%Y-%m-%d}，月救助金 {d.monthly_total} 元）",
                link=f"/policy/decisions/{d.pk}/",
            )
        )
    for c in CategoryStatus.objects.filter(household=household).select_related("person").order_by("since"):
        label = Category(c.category).label if c.category in Category.values else c.category
        items.append(
            ChainItem(
                _start_of(c.since),
                ChainEvent.Kind.CATEGORY,
                kinds[ChainEvent.Kind.CATEGORY],
                f"{c.person.name} 纳入{label}（{c.since:%Y-%m-%d}起）",
            )
        )
        if c.until:
            items.append(
                ChainItem(
                    _start_of(c.until),
                    ChainEvent.Kind.CATEGORY,
                    kinds[ChainEvent.Kind.CATEGORY],
                    f"{c.person.name} {label}终止（{c.until:%Y-%m-%d}）",
                )
            )
    items.sort(key=lambda i: (i.at, i.order))
    return items


def assignable_workers(township_code: str):
    """Active grid workers of a township (their region is the township or one of its villages)."""
    prefix = township_code[:9]
    return User.objects.filter(
        role=Role.GRID_WORKER, is_active=True, region__code__startswith=prefix
    ).order_by("display_name", "username")


# --- detail page, needs, notifications --------------------------------------------------------------


AUDIT_LABELS: dict[str, tuple[str, str]] = {
    AuditAction.MONITORING_WARNING_RAISE: ("warning", "预警"),
    AuditAction.MONITORING_WARNING_MERGE: ("warning", "预警合并"),
    AuditAction.MONITORING_DISPATCH: ("dispatch", "派发"),
    AuditAction.MONITORING_ASSIGN: ("dispatch", "指派"),
    AuditAction.MONITORING_VISIT: ("visit", "入户核查"),
    AuditAction.MONITORING_DISPOSE: ("disposition", "处置"),
    AuditAction.MONITORING_CLOSE: ("closed", "办结"),
}


@dataclass
class HistoryItem:
    at: dt.datetime
    kind: str
    label: str
    summary: str
    actor_label: str = ""


def warning_history(warning: EarlyWarning) -> list[HistoryItem]:
    """What happened to this warning: its chain events; for a warning without a household (a
    public report, a potential case) — which has no chain — its audit events."""
    kinds = dict(ChainEvent.Kind.choices)
    if warning.household_id is not None:
        events = (
            ChainEvent.objects.filter(household_id=warning.household_id)
            .filter(Q(ref_type="monitoring.warning", ref_id=warning.pk) | Q(data__warning=warning.pk))
            .select_related("actor")
            .order_by("at", "id")
        )
        return [
            HistoryItem(e.at, e.kind, kinds.get(e.kind, e.kind), e.summary, e.actor.label if e.actor else "")
            for e in events
        ]
    rows = (
        AuditEvent.objects.filter(
            subject_type="warning", subject_id=str(warning.pk), action__in=list(AUDIT_LABELS)
        )
        .select_related("actor")
        .order_by("id")
    )
    out = []
    for ev in rows:
        kind, label = AUDIT_LABELS[ev.action]
        after = ev.after or {}
        summary = label
        if ev.action == AuditAction.MONITORING_CLOSE:
            summary = f"办结：{after.get('outcome', '')}"
        elif ev.action == AuditAction.MONITORING_DISPOSE:
            disposed = after.get("kind", "")
            summary = f"处置：{dict(Disposition.Kind.choices).get(disposed, disposed)}"
        out.append(HistoryItem(ev.at, kind, label, summary, ev.actor.label if ev.actor else ev.actor_label))
    return out


def visits(warning: EarlyWarning) -> QuerySet[Visit]:
    return Visit.objects.filter(warning=warning).select_related("recorded_by").prefetch_related("photos")


def reports(warning: EarlyWarning) -> QuerySet[GrassrootsReport]:
    return GrassrootsReport.objects.filter(warning=warning).select_related("reporter").order_by("created_at")


def needs_for(user, status: str = "") -> QuerySet[NeedPush]:
    qs = NeedPush.objects.filter(department=user.department).select_related("household", "warning")
    if status in NeedPush.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


# --- the public's report status (查询码) -------------------------------------------------------------

PUBLIC_STAGES = (("received", "受理"), ("checking", "核查中"), ("done", "已办结"))
_STAGE_OF: dict[str, str] = {
    S.RAISED: "received",
    S.DISPATCHED: "received",
    S.ASSIGNED: "checking",
    S.VERIFIED: "checking",
    S.DISPOSED: "checking",
    S.CLOSED: "done",
}


@dataclass
class PublicStatus:
    stage: str
    stage_label: str
    submitted_on: dt.date
    checked_on: dt.date | None
    closed_on: dt.date | None


def public_report_status(code: str) -> PublicStatus | None:
    """The stage and dates of a public report by its tracking number — nothing else (no name, place,
    finding or outcome). Unscoped on purpose: the citizen has no region; the random number is the key."""
    report = (
        GrassrootsReport.unscoped.filter(tracking_code=code, reporter__isnull=True)
        .select_related("warning")
        .first()
    )
    if report is None:
        return None
    w = report.warning
    stage = _STAGE_OF.get(w.status, "received") if w is not None else "received"
    return PublicStatus(
        stage=stage,
        stage_label=dict(PUBLIC_STAGES)[stage],
        submitted_on=timezone.localtime(report.created_at).date(),
        checked_on=w.verified_on if w is not None else None,
        closed_on=w.closed_on if w is not None and stage == "done" else None,
    )


# --- the home page's to-do (issue: work where users look) ---------------------------------------------
#
# Every count is the count of an inbox list (``inbox`` with the same filters), so a number on the home
# page is exactly what its link opens; all reads go through the scoped managers.


@dataclass
class TodoCount:
    label: str
    count: int
    link: str
    alert: bool = False  # overdue, red: shown in the danger colour when not zero


@dataclass
class RegionTodo:
    code: str
    name: str
    overdue: int
    red: int
    overdue_link: str
    red_link: str


@dataclass
class HomeTodo:
    counts: list[TodoCount]
    rows: list[dict[str, Any]]  # the first warnings waiting (inbox rows: subject, deadline, overdue)
    rows_title: str = ""
    rows_link: str = ""
    regions: list[RegionTodo] | None = None
    region_level: str = ""
    needs: list[NeedPush] | None = None


def inbox_link(**params) -> str:
    query = {k: ("on" if v is True else v) for k, v in params.items() if v not in ("", False, None)}
    return f"{reverse('monitoring:inbox')}?{urlencode(query)}"


def _count(user, today: dt.date, label: str, alert: bool = False, **params) -> TodoCount:
    f = InboxFilters(**params)
    n = inbox(user, f, today).order_by().count()
    return TodoCount(label, n, inbox_link(**params), alert)


SHORT_LIST = 8
CHILD_PREFIX = {2: 4, 4: 6}  # province → cities, city → counties
CHILD_LEVEL = {2: "市（州）", 4: "县（市、区）"}


def region_todo(user, today: dt.date) -> list[RegionTodo]:
    """Open overdue and red warnings per region one level below the user's (province, city): one
    grouped query."""
    prefix = prefix_of(user.region_id)
    size = CHILD_PREFIX.get(len(prefix))
    if size is None:
        return []
    counts = {
        r["part"]: r
        for r in warnings_in_scope()
        .filter(is_open=True)
        .annotate(part=Substr("region_code", 1, size))
        .values("part")
        .annotate(
            overdue=Count("id", filter=Q(deadline__lt=today)),
            red=Count("id", filter=Q(level=WarningLevel.RED)),
        )
        .order_by()
    }
    out = []
    for region in children(user.region_id).order_by("code"):
        c: dict[str, Any] = dict(counts.get(region.code[:size]) or {})
        out.append(
            RegionTodo(
                region.code,
                region.name,
                c.get("overdue", 0),
                c.get("red", 0),
                inbox_link(view="open", overdue=True, region=region.code),
                inbox_link(view="open", level=WarningLevel.RED, region=region.code),
            )
        )
    return out


def home_todo(user, today: dt.date | None = None) -> HomeTodo | None:
    """What is waiting for ``user`` on the home page, by role; None for a role without a to-do."""
    today = today or timezone.localdate()
    role = user.role
    if role == "department_user":
        if not user.can("needs.respond"):
            return None
        waiting = needs_for(user, NeedPush.Status.PUSHED)
        link = f"{reverse('monitoring:needs')}?tab=new"
        return HomeTodo(
            counts=[TodoCount("待答复的救助需求", waiting.count(), link)],
            rows=[],
            rows_title="最近推送、等待本部门答复的需求",
            rows_link=link,
            needs=list(waiting[:SHORT_LIST]),
        )
    if not user.can("monitoring.read") or role in ("auditor", "administrator"):
        return None
    overdue = _count(user, today, "逾期未办结", True, view="open", overdue=True)
    red = _count(user, today, "红色预警", True, view="open", level=WarningLevel.RED)
    if role == "grid_worker":
        counts = [
            _count(user, today, "待入户核查", view="todo"),
            _count(user, today, "核查已逾期", True, view="todo", overdue=True),
        ]
        title = "我的入户核查任务（按期限）"
    elif role == "township_caseworker":
        counts = [
            _count(user, today, "待指派网格员", view="todo", status=S.DISPATCHED),
            _count(user, today, "待入户核查", view="open", status=S.ASSIGNED),
            _count(user, today, "待处置", view="todo", status=S.VERIFIED),
            _count(user, today, "待办结", view="todo", status=S.DISPOSED),
            overdue,
            red,
        ]
        title = "待我处理的预警（按期限）"
    elif role == "county_officer":
        counts = [
            _count(user, today, "待派发", view="todo", status=S.RAISED),
            _count(user, today, "待我处理（含逾期升级）", view="todo"),
            overdue,
            red,
        ]
        title = "待我处理的预警（按期限）"
    else:  # city, province
        counts = [_count(user, today, "逾期升级到本级", view="todo"), overdue, red]
        title = "升级到本级的预警（按期限）"
    first = list(inbox(user, InboxFilters(view="todo"), today)[:SHORT_LIST])
    regions = region_todo(user, today) if role in ("city_officer", "province_officer") else None
    return HomeTodo(
        counts=counts,
        rows=inbox_rows(first, today),
        rows_title=title,
        rows_link=inbox_link(view="todo"),
        regions=regions,
        region_level=CHILD_LEVEL.get(len(prefix_of(user.region_id)), ""),
    )


# --- single reads for the pages and the API ----------------------------------------------------------


def get_visit_photo(pk: int) -> VisitPhoto:
    """Raises VisitPhoto.DoesNotExist outside the caller's scope too."""
    return VisitPhoto.objects.get(pk=pk)


def get_need_push(pk: int) -> NeedPush:
    return NeedPush.objects.select_related("household").get(pk=pk)


def find_notification(user, pk: int) -> Notification | None:
    """``user``'s own notification ``pk``, or None."""
    return Notification.objects.filter(user=user, pk=pk).first()


def workday_overrides(year: int) -> list[WorkdayOverride]:
    return list(WorkdayOverride.objects.filter(date__year=year).order_by("date"))

"""Reads of the department portal (R-P1): the queue of one department in its region by tab, the
referral details a department needs to act (name, masked identity number, address, contact), the
figures of the chart and the rows of the exports. Region scoping is the scoped manager's (the user's
subtree); the department is filtered here — another department's or region's need is "not found"."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import BigIntegerField, Count, DateField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from doudi.accounts.models import Department, Role
from doudi.core import crypto
from doudi.core.dates import holds_on
from doudi.core.scoping import current_scope, require_scope
from doudi.monitoring.models import NeedPush
from doudi.policy.rules import entitlements as E
from doudi.registry.models import HouseholdFact, PersonFact

S = NeedPush.Status
TABS: dict[str, str] = {
    "new": "新推送",
    "accepted": "已受理",
    "given": "已救助",
    "declined": "不予救助",
    "withdrawn": "已撤回",
    "overdue": "已逾期",
}
TAB_STATUS = {
    "new": S.PUSHED,
    "accepted": S.ACCEPTED,
    "given": S.GIVEN,
    "declined": S.DECLINED,
    "withdrawn": S.WITHDRAWN,
}
TAB_FILTER = {tab: Q(status=status) for tab, status in TAB_STATUS.items()}


def need_label(code: str) -> str:
    return E.LABELS.get(code, code)


def dept_label(code: str) -> str:
    try:
        return Department(code).label
    except ValueError:
        return code


def is_department_user(user) -> bool:
    return bool(user.is_active and user.role == Role.DEPARTMENT and user.department and user.region_id)


def overdue_q(today: dt.date) -> Q:
    return Q(status=S.PUSHED, due_on__lt=today)


def _in_subtree(qs: QuerySet) -> QuerySet:
    """The caller's subtree once more as a range on ``region_code``, which the department's composite
    index (department, region_code, status, due_on) serves for the counts (the scoped manager's
    ``startswith`` is a LIKE that SQLite's index does not serve). Not for a page: there the newest-first
    walk down the primary key stops after a page. Codes are digits: the bound above is the next prefix."""
    scope = current_scope()
    if scope is None or not scope.prefix or not scope.prefix.isdigit():
        return qs
    qs = qs.filter(region_code__gte=scope.prefix)
    if set(scope.prefix) == {"9"}:
        return qs
    return qs.filter(region_code__lt=str(int(scope.prefix) + 1).zfill(len(scope.prefix)))


def department_needs(user) -> QuerySet[NeedPush]:
    """Every need of the user's department in the user's region (the scoped manager adds the region)."""
    if not is_department_user(user):
        return NeedPush.objects.none()
    return NeedPush.objects.filter(department=user.department)


def queue(user, tab: str, today: dt.date | None = None) -> QuerySet[NeedPush]:
    today = today or timezone.localdate()
    qs = department_needs(user).select_related("household", "person")
    if tab == "overdue":
        qs = qs.filter(overdue_q(today))
    elif tab in TAB_FILTER:
        qs = qs.filter(TAB_FILTER[tab])
    # the inbox newest first; what is late or being handled by its deadline
    return qs.order_by("due_on", "pk") if tab in ("overdue", "accepted") else qs.order_by("-pk")


def queue_pages(user, tab: str, today: dt.date | None = None) -> QuerySet[NeedPush] | TwoStepPages:
    """``queue`` for the paginator: on PostgreSQL, for a user of a region below the province, a page is
    read in two steps (``TwoStepPages``)."""
    today = today or timezone.localdate()
    rows = queue(user, tab, today)
    scope = current_scope()
    if connection.vendor == "postgresql" and scope is not None and scope.prefix.isdigit():
        return TwoStepPages(_page_ids(user, tab, today, tab in ("overdue", "accepted")), rows)
    return rows


def _page_ids(user, tab: str, today: dt.date, by_deadline: bool) -> QuerySet:
    """The ids of a region's tab in page order, from the (department, status, region_code, due_on, id)
    index alone. The orderings are expressions so that PostgreSQL does not walk the id or deadline index
    and filter the region as it goes: a bulk pass writes a county's pushes together, so that walk can pass
    a million rows of other counties before it finds a page (0.9 s for a county at 1,000,000 cases)."""
    status = S.PUSHED if tab == "overdue" else TAB_STATUS.get(tab)
    ids = _in_subtree(NeedPush.unscoped.filter(department=user.department))
    if status is not None:
        ids = ids.filter(status=status)
    if tab == "overdue":
        ids = ids.filter(due_on__lt=today)
    pk = ExpressionWrapper(F("pk") + 0, output_field=BigIntegerField())
    if by_deadline:
        due = Coalesce("due_on", Value(dt.date.max), output_field=DateField())
        return ids.order_by(due.asc(), pk.asc()).values_list("pk", flat=True)
    return ids.order_by(pk.desc()).values_list("pk", flat=True)


class TwoStepPages:
    """A queue the paginator slices in two steps: a page of ids from the index, then those rows through
    the scoped queryset (which keeps the region and department checks and the page order)."""

    ordered = True

    def __init__(self, ids: QuerySet, rows: QuerySet[NeedPush]):
        self.ids, self.rows = ids, rows

    def __getitem__(self, page: slice) -> list[NeedPush]:
        ids = list(self.ids[page])
        return list(self.rows.filter(pk__in=ids)) if ids else []

    def count(self) -> int:
        return self.ids.count()

    def __len__(self) -> int:
        return self.count()


def tab_counts(user, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    by_status: dict[str, int] = {}
    overdue = 0
    if not is_department_user(user):
        return {tab: 0 for tab in TABS}
    scope = require_scope()  # fails closed like the scoped manager
    if scope.prefix.isdigit() or not scope.prefix:
        # the subtree as an index range only: no LIKE per row in the counting scan
        base = _in_subtree(NeedPush.unscoped.filter(department=user.department))
    else:
        base = department_needs(user)
    for status, n, late in (  # one scan of the department's index range for every tab
        # counted from the index alone: COUNT(*) and the deadline (COUNT(id) visits every row on PostgreSQL)
        base.values("status")
        .annotate(n=Count("*"), late=Count("due_on", filter=Q(due_on__lt=today)))
        .values_list("status", "n", "late")
    ):
        by_status[status] = n
        overdue += late if status == S.PUSHED else 0
    counts = {tab: by_status.get(str(status), 0) for tab, status in TAB_STATUS.items()}
    counts["overdue"] = overdue
    return counts


def get_need(user, pk: int) -> NeedPush | None:
    return department_needs(user).select_related("household", "person").filter(pk=pk).first()


def referral_details(pushes: list[NeedPush], on: dt.date | None = None) -> dict[int, dict]:
    """push id → {name, id_masked, address, phone}: one query per fact kind for the whole page."""
    on = on or timezone.localdate()
    person_ids = {p.person_id for p in pushes if p.person_id}
    household_ids = {p.household_id for p in pushes}
    contact: dict[int, dict] = {}
    for pid, blob, value in (
        PersonFact.unscoped.filter(holds_on(on), person_id__in=person_ids, kind="contact")
        .order_by("valid_from")
        .values_list("person_id", "value_enc", "value")
    ):
        data = crypto.decrypt_json(bytes(blob)) if blob is not None else value
        if isinstance(data, dict):
            contact[pid] = data
    address: dict[int, str] = {}
    for hid, blob, value in (
        HouseholdFact.unscoped.filter(holds_on(on), household_id__in=household_ids, kind="address")
        .order_by("valid_from")
        .values_list("household_id", "value_enc", "value")
    ):
        data = crypto.decrypt_json(bytes(blob)) if blob is not None else value
        if isinstance(data, dict) and data.get("address"):
            address[hid] = str(data["address"])
    out = {}
    for p in pushes:
        c = contact.get(p.person_id or 0, {})
        person = p.person
        out[p.pk] = {
            "name": person.name if person is not None else "",
            "id_masked": person.id_masked if person is not None else "",
            "address": address.get(p.household_id) or str(c.get("address") or ""),
            "phone": str(c.get("phone") or ""),
        }
    return out


def chart(user, today: dt.date | None = None) -> dict:
    """Pushed / answered / overdue by department and by region (the user's scope; a department user sees
    its own department only)."""
    today = today or timezone.localdate()
    qs = NeedPush.objects.all()
    if user.role == Role.DEPARTMENT:
        qs = department_needs(user)
    answered = {S.ACCEPTED, S.GIVEN, S.DECLINED}
    by_dept: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    late = Count("pk", filter=overdue_q(today))
    for dept, region, status, n, n_late in (
        qs.values("department", "region_code", "status")
        .annotate(n=Count("pk"), late=late)
        .values_list("department", "region_code", "status", "n", "late")
    ):
        county = (region or "")[:6].ljust(12, "0")
        for bucket in (by_dept[dept], by_region[county]):
            bucket[0] += n
            bucket[1] += n if status in answered else 0
            bucket[2] += n_late
    return {"by_department": dict(by_dept), "by_region": dict(by_region)}

"""Every read of service-type assistance, scoped: staff see the rows of their region subtree (``objects``);
a service provider's staff see only their own organisation's orders and visits. Outside the scope a look-up
raises ``DoesNotExist`` (the views and the API answer 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from doudi.casework import clock
from doudi.core.workdays import working_days_between
from doudi.registry.models import Person
from doudi.services import rules
from doudi.services.base import provider_id_of, township_of
from doudi.services.catalogue_actions import ancestors
from doudi.services.deadline_actions import missed_plans
from doudi.services.models import (
    Contract,
    ContractItem,
    PlannedVisit,
    Provider,
    ServiceOrder,
    ServiceType,
    ServiceVisit,
    Settlement,
)
from doudi.services.settlement_actions import month_visits

S = ServiceOrder.State
V = ServiceVisit.State
FILTERS = {
    "open": "办理中",
    "placed": "待接单",
    "overdue": "已逾期",
    "accepted": "服务中",
    "confirm": "有待确认服务",
    "completed": "已完成",
    "declined": "已拒单",
    "all": "全部",
}


def is_provider(user) -> bool:
    return getattr(user, "role", "") == "service_provider"


def may_read(user) -> bool:
    return bool(user.can("services.read") or user.can("services.provide"))


def _orders(user) -> QuerySet[ServiceOrder]:
    qs = ServiceOrder.objects.select_related("service_type", "provider", "person")
    if is_provider(user):
        pid = provider_id_of(user)
        return qs.filter(provider_id=pid) if pid else qs.none()
    return qs if user.can("services.read") else qs.none()


def orders(user, which: str = "open", *, q: str = "", today: dt.date | None = None) -> QuerySet[ServiceOrder]:
    today = today or timezone.localdate()
    qs = _orders(user)
    if which == "open":
        qs = qs.filter(state__in=(S.PLACED, S.ACCEPTED))
    elif which == "overdue":
        missed = missed_plans(today).filter(order_id=OuterRef("pk"))
        qs = qs.filter(Q(state=S.PLACED, accept_due__lt=today) | Q(Exists(missed)))
    elif which == "confirm":
        qs = qs.filter(Exists(ServiceVisit.objects.filter(order_id=OuterRef("pk"), state=V.RECORDED)))
    elif which in S.values:
        qs = qs.filter(state=which)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(person__name__icontains=q))
    return qs.order_by("-placed_on", "-pk")


def get_order(user, pk: int) -> ServiceOrder:
    return _orders(user).select_related("contract", "household", "created_by").get(pk=pk)


def deadline(order: ServiceOrder, today: dt.date | None = None, next_plan: dt.date | None = None) -> dict:
    """The order's clock: acceptance while placed (working days), else the next planned visit."""
    today = today or timezone.localdate()
    if order.state == S.PLACED:
        status = clock.status(order.accept_due, None, today)
        late = working_days_between(order.accept_due, today) if status == "overdue" else 0
        return {"label": "接单期限", "due": order.accept_due, "status": status,
                "status_label": clock.STATUS_LABELS[status], "overdue_days": late}  # fmt: skip
    if order.state == S.ACCEPTED:
        return {"label": "下次服务", "due": next_plan, "status": "on_time" if next_plan else "",
                "status_label": "" if next_plan else "未安排", "overdue_days": 0}  # fmt: skip
    return {"label": "", "due": None, "status": "", "status_label": "", "overdue_days": 0}


def _next_and_missed(ids, today: dt.date) -> tuple[dict, dict]:
    """Per order id: its next planned visit, and how many planned visits were missed (two grouped reads)."""
    nxt = dict(
        PlannedVisit.objects.filter(order_id__in=ids, on__gte=today)
        .values("order_id").annotate(m=Min("on")).values_list("order_id", "m")
    )  # fmt: skip
    missed = dict(
        missed_plans(today).filter(order_id__in=ids).values("order_id").annotate(n=Count("id"))
        .values_list("order_id", "n")
    )  # fmt: skip
    return nxt, missed


def rows(qs, today: dt.date | None = None) -> list[dict]:
    """List rows with their deadline, the next planned visit and the missed count (two grouped reads)."""
    today = today or timezone.localdate()
    items = list(qs)
    ids = [o.pk for o in items]
    nxt, missed = _next_and_missed(ids, today)
    return [
        {"o": o, "deadline": deadline(o, today, nxt.get(o.pk)), "missed": missed.get(o.pk, 0)} for o in items
    ]


def plans(order: ServiceOrder, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    visited = set(order.visits.values_list("visited_on", flat=True))
    out = []
    for p in order.plans.order_by("on"):
        status = (
            "done" if p.on in visited else ("missed" if p.on < today and order.state == S.ACCEPTED else "due")
        )
        out.append({"on": p.on, "status": status,
                    "label": {"done": "已服务", "missed": "未按期上门", "due": "待服务"}[status]})  # fmt: skip
    return out


def visits(order: ServiceOrder) -> QuerySet[ServiceVisit]:
    return order.visits.select_related("confirmed_by").order_by("-visited_on", "-pk")


def get_visit(user, pk: int) -> ServiceVisit:
    return ServiceVisit.objects.select_related("order").get(pk=pk, order__in=_orders(user))


def to_confirm(user) -> QuerySet[ServiceVisit]:
    return ServiceVisit.objects.filter(state=V.RECORDED, order__in=_orders(user)).select_related("order")


def today_plans(user, today: dt.date | None = None) -> QuerySet[PlannedVisit]:
    """A provider's visits planned for today and those missed (no visit recorded), oldest first."""
    today = today or timezone.localdate()
    visited = ServiceVisit.objects.filter(order_id=OuterRef("order_id"), visited_on=OuterRef("on"))
    return (
        PlannedVisit.objects.filter(order__in=_orders(user).filter(state=S.ACCEPTED), on__lte=today)
        .exclude(Exists(visited))
        .select_related("order", "order__person", "order__service_type")
        .order_by("on", "order_id")
    )


def counts(user, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    base = _orders(user)
    return {
        "placed": base.filter(state=S.PLACED).count(),
        "overdue": orders(user, "overdue", today=today).count(),
        "accepted": base.filter(state=S.ACCEPTED).count(),
        "confirm": to_confirm(user).count(),
        "missed": missed_plans(today).filter(order__in=base).count(),
    }


# the catalogue, providers and contracts


def catalogue(user, *, active_only: bool = False) -> QuerySet[ServiceType]:
    code = user.region_id or ""
    qs = ServiceType.unscoped.filter(
        Q(region_code__in=ancestors(code)) | Q(pk__in=ServiceType.objects.values("pk"))
    )
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("region_code", "name")


def catalogue_for(township: str) -> QuerySet[ServiceType]:
    return ServiceType.unscoped.filter(region_code__in=ancestors(township), active=True).order_by("name")


def get_service_type(user, pk: int) -> ServiceType:
    return catalogue(user).get(pk=pk)


def providers(user) -> QuerySet[Provider]:
    code = user.region_id or ""
    return Provider.unscoped.filter(
        Q(pk__in=Provider.objects.values("pk")) | Q(region_code__in=ancestors(code))
    ).order_by("name")


def get_provider(user, pk: int) -> Provider:
    return providers(user).get(pk=pk)


def contracts(user) -> QuerySet[Contract]:
    return (
        Contract.objects.select_related("provider")
        .prefetch_related("items__service_type")
        .order_by("-valid_to")
    )


def get_contract(user, pk: int) -> Contract:
    return contracts(user).get(pk=pk)


def offers(township: str, on: dt.date) -> list[dict]:
    """What may be ordered in the township today: each valid contract's provider, type and price."""
    county = township[:6].ljust(12, "0")
    items = (
        ContractItem.unscoped.filter(contract__region_code=county, contract__valid_from__lte=on,
                                     contract__valid_to__gte=on, contract__provider__active=True,
                                     service_type__active=True)
        .select_related("contract", "contract__provider", "service_type")
        .order_by("service_type__name", "contract__provider__name")
    )  # fmt: skip
    out = []
    for item in items:
        if township in item.contract.townships:
            out.append({"provider": item.contract.provider, "service_type": item.service_type,
                        "price": item.unit_price, "contract": item.contract})  # fmt: skip
    return out


def orderable_person(user, pk: int) -> Person:
    """A person of the caller's region (township staff order for their own registry)."""
    return Person.objects.select_related("household").get(pk=pk)


def persons_search(q: str, limit: int = 20) -> list[Person]:
    if not q:
        return []
    return list(Person.objects.filter(name__icontains=q).select_related("household").order_by("name")[:limit])


def eligibility(person: Person, service_type: ServiceType, on: dt.date) -> rules.Eligibility:
    from doudi.services.facts import facts_of

    return rules.eligibility(service_type.tags, facts_of(person.pk, on), on)


# settlements


def settlements(user) -> QuerySet[Settlement]:
    return Settlement.objects.select_related("provider", "contract").order_by("-month", "provider__name")


def get_settlement(user, pk: int) -> Settlement:
    return settlements(user).get(pk=pk)


def settlement_lines(settlement: Settlement):
    return settlement.lines.select_related("service_type").order_by("service_type__name", "unit_price")


def unpaid_visits(settlement: Settlement) -> QuerySet[ServiceVisit]:
    return (
        month_visits(settlement.contract_id, settlement.month)
        .exclude(state=V.CONFIRMED)
        .select_related("order", "order__person", "order__service_type")
        .order_by("visited_on", "pk")
    )


def paid_visits(settlement: Settlement) -> QuerySet[ServiceVisit]:
    return (
        month_visits(settlement.contract_id, settlement.month)
        .filter(state=V.CONFIRMED)
        .select_related("order", "order__person", "order__service_type")
        .order_by("visited_on", "pk")
    )


def township_name(code: str) -> str:
    from doudi.regions.queries import names_for

    return names_for({township_of(code)}).get(township_of(code), "")


def provider_user(user, username: str):
    """An active service-provider account of the caller's area (to link to an organisation), or None."""
    from doudi.accounts.models import User
    from doudi.core.scoping import is_within

    found = User.objects.filter(username=username, is_active=True, role="service_provider").first()
    return (
        found
        if found is not None and found.region_id and is_within(found.region_id, user.region_id)
        else None
    )


def household_orders(household_id: int) -> QuerySet[ServiceOrder]:
    return ServiceOrder.objects.filter(household_id=household_id).select_related(
        "service_type", "provider", "person"
    )


def origin_persons(origin: str, origin_id: int) -> list[Person]:
    """The current members of the household a warning, application or case (in the caller's scope) is about."""
    from django.apps import apps

    from doudi.services.base import ORIGINS

    if origin not in ORIGINS:
        return []
    model = apps.get_model(*ORIGINS[origin])
    household_id = model.objects.filter(pk=origin_id).values_list("household_id", flat=True).first()
    if household_id is None:
        return []
    return list(Person.objects.filter(household_id=household_id).order_by("pk"))


def export_orders(user, which: str = "open", *, q: str = "", today: dt.date | None = None) -> list[dict]:
    """The order list as exported (the same scope, tab and search as the page, every row): each order with
    its deadline, the next planned visit, the missed visits and its township's name — two grouped reads and
    one read of region names, whatever the count."""
    today = today or timezone.localdate()
    qs = orders(user, which, q=q, today=today).select_related("service_type", "provider", "person")
    ids = qs.values("pk")
    nxt, missed = _next_and_missed(ids, today)
    items = list(qs)
    from doudi.regions.queries import names_for

    towns = names_for({township_of(o.region_code) for o in items})
    return [
        {"o": o, "deadline": deadline(o, today, nxt.get(o.pk)), "next": nxt.get(o.pk),
         "missed": missed.get(o.pk, 0), "township": towns.get(township_of(o.region_code), "")}
        for o in items
    ]  # fmt: skip

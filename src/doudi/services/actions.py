"""Every write of a service order (R-P3): the township orders a service for a person of its registry (checked
against the service's eligibility rules and a provider's valid contract), the provider accepts or declines,
plans the visit dates, records each visit (with an optional photo), the township or a grid worker confirms or
disputes it on the family's side, and the township completes the order with the family's satisfaction.
Each write validates, writes, audits (and appends the household chain for order placed and completed) in one
transaction."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from doudi.core.audit_actions import AuditAction
from doudi.core.files import image_type
from doudi.core.scoping import is_within
from doudi.core.workdays import add_working_days
from doudi.monitoring.loop.base import chain
from doudi.monitoring.loop.notify_actions import notify, township_staff
from doudi.monitoring.models import ChainEvent
from doudi.registry.models import Person
from doudi.services import rules
from doudi.services.base import (
    ORIGINS,
    ServicesConflict,
    ServicesError,
    audit,
    days,
    provider_id_of,
    today,
    township_of,
    user_or_none,
)
from doudi.services.catalogue_actions import ancestors
from doudi.services.facts import facts_of
from doudi.services.models import (
    ConfirmMethod,
    ContractItem,
    Frequency,
    PlannedVisit,
    Provider,
    ProviderStaff,
    Satisfaction,
    ServiceOrder,
    ServiceType,
    ServiceVisit,
    Settlement,
)

S = ServiceOrder.State
V = ServiceVisit.State
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def order_link(order: ServiceOrder) -> str:
    return f"/services/orders/{order.pk}/"


def _locked(order: ServiceOrder) -> ServiceOrder:
    return ServiceOrder.unscoped.select_for_update().get(pk=order.pk)


def _township_writer(actor, order: ServiceOrder, capability: str) -> None:
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can(capability) and code and is_within(order.region_code, code)):
        raise ServicesError("您无权办理该服务工单", "actor")


def _provider_writer(actor, order: ServiceOrder) -> None:
    if not (actor.can("services.provide") and provider_id_of(actor) == order.provider_id):
        raise ServicesError("该工单不属于您所在的服务机构", "actor")


def valid_contract(provider: Provider, township: str, service_type: ServiceType, on: dt.date):
    """The provider's contract in force on ``on`` covering the township and the service type, and its item."""
    rows = (
        ContractItem.unscoped.filter(
            contract__provider=provider, contract__region_code=township[:6].ljust(12, "0"),
            contract__valid_from__lte=on, contract__valid_to__gte=on, service_type=service_type,
        ).select_related("contract").order_by("-contract__valid_from", "-pk")
    )  # fmt: skip
    for item in rows:
        if township in item.contract.townships:
            return item.contract, item
    return None, None


def _number(township: str, on: dt.date) -> str:
    prefix = f"FW{township[:9]}{on:%y%m}"
    last = ServiceOrder.unscoped.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:04d}"


@transaction.atomic
def place_order(
    *,
    actor,
    person: Person,
    service_type: ServiceType,
    provider: Provider,
    starts_on: dt.date,
    ends_on: dt.date,
    frequency: str = Frequency.WEEK,
    visits_per_period: int = 1,
    note: str = "",
    origin: str = "",
    origin_id: int | None = None,
    on: dt.date | None = None,
) -> ServiceOrder:
    on = on or today()
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("services.order") and code):
        raise ServicesError("您无权下达救助服务工单", "actor")
    household = person.household
    if household is None:
        raise ServicesError("该人员没有所在家庭，不能下单", "person")
    township = township_of(household.region_code)
    if not is_within(township, code):
        raise ServicesError("该人员不在您的辖区内", "person")
    if service_type.region_code not in ancestors(township) or not service_type.active:
        raise ServicesError("该服务项目不在本地服务清单中", "service_type")
    verdict = rules.eligibility(service_type.tags, facts_of(person.pk, on), on)
    if not verdict.ok:
        raise ServicesError(verdict.reason, "person")
    if frequency not in Frequency.values or not 1 <= int(visits_per_period) <= 31:
        raise ServicesError("服务频次无效（每周或每月 1–31 次）", "visits_per_period")
    if ends_on < starts_on:
        raise ServicesError("服务结束日期不能早于开始日期", "ends_on")
    contract, item = valid_contract(provider, township, service_type, max(on, starts_on))
    if contract is None or item is None:
        raise ServicesError(f"{provider.name}没有覆盖本乡镇（街道）和该服务项目的有效合同", "provider")
    if ends_on > contract.valid_to:
        raise ServicesError(f"服务结束日期超出合同有效期（{contract.valid_to:%Y-%m-%d}）", "ends_on")
    if origin:
        if origin not in ORIGINS or not origin_id:
            raise ServicesError("工单来源无效", "origin")
        from django.apps import apps

        model = apps.get_model(*ORIGINS[origin])
        if not model.unscoped.filter(pk=origin_id, household_id=household.pk).exists():
            what = ServiceOrder.Origin(origin).label.removesuffix("处置")
            raise ServicesError(f"来源的{what}不存在，或不属于该家庭", "origin")
    order = ServiceOrder.unscoped.create(
        region_code=township, number=_number(township, on), person=person, household=household,
        service_type=service_type, provider=provider, contract=contract, unit_price=item.unit_price,
        frequency=frequency, visits_per_period=int(visits_per_period), starts_on=starts_on, ends_on=ends_on,
        eligibility="、".join(verdict.matched), note=(note or "")[:300], origin=origin or "",
        origin_id=origin_id if origin else None, placed_on=on,
        accept_due=add_working_days(on, days("deadline.services_accept_wd", township, on)),
        created_by=user_or_none(actor),
    )  # fmt: skip
    audit(actor, AuditAction.SERVICES_ORDER, "service_order", order,
          {"event": "place", "number": order.number, "service": service_type.name, "provider": provider.name,
           "person": person.pk, "price": item.unit_price, "origin": origin, "origin_id": origin_id})  # fmt: skip
    chain(household_id=household.pk, region_code=township, kind=ChainEvent.Kind.SERVICE, ref=order, actor=actor,
          summary=f"下达救助服务工单{order.number}：为{person.name}购买“{service_type.name}”（{provider.name}）",
          data={"event": "placed", "service": service_type.name})  # fmt: skip
    staff = ProviderStaff.unscoped.filter(provider=provider, active=True).values_list("user_id", flat=True)
    notify(staff, text=f"新的救助服务工单{order.number}（{service_type.name}），请在{order.accept_due:%m月%d日}前接单",
           link=order_link(order), dedupe_key=f"services:new:{order.pk}")  # fmt: skip
    return order


def _plan(order: ServiceOrder, dates: list[dt.date], on: dt.date) -> int:
    bad = [d for d in dates if not order.starts_on <= d <= order.ends_on]
    if bad:
        raise ServicesError(f"计划日期{bad[0]:%Y-%m-%d}不在服务期限内", "dates")
    visited = set(order.visits.values_list("visited_on", flat=True))
    PlannedVisit.unscoped.filter(order=order, on__gte=on).exclude(on__in=visited).delete()
    existing = set(PlannedVisit.unscoped.filter(order=order).values_list("on", flat=True))
    new = [PlannedVisit(region_code=order.region_code, order=order, on=d)
           for d in sorted(set(dates)) if d >= on and d not in existing]  # fmt: skip
    PlannedVisit.unscoped.bulk_create(new)
    return len(new)


@transaction.atomic
def accept(*, actor, order: ServiceOrder, dates: list[dt.date] | None = None, on: dt.date | None = None):
    on = on or today()
    _provider_writer(actor, order)
    order = _locked(order)
    if order.state != S.PLACED:
        raise ServicesConflict("只有待接单的工单可以接单", "state")
    order.state, order.accepted_on = S.ACCEPTED, on
    order.save(update_fields=["state", "accepted_on"])
    if dates is None:
        dates = rules.suggest_dates(
            max(on, order.starts_on), order.ends_on, order.frequency, order.visits_per_period
        )
    planned = _plan(order, dates, on)
    audit(actor, AuditAction.SERVICES_ORDER, "service_order", order, {"event": "accept", "planned": planned})
    notify(township_staff(order.region_code), text=f"{order.provider.name}已接单{order.number}，计划服务{planned}次",
           link=order_link(order), dedupe_key=f"services:accept:{order.pk}")  # fmt: skip
    return order


@transaction.atomic
def decline(*, actor, order: ServiceOrder, reason: str, on: dt.date | None = None) -> ServiceOrder:
    _provider_writer(actor, order)
    order = _locked(order)
    if order.state != S.PLACED:
        raise ServicesConflict("只有待接单的工单可以拒单", "state")
    if not (reason or "").strip():
        raise ServicesError("拒单须写明理由", "reason")
    order.state, order.decline_reason = S.DECLINED, reason.strip()[:300]
    order.save(update_fields=["state", "decline_reason"])
    audit(actor, AuditAction.SERVICES_ORDER, "service_order", order, {"event": "decline", "reason": reason})
    notify(township_staff(order.region_code), text=f"{order.provider.name}拒绝了工单{order.number}：{reason[:60]}，请另选机构",
           link=order_link(order), dedupe_key=f"services:decline:{order.pk}")  # fmt: skip
    return order


@transaction.atomic
def plan(*, actor, order: ServiceOrder, dates: list[dt.date], on: dt.date | None = None) -> int:
    on = on or today()
    _provider_writer(actor, order)
    order = _locked(order)
    if order.state != S.ACCEPTED:
        raise ServicesConflict("只有服务中的工单可以安排服务日期", "state")
    n = _plan(order, dates, on)
    audit(actor, AuditAction.SERVICES_ORDER, "service_order", order,
          {"event": "plan", "dates": [d.isoformat() for d in sorted(set(dates))][:60]})  # fmt: skip
    return n


def _photo(photo) -> tuple[bytes, str] | None:
    if not photo:
        return None
    if getattr(photo, "size", 0) and photo.size > MAX_PHOTO_BYTES:
        raise ServicesError("照片不能超过5MB", "photo")
    data = photo.read() if hasattr(photo, "read") else bytes(photo)
    if len(data) > MAX_PHOTO_BYTES:
        raise ServicesError("照片不能超过5MB", "photo")
    ext = image_type(data)
    if ext:
        return data, ext
    raise ServicesError("只接受JPG、PNG、GIF、WebP格式的照片", "photo")


@transaction.atomic
def record_visit(
    *,
    actor,
    order: ServiceOrder,
    visited_on: dt.date,
    minutes: int,
    worker: str,
    start_time: dt.time | None = None,
    notes: str = "",
    photo=None,
    on: dt.date | None = None,
) -> ServiceVisit:
    on = on or today()
    _provider_writer(actor, order)
    order = _locked(order)
    if order.state != S.ACCEPTED:
        raise ServicesConflict("只有服务中的工单可以登记服务记录", "state")
    if not order.starts_on <= visited_on <= min(order.ends_on, on):
        raise ServicesError("服务日期应在服务期限内且不晚于今天", "visited_on")
    minutes = int(minutes or 0)
    if not 5 <= minutes <= 24 * 60:
        raise ServicesError("服务时长应在5分钟到24小时之间", "minutes")
    if not (worker or "").strip():
        raise ServicesError("请填写服务人员", "worker")
    if Settlement.unscoped.filter(contract_id=order.contract_id, month=visited_on.replace(day=1),
                                  state=Settlement.State.CONFIRMED).exists():  # fmt: skip
        raise ServicesConflict("该月已确认结算，不能再补登服务记录", "visited_on")
    picture = _photo(photo)
    visit = ServiceVisit(
        region_code=order.region_code, order=order, provider_id=order.provider_id, visited_on=visited_on,
        start_time=start_time, minutes=minutes, quantity=rules.quantity(order.service_type.unit, minutes),
        worker=worker.strip()[:40], notes=(notes or "")[:500], recorded_by=user_or_none(actor),
    )  # fmt: skip
    if picture is not None:
        data, ext = picture
        visit.photo.save(f"{hashlib.sha256(data).hexdigest()[:16]}.{ext}", ContentFile(data), save=False)
    visit.save()
    PlannedVisit.unscoped.get_or_create(
        order=order, on=visited_on, defaults={"region_code": order.region_code}
    )
    audit(actor, AuditAction.SERVICES_VISIT, "service_visit", visit,
          {"event": "record", "order": order.number, "on": visited_on, "minutes": minutes,
           "quantity": visit.quantity, "photo": picture is not None})  # fmt: skip
    return visit


def _visit_for_confirm(actor, visit: ServiceVisit) -> ServiceVisit:
    _township_writer(actor, visit.order, "services.confirm")
    visit = ServiceVisit.unscoped.select_for_update().get(pk=visit.pk)
    if Settlement.unscoped.filter(contract_id=visit.order.contract_id, month=visit.visited_on.replace(day=1),
                                  state=Settlement.State.CONFIRMED).exists():  # fmt: skip
        raise ServicesConflict("该月已确认结算，服务记录不能再变更", "state")
    return visit


@transaction.atomic
def confirm_visit(*, actor, visit: ServiceVisit, family_confirmer: str, method: str) -> ServiceVisit:
    """The family's side confirms the visit took place (the township or grid worker records who and how)."""
    visit = _visit_for_confirm(actor, visit)
    if visit.state == V.CONFIRMED:
        raise ServicesConflict("该服务记录已确认", "state")
    if method not in ConfirmMethod.values:
        raise ServicesError("请选择确认方式", "method")
    if not (family_confirmer or "").strip():
        raise ServicesError("请填写家庭方确认人（服务对象本人或家属姓名）", "family_confirmer")
    visit.state, visit.confirmed_by, visit.confirmed_at = V.CONFIRMED, user_or_none(actor), timezone.now()
    visit.family_confirmer, visit.confirm_method = family_confirmer.strip()[:40], method
    visit.save(update_fields=["state", "confirmed_by", "confirmed_at", "family_confirmer", "confirm_method"])
    audit(actor, AuditAction.SERVICES_VISIT, "service_visit", visit,
          {"event": "confirm", "by": visit.family_confirmer, "method": method})  # fmt: skip
    return visit


@transaction.atomic
def dispute_visit(*, actor, visit: ServiceVisit, reason: str) -> ServiceVisit:
    visit = _visit_for_confirm(actor, visit)
    if visit.state != V.RECORDED:
        raise ServicesConflict("只有待确认的服务记录可以提出异议", "state")
    if not (reason or "").strip():
        raise ServicesError("请写明异议（如未上门、时长不符）", "reason")
    visit.state, visit.dispute_reason = V.DISPUTED, reason.strip()[:300]
    visit.confirmed_by, visit.confirmed_at = user_or_none(actor), timezone.now()
    visit.save(update_fields=["state", "dispute_reason", "confirmed_by", "confirmed_at"])
    audit(actor, AuditAction.SERVICES_VISIT, "service_visit", visit, {"event": "dispute", "reason": reason})
    return visit


@transaction.atomic
def complete(*, actor, order: ServiceOrder, satisfaction: str, note: str = "", on: dt.date | None = None):
    on = on or today()
    _township_writer(actor, order, "services.order")
    order = _locked(order)
    if order.state != S.ACCEPTED:
        raise ServicesConflict("只有服务中的工单可以办结", "state")
    if satisfaction not in Satisfaction.values:
        raise ServicesError("请选择服务对象的满意度", "satisfaction")
    order.state, order.completed_on, order.satisfaction = S.COMPLETED, on, satisfaction
    order.completion_note = (note or "")[:300]
    order.save(update_fields=["state", "completed_on", "satisfaction", "completion_note"])
    PlannedVisit.unscoped.filter(order=order, on__gt=on).exclude(
        on__in=order.visits.values_list("visited_on", flat=True)
    ).delete()
    done = order.visits.filter(state=V.CONFIRMED).count()
    label = Satisfaction(satisfaction).label
    audit(actor, AuditAction.SERVICES_ORDER, "service_order", order,
          {"event": "complete", "satisfaction": satisfaction, "confirmed_visits": done})  # fmt: skip
    chain(household_id=order.household_id, region_code=order.region_code, kind=ChainEvent.Kind.SERVICE, ref=order,
          actor=actor, summary=f"救助服务工单{order.number}办结：“{order.service_type.name}”已确认服务{done}次，{label}",
          data={"event": "completed", "satisfaction": satisfaction, "visits": done})  # fmt: skip
    return order


@transaction.atomic
def cancel(*, actor, order: ServiceOrder, reason: str) -> ServiceOrder:
    _township_writer(actor, order, "services.order")
    order = _locked(order)
    if order.state not in (S.PLACED, S.ACCEPTED):
        raise ServicesConflict("该工单已结束，不能撤销", "state")
    if not (reason or "").strip():
        raise ServicesError("撤销须写明理由", "reason")
    order.state, order.completion_note = S.CANCELLED, reason.strip()[:300]
    order.save(update_fields=["state", "completion_note"])
    PlannedVisit.unscoped.filter(order=order, on__gte=today()).exclude(
        on__in=order.visits.values_list("visited_on", flat=True)
    ).delete()
    audit(actor, AuditAction.SERVICES_ORDER, "service_order", order, {"event": "cancel", "reason": reason})
    return order

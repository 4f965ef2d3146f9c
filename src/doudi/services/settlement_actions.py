"""The monthly settlement per provider and contract: one aggregate over the month's confirmed visits (count and
quantity per service type and contracted price), amount = quantity × price rounded to the fen per line, total =
sum of the lines. Visits still to be confirmed or disputed are counted apart and not paid. A draft is re-run
idempotently (its lines replaced); the county's confirmation recomputes once more and freezes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.services import rules
from doudi.services.base import ServicesConflict, ServicesError, audit, today, user_or_none
from doudi.services.models import Contract, ServiceVisit, Settlement, SettlementLine

V = ServiceVisit.State


def _settler(actor, contract: Contract) -> None:
    if isinstance(actor, str):  # the command line (``doudi services settle``) or a job, province-wide
        return
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("services.settle") and code and is_within(contract.region_code, code)):
        raise ServicesError("您无权结算该合同的服务费用", "actor")


def month_visits(contract_id: int, month: dt.date):
    first, nxt = rules.month_bounds(month)
    return ServiceVisit.unscoped.filter(
        order__contract_id=contract_id, visited_on__gte=first, visited_on__lt=nxt
    )


def compute(contract: Contract, month: dt.date) -> tuple[list[dict], int]:
    """The lines (service type, price, visits, quantity, amount) of the confirmed visits, and the count of the
    visits that are not paid (to be confirmed, disputed)."""
    qs = month_visits(contract.pk, month)
    rows = (
        qs.filter(state=V.CONFIRMED)
        .values("order__service_type_id", "order__unit_price")
        .annotate(n=Count("id"), q=Sum("quantity"))
        .order_by("order__service_type_id", "order__unit_price")
    )
    lines = [
        {"service_type_id": r["order__service_type_id"], "unit_price": r["order__unit_price"], "visits": r["n"],
         "quantity": r["q"] or Decimal(0), "amount": rules.line_amount(r["q"] or Decimal(0), r["order__unit_price"])}
        for r in rows
    ]  # fmt: skip
    unpaid = qs.exclude(state=V.CONFIRMED).count()
    return lines, unpaid


def _write(settlement: Settlement, lines: list[dict], unpaid: int, actor) -> Settlement:
    if settlement.pk is None:
        settlement.save()
    SettlementLine.unscoped.filter(settlement=settlement).delete()
    SettlementLine.unscoped.bulk_create(
        [SettlementLine(region_code=settlement.region_code, settlement=settlement, **line) for line in lines]
    )
    settlement.visits = sum(line["visits"] for line in lines)
    settlement.total = sum((line["amount"] for line in lines), Decimal(0))
    settlement.unpaid_visits = unpaid
    settlement.computed_at, settlement.computed_by = timezone.now(), user_or_none(actor)
    settlement.save()
    return settlement


@transaction.atomic
def settle(*, actor, contract: Contract, month: dt.date) -> Settlement:
    """Compute (or re-compute) the draft settlement of the contract for the month."""
    _settler(actor, contract)
    month = month.replace(day=1)
    if month > today().replace(day=1):
        raise ServicesError("不能结算尚未开始的月份", "month")
    existing = Settlement.unscoped.select_for_update().filter(contract=contract, month=month).first()
    if existing is not None and existing.state == Settlement.State.CONFIRMED:
        raise ServicesConflict(f"{month:%Y年%m月}的结算已确认，不能重新计算", "state")
    settlement = existing or Settlement(
        region_code=contract.region_code, provider_id=contract.provider_id, contract=contract, month=month,
        total=Decimal(0), computed_at=timezone.now(),
    )  # fmt: skip
    lines, unpaid = compute(contract, month)
    settlement = _write(settlement, lines, unpaid, actor)
    audit(actor, AuditAction.SERVICES_SETTLE, "service_settlement", settlement,
          {"event": "compute", "month": f"{month:%Y-%m}", "contract": contract.number, "visits": settlement.visits,
           "total": settlement.total, "unpaid": unpaid})  # fmt: skip
    return settlement


@transaction.atomic
def confirm(*, actor, settlement: Settlement, on: dt.date | None = None) -> Settlement:
    on = on or today()
    _settler(actor, settlement.contract)
    settlement = Settlement.unscoped.select_for_update().get(pk=settlement.pk)
    if settlement.state != Settlement.State.DRAFT:
        raise ServicesConflict("该结算已确认", "state")
    if rules.month_bounds(settlement.month)[1] > on:
        raise ServicesConflict("本月尚未结束，结算只能在月份结束后确认", "month")
    lines, unpaid = compute(settlement.contract, settlement.month)
    settlement = _write(settlement, lines, unpaid, actor)
    settlement.state, settlement.confirmed_on, settlement.confirmed_by = (
        Settlement.State.CONFIRMED, on, user_or_none(actor))  # fmt: skip
    settlement.save(update_fields=["state", "confirmed_on", "confirmed_by"])
    audit(actor, AuditAction.SERVICES_SETTLE, "service_settlement", settlement,
          {"event": "confirm", "month": f"{settlement.month:%Y-%m}", "total": settlement.total,
           "visits": settlement.visits})  # fmt: skip
    return settlement


def settle_month(*, actor, month: dt.date, county: str = "") -> list[Settlement]:
    """Draft settlements for every contract in force during the month (of ``county`` or the actor's area),
    leaving confirmed ones as they are (``doudi services settle``)."""
    first, nxt = rules.month_bounds(month)
    code = county or getattr(actor, "region_id", "") or ""
    contracts = Contract.unscoped.filter(valid_from__lt=nxt, valid_to__gte=first).order_by("pk")
    done = set(
        Settlement.unscoped.filter(month=first, state=Settlement.State.CONFIRMED).values_list(
            "contract_id", flat=True
        )
    )
    return [settle(actor=actor, contract=c, month=first) for c in contracts
            if is_within(c.region_code, code) and c.pk not in done]  # fmt: skip


def record_export(*, actor, settlement: Settlement, rows: int) -> None:
    with transaction.atomic():
        audit(actor, AuditAction.SERVICES_EXPORT, "service_settlement", settlement,
              {"month": f"{settlement.month:%Y-%m}", "rows": rows})  # fmt: skip

"""The JSON shape of services records (API and CLI): Chinese labels beside the codes, names as recorded in
the registry (the person's identity number masked)."""

from __future__ import annotations

from doudi.services import rules
from doudi.services.models import ServiceOrder, ServiceType, ServiceVisit, Settlement


def service_type(t: ServiceType) -> dict:
    return {"id": t.pk, "name": t.name, "unit": t.unit, "unit_label": t.get_unit_display(),
            "unit_price": str(t.unit_price), "tags": list(t.tags), "tag_labels": [rules.TAGS[k] for k in t.tags
                                                                                   if k in rules.TAGS],
            "region_code": t.region_code, "active": t.active}  # fmt: skip


def visit(v: ServiceVisit) -> dict:
    return {
        "id": v.pk, "order_id": v.order_id, "visited_on": v.visited_on.isoformat(),
        "start_time": v.start_time.strftime("%H:%M") if v.start_time else None, "minutes": v.minutes,
        "quantity": str(v.quantity), "worker": v.worker, "notes": v.notes, "has_photo": bool(v.photo),
        "state": v.state, "state_label": v.get_state_display(), "family_confirmer": v.family_confirmer,
        "confirm_method": v.confirm_method, "dispute_reason": v.dispute_reason,
    }  # fmt: skip


def order(o: ServiceOrder, *, deadline: dict | None = None, detail: bool = False) -> dict:
    out = {
        "id": o.pk, "number": o.number, "person": {"id": o.person_id, "name": o.person.name,
                                                   "id_masked": o.person.id_masked},
        "household_id": o.household_id, "region_code": o.region_code,
        "service_type": {"id": o.service_type_id, "name": o.service_type.name, "unit": o.service_type.unit},
        "provider": {"id": o.provider_id, "name": o.provider.name}, "contract_id": o.contract_id,
        "unit_price": str(o.unit_price), "frequency": o.frequency, "visits_per_period": o.visits_per_period,
        "starts_on": o.starts_on.isoformat(), "ends_on": o.ends_on.isoformat(), "state": o.state,
        "state_label": o.get_state_display(), "placed_on": o.placed_on.isoformat(),
        "accept_due": o.accept_due.isoformat(), "origin": o.origin, "origin_id": o.origin_id,
        "eligibility": o.eligibility, "decline_reason": o.decline_reason, "satisfaction": o.satisfaction,
        "completed_on": o.completed_on.isoformat() if o.completed_on else None,
    }  # fmt: skip
    if deadline is not None:
        due = deadline.get("due")
        out["deadline"] = {"label": deadline["label"], "due": due.isoformat() if due else None,
                           "status": deadline["status"], "status_label": deadline["status_label"]}  # fmt: skip
    if detail:
        out["plans"] = [{"on": p.on.isoformat()} for p in o.plans.order_by("on")]
        out["visits"] = [visit(v) for v in o.visits.order_by("visited_on", "pk")]
    return out


def settlement(s: Settlement, *, lines=None) -> dict:
    out = {
        "id": s.pk, "month": f"{s.month:%Y-%m}", "provider": {"id": s.provider_id, "name": s.provider.name},
        "contract": {"id": s.contract_id, "number": s.contract.number}, "state": s.state,
        "state_label": s.get_state_display(), "visits": s.visits, "total": str(s.total),
        "unpaid_visits": s.unpaid_visits, "confirmed_on": s.confirmed_on.isoformat() if s.confirmed_on else None,
    }  # fmt: skip
    if lines is not None:
        out["lines"] = [{"service_type": line.service_type.name, "unit_price": str(line.unit_price),
                         "visits": line.visits, "quantity": str(line.quantity), "amount": str(line.amount)}
                        for line in lines]  # fmt: skip
    return out

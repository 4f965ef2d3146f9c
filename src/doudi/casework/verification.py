"""Casework's side of verification (R-W20, R-W21) and of the quantitative review's inputs (R-W23a):
which people are checked (members and legal supporters living apart), what they declared, what the
department data says (``verify_data``), and the comparison (``verify_rules``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from doudi.casework import household_data, scoring
from doudi.casework.models import Application, VerificationReport
from doudi.core.dates import holds_on
from doudi.policy.service import assess_household
from doudi.registry.models import PersonFact, PersonFactKind


def people(app: Application, on: dt.date):
    members = household_data.members(app.household_id, on)
    return members, household_data.supporters([p.pk for p in members], on)


def verify(app: Application, on: dt.date) -> tuple[str, list[dict], list[str]]:
    """(pass | fail, report rows, reasons) for the application as of ``on``."""
    from doudi.casework import verify_data, verify_rules  # MERGE-REVERT

    members, supporters = people(app, on)
    everyone = members + supporters
    names = {p.pk: p.name + ("（法定义务人）" if p in supporters else "") for p in everyone}
    items = list(params_items(app, on))
    declared = verify_rules.declarations_from_registry(app.household_id, [p.pk for p in members], on)
    found = verify_data.find_records([p.pk for p in everyone], on)
    rows = verify_rules.compare(
        items, declared, found, person_ids=[p.pk for p in everyone], area_type=app.household.area_type
    )
    result, reasons = verify_rules.overall(rows)
    out = []
    for r in rows:
        row = r.as_dict() if hasattr(r, "as_dict") else dict(r)
        row["member"] = names.get(row.get("person_id"), "")
        out.append(row)
    return result, out, reasons


def params_items(app: Application, on: dt.date) -> list[str]:
    from doudi.casework import verify_rules  # MERGE-REVERT

    return list(verify_rules.DEFAULT_ITEMS)


def _dec(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def review_inputs(app: Application, on: dt.date, assessment: dict | None = None) -> scoring.ReviewInputs:
    """The checklist's inputs: the assessment (a stored decision's result, or a fresh one), the last
    investigation, the registry's health facts and the verification's auxiliary signals."""
    result: dict = assessment or {}
    data: dict = {}
    if not result:
        try:
            data, result = assess_household(app.household, on)
        except Exception:  # facts missing for the engine: the review still scores what is known
            result = {}
    standard = None
    for p in result.get("parameters_used", []):
        if str(p.get("key", "")).startswith("dibao_standard."):
            standard = _dec(p.get("value"))
    per_capita = _dec(result.get("per_capita_monthly_income"))
    ratio = (per_capita / standard) if per_capita is not None and standard else None
    assets_ok = all(
        c.get("passed") for c in result.get("criteria", []) if str(c.get("rule", "")).startswith("R-A")
    )
    members = household_data.members(app.household_id, on)
    ids = [p.pk for p in members]
    capacity: dict[str, str] = {}
    inv = app.investigations.order_by("-visited_on", "-pk").first()
    if inv is not None:
        capacity = inv.labour_capacity
    ill = (
        PersonFact.unscoped.filter(
            holds_on(on),
            person_id__in=ids,
            kind__in=[PersonFactKind.DISABILITY, PersonFactKind.SERIOUS_ILLNESS],
        )
        .values("person_id")
        .distinct()
        .count()
    )
    rigid_share = None
    rigid = (data.get("household") or {}).get("rigid_expenditure_12m") if data else None
    income = _dec((data.get("household") or {}).get("income_total")) if data else None
    if rigid and income:
        rigid_share = sum((_dec(v) or Decimal(0)) for v in rigid.values()) / income
    report = VerificationReport.unscoped.filter(application=app).order_by("-version").first()
    signals = sum(1 for r in (report.rows if report else []) if r.get("auxiliary"))
    return scoring.ReviewInputs(
        income_ratio=ratio,
        assets_ok=assets_ok,
        members=len(members),
        without_labour=sum(1 for v in capacity.values() if v == "none"),
        partial_labour=sum(1 for v in capacity.values() if v == "partial"),
        ill_or_disabled=ill,
        rigid_share=rigid_share,
        housing=inv.housing_rating if inv else "",
        auxiliary_signals=signals,
        income_eligible=bool(result.get("household_category")),
    )

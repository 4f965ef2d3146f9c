"""Casework's side of verification (R-W20, R-W21) and of the quantitative review's inputs (R-W23a):
which people are checked (members and legal supporters living apart), what they declared, what the
department data says (``verify_data``), and the comparison (``verify_rules``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from doudi.casework import household_data, scoring, verify_data, verify_rules
from doudi.casework.models import Application, VerificationReport
from doudi.core.dates import holds_on
from doudi.policy.service import assess_household
from doudi.registry.models import HouseholdFact, HouseholdFactKind, PersonFact, PersonFactKind


def people(app: Application, on: dt.date):
    members = household_data.members(app.household_id, on)
    return members, household_data.supporters([p.pk for p in members], on)


def declarations(household_id: int, members: list, on: dt.date) -> dict[tuple[int, str], object]:
    """What the family declared, per person and item (``verify_rules.declared_text`` shapes). Assets
    are declared for the household: each member carries the household's figure, so a record found on
    any member is compared with what the family said it holds."""
    fact = (
        HouseholdFact.unscoped.filter(holds_on(on), household_id=household_id, kind=HouseholdFactKind.ASSETS)
        .order_by("-valid_from")
        .first()
    )
    assets = (fact.data() if fact else None) or {}
    ids = [p.pk for p in members]
    own: dict[tuple[int, str], dict] = {}
    kinds = [PersonFactKind.EMPLOYMENT, PersonFactKind.OWN_INCOME]
    for f in PersonFact.unscoped.filter(holds_on(on), person_id__in=ids, kind__in=kinds):
        own[(f.person_id, f.kind)] = f.data() or {}
    out: dict[tuple[int, str], object] = {}
    for pid in ids:
        out[(pid, "household_registration")] = True
        if fact is not None:
            out[(pid, "vehicles")] = int(_dec(assets.get("vehicles")) or 0)
            out[(pid, "real_estate")] = int(_dec(assets.get("dwellings")) or 0)
            out[(pid, "business")] = 1 if assets.get("business") else 0
            out[(pid, "financial_assets")] = {"amount": assets.get("financial") or 0}
        employment = own.get((pid, PersonFactKind.EMPLOYMENT), {})
        income = own.get((pid, PersonFactKind.OWN_INCOME), {})
        public = bool(employment.get("public_sector"))
        out[(pid, "public_employment")] = {
            "employed": public,
            "monthly_pay": income.get("monthly") if public else None,
        }
        out[(pid, "social_insurance")] = {"pension_monthly": income.get("pension", income.get("monthly", 0))}
    return out


def verify(app: Application, on: dt.date) -> tuple[str, list[dict], list[str]]:
    """(pass | fail, report rows, reasons) as of ``on``: members and legal supporters living apart
    against the linked department batches (R-W20, R-W21). A supporter's own holdings are verified
    (R-T3 reads them) but do not decide the household's result."""
    members, supporters = people(app, on)
    everyone = members + supporters
    names = {p.pk: p.name for p in members} | {p.pk: f"{p.name}（法定义务人）" for p in supporters}
    declared = declarations(app.household_id, members, on)
    found = verify_data.find_records([p.pk for p in everyone], on)
    rows = verify_rules.compare(
        None, declared, found, persons=[p.pk for p in everyone], area_type=app.household.area_type
    )
    member_ids = {p.pk for p in members}
    outcome = verify_rules.overall(
        [r for r in rows if r.person_id in member_ids], household_size=len(members)
    )
    out = [
        {
            "person_id": r.person_id,
            "member": names.get(r.person_id, ""),
            "item": r.item,
            "item_label": r.item_label,
            "declared": r.declared,
            "found": r.found,
            "source": r.department,
            "as_of": r.as_of.isoformat() if r.as_of else "",
            "result": r.result,
            "note": r.note,
            "auxiliary": r.result == verify_rules.PROMPT,
        }
        for r in rows
    ]
    return outcome.result, out, list(outcome.reasons) + [f"需更正：{c}" for c in outcome.corrections]


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
    housing = ""
    for inv in app.investigations.order_by("visited_on", "pk"):  # the latest answer per member wins
        capacity.update(inv.labour_capacity)
        housing = inv.housing_rating or housing
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
        housing=housing,
        auxiliary_signals=signals,
        income_eligible=bool(result.get("household_category")),
    )

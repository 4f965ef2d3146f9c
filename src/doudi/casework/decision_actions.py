"""The decision (CASEWORK R-W24–R-W27, R-W10): confirmation puts the proposal into effect — category
history from the confirmation date, the case opened or changed, payment from the next month, the
确认通知书; refusal states every failed condition with its figures and the remedies; a delegated
township files each confirmation with the county, which draws a param share at random to check."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from doudi.casework import basis_actions, clock, confirm_checks, household_data, paperwork, params, states
from doudi.casework.base import (
    CaseworkConflict,
    CaseworkError,
    audit_application,
    close_deadline,
    in_scope,
    move,
    open_deadline,
)
from doudi.casework.events import CaseworkEvent, emit
from doudi.casework.models import (
    Application,
    CareAgreement,
    Case,
    CaseDecision,
    Deadline,
    SpotCheck,
    VerificationReport,
)
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.dates import add_months
from doudi.registry.actions import TIER_CATEGORIES, set_category
from doudi.registry.category_actions import end_category
from doudi.registry.models import Source

OPEN_CASE_STATES = ("active", "under_review", "adjusted", "grace", "suspended")
# which tier a failed criterion refuses (R-C2 order); assets and common conditions refuse every tier
RULE_TIERS = {"R-T": "TEKUN", "R-D": "DIBAO", "R-M": "MARGINAL", "R-R": "RIGID"}


def first_of_next_month(on: dt.date) -> dt.date:
    return dt.date(on.year + (on.month == 12), on.month % 12 + 1, 1)


def review_class(app: Application) -> str:
    """R-W30 at confirmation: A — nobody able to work (elderly, disabled, seriously ill); B — some
    partial capacity; C — a member fully able to work (unstable income)."""
    capacities: set[str] = set()
    for inv in app.investigations.all():
        capacities.update(inv.labour_capacity.values())
    if "full" in capacities:
        return "C"
    return "B" if "partial" in capacities else "A"


def next_review(app: Application, klass: str, on: dt.date, area_type: str) -> dt.date:
    key = f"review_interval_months.{klass}" + (
        f".{'urban' if area_type == 'urban' else 'rural'}" if klass == "C" else ""
    )
    return add_months(on, params.days(key, region_code=app.region_code, on=on, area_type=area_type))


def _case_lines(result: dict) -> dict[str, int]:
    """The monthly amount per tier: R-B3 (TEKUN support) lines to TEKUN, the rest to the household tier."""
    household_tier = result.get("household_category")
    out: dict[str, int] = {}
    for line in result.get("benefits", []):
        tier = "TEKUN" if str(line.get("rule", "")).startswith("R-B3") else household_tier
        if tier:
            out[tier] = out.get(tier, 0) + int(line.get("monthly") or 0)
    tiers = {c for m in result.get("members", []) for c in m.get("categories", []) if c in TIER_CATEGORIES}
    for tier in tiers:
        out.setdefault(tier, 0)
    return out


def tier_verdicts(result: dict) -> tuple[list[str], list[dict]]:
    """(tiers granted, tiers refused with their failed conditions) for the letters (R-W26)."""
    granted = sorted(
        {c for m in result.get("members", []) for c in m.get("categories", []) if c in TIER_CATEGORIES},
        key=TIER_CATEGORIES.index,
    )
    refused: dict[str, list[dict]] = {}
    for c in result.get("criteria", []):
        if c.get("passed"):
            continue
        rule = str(c.get("rule", ""))
        tiers = [t for prefix, t in RULE_TIERS.items() if rule.startswith(prefix)] or [
            t for t in TIER_CATEGORIES if t not in granted
        ]
        for t in tiers:
            if t not in granted:
                refused.setdefault(t, []).append({"rule": rule, "text": c.get("detail", "")})
    return granted, [{"tier": t, "conditions": refused[t]} for t in TIER_CATEGORIES if t in refused]


@transaction.atomic
def confirm(
    *, actor, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> Application:
    app = Application.unscoped.select_for_update().get(pk=application.pk)
    if not states.allowed("confirm", app.state):
        raise CaseworkConflict(f"申请当前为“{states.STATES[app.state]}”，不能审核确认")
    if (app.near_relative or app.complaint_before_confirmation) and not app.county_visit_done:
        raise CaseworkError("该申请为近亲属备案或确认前收到投诉举报，须先完成县级入户调查（R-W23）")
    if blocked := confirm_checks.blocking(app):
        raise CaseworkConflict("；".join(blocked))
    if app.proposal_id is None or not app.proposed_category:
        raise CaseworkError("初审意见为不符合条件，不能确认；请作出不予确认决定")
    app, step = move(actor, app, "confirm", on=on, expected_version=expected_version)
    on = step.on
    decision = app.proposal
    assert decision is not None  # checked above: a file without a proposal is refused
    result = decision.result_data()
    by_key = {p.person_key: p for p in household_data.members(app.household_id, on)}
    for member in result.get("members", []):
        person = by_key.get(member.get("id"))
        if person is None:
            continue
        for cat in member.get("categories", []):
            if cat in TIER_CATEGORIES:
                set_category(
                    actor=actor,
                    person=person,
                    category=cat,
                    since=on,
                    source=Source.CASEWORKER,
                    source_ref=app.number,
                )
    lines = _case_lines(result)
    klass = review_class(app)
    area = app.household.area_type
    pay_from = first_of_next_month(on)
    cases = []
    for old in (
        Case.unscoped.select_for_update()
        .filter(household=app.household, state__in=OPEN_CASE_STATES)
        .exclude(tier__in=list(lines))
    ):
        old.state, old.until = Case.State.TRANSITIONED, on
        old.save(update_fields=["state", "until", "updated_at"])
    for tier, amount in lines.items():
        values = {
            "region_code": app.region_code,
            "monthly_total": amount,
            "decision": decision,
            "application": app,
            "review_class": klass,
            "next_review": next_review(app, klass, on, area),
            "pay_from": pay_from,
            "care_level": app.tekun_care.get("care_level", "") if tier == "TEKUN" else "",
            "support_form": app.tekun_care.get("support_form", "") if tier == "TEKUN" else "",
        }
        case = Case.unscoped.filter(household=app.household, tier=tier, state__in=OPEN_CASE_STATES).first()
        if case is None:
            case = Case.unscoped.create(household=app.household, tier=tier, since=on, **values)
        else:
            for k, v in values.items():
                setattr(case, k, v)
            case.save()
        cases.append(case)
    basis = basis_actions.record_basis(decision)  # what every month's amount is computed from (R-PAY3)
    for case in cases:
        basis_actions.apply_basis(case, basis)
    delegated = getattr(actor, "role", "") == "township_caseworker"
    main = next((c for c in cases if c.tier == decision.household_category), cases[0] if cases else None)
    cd = CaseDecision.unscoped.create(
        application=app,
        case=main,
        household=app.household,
        region_code=app.region_code,
        kind=CaseDecision.Kind.CONFIRM,
        on=on,
        tier=decision.household_category or "",
        monthly_total=decision.monthly_total,
        rules=sorted({str(b.get("rule")) for b in result.get("benefits", [])} | {"R-W24"}),
        assessment=decision,
        authority_level="township" if delegated else "county",
        decided_by=actor if getattr(actor, "pk", None) else None,
    )
    app.decided_on = on
    app.save(update_fields=["decided_on", "updated_at"])
    Deadline.unscoped.filter(
        application=app, key__in=[clock.CONFIRM.key, clock.TOTAL.key], done_on__isnull=True
    ).update(done_on=on)
    if delegated:
        open_deadline(app, clock.FILING, on)
    granted, refused = tier_verdicts(result)
    paperwork.issue(
        "confirmation",
        app,
        actor=actor,
        on=on,
        extra={
            "decision": decision,
            "result": result,
            "cases": cases,
            "granted": granted,
            "refused": refused,
            "pay_from": pay_from,
            "review_class": klass,
        },
    )
    audit_application(
        actor,
        app,
        AuditAction.CASEWORK_CONFIRM,
        {
            "decision": cd.pk,
            "tier": cd.tier,
            "monthly_total": cd.monthly_total,
            "cases": [c.pk for c in cases],
        },
    )
    emit(CaseworkEvent.CASE_CONFIRMED, application=app, case=main, decision=cd, actor=actor)
    return app


def failed_conditions(app: Application) -> list[dict]:
    """Every failed condition with its rule and figures: the proposal's criteria, else the last
    verification report's reasons (R-W25)."""
    if app.proposal is not None:
        return [
            {"rule": c.get("rule", ""), "text": c.get("detail", "")}
            for c in app.proposal.result_data().get("criteria", [])
            if not c.get("passed")
        ]
    report = VerificationReport.unscoped.filter(application=app).order_by("-version").first()
    if report is not None and report.result == "fail":
        return [{"rule": "R-W20", "text": r} for r in report.reasons]
    return []


@transaction.atomic
def refuse(
    *,
    actor,
    application: Application,
    reasons: list[str] | str,
    urgent: bool = False,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Application:
    """不予确认 (R-W25): the letter within ``deadline.refusal_notice_wd`` (issued at once here), every
    failed condition with its rule and figures, the remedies (R-G6); an urgent need is pointed to
    temporary assistance (R-W26)."""
    given = [reasons] if isinstance(reasons, str) else list(reasons or [])
    given = [str(r).strip() for r in given if str(r).strip()]
    if not given:
        raise CaseworkError("不予确认须写明理由", "reasons")
    app, step = move(
        actor, application, "refuse", on=on, note="；".join(given)[:2000], expected_version=expected_version
    )
    on = step.on
    conditions = failed_conditions(app) + [{"rule": "R-W25", "text": r} for r in given]
    app.decided_on = on
    app.save(update_fields=["decided_on", "updated_at"])
    delegated = getattr(actor, "role", "") == "township_caseworker"
    cd = CaseDecision.unscoped.create(
        application=app,
        household=app.household,
        region_code=app.region_code,
        kind=CaseDecision.Kind.REFUSE,
        on=on,
        rules=sorted({c["rule"] for c in conditions if c["rule"]}),
        reasons=conditions,
        assessment=app.proposal,
        authority_level="township" if delegated else "county",
        decided_by=actor if getattr(actor, "pk", None) else None,
    )
    Deadline.unscoped.filter(application=app, done_on__isnull=True).update(done_on=on)
    open_deadline(app, clock.REFUSAL_LETTER, on)
    result = app.proposal.result_data() if app.proposal is not None else {}
    granted, refused = tier_verdicts(result) if result else ([], [])
    paperwork.issue(
        "refusal",
        app,
        actor=actor,
        on=on,
        extra={"conditions": conditions, "urgent": urgent, "refused": refused, "granted": granted},
    )
    close_deadline(app, clock.REFUSAL_LETTER.key, on)
    audit_application(
        actor,
        app,
        AuditAction.CASEWORK_REFUSE,
        {"decision": cd.pk, "reasons": len(conditions), "urgent": urgent},
    )
    emit(CaseworkEvent.APPLICATION_REFUSED, application=app, decision=cd, actor=actor)
    return app


@transaction.atomic
def return_to_township(
    *,
    actor,
    application: Application,
    reasons: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Application:
    """Back to the township with reasons; the confirmation clock keeps running (R-W17)."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise CaseworkError("退回乡镇须写明理由", "reasons")
    app, _ = move(
        actor, application, "return_to_township", on=on, note=reasons, expected_version=expected_version
    )
    return app


@transaction.atomic
def file_with_county(
    *, actor, decision: CaseDecision, on: dt.date | None = None, draw: float | None = None
) -> SpotCheck | None:
    """A delegated confirmation filed with the county (R-W24); the county draws a param share at random
    for its own check (R-W10). ``draw`` fixes the random number (tests)."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise CaseworkError("备案日期不能晚于今天", "on")
    if decision.authority_level != "township":
        raise CaseworkError("只有乡镇（街道）经授权作出的确认需要报县级备案")
    if decision.filed_on:
        raise CaseworkConflict("该确认结果已报县级备案")
    if getattr(actor, "role", "") not in ("township_caseworker", "county_officer") or not in_scope(
        actor, decision.region_code
    ):
        raise PermissionError("您无权为该确认结果报备")
    decision.filed_on = on
    decision.save(update_fields=["filed_on"])
    if decision.application is not None:
        close_deadline(decision.application, clock.FILING.key, on)
    share = float(params.value("casework.spot_check_share", region_code=decision.region_code, on=on))
    roll = random.random() if draw is None else draw  # noqa: S311 - a sampling draw, not a secret
    check = None
    if roll < share:
        check = SpotCheck.unscoped.create(decision=decision, region_code=decision.region_code, drawn_on=on)
    record_audit(
        actor=actor,
        action=AuditAction.CASEWORK_SPOT_CHECK,
        region_code=decision.region_code,
        subject_type="application",
        subject_id=decision.application_id or 0,
        after={"filed_on": on, "drawn": check is not None},
    )
    return check


@transaction.atomic
def record_spot_check(
    *, actor, check: SpotCheck, result: str, finding: str, on: dt.date | None = None
) -> SpotCheck:
    """The county's finding; ``overruled`` reverses the delegated confirmation from ``on``."""
    if getattr(actor, "role", "") != "county_officer":
        raise PermissionError("抽查结果由县级民政登记")
    if result not in ("upheld", "overruled"):
        raise CaseworkError("抽查结论应为“维持”或“改正”", "result")
    finding = (finding or "").strip()
    if not finding:
        raise CaseworkError("请填写抽查意见", "finding")
    if check.result:
        raise CaseworkConflict("该抽查已登记结论")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise CaseworkError("抽查日期不能晚于今天", "on")
    if not in_scope(actor, check.region_code):
        raise PermissionError("该抽查不在您的辖区内")
    check.result, check.finding, check.checked_on = result, finding, on
    check.checked_by = actor if getattr(actor, "pk", None) else None
    check.save()
    decision = check.decision
    if result == "overruled":
        CaseDecision.unscoped.create(
            application=decision.application,
            case=decision.case,
            household=decision.household,
            region_code=decision.region_code,
            kind=CaseDecision.Kind.OVERRULE,
            on=on,
            tier=decision.tier,
            rules=["R-W10"],
            reasons=[{"rule": "R-W10", "text": finding}],
            authority_level="county",
            decided_by=check.checked_by,
        )
        for case in Case.unscoped.filter(application=decision.application, state__in=OPEN_CASE_STATES):
            case.state, case.until = Case.State.TERMINATED, on
            case.save(update_fields=["state", "until", "updated_at"])
            for person in household_data.members(case.household_id, on):
                end_category(
                    actor=actor,
                    person=person,
                    category=case.tier,
                    on=on,
                    source=Source.CASEWORKER,
                    source_ref=f"spot_check:{check.pk}",
                )
    record_audit(
        actor=actor,
        action=AuditAction.CASEWORK_SPOT_CHECK,
        region_code=check.region_code,
        subject_type="application",
        subject_id=decision.application_id or 0,
        after={"result": result, "check": check.pk},
    )
    return check


@transaction.atomic
def record_care_agreement(
    *,
    actor,
    case: Case,
    person,
    carer: str,
    care_level: str,
    signed_on: dt.date,
    guardian: str = "",
    valid_to: dt.date | None = None,
) -> CareAgreement:
    """照料服务协议 of a TEKUN person (R-W27, seed §5)."""
    if case.tier != "TEKUN":
        raise CaseworkError("照料服务协议仅适用于特困人员")
    if care_level not in ("full", "partial", "self"):
        raise CaseworkError("请选择照料等级", "care_level")
    if not (carer or "").strip():
        raise CaseworkError("请填写照料人或供养机构", "carer")
    agreement = CareAgreement.unscoped.create(
        case=case,
        person=person,
        region_code=case.region_code,
        carer=carer.strip()[:100],
        guardian=guardian[:64],
        care_level=care_level,
        signed_on=signed_on,
        valid_from=signed_on,
        valid_to=valid_to,
    )
    record_audit(
        actor=actor,
        action=AuditAction.CASEWORK_CARE,
        region_code=case.region_code,
        subject_type="case",
        subject_id=case.pk,
        after={"agreement": agreement.pk, "care_level": care_level},
    )
    return agreement

"""What the writes of a case's life share (CASEWORK §5): months, who may act, the case's audit entry,
its decisions, and the people a case pays. Used inside the callers' transactions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doudi.casework import basis_actions, params
from doudi.casework.base import CaseworkError, in_scope
from doudi.casework.models import Case, CaseDecision, CaseReview, GracePeriod, Suspension
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.dates import add_months, month_start
from doudi.registry.models import CategoryStatus

OPEN_CASE_STATES = ("active", "under_review", "adjusted", "grace", "suspended")
OPEN_REVIEW_STATES = ("open", "visit", "in_notice")
PAID_TIERS = ("DIBAO", "TEKUN")
CASE_ROLES = ("township_caseworker", "county_officer")
REPORT_ROLES = (*CASE_ROLES, "grid_worker")


def next_month(d: dt.date) -> dt.date:
    return add_months(month_start(d), 1)


def months_between(a: dt.date, b: dt.date) -> int:
    """Whole months from the month of ``a`` to the month of ``b``."""
    return (b.year - a.year) * 12 + b.month - a.month


class SystemActor:
    """A job or a data feed acting on its own (the daily pass, a department death record): audited
    as ``system``; it may take the assessment a termination must re-run (R-X1)."""

    pk = None
    role = ""
    is_active = True
    label = "系统"

    def can(self, capability: str) -> bool:
        return True

    def __str__(self) -> str:
        return "system"


def as_actor(actor):
    return actor if is_person(actor) or isinstance(actor, SystemActor) else SystemActor()


def is_person(actor) -> bool:
    return bool(getattr(actor, "pk", None))


def actor_user(actor):
    return actor if is_person(actor) else None


def check_on(on: dt.date | None) -> dt.date:
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise CaseworkError("办理日期不能晚于今天", "on")
    return on


def check_actor(actor, region_code: str, roles: tuple[str, ...] = CASE_ROLES) -> None:
    """A person must hold one of ``roles`` inside the case's region; the system (a job, a data feed,
    another app's write on its own checked behalf) passes as a string."""
    if not is_person(actor):
        return
    if not getattr(actor, "is_active", False) or getattr(actor, "role", "") not in roles:
        raise PermissionError("您无权办理此事项")
    if not in_scope(actor, region_code):
        raise PermissionError("该救助档案不在您的辖区内")


def may_decide(user, region_code: str) -> bool:
    """The confirming authority decides reviews (R-W24, R-W10): the county, or a township where the
    region delegates confirmation."""
    if not getattr(user, "is_active", False) or not in_scope(user, region_code):
        return False
    role = getattr(user, "role", "")
    return role == "county_officer" or (role == "township_caseworker" and params.delegated(region_code))


def check_decider(actor, region_code: str) -> None:
    if is_person(actor) and not may_decide(actor, region_code):
        raise PermissionError("复核决定由县级民政部门（或经授权的乡镇）作出")


def locked_case(case: Case) -> Case:
    return Case.unscoped.select_for_update().get(pk=case.pk)


def audit_case(actor, case: Case, action: AuditAction, after: dict, before: dict | None = None) -> None:
    record_audit(
        actor=actor,
        action=action,
        region_code=case.region_code,
        subject_type="case",
        subject_id=case.pk,
        before=before,
        after=after,
    )


def new_decision(
    actor,
    case: Case,
    kind: str,
    on: dt.date,
    *,
    review: CaseReview | None = None,
    monthly_total: int | None = None,
    old: int | None = None,
    effective: dt.date | None = None,
    rules: list[str] | None = None,
    reasons: list[dict] | None = None,
    assessment=None,
) -> CaseDecision:
    role = getattr(actor, "role", "")
    return CaseDecision.unscoped.create(
        application=case.application,
        case=case,
        household_id=case.household_id,
        region_code=case.region_code,
        kind=kind,
        on=on,
        review=review,
        tier=case.tier,
        monthly_total=case.monthly_total if monthly_total is None else monthly_total,
        old_monthly_total=old,
        effective_month=effective,
        rules=rules or [],
        reasons=reasons or [],
        assessment=assessment,
        authority_level="township" if role == "township_caseworker" else "county",
        decided_by=actor_user(actor),
    )


def resting_state(case: Case) -> str:
    """The state a case returns to when a review or suspension ends."""
    if Suspension.unscoped.filter(case=case, outcome="").exists():
        return Case.State.SUSPENDED
    if GracePeriod.unscoped.filter(case=case, ended_on__isnull=True).exists():
        return Case.State.GRACE
    return Case.State.ACTIVE


def tier_holders(case: Case, on: dt.date) -> list[int]:
    """The people holding the case's tier on ``on`` (the category history, R-C1)."""
    rows = CategoryStatus.unscoped.filter(
        household_id=case.household_id, category=case.tier, since__lte=on
    ).exclude(until__lt=on)
    return sorted(set(rows.values_list("person_id", flat=True)))


def interval_months(case: Case, klass: str, on: dt.date, area_type: str) -> int:
    """R-W30 / R-W9: TEKUN yearly, RIGID its validity, DIBAO by class (C urban/rural)."""
    if case.tier == "TEKUN":
        return 12
    if case.tier == "RIGID":
        return params.days("rigid_validity_months", region_code=case.region_code, on=on)
    klass = klass if klass in ("A", "B", "C") else "B"
    key = f"review_interval_months.{klass}" + (
        f".{'urban' if area_type == 'urban' else 'rural'}" if klass == "C" else ""
    )
    return params.days(key, region_code=case.region_code, on=on, area_type=area_type)


def set_basis(case: Case, assessment):
    """The case's amount basis from a stored assessment (``casework.basis_actions``, R-PAY3)."""
    basis = basis_actions.record_basis(assessment)
    basis_actions.apply_basis(case, basis)
    return basis

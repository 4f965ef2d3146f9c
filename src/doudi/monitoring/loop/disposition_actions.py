"""Disposition of a verified warning (R-M15) with its follow-ups, and departments' answers to pushed
needs (R-P1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import Department, Role
from doudi.casework.intake_actions import open_application, open_for
from doudi.casework.lifecycle_actions import open_reviews_for_household
from doudi.casework.models import Channel
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.core.workdays import add_working_days
from doudi.monitoring.evidence import plain
from doudi.monitoring.loop.base import MonitoringError, Transition, chain, warning_link
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.loop.notify_actions import county_officers, department_users, notify, township_staff
from doudi.monitoring.models import ChainEvent, Disposition, EarlyWarning, GrassrootsReport, NeedPush
from doudi.policy import params_store
from doudi.policy.actions import PolicyError, take_decision
from doudi.policy.models import Decision
from doudi.policy.rules.entitlements import ENTITLEMENTS
from doudi.registry.models import Category, CategoryStatus, Household

K = Disposition.Kind
# R-P1: what each department is asked for when a household is referred to it
DEPARTMENT_NEEDS = {
    Department.MEDICAL_INSURANCE: ("medical_assistance", "医疗救助（参保资助、门诊和住院救助）"),
    Department.EDUCATION: ("education_aid", "教育救助（学生资助、减免）"),
    Department.HOUSING: ("housing_aid", "住房救助（公租房、租赁补贴或危房改造）"),
    Department.HRSS: ("employment_aid", "就业救助（岗位推荐、技能培训、公益性岗位）"),
    Department.EMERGENCY: ("disaster_relief", "受灾人员救助"),
    Department.DISABLED: ("disability_support", "残疾人康复和无障碍改造"),
    Department.HEALTH: ("health_services", "医疗卫生服务"),
    Department.AGRICULTURE: ("return_poverty_support", "防止返贫帮扶"),
    Department.CIVIL_AFFAIRS: ("special_assistance", "其他社会救助"),
}
EMERGENCY_MEASURES = {"temporary_assistance": "临时救助", "charity": "慈善帮扶", "services": "救助服务"}
REFERRAL_DEADLINE_WD = 10  # a department without entitlement rules (emergency, health, agriculture)
CONSENT_METHODS = {"signed": "书面签字", "online": "线上授权", "oral": "口头同意（后补签字）"}
CATEGORY_ORDER = ("TEKUN", "DIBAO", "MARGINAL", "RIGID", "FPJC", "OTHER")


def referral_deadline_days(department: str, region_code: str, on: dt.date) -> int:
    """A referral's answer deadline: the department's entitlement deadline (``needs.<code>.deadline_wd``,
    R-P1; the shortest of its entitlements), else ``REFERRAL_DEADLINE_WD``."""
    codes = [e for e in ENTITLEMENTS if e.department == department]
    if not codes:
        return REFERRAL_DEADLINE_WD
    best = min(codes, key=lambda e: e.deadline_wd)
    try:
        value = (
            params_store.provider(str(region_code).ljust(12, "0"), "urban", on).entry(best.deadline_key).value
        )
        days = int(Decimal(str(value)))
    except Exception:  # missing key or empty parameter table: the declaration's default
        return best.deadline_wd
    return days if days > 0 else best.deadline_wd


def _date(value, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise MonitoringError(f"{what}无效，应为YYYY-MM-DD格式") from None


def category_label(code: str | None) -> str:
    if not code:
        return "不符合救助条件"
    try:
        return Category(code).label
    except ValueError:
        return code


def _current_category(household_id: int) -> str | None:
    cats = set(
        CategoryStatus.unscoped.filter(household_id=household_id, until__isnull=True).values_list(
            "category", flat=True
        )
    )
    return next((c for c in CATEGORY_ORDER if c in cats), None)


def _registered_household(household_id, warning: EarlyWarning):
    """A household registered for a warning that had none (proactive discovery): it becomes the warning's."""
    household = Household.unscoped.filter(
        pk=household_id, region_code__startswith=warning.region_code[:6]
    ).first()
    if household is None:
        raise MonitoringError("登记的家庭不存在或不在本县范围内")
    warning.household = household
    warning.save(update_fields=["household", "updated_at"])
    return household


@transaction.atomic
def dispose(
    *, actor, warning: EarlyWarning, kind: str, detail: dict | None = None, note: str = ""
) -> Disposition:
    """Decide what follows a verified warning (verified → disposed) and start the follow-up:

    * ``no_hardship`` — nothing; ready to close;
    * ``application`` — a casework application (``casework.intake_actions.open_application``, channel
      warning / report / proactive) with the family's consent ``{given_by, given_on, method}`` (required,
      R-W19c); a warning without a registry household needs the household registered first
      (``detail["household_id"]``);
    * ``referral`` — a ``NeedPush`` to each of ``detail["departments"]`` (R-P1);
    * ``emergency`` — referral records for ``detail["measures"]`` ⊆ temporary_assistance / charity /
      services (kept in the disposition and on the chain);
    * ``eligibility`` — reassessment with the policy engine (``policy.actions.take_decision``); the tier
      change goes on the chain, and each open case of the household gets a change review
      (``casework.lifecycle_actions``, R-W32) where casework reviews, reduces or stops it;
    * ``deliberation`` — 一事一议 minutes ``{minutes, participants, held_on}``."""
    step = Transition(actor, warning, "dispose")
    warning = step.warning
    if kind not in K.values:
        raise MonitoringError("请选择处置方式")
    detail = dict(detail or {})
    note = (note or "").strip()
    household = warning.household
    today = timezone.localdate()
    follow: list[tuple[str, object, str, dict]] = []  # chain events after the disposition's own

    if kind == K.APPLICATION:
        consent = dict(detail.get("consent") or {})
        given_by = str(consent.get("given_by") or "").strip()
        if not given_by or consent.get("method") not in CONSENT_METHODS:
            raise MonitoringError("启动救助申请须记录家庭的同意（申请授权）：同意人和方式")
        consent = {
            "given_by": given_by[:64],
            "given_on": _date(consent.get("given_on"), "同意日期"),
            "method": consent["method"],
        }
        if household is None and detail.get("household_id"):
            household = _registered_household(detail["household_id"], warning)
        if household is None:
            raise MonitoringError("该预警对象尚未登记为家庭，请先登记新家庭，再启动救助申请")
        existing = open_for(actor, household)
        if existing is not None:
            raise MonitoringError(f"该家庭已有办理中的救助申请（{existing.number}）")
        detail = {"consent": plain(consent)}
    elif kind == K.REFERRAL:
        if household is None:
            raise MonitoringError("该预警对象尚未登记为家庭，请先启动救助申请")
        departments = [d for d in dict.fromkeys(detail.get("departments") or ()) if d]
        if not departments:
            raise MonitoringError("请选择至少一个转介部门")
        unknown = [d for d in departments if d not in DEPARTMENT_NEEDS]
        if unknown:
            raise MonitoringError(f"未知的部门：{'、'.join(unknown)}")
        detail = {"departments": departments, "note": str(detail.get("note") or "")[:300]}
    elif kind == K.EMERGENCY:
        measures = [m for m in dict.fromkeys(detail.get("measures") or ()) if m]
        if not measures or any(m not in EMERGENCY_MEASURES for m in measures):
            raise MonitoringError("请选择临时救助、慈善帮扶或救助服务中的至少一项")
        amount = detail.get("amount")
        if amount not in (None, ""):
            try:
                amount = str(Decimal(str(amount)).quantize(Decimal("0.01")))
            except InvalidOperation:
                raise MonitoringError("临时救助金额应为数字") from None
        detail = {"measures": measures, "amount": amount or None, "note": str(detail.get("note") or "")[:300]}
    elif kind == K.ELIGIBILITY:
        if household is None:
            raise MonitoringError("该预警对象尚未登记为家庭，无法复核")
        detail = _reassess(actor, household, today)
    elif kind == K.DELIBERATION:
        minutes = str(detail.get("minutes") or "").strip()
        if not minutes:
            raise MonitoringError("一事一议须记录会议纪要")
        participants = [str(p).strip() for p in detail.get("participants") or () if str(p).strip()]
        detail = {
            "minutes": minutes[:4000],
            "participants": participants,
            "held_on": _date(detail.get("held_on") or today, "会议日期"),
        }
    else:
        detail = {}

    disposition = Disposition.unscoped.create(
        warning=warning,
        region_code=warning.region_code,
        kind=kind,
        detail=plain(detail),
        note=note,
        decided_by=actor,
    )
    warning.status = EarlyWarning.Status.DISPOSED
    warning.save(update_fields=["status", "updated_at"])
    label = disposition.get_kind_display()

    if kind == K.REFERRAL:
        assert household is not None  # a referral without a household is refused above
        pushes = []
        for dept in detail["departments"]:
            need, text = DEPARTMENT_NEEDS[dept]
            push = NeedPush.unscoped.create(
                household=household,
                person=warning.person,
                warning=warning,
                region_code=household.region_code,
                department=dept,
                need=need,
                detail=(detail["note"] or text)[:500],
                due_on=add_working_days(today, referral_deadline_days(dept, household.region_code, today)),
            )
            pushes.append(push.pk)
            follow.append(
                (
                    ChainEvent.Kind.NEED_PUSH,
                    push,
                    f"需求推送至{Department(dept).label}部门：{text}",
                    {"department": dept, "need": need, "push": push.pk},
                )
            )
            notify(
                department_users(dept, household.region_code),
                text=f"收到救助需求推送：{text}",
                link="/monitoring/needs/",
            )
        disposition.detail = {**disposition.detail, "pushes": pushes}
        disposition.save(update_fields=["detail"])
    elif kind == K.EMERGENCY:
        for m in detail["measures"]:
            amount = (
                f"，金额 {detail['amount']} 元" if m == "temporary_assistance" and detail["amount"] else ""
            )
            follow.append(
                (
                    ChainEvent.Kind.REFERRAL,
                    disposition,
                    f"转介{EMERGENCY_MEASURES[m]}{amount}",
                    {"measure": m, "amount": detail["amount"] if m == "temporary_assistance" else None},
                )
            )
    elif kind == K.ELIGIBILITY:
        follow.append(
            (
                ChainEvent.Kind.DECISION,
                ("policy.decision", detail["decision_id"]),
                f"复核认定：{category_label(detail['before'])} → {category_label(detail['after'])}"
                f"（月救助金 {detail['monthly_after']} 元）",
                detail,
            )
        )
    elif kind == K.DELIBERATION:
        follow.append(
            (
                ChainEvent.Kind.DISPOSITION,
                disposition,
                f"一事一议（{detail['held_on']}）：{detail['minutes'][:100]}",
                {"deliberation": True},
            )
        )
    step.done(
        action=AuditAction.MONITORING_DISPOSE,
        kind=ChainEvent.Kind.DISPOSITION,
        ref=disposition,
        summary=f"处置：{label}" + (f"（{note[:80]}）" if note else ""),
        data={"kind": kind},
        follow=follow,
        after={
            "kind": kind,
            "disposition": disposition.pk,
            "detail": {k: v for k, v in disposition.detail.items() if k != "minutes"},
        },
        notify_to=[
            (
                township_staff(warning.township_code),
                f"{warning.get_indicator_display()}预警已处置（{label}），请跟进办结",
            )
        ],
    )
    if kind == K.APPLICATION:
        assert household is not None  # refused above without one
        channel = (
            Channel.REPORT
            if GrassrootsReport.unscoped.filter(warning=warning).exists()
            else (Channel.PROACTIVE if warning.potential_case_id else Channel.WARNING)
        )
        application = open_application(
            actor=actor,
            household=household,
            channel=channel,
            warning_id=warning.pk,
            consent=detail["consent"],
        )
        disposition.detail = {
            **disposition.detail,
            "application": application.pk,
            "number": application.number,
        }
        disposition.save(update_fields=["detail"])
    if kind == K.ELIGIBILITY:  # the case's side: a change review on each open case (R-W32)
        assert household is not None  # refused above without one
        after = category_label(detail["after"])
        reviews = open_reviews_for_household(
            actor=actor,
            household_id=household.pk,
            trigger="warning",
            detail=f"监测预警复核测算：{after}，月救助金 {detail['monthly_after']} 元",
            warning_id=warning.pk,
            on=today,
        )
        if reviews:
            disposition.detail = {**disposition.detail, "reviews": [r.pk for r in reviews]}
            disposition.save(update_fields=["detail"])
    return disposition


def _reassess(actor, household, today: dt.date) -> dict:
    previous = Decision.unscoped.filter(household=household).order_by("-taken_at", "-pk").first()
    before = previous.household_category if previous else _current_category(household.pk)
    try:
        decision = take_decision(actor=actor, household=household, as_of=today)
    except PolicyError as exc:
        raise MonitoringError(f"复核认定未完成：{exc}") from None
    return {
        "decision_id": decision.pk,
        "before": before,
        "after": decision.household_category,
        "monthly_before": previous.monthly_total if previous else None,
        "monthly_after": decision.monthly_total,
        "as_of": today,
        "changed": before != decision.household_category,
    }


NEED_NEXT: dict[str, tuple[str, ...]] = {
    NeedPush.Status.PUSHED: (NeedPush.Status.ACCEPTED, NeedPush.Status.GIVEN, NeedPush.Status.DECLINED),
    NeedPush.Status.ACCEPTED: (NeedPush.Status.GIVEN, NeedPush.Status.DECLINED),
}


def can_respond(user, push: NeedPush) -> bool:
    return bool(
        user.is_active
        and user.role == Role.DEPARTMENT
        and user.can("needs.respond")
        and user.department == push.department
        and user.region_id
        and is_within(push.region_code, user.region_id)
    )


@transaction.atomic
def respond_need(*, actor, push: NeedPush, status: str, feedback: str = "", amount=None) -> NeedPush:
    """A department accepts, gives or declines a pushed need (its own department and region only)."""
    push = NeedPush.unscoped.select_for_update().get(pk=push.pk)
    if not can_respond(actor, push):
        raise FlowDenied("只能答复推送给本部门、本辖区的需求")
    if status not in NEED_NEXT.get(push.status, ()):
        raise MonitoringError(f"需求当前状态为“{push.get_status_display()}”，不能改为该状态")
    feedback = (feedback or "").strip()
    if status == NeedPush.Status.DECLINED and not feedback:
        raise MonitoringError("不予救助须说明理由")
    if amount in ("", None):
        amount = None
    else:
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise MonitoringError("救助金额应为数字") from None
        if amount < 0:
            raise MonitoringError("救助金额不能为负数")
    before = {"status": push.status}
    push.status, push.feedback, push.amount = status, feedback[:500], amount
    push.responded_by, push.responded_at = actor, timezone.now()
    push.save(update_fields=["status", "feedback", "amount", "responded_by", "responded_at"])
    dept = Department(push.department).label
    text = f"{dept}部门反馈：{push.get_status_display()}" + (
        f"，金额 {amount} 元" if amount is not None else ""
    )
    if feedback:
        text += f"（{feedback[:80]}）"
    chain(
        household_id=push.household_id,
        region_code=push.region_code,
        kind=ChainEvent.Kind.FEEDBACK,
        ref=push,
        actor=actor,
        summary=text,
        data={"push": push.pk, "status": status, "amount": amount, "warning": push.warning_id},
    )
    record_audit(
        actor=actor,
        action=AuditAction.MONITORING_NEED_RESPOND,
        region_code=push.region_code,
        subject_type="need_push",
        subject_id=push.pk,
        before=before,
        after={"status": status, "amount": amount, "feedback": feedback[:500]},
    )
    warning = push.warning
    if warning is not None:
        targets = township_staff(warning.township_code) or county_officers(warning.region_code)
        notify(targets, text=text, link=warning_link(warning.pk))
    return push

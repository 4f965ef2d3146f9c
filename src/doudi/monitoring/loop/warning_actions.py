"""The warning's own steps (DOMAIN §8: warn → push → verify → dispose → feed back → close): raise or
merge (R-M13), then the routing transitions dispatch, recall, reassign, assign and the closing one.

Each action is keyword-only with the actor first, runs in one transaction, goes through
``base.Transition`` (the transition table in ``flows``), records an audit event, appends a typed
``ChainEvent`` to the household's chain (一户一条救助链) and notifies whoever must act next. Home visits
(R-M14) and grassroots reports (R-M17) live in ``visit_actions``/``report_actions``, dispositions
(R-M15) and need-push answers (R-P1) in ``disposition_actions``, the deadline jobs in
``deadline_actions``.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from doudi.accounts.models import User
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within, prefix_of
from doudi.monitoring.evidence import higher_level, merge_evidence
from doudi.monitoring.loop import flows
from doudi.monitoring.loop.base import (
    MonitoringError,
    Transition,
    actor_label,
    audit_warning,
    chain,
    deadline_for,
    warning_link,
)
from doudi.monitoring.loop.notify_actions import county_officers, notify, township_staff
from doudi.monitoring.loop.queries import assignable_workers
from doudi.monitoring.models import ChainEvent, EarlyWarning, Indicator, PotentialCase, WarningLevel
from doudi.regions.models import Region

S = EarlyWarning.Status


# --- raise and merge (R-M13) ----------------------------------------------------------------------


def _validate_level_indicator(indicator: str, level: str) -> None:
    if indicator not in Indicator.values:
        raise MonitoringError(f"未知的预警指标：{indicator}")
    if level not in WarningLevel.values:
        raise MonitoringError(f"未知的预警等级：{level}")


@transaction.atomic
def raise_warning(
    *,
    actor,
    household=None,
    potential_case: PotentialCase | None = None,
    indicator: str,
    level: str,
    raised_on: dt.date,
    evidence: list[dict],
    source_batch_id: int | None = None,
    person=None,
    status: str = S.RAISED,
    township_code: str = "",
) -> EarlyWarning:
    """Raise a warning, or merge into the open warning of the same cause for the same household or
    potential case (R-M13): new evidence items are appended (an item already present — same
    ``batch_id`` and ``record_id`` — is not repeated), the higher level is kept and the earlier
    deadline. Re-raising evidence already present changes nothing."""
    _validate_level_indicator(indicator, level)
    if (household is None) == (potential_case is None):
        raise MonitoringError("预警须对应一个家庭或一个潜在救助对象")
    if household is not None:
        dedupe_key, region_code, area = (
            f"{indicator}:h{household.pk}",
            household.region_code,
            household.area_type,
        )
    else:
        assert potential_case is not None  # exactly one of the two, checked above
        dedupe_key, region_code, area = (
            f"{indicator}:p{potential_case.pk}",
            potential_case.region_code,
            "urban",
        )
    evidence = list(evidence or [])
    for _attempt in range(2):
        current = (
            EarlyWarning.unscoped.select_for_update().filter(dedupe_key=dedupe_key, is_open=True).first()
        )
        if current is not None:
            return _merge(actor, current, level=level, raised_on=raised_on, evidence=evidence, area=area)
        deadline = deadline_for(level=level, raised_on=raised_on, region_code=region_code, area_type=area)
        merged, _ = merge_evidence([], evidence)
        try:
            with transaction.atomic():
                warning = EarlyWarning.unscoped.create(
                    household=household,
                    potential_case=potential_case,
                    person=person,
                    indicator=indicator,
                    level=level,
                    status=status,
                    dedupe_key=dedupe_key,
                    is_open=True,
                    raised_on=raised_on,
                    deadline=deadline,
                    region_code=region_code,
                    evidence=merged,
                    source_batch_id=source_batch_id,
                    township_code=township_code,
                )
        except IntegrityError:
            continue  # another process opened it meanwhile: merge into theirs
        break
    else:  # pragma: no cover - two conflicts in a row
        raise MonitoringError("预警正在被同时处理，请稍后重试")
    label = f"{warning.get_indicator_display()}预警（{warning.get_level_display()}）"
    chain(
        warning=warning,
        kind=ChainEvent.Kind.WARNING,
        ref=warning,
        actor=actor,
        summary=f"{label}，核查期限 {deadline:%Y-%m-%d}",
        data={"indicator": indicator, "level": level, "deadline": deadline, "evidence_items": len(merged)},
    )
    audit_warning(
        actor,
        AuditAction.MONITORING_WARNING_RAISE,
        warning,
        after={"indicator": indicator, "level": level, "deadline": deadline, "dedupe_key": dedupe_key},
    )
    if status == S.RAISED:
        notify(county_officers(region_code), text=f"新{label}待派发", link=warning_link(warning.pk))
    else:
        notify(township_staff(township_code), text=f"新{label}，请指派核查", link=warning_link(warning.pk))
    return warning


def _merge(
    actor, warning: EarlyWarning, *, level: str, raised_on: dt.date, evidence: list[dict], area: str
) -> EarlyWarning:
    merged, added = merge_evidence(warning.evidence, evidence)
    new_level = higher_level(warning.level, level)
    if not added and new_level == warning.level:
        return warning  # nothing new: no write at all
    before = {"level": warning.level, "deadline": warning.deadline, "evidence_items": len(warning.evidence)}
    if new_level != warning.level:
        candidate = deadline_for(
            level=new_level, raised_on=raised_on, region_code=warning.region_code, area_type=area
        )
        warning.deadline = min(warning.deadline, candidate)
    warning.level, warning.evidence = new_level, merged
    warning.merged_count += 1
    warning.save(update_fields=["level", "evidence", "merged_count", "deadline", "updated_at"])
    chain(
        warning=warning,
        kind=ChainEvent.Kind.WARNING,
        ref=warning,
        actor=actor,
        summary=f"{warning.get_indicator_display()}预警合并新线索 {added} 条（{warning.get_level_display()}）",
        data={"merged": True, "added": added, "level": new_level},
    )
    audit_warning(
        actor,
        AuditAction.MONITORING_WARNING_MERGE,
        warning,
        before=before,
        after={"level": new_level, "deadline": warning.deadline, "evidence_items": len(merged)},
    )
    return warning


# --- routing -------------------------------------------------------------------------------------


@transaction.atomic
def dispatch(*, actor, warning: EarlyWarning, township_code: str) -> EarlyWarning:
    """County (or, after escalation, city) officer sends the warning to a township of its county."""
    step = Transition(actor, warning, "dispatch")
    warning = step.warning
    township = Region.objects.filter(code=str(township_code), level="township").first()
    if township is None:
        raise MonitoringError("请选择乡镇（街道）")
    county = flows.region_at(warning.region_code, "county")
    if not is_within(township.code, county):
        raise MonitoringError("只能派发至该预警所在县（市、区）的乡镇（街道）")
    if not is_within(township.code, actor.region_id):
        raise MonitoringError("只能派发至您管辖范围内的乡镇（街道）")
    if len(prefix_of(warning.region_code)) >= 9 and not is_within(warning.region_code, township.code):
        own = Region.objects.filter(code=flows.region_at(warning.region_code, "township")).first()
        raise MonitoringError(
            f"该预警对象属于{own.name if own else '其他乡镇'}，只能派发至其所在乡镇（街道）"
        )
    before = {"status": warning.status, "township_code": warning.township_code}
    warning.status, warning.township_code, warning.assigned_to = S.DISPATCHED, township.code, None
    if not is_within(warning.region_code, township.code):
        warning.region_code = township.code  # a county-level household: the township now owns the work
    warning.save(update_fields=["status", "township_code", "assigned_to", "region_code", "updated_at"])
    step.done(
        action=AuditAction.MONITORING_DISPATCH,
        summary=f"{actor_label(actor)}派发至{township.name}",
        data={"township": township.code},
        before=before,
        after={"township_code": township.code},
        notify_to=[
            (township_staff(township.code), f"收到派发的{warning.get_indicator_display()}预警，请指派核查")
        ],
    )
    return warning


@transaction.atomic
def recall(*, actor, warning: EarlyWarning) -> EarlyWarning:
    """R-M13: a county (or higher) officer takes a dispatched warning back into the county inbox; the
    township and any grid worker are told. Escalations restart from the county."""
    step = Transition(actor, warning, "recall")
    warning = step.warning
    before = {"status": warning.status, "township_code": warning.township_code,
              "assigned_to": warning.assigned_to_id}  # fmt: skip
    township, worker = warning.township_code, warning.assigned_to_id
    warning.status, warning.township_code, warning.assigned_to, warning.escalations = S.RAISED, "", None, 0
    warning.save(update_fields=["status", "township_code", "assigned_to", "escalations", "updated_at"])
    step.done(
        action=AuditAction.MONITORING_RECALL,
        summary=f"{actor_label(actor)}收回预警至县级待派发",
        data={"recalled_from": township},
        before=before,
        after={"status": S.RAISED},
        notify_to=[
            (
                [*township_staff(township), *([worker] if worker else [])],
                f"{warning.get_indicator_display()}预警已被县级民政收回，无需继续办理",
            )
        ],
    )
    return warning


@transaction.atomic
def reassign(*, actor, warning: EarlyWarning, township_code: str) -> EarlyWarning:
    """R-M13: a county (or higher) officer sends a dispatched warning to another township of its
    county. A household's warning stays with the township the household lives in; a potential case
    (R-M16, often routed by a fallback) or a county-level household may go to any township, and the
    case moves with it."""
    step = Transition(actor, warning, "reassign")
    warning = step.warning
    township = Region.objects.filter(code=str(township_code), level="township").first()
    if township is None:
        raise MonitoringError("请选择乡镇（街道）")
    if township.code == warning.township_code:
        raise MonitoringError(f"该预警已在{township.name}，请选择其他乡镇（街道）")
    county = flows.region_at(warning.region_code, "county")
    if not is_within(township.code, county) or not is_within(township.code, actor.region_id):
        raise MonitoringError("只能改派至该预警所在县（市、区）、且在您管辖范围内的乡镇（街道）")
    home = warning.household.region_code if warning.household is not None else ""
    if len(prefix_of(home or "0")) >= 9 and not is_within(home, township.code):
        own = Region.objects.filter(code=flows.region_at(home, "township")).first()
        raise MonitoringError(f"该家庭属于{own.name if own else '其他乡镇'}，只能由其所在乡镇（街道）核查")
    before = {"status": warning.status, "township_code": warning.township_code,
              "assigned_to": warning.assigned_to_id}  # fmt: skip
    old_township, worker = warning.township_code, warning.assigned_to_id
    warning.status, warning.township_code, warning.assigned_to = S.DISPATCHED, township.code, None
    if not is_within(warning.region_code, township.code):
        warning.region_code = township.code
        if warning.potential_case_id:
            PotentialCase.unscoped.filter(pk=warning.potential_case_id).update(region_code=township.code)
    warning.save(update_fields=["status", "township_code", "assigned_to", "region_code", "updated_at"])
    label = warning.get_indicator_display()
    step.done(
        action=AuditAction.MONITORING_REASSIGN,
        summary=f"{actor_label(actor)}改派至{township.name}",
        data={"township": township.code, "from": old_township},
        before=before,
        after={"township_code": township.code},
        notify_to=[
            (township_staff(township.code), f"收到改派的{label}预警，请指派核查"),
            (
                [*township_staff(old_township), *([worker] if worker else [])],
                f"{label}预警已由县级民政改派其他乡镇（街道），无需继续办理",
            ),
        ],
    )
    return warning


@transaction.atomic
def assign(*, actor, warning: EarlyWarning, user: User) -> EarlyWarning:
    """Township caseworker assigns a grid worker of the township to verify on the spot."""
    step = Transition(actor, warning, "assign")
    warning = step.warning
    if not assignable_workers(warning.township_code).filter(pk=getattr(user, "pk", None)).exists():
        raise MonitoringError("只能指派本乡镇（街道）的网格员")
    before = {"status": warning.status, "assigned_to": warning.assigned_to_id}
    warning.status, warning.assigned_to = S.ASSIGNED, user
    warning.save(update_fields=["status", "assigned_to", "updated_at"])
    step.done(
        action=AuditAction.MONITORING_ASSIGN,
        summary=f"指派网格员{user.label}入户核查",
        data={"assigned_to": user.pk},
        before=before,
        after={"assigned_to": user.pk},
        notify_to=[
            (
                [user.pk],
                f"您有新的入户核查任务（{warning.get_indicator_display()}预警，期限 {warning.deadline:%Y-%m-%d}）",
            )
        ],
    )
    return warning


@transaction.atomic
def close(*, actor, warning: EarlyWarning, outcome: str) -> EarlyWarning:
    """Close a disposed warning with its outcome; fed back to the county (R-M15)."""
    step = Transition(actor, warning, "close")
    warning = step.warning
    outcome = (outcome or "").strip()
    if not outcome:
        raise MonitoringError("请填写办结情况")
    if not hasattr(warning, "disposition"):
        raise MonitoringError("尚未处置，不能办结")
    today = timezone.localdate()
    warning.status, warning.is_open, warning.closed_on, warning.outcome = (
        S.CLOSED,
        False,
        today,
        outcome[:500],
    )
    warning.save(update_fields=["status", "is_open", "closed_on", "outcome", "updated_at"])
    if warning.potential_case_id and warning.disposition.kind == "no_hardship":
        PotentialCase.unscoped.filter(pk=warning.potential_case_id, status=PotentialCase.Status.OPEN).update(
            status=PotentialCase.Status.DISMISSED
        )
    step.done(
        action=AuditAction.MONITORING_CLOSE,
        kind=ChainEvent.Kind.CLOSED,
        summary=f"办结：{outcome[:120]}",
        data={"outcome": outcome[:500], "closed_on": today},
        after={"closed_on": today, "outcome": outcome[:500]},
        notify_to=[
            (
                county_officers(warning.region_code),
                f"{warning.get_indicator_display()}预警已办结：{outcome[:60]}",
            )
        ],
    )
    return warning

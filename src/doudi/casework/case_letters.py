"""The letters of a case's life (CASEWORK §5, R-W31–R-W36): adjustment, grace, suspension (also for
termination) and transition, filled from the case and handed to ``letters`` to render, number and keep.
Only masked identity numbers; amounts in whole yuan; dates the Chinese way."""

from __future__ import annotations

import datetime as dt

from doudi.casework import household_data, publicity
from doudi.casework.models import Case
from doudi.casework.paperwork import zh_date, zh_month
from doudi.letters.actions import issue_letter
from doudi.registry.models import CATEGORY_NAMES

TRANSITION_MEASURES = {
    "MARGINAL": [
        "按规定享受医疗救助、教育救助、住房救助、就业救助等专项救助",
        "纳入动态监测，家庭情况变化时可重新申请最低生活保障",
    ],
    "RIGID": [
        "按规定享受医疗救助、教育救助等专项救助，减轻刚性支出负担",
        "纳入动态监测，有效期满前重新认定",
    ],
    "DIBAO": ["按月发放最低生活保障金", "按规定享受相应专项救助"],
}


TIER_FULL = {
    "DIBAO": "最低生活保障",
    "TEKUN": "特困人员救助供养",
    "MARGINAL": "低保边缘家庭",
    "RIGID": "刚性支出困难家庭",
}


def tier_label(tier: str) -> str:
    return TIER_FULL.get(tier) or CATEGORY_NAMES.get(tier, tier)


def _applicant(case: Case, on: dt.date) -> tuple[str, str]:
    app = case.application
    if app is not None:
        return app.applicant_name, app.number
    people = household_data.members(case.household_id, on)
    head = next((p for p in people if p.relation == "head"), people[0] if people else None)
    return (head.name if head else "户主"), f"档案{case.pk}"


def issue(kind: str, case: Case, *, actor, on: dt.date, context: dict):
    """Issue one letter of ``kind`` about ``case`` (kept as issued)."""
    name, number = _applicant(case, on)
    minor = case.application is not None and publicity.applicant_is_minor(case.application, on)
    ctx = {"applicant_name": name, "application_no": number, "place": publicity.place_of(case.region_code)}
    ctx |= context
    return issue_letter(
        actor=actor,
        kind=kind,
        region_code=case.region_code,
        household_id=case.household_id,
        ref=("casework.case", case.pk),
        context=ctx,
        on=on,
        addressee=f"{name}的监护人" if minor else name,
    )


def adjustment(case: Case, *, actor, on: dt.date, old: int, new: int, start: dt.date, reasons: list[str]):
    return issue(
        "adjustment",
        case,
        actor=actor,
        on=on,
        context={
            "tier_label": tier_label(case.tier),
            "direction": "增发" if new > old else "减发",
            "old_monthly_total": old,
            "monthly_total": new,
            "start_month": zh_month(start),
            "reasons": reasons,
        },
    )


def grace(case: Case, *, actor, on: dt.date, trigger: str, start: dt.date, end: dt.date, amount: int):
    return issue(
        "grace",
        case,
        actor=actor,
        on=on,
        context={
            "tier_label": tier_label(case.tier),
            "trigger": trigger,
            "grace_start": zh_month(start),
            "grace_end": zh_month(end),
            "monthly_total": amount,
            "after_grace": "渐退期满后停止发放，并按规定重新评估是否纳入低保边缘家庭或刚性支出困难家庭。",
        },
    )


def stop(
    case: Case,
    *,
    actor,
    on: dt.date,
    action: str,
    effective: dt.date,
    reasons: list[str],
    failed: list[dict] | None = None,
    resume: str = "",
):
    """暂停/停发/终止告知书: ``action`` 暂停发放 / 停止发放 / 终止救助."""
    ctx = {
        "action_label": action,
        "tier_label": tier_label(case.tier),
        "effective_month": zh_month(effective),
        "reasons": reasons or ["家庭情况发生变化"],
        "failed_conditions": failed or [],
    }
    if resume:
        ctx["resume_conditions"] = resume
    return issue("suspension", case, actor=actor, on=on, context=ctx)


def transition(old: Case, new: Case, *, actor, on: dt.date, effective: dt.date):
    return issue(
        "transition",
        new,
        actor=actor,
        on=on,
        context={
            "from_tier": tier_label(old.tier),
            "to_tier": tier_label(new.tier),
            "effective_month": zh_month(effective),
            "measures": TRANSITION_MEASURES.get(new.tier, []),
            "next_review": zh_date(new.next_review),
        },
    )

"""One entry for the events of a case's life, shared by the pages, the API and the command: the event
name and its fields → the action (each checks who may act). Unknown events and fields are refused in
Chinese (422)."""

from __future__ import annotations

import datetime as dt

from doudi.casework import lifecycle_actions, move_actions, review_decide_actions
from doudi.casework.base import CaseworkError
from doudi.casework.models import Case, CaseReview, Suspension

CASE_EVENTS = {
    "change": "登记家庭变化（启动变化复核）",
    "suspend": "暂停发放",
    "clear_suspension": "暂停原因消除",
    "presence_check": "登记按月认证",
    "move": "申请迁移",
}
REVIEW_EVENTS = {
    "prepare": "重新核对",
    "visit": "登记入户情况",
    "decide": "作出复核决定",
    "object": "登记终止异议",
    "end_notice": "公示期满终止",
}


def _month(value) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        return dt.date.fromisoformat(f"{str(value or '').strip()[:7]}-01")
    except ValueError:
        raise CaseworkError("月份格式应为YYYY-MM", "month") from None


def _bool(value) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on", "passed", "通过")


def apply_case(user, case: Case, event: str, *, on: dt.date | None = None, fields: dict | None = None):
    f = dict(fields or {})
    if event == "change":
        return lifecycle_actions.open_change_review(
            actor=user,
            case=case,
            trigger=f.get("trigger") or "family",
            change_type=f.get("change_type") or "",
            detail=str(f.get("detail") or ""),
            on=on,
        )
    if event == "suspend":
        return lifecycle_actions.suspend(actor=user, case=case, cause=f.get("cause") or "", on=on)
    if event == "clear_suspension":
        suspension = Suspension.unscoped.filter(case=case, outcome="").first()
        if suspension is None:
            raise CaseworkError("该档案没有暂停中的发放", "event")
        return lifecycle_actions.clear_suspension(actor=user, suspension=suspension, on=on)
    if event == "presence_check":
        return lifecycle_actions.record_presence_check(
            actor=user,
            case=case,
            month=_month(f.get("month")),
            passed=_bool(f.get("passed")),
            method=str(f.get("method") or ""),
            on=on,
        )
    if event == "move":
        return move_actions.request_move(
            actor=user, case=case, to_region=str(f.get("to_region") or ""), on=on
        )
    raise CaseworkError(f"未知的办理事项：{event}", "event")


def apply_review(
    user, review: CaseReview, event: str, *, on: dt.date | None = None, fields: dict | None = None
):
    f = dict(fields or {})
    if event == "prepare":
        return review_decide_actions.prepare_review(actor=user, review=review, on=on)
    if event == "visit":
        return review_decide_actions.record_visit(
            actor=user, review=review, findings=f.get("findings") or "", on=on
        )
    if event == "decide":
        outcome = f.pop("outcome", "")
        allowed = {
            k: f[k] for k in ("reasons", "review_class", "trigger", "cause") if f.get(k) not in (None, "")
        }
        return review_decide_actions.decide_review(
            actor=user, review=review, outcome=outcome, on=on, **allowed
        )
    if event == "object":
        return review_decide_actions.record_objection(
            actor=user, review=review, text=f.get("text") or "", on=on
        )
    if event == "end_notice":
        return review_decide_actions.end_notice(actor=user, review=review, on=on)
    raise CaseworkError(f"未知的办理事项：{event}", "event")

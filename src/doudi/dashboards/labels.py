"""The Chinese names of every code the dashboards show (no raw codes on pages or exports)."""

from __future__ import annotations

from doudi.accounts.models import Department
from doudi.casework.models import CaseDecision
from doudi.casework.states import STATES as APPLICATION_STATES
from doudi.casework.states import TERMINAL
from doudi.charity.rules import CATEGORIES as NEED_CATEGORIES
from doudi.complaints.rules import TYPES as COMPLAINT_TYPES
from doudi.monitoring.models import Disposition, Indicator, WarningLevel
from doudi.payments.models import Programme, RosterLine
from doudi.registry.models import CATEGORY_NAMES, AreaType
from doudi.services.models import ServiceVisit

TOPIC_TITLES: dict[str, str] = {
    "people": "救助对象（按类别和城乡）",
    "applications": "救助申请",
    "deadlines": "办理时限（按环节）",
    "warnings": "预警核查",
    "dispositions": "预警处置方式",
    "exits": "退出与类别转换",
    "needs": "需求推送与部门答复",
    "payments": "救助金发放（按月、按类别）",
    "complaints": "投诉举报及办理时限",
    "services": "救助服务（按服务项目）",
    "charity": "慈善帮扶需求（按类别）",
}
AREA = dict(AreaType.choices)
CATEGORIES: list[str] = [str(k) for k in CATEGORY_NAMES]
# a payment line's tier is a category; a line carrying none is named by its programme (临时救助, …)
TIERS: dict[str, str] = {**dict(Programme.choices), **{str(k): v for k, v in CATEGORY_NAMES.items()}}
DEPARTMENTS = dict(Department.choices)
LEVELS = dict(WarningLevel.choices)
INDICATORS = dict(Indicator.choices)
DISPOSITIONS = dict(Disposition.Kind.choices)
EXIT_KINDS = {k: v for k, v in CaseDecision.Kind.choices if k in ("terminate", "transition", "grace")}
LINE_STATUS = dict(RosterLine.Status.choices)
APPLICATION_GROUPS: dict[str, str] = {
    "open": "在办",
    "confirmed": "已确认",
    "refused": "不予确认",
    "other": "撤回、失效或不予受理",
}
STEP_TIMELINESS: dict[str, str] = {
    "on_time": "按时完成",
    "late": "超时完成",
    "overdue": "逾期未完成",
    "pending": "未到期",
}
WARNING_TIMELINESS: dict[str, str] = {
    "on_time": "按时核查",
    "late": "超时核查",
    "overdue": "逾期未核查",
    "pending": "待核查（未到期）",
    "closed_unverified": "未经核查办结",
}
NEED_ANSWERS: dict[str, str] = {
    "on_time": "按时答复",
    "late": "超时答复",
    "overdue": "逾期未答复",
    "open": "待答复（未到期）",
    "withdrawn": "已撤回",
}
COMPLAINT_TIMELINESS: dict[str, str] = {
    "on_time": "按时办结",
    "late": "超时办结",
    "overdue": "逾期未办结",
    "pending": "办理中（未到期）",
}

VISIT_STATES = dict(ServiceVisit.State.choices)
# a published need's state, grouped as a donor reads it
NEED_GROUPS: dict[str, str] = {
    "open": "待认领",
    "claimed": "认领中",
    "completed": "已完成",
    "ended": "已关闭或撤回",
}
NEED_GROUP_OF = {
    "published": "open",
    "partly_claimed": "claimed",
    "claimed": "claimed",
    "completed": "completed",
}


def need_group(state: str) -> str:
    return NEED_GROUP_OF.get(state, "ended")


def application_group(state: str) -> str:
    if state not in TERMINAL:
        return "open"
    return state if state in ("confirmed", "refused") else "other"


def label(table: dict[str, str], code: str) -> str:
    return table.get(code) or ("（未填）" if not code else "其他")


__all__ = ["APPLICATION_STATES", "COMPLAINT_TYPES", "NEED_CATEGORIES"]

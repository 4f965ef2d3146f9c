"""Complaints' pure rules (CASEWORK §8, R-G1–R-G9; no Django): channels, types, states and the transition
table, the decisions a closing needs, root causes, who handles at which level, and the time status of a
deadline (on track / at risk / breached, R-G5)."""

from __future__ import annotations

from dataclasses import dataclass

# R-G1 channels (the value is stored, the label shown)
CHANNELS: dict[str, str] = {
    "online": "网上（小程序、网站）",
    "window": "窗口来访",
    "hotline": "社会救助热线",
    "h12345": "12345政务服务热线",
    "letter": "来信",
    "notice_board": "公示异议（公示栏）",
    "xinfang": "信访转办",
    "supervision": "纪检监察、审计移交",
    "data": "系统数据发现",
}
# R-G2 types
TYPES: dict[str, str] = {
    "notice_objection": "公示异议",
    "verification_objection": "核对结果异议",
    "decision": "对救助决定的投诉（不予确认、金额、终止）",
    "payment": "资金发放投诉（未到账、金额不符）",
    "report": "举报（不应享受、人情保关系保、工作人员违纪）",
    "service": "服务投诉（态度、拖延）",
    "data_change": "家庭信息更正申请",
    "feedback": "意见建议、转办",
}
SENSITIVE_TYPES = frozenset({"report"})  # R-G7 (and any ticket naming staff)

STATES: dict[str, str] = {
    "new": "待受理",
    "accepted": "已受理，待分办",
    "in_progress": "调查核实中",
    "on_hold": "暂停办理",
    "for_approval": "处理意见待审批",
    "decided": "已作出处理决定，待答复",
    "closed": "已办结",
}
OPEN_STATES = frozenset(STATES) - {"closed"}


@dataclass(frozen=True)
class Event:
    label: str  # the history's and the audit's Chinese name
    sources: frozenset[str]
    target: str


EVENTS: dict[str, Event] = {
    "accept": Event("受理", frozenset({"new"}), "accepted"),
    "not_accept": Event("不予受理", frozenset({"new"}), "closed"),
    "assign": Event("分办调查", frozenset({"accepted", "in_progress"}), "in_progress"),
    "hold": Event("暂停办理", frozenset({"in_progress"}), "on_hold"),
    "resume": Event("恢复办理", frozenset({"on_hold"}), "in_progress"),
    "propose": Event("提出处理意见", frozenset({"in_progress"}), "for_approval"),
    "send_back": Event("退回重新调查", frozenset({"for_approval"}), "in_progress"),
    "approve": Event("审批处理决定", frozenset({"for_approval"}), "decided"),
    "reply": Event("答复并办结", frozenset({"decided"}), "closed"),
    "close_feedback": Event("直接办结（意见建议、转办）", frozenset({"in_progress"}), "closed"),
}
# events that need no state change of their own but are recorded in the history
NOTES: dict[str, str] = {
    "file": "登记投诉举报",
    "escalate": "逾期升级督办",
    "extend": "信访事项延期办理",
    "appeal": "申请复查",
    "case_effect": "对救助申请的影响",
}

# R-G4 decisions (a closing needs one)
DECISIONS: dict[str, str] = {
    "upheld": "属实（支持）",
    "partly_upheld": "部分属实（部分支持）",
    "rejected": "不属实（不予支持）",
    "withdrawn": "投诉人撤回",
    "referred": "转交有关部门办理",
    "merged": "与其他投诉合并办理",
    "not_accepted": "不予受理",
}
# R-G9 root causes recorded at closing
ROOT_CAUSES: dict[str, str] = {
    "data": "数据问题",
    "rule": "政策规定问题",
    "staff": "工作人员问题",
    "family": "家庭自身原因",
    "bank": "银行或发放渠道问题",
    "none": "无问题（投诉不属实）",
}
REPLY_METHODS: dict[str, str] = {
    "phone": "电话答复",
    "letter": "书面答复",
    "visit": "当面答复",
    "online": "网上答复",
    "none": "匿名，无法答复",
}

LEVELS = ("township", "county", "city", "province")
LEVEL_LABELS = {"township": "乡镇（街道）", "county": "县级民政", "city": "市级民政", "province": "省级民政"}
ROLE_LEVEL = {
    "grid_worker": "township",
    "township_caseworker": "township",
    "county_officer": "county",
    "city_officer": "city",
    "province_officer": "province",
}
STATUS_LABELS = {"on_track": "正常", "at_risk": "临近到期", "breached": "已逾期", "done": "已办结"}


class ComplaintRuleError(ValueError):
    pass


def allowed(event: str, state: str) -> bool:
    ev = EVENTS.get(event)
    return ev is not None and state in ev.sources


def level_above(level: str) -> str:
    i = LEVELS.index(level) if level in LEVELS else 0
    return LEVELS[min(i + 1, len(LEVELS) - 1)]


def rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def handling_level(ctype: str, *, staff_level: str = "", appeal_of_level: str = "") -> str:
    """Who handles a ticket: the township, except a report or a ticket naming staff — the level above the
    named staff (the supervising level, R-G7; at least the county) — and an appeal, one level above the
    original (R-G4)."""
    if appeal_of_level:
        return level_above(appeal_of_level)
    if staff_level:
        return level_above(staff_level)
    if ctype in SENSITIVE_TYPES:
        return "county"
    return "township"


def closing_problems(
    *, decision: str, root_cause: str, reply: str, anonymous: bool, reply_method: str
) -> list[str]:
    """What a closing still lacks (R-G4: a decision and a reply where the complainant is identified; R-G9:
    the root cause)."""
    out = []
    if decision not in DECISIONS:
        out.append("办结须有处理决定")
    if root_cause not in ROOT_CAUSES:
        out.append("办结须填写问题原因")
    if not anonymous and (not reply.strip() or reply_method not in REPLY_METHODS or reply_method == "none"):
        out.append("实名投诉须答复投诉人（答复方式和答复内容）")
    return out


def time_status(
    used: int, total: int, *, overdue: bool, done: bool = False, at_risk_share: float = 0.8
) -> str:
    """R-G5: on_track / at_risk (≥ ``at_risk_share`` of the time used) / breached (past the due date)."""
    if done:
        return "done"
    if overdue:
        return "breached"
    if total > 0 and used >= at_risk_share * total:
        return "at_risk"
    return "on_track"

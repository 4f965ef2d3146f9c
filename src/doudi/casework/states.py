"""The application's state machine (CASEWORK R-W17) as data: the states with their Chinese names, the
events with the states they may leave from and the state they lead to. Pure: no Django, so the table
can be checked on its own (a hypothesis test walks random event sequences through it).

Two steps run side by side after acceptance (R-W20, R-W22): verification and investigation. ``state``
is the furthest step; where an event's target depends on the other track (the second of the two to
finish leads to ``assessed``), ``target`` decides from the flags the application carries.
"""

from __future__ import annotations

from dataclasses import dataclass

STATES: dict[str, str] = {
    "draft": "草稿",
    "submitted": "已提交待受理",
    "returned": "退回补正材料",
    "not_accepted": "不予受理",
    "accepted": "已受理",
    "verifying": "核对中",
    "verified_pass": "核对通过",
    "verified_fail": "核对未通过",
    "rechecking": "复查中",
    "investigating": "调查中",
    "assessed": "已完成调查核对",
    "prelim_opinion": "已提出初审意见",
    "in_notice": "公示中",
    "notice_objected": "公示有异议",
    "reinvestigating": "重新调查中",
    "appraisal": "民主评议中",
    "awaiting_confirmation": "待审核确认",
    "returned_to_township": "退回乡镇",
    "confirmed": "已确认",
    "refused": "不予确认",
    "withdrawn": "已撤回",
    "lapsed": "已失效",
}

TERMINAL = frozenset({"confirmed", "refused", "withdrawn", "lapsed", "not_accepted"})
OPEN_STATES = frozenset(STATES) - TERMINAL


@dataclass(frozen=True)
class Event:
    name: str
    label: str
    sources: frozenset[str]
    rule: str
    # who acts: "township" (the township's stages), "authority" (the confirming authority), "county"
    # (the county itself, e.g. its own home visit), "any" (anyone in scope who may write), "system"
    actor: str = "township"


def _e(
    name: str, label: str, sources: set[str] | frozenset[str], rule: str, actor: str = "township"
) -> Event:
    return Event(name, label, frozenset(sources), rule, actor)


_BEFORE_CONFIRMED = OPEN_STATES

EVENTS: dict[str, Event] = {
    e.name: e
    for e in (
        _e("submit", "提交申请", {"draft"}, "R-W17"),
        _e("accept", "受理", {"submitted"}, "R-W17"),
        _e("return", "一次性告知补正材料", {"submitted"}, "R-W19"),
        _e("not_accept", "不予受理", {"submitted"}, "R-W17"),
        _e("resubmit", "补正后重新提交", {"returned"}, "R-W19"),
        _e("lapse", "补正逾期失效", {"returned"}, "R-W17", "system"),
        _e("withdraw", "撤回申请", _BEFORE_CONFIRMED, "R-W17", "any"),
        _e("request_verification", "发起家庭经济状况核对", {"accepted", "investigating"}, "R-W20"),
        _e(
            "record_verification",
            "登记核对结果",
            {"accepted", "verifying", "investigating", "rechecking"},
            "R-W20",
            "any",
        ),
        _e("request_recheck", "申请人提出复查", {"verified_fail"}, "R-W20"),
        _e(
            "record_investigation",
            "登记入户调查",
            {
                "accepted",
                "verifying",
                "verified_pass",
                "investigating",
                "reinvestigating",
                "returned_to_township",
            },
            "R-W22",
            "any",
        ),
        _e("propose", "提出初审意见", {"assessed", "returned_to_township"}, "R-W23b"),
        _e("start_notice", "开始公示", {"prelim_opinion"}, "R-PUB2"),
        _e("object", "登记公示异议", {"in_notice"}, "R-G3", "any"),
        _e("end_notice", "公示期满报送审核确认", {"in_notice"}, "R-PUB2"),
        _e("reinvestigate", "异议重新调查", {"notice_objected"}, "R-W7"),
        _e("start_appraisal", "组织民主评议", {"notice_objected"}, "R-W7"),
        _e("record_appraisal", "登记民主评议结果", {"appraisal"}, "R-W7"),
        _e("confirm", "审核确认", {"awaiting_confirmation"}, "R-W24", "authority"),
        _e(
            "refuse",
            "不予确认",
            {"verified_fail", "prelim_opinion", "awaiting_confirmation"},
            "R-W25",
            "authority",
        ),
        _e("return_to_township", "退回乡镇", {"awaiting_confirmation"}, "R-W17", "authority"),
    )
}


@dataclass(frozen=True)
class Tracks:
    """What the target of a track event depends on: whether the other track has finished."""

    verification: str | None = None  # None | "pass" | "fail"
    investigation_done: bool = False
    notice_exempt: bool = False
    proposal_refuses: bool = False


class TransitionRefused(ValueError):
    """An event the state does not allow (API 409)."""


def allowed(event: str, state: str) -> bool:
    ev = EVENTS.get(event)
    return ev is not None and state in ev.sources


def events_from(state: str) -> list[str]:
    return [name for name, ev in EVENTS.items() if state in ev.sources]


def target(event: str, state: str, tracks: Tracks, *, result: str | None = None) -> str:
    """The state ``event`` leads to from ``state``; ``TransitionRefused`` when the table forbids it."""
    if not allowed(event, state):
        raise TransitionRefused(
            f"当前状态“{STATES.get(state, state)}”不能{EVENTS[event].label if event in EVENTS else event}"
        )
    if event in ("submit", "resubmit"):
        return "submitted"
    if event == "accept":
        return "accepted"
    if event == "return":
        return "returned"
    if event == "not_accept":
        return "not_accepted"
    if event == "lapse":
        return "lapsed"
    if event == "withdraw":
        return "withdrawn"
    if event == "request_verification":
        return "verifying" if not tracks.investigation_done else state
    if event == "record_verification":
        if result == "fail":
            return "verified_fail"
        # ``investigating`` is reached only by a recorded investigation waiting for the verification
        return "assessed" if tracks.investigation_done or state == "investigating" else "verified_pass"
    if event == "request_recheck":
        return "rechecking"
    if event == "record_investigation":
        if state in ("reinvestigating", "returned_to_township", "verified_pass"):
            return "assessed"
        return "assessed" if tracks.verification == "pass" else "investigating"
    if event == "propose":
        return "prelim_opinion"
    if event == "start_notice":
        return "awaiting_confirmation" if (tracks.notice_exempt or tracks.proposal_refuses) else "in_notice"
    if event == "object":
        return "notice_objected"
    if event == "end_notice":
        return "awaiting_confirmation"
    if event == "reinvestigate":
        return "reinvestigating"
    if event == "start_appraisal":
        return "appraisal"
    if event == "record_appraisal":
        return "assessed"
    if event == "confirm":
        return "confirmed"
    if event == "refuse":
        return "refused"
    if event == "return_to_township":
        return "returned_to_township"
    raise TransitionRefused(f"未知的办理事项：{event}")  # pragma: no cover - every event is handled above

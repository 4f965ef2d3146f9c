"""Labels of the casework pages: every stored code shown in Chinese, and a link that may not exist yet."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from doudi.casework import clock, states, verify_rules
from doudi.casework.models import Authorization, Channel
from doudi.regions.queries import region_name
from doudi.registry.models import CATEGORY_NAMES

register = template.Library()

MATERIAL_STATUS = {"fetched": "系统已获取", "provided": "已提供", "missing": "缺少"}
ROLE_LABELS = {
    "grid_worker": "网格员/协理员",
    "township_caseworker": "乡镇（街道）经办人",
    "county_officer": "县级民政",
    "city_officer": "市级民政",
    "province_officer": "省级民政",
}
LEVEL_LABELS = {
    "village": "村（社区）",
    "township": "乡镇（街道）",
    "county": "县级",
    "city": "市级",
    "province": "省级",
    "system": "系统",
    "cross_region": "跨地区",
    # a step recorded without its level: the actor's role tells it
    "grid_worker": "村（社区）",
    "township_caseworker": "乡镇（街道）",
    "county_officer": "县级",
    "city_officer": "市级",
    "province_officer": "省级",
}
EXTRA_EVENTS = {
    "open": "提出申请",
    "county_visit": "县级入户调查",
    "run_verification": "运行家庭经济状况核对",
}
RESULT_LABELS = {"pass": "通过", "fail": "未通过", "": "—"}
HOUSING = {"poor": "差", "fair": "一般", "good": "较好"}
LABOUR = {"full": "完全劳动能力", "partial": "部分劳动能力", "none": "无劳动能力"}
METHODS = {"home": "入户", "video": "视频", "phone": "电话"}
SOURCES = {"system": "系统核对", "manual": "纸质核对结果"}
DECISION_KINDS = {"confirm": "确认", "refuse": "不予确认", "overrule": "县级抽查改正"}
SPOT_RESULTS = {"": "待抽查", "upheld": "维持", "overruled": "改正"}

# the progress bar: the main stages and the states that sit in each
STAGES = (
    ("申请", ("draft", "submitted", "returned")),
    ("受理", ("accepted",)),
    (
        "调查核对",
        ("verifying", "verified_pass", "verified_fail", "rechecking", "investigating", "reinvestigating"),
    ),
    ("初审意见", ("assessed", "prelim_opinion", "returned_to_township", "appraisal")),
    ("公示", ("in_notice", "notice_objected")),
    ("审核确认", ("awaiting_confirmation",)),
    ("办结", tuple(states.TERMINAL)),
)


@register.filter
def state_label(code: str) -> str:
    return states.STATES.get(code, "—")


@register.filter
def event_label(code: str) -> str:
    ev = states.EVENTS.get(code)
    return ev.label if ev else EXTRA_EVENTS.get(code, "办理")


@register.filter
def deadline_status(code: str) -> str:
    return clock.STATUS_LABELS.get(code, "—")


@register.filter
def material_status(code: str) -> str:
    return MATERIAL_STATUS.get(code, "—")


@register.filter
def role_label(code: str) -> str:
    return ROLE_LABELS.get(code, "系统" if not code else "工作人员")


@register.filter
def level_label(code: str) -> str:
    return LEVEL_LABELS.get(code, "—")


@register.filter
def channel_label(code: str) -> str:
    return dict(Channel.choices).get(code, "—")


@register.filter
def result_label(code: str) -> str:
    return RESULT_LABELS.get(code or "", "—")


@register.filter
def row_result(code: str) -> str:
    return verify_rules.RESULT_LABELS.get(code, "—")


@register.filter
def housing_label(code: str) -> str:
    return HOUSING.get(code, "未评定")


@register.filter
def labour_label(code: str) -> str:
    return LABOUR.get(code, "未评定")


@register.filter
def method_label(code: str) -> str:
    return METHODS.get(code, "—")


@register.filter
def report_source(code: str) -> str:
    return SOURCES.get(code, "—")


@register.filter
def decision_kind(code: str) -> str:
    return DECISION_KINDS.get(code, "—")


@register.filter
def spot_result(code: str) -> str:
    return SPOT_RESULTS.get(code or "", "—")


@register.filter
def tier_label(code: str) -> str:
    return CATEGORY_NAMES.get(code, "—") if code else "不符合条件"


@register.filter
def tiers_label(codes) -> str:
    return "、".join(CATEGORY_NAMES.get(c, "—") for c in codes) if codes else "全部救助类别"


@register.filter
def auth_role(code: str) -> str:
    return dict(Authorization.Role.choices).get(code, "—")


@register.filter
def auth_method(code: str) -> str:
    return dict(Authorization.Method.choices).get(code, "—")


@register.filter
def calendar_label(text: str) -> str:
    """``chinese-calendar 1.10.0+管理员调整`` → 法定节假日历 1.10.0（含管理员调整）."""
    if not text:
        return "—"
    version = text.replace("chinese-calendar", "").replace("+管理员调整", "").strip()
    return f"法定节假日历 {version}" + ("（含管理员调整）" if "管理员调整" in text else "")


@register.filter
def status_class(code: str) -> str:
    return {"overdue": "st-overdue", "due_soon": "st-soon", "done_late": "st-late"}.get(code, "")


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """The URL, or "" while the page does not exist (the public notice page comes with another change)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def stages(state: str) -> list[dict]:
    current = next((i for i, (_, sts) in enumerate(STAGES) if state in sts), 0)
    return [
        {"label": label, "status": "done" if i < current else ("current" if i == current else "todo")}
        for i, (label, _) in enumerate(STAGES)
    ]


@register.filter
def region_label(code: str) -> str:
    """A region's full Chinese name (a move names its regions, never their codes)."""
    return region_name(code)

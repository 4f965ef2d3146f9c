"""Template filters for the registry's stored codes (category, relation, source, area, identity number
status, sex, fact kinds) and for dated fact values: ``{% load registry_labels %}``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from doudi.registry.labels import DISABILITY_KIND_ZH
from doudi.registry.models import (
    CATEGORY_SHORT,
    SEX_LABELS,
    AreaType,
    Category,
    HouseholdFactKind,
    IdStatus,
    PersonFactKind,
    Relation,
    Source,
)

register = template.Library()

# Labels for keys commonly found in fact values; unknown keys are shown as stored.
VALUE_KEYS = {
    "kind": "类别",
    "grade": "等级",
    "level": "级别",
    "code": "代码",
    "codes": "代码",
    "disease": "疾病",
    "diagnosis": "诊断",
    "employed": "就业",
    "status": "状态",
    "employer": "单位",
    "school": "学校",
    "stage": "学段",
    "grade_level": "年级",
    "amount": "金额",
    "monthly": "月收入",
    "annual": "年收入",
    "income": "收入",
    "yuan": "金额（元）",
    "months": "月数",
    "total": "合计",
    "medical": "医疗",
    "education": "教育",
    "housing": "住房",
    "care": "照护",
    "deposits": "存款",
    "financial": "金融资产",
    "vehicles": "车辆",
    "vehicle": "车辆",
    "dwellings": "住房套数",
    "floor_area": "住房面积",
    "business": "经营主体",
    "capacity": "劳动能力",
    "failed": "不能完成项数",
    "care_level": "护理等级",
    "region_code": "区划代码",
    "area_type": "城乡类别",
    "address": "住址",
    "phone": "联系电话",
    "name": "姓名",
    "id_number": "身份证号",
    "sex": "性别",
    "birth_date": "出生日期",
    "note": "备注",
    "ok": "符合规定",
    "has_capable_supporter": "有赡养能力的义务人",
    "nonresidential_property": "非住宅房产",
    "flag": "是否重病",
    "diagnosis_code": "诊断代码",
    "in_school": "在学",
}
VALUE_WORDS = {
    **dict(AreaType.choices),
    **SEX_LABELS,
    # labour capacity levels
    "full": "完全",
    "partial": "部分",
    "none": "无",
    # disability kinds
    **DISABILITY_KIND_ZH,
    # school stages
    "preschool": "学前",
    "primary": "小学",
    "junior": "初中",
    "senior": "高中",
    "vocational": "职业教育",
    "undergraduate": "本科",
    "graduate": "研究生",
}


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value or "—"


@register.filter
def category_label(value) -> str:
    return _label(Category, value)


@register.filter
def category_short(value) -> str:
    return CATEGORY_SHORT.get(value, value or "—")


@register.filter
def relation_label(value) -> str:
    return _label(Relation, value)


@register.filter
def source_label(value) -> str:
    return _label(Source, value)


@register.filter
def area_label(value) -> str:
    return _label(AreaType, value)


@register.filter
def id_status_label(value) -> str:
    return _label(IdStatus, value)


@register.filter
def sex_label(value) -> str:
    return SEX_LABELS.get(value, "—")


@register.filter
def person_fact_label(value) -> str:
    return _label(PersonFactKind, value)


@register.filter
def household_fact_label(value) -> str:
    return _label(HouseholdFactKind, value)


def _scalar(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return VALUE_WORDS.get(value, str(value)) if isinstance(value, str) else str(value)


@register.filter
def fact_value(value) -> str:
    """A fact's value (``fact.data()``) as one readable line: ``类别：肢体；等级：2``."""
    if isinstance(value, dict):
        order = {k: i for i, k in enumerate(VALUE_KEYS)}
        items = sorted(value.items(), key=lambda kv: (order.get(kv[0], len(order)), str(kv[0])))
        parts = [f"{VALUE_KEYS.get(k, k)}：{fact_value(v)}" for k, v in items]
        return "；".join(parts) if parts else "—"
    if isinstance(value, list | tuple):
        return "、".join(fact_value(v) for v in value) if value else "—"
    return _scalar(value)

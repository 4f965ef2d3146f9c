"""Criteria, benefit lines and the plain-language explanation of one assessed household.

Nothing here decides: every pass/fail and amount comes from ``evaluate.assess_table``. This module only
names the numbers that were compared (criteria details) and renders ``explanation_zh`` from the criteria
and the result, with the per-rule templates of ``TEMPLATES`` — the one table of user-facing text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from doudi.policy.rules import codes
from doudi.policy.rules.inputs import AssessmentInput, Member
from doudi.policy.rules.money import fmt_fen_2dp, fmt_number, fmt_percent, fmt_yuan
from doudi.policy.rules.params import BEFORE_FIRST_PREFIX, FLOOR_NOTE, SPECS, Parameters
from doudi.registry.labels import DISABILITY_KIND_ZH

TEMPLATES: dict[str, str] = {
    # R-T1..R-T5 (per member unless noted)
    "R-T1.elderly": "成员 {member}：{age} 周岁 ≥ {limit} 周岁，视为无劳动能力",
    "R-T1.child": "成员 {member}：{age} 周岁 < {limit} 周岁，视为无劳动能力",
    "R-T1.disability": "成员 {member}：{disability}属于无劳动能力的残疾类别",
    "R-T1.fail": "成员 {member}：{age} 周岁（{child}–{elderly_minus} 周岁），{disability_note}，不属于无劳动能力",
    "R-T1.fail.none": "无残疾",
    "R-T1.fail.disability": "{disability}不属于无劳动能力的残疾类别",
    "R-T2.pass": "成员 {member}：本人月收入 {own} 元 < 低保标准 {s} 元，本人财产符合规定",
    "R-T2.income": "成员 {member}：本人月收入 {own} 元 ≥ 低保标准 {s} 元",
    "R-T2.assets": "成员 {member}：本人月收入 {own} 元 < 低保标准 {s} 元，但本人财产不符合规定",
    "R-T3.pass": "成员 {member}：无法定赡养、抚养、扶养义务人或义务人无履行能力",
    "R-T3.fail": "成员 {member}：有具备履行能力的法定赡养、抚养、扶养义务人",
    "R-T4.pass": "全部 {n} 名成员均同时符合 R-T1、R-T2、R-T3",
    "R-T4.fail": "{n} 名成员中有 {k} 名不同时符合 R-T1、R-T2、R-T3（{members}）",
    "R-T5": "成员 {member}：6 项日常生活活动中 {adl} 项不能自理，照料护理等级为{level}",
    # R-T1 / R-T4 as changed (rule set 2024-2.2): per person
    "R-T1.kept": "成员 {member}：{age} 周岁，已认定为特困人员的未成年人{why}，继续视为无劳动能力",
    "R-T1.kept.minor": "（未满 {limit} 周岁）",
    "R-T1.kept.school": "（年满 {limit} 周岁仍在校就读）",
    "R-T4.all": "全部 {n} 名成员均按人认定为特困人员",
    "R-T4.some": "{n} 名成员中 {k} 名按人认定为特困人员，其余 {rest} 名按家庭认定",
    "R-T4.member.pass": "成员 {member}：同时符合 R-T1、R-T2、R-T3，按人认定为特困人员",
    "R-T4.member.fail": "成员 {member}：不同时符合 R-T1、R-T2、R-T3（不符合 {failed}），不认定为特困人员",
    "R-A1.dwellings.area.pass": "住房 {count} 套 > {limit} 套，但人均住房面积 {per} 平方米 ≤ 当地人均 {avg} 平方米的 {k} 倍（{max} 平方米）",
    "R-A1.dwellings.area.fail": "住房 {count} 套 > {limit} 套，且人均住房面积 {per} 平方米 > 当地人均 {avg} 平方米的 {k} 倍（{max} 平方米）",
    # R-A1 items (household)
    "R-A1.financial.pass": "人均金融资产 {per} 元 ≤ {months} 个月低保标准 {limit} 元",
    "R-A1.financial.fail": "人均金融资产 {per} 元 > {months} 个月低保标准 {limit} 元",
    "R-A1.vehicles.pass": "非豁免机动车 {count} 辆 ≤ {limit} 辆",
    "R-A1.vehicles.fail": "非豁免机动车 {count} 辆 > {limit} 辆",
    "R-A1.dwellings.pass": "住房 {count} 套 ≤ {limit} 套",
    "R-A1.dwellings.fail": "住房 {count} 套 > {limit} 套",
    "R-A1.business.pass": "无登记注册企业",
    "R-A1.business.fail": "有登记注册企业",
    "R-A1.nonresidential.pass": "无非住宅类房产",
    "R-A1.nonresidential.fail": "有非住宅类房产",
    # R-D1, R-M1, R-R1 (household)
    "assets.ok": "家庭财产符合规定",
    "assets.bad": "家庭财产不符合规定",
    "R-D1.below": "人均月收入 {p} 元 < 低保标准 {s} 元",
    "R-D1.above": "人均月收入 {p} 元 ≥ 低保标准 {s} 元",
    "R-M1.band": "低保标准 {s} 元 ≤ 人均月收入 {p} 元 < {k} 倍低保标准 {ks} 元",
    "R-M1.above": "人均月收入 {p} 元 ≥ {k} 倍低保标准 {ks} 元",
    "R-R1.band": "{k} 倍低保标准 {ks} 元 ≤ 人均月收入 {p} 元 < 上年度居民人均可支配收入月均 {cm} 元（{c} 元 ÷ 12）",
    "R-R1.above": "人均月收入 {p} 元 ≥ 上年度居民人均可支配收入月均 {cm} 元（{c} 元 ÷ 12）",
    "R-R1.expense.pass": "刚性支出 {e} 元 > 家庭12个月收入 {i12} 元的 {share}（{limit} 元）",
    "R-R1.expense.fail": "刚性支出 {e} 元 ≤ 家庭12个月收入 {i12} 元的 {share}（{limit} 元）",
    # R-D4, R-D5 (per member)
    "R-D4.pass": "成员 {member}：{special}，本人月收入 {own} 元 < 低保标准 {s} 元，单独纳入低保",
    "R-D4.fail": "成员 {member}：{special}，但本人月收入 {own} 元 ≥ 低保标准 {s} 元",
    "R-D5.pass": "成员 {member}：{age} 周岁、无业、{special}，本人月收入 {own} 元 < 低保标准 {s} 元且本人财产符合规定，按单人户纳入低保",
    "R-D5.fail": "成员 {member}：{special}，但{reasons}",
    "R-D5.minor": "未满 {limit} 周岁",
    "R-D5.employed": "有工作",
    "R-D5.income": "本人月收入 {own} 元 ≥ 低保标准 {s} 元",
    "R-D5.assets": "本人财产不符合规定",
    "special.illness": "重病患者",
    "special.severe": "重度残疾（{disability}）",
    # explanation_zh
    "intro": "认定日期 {as_of}：家庭共 {n} 人，人均月收入 {p} 元，当地{area}低保标准 {s} 元/人·月。",
    "outcome.TEKUN": "全体成员均符合特困人员条件，认定为特困人员（R-T4），不再按低保认定。",
    "intro.rest": "认定日期 {as_of}：家庭共 {n} 人，其中 {k} 人按人认定为特困人员（R-T4）；其余 {rest} 人按家庭认定（特困成员的收入和人数不计入），人均月收入 {p} 元，当地{area}低保标准 {s} 元/人·月。",
    "outcome.TEKUN.all": "全体成员均按人符合特困人员条件，认定为特困人员（R-T4），不再按低保认定。",
    "outcome.none.rest": "其余成员不符合低保、低保边缘家庭或刚性支出困难家庭条件：{detail}。",
    "member.tekun": "成员 {member} 同时符合无劳动能力、无生活来源、无履行能力的法定义务人三项条件，认定为特困人员（{level}）。",
    "member.not_tekun": "成员 {member} 不认定为特困人员：{reasons}。",
    "outcome.DIBAO": "认定为低保家庭（R-D1）：{detail}。",
    "outcome.MARGINAL": "认定为低保边缘家庭（R-M1）：{detail}。",
    "outcome.RIGID": "认定为刚性支出困难家庭（R-R1）：{detail}。",
    "outcome.none": "家庭不符合特困人员、低保、低保边缘家庭或刚性支出困难家庭条件：{detail}。",
    "outcome.assets": "家庭财产状况（R-A1）：{detail}。",
    "tekun.individual": "成员 {members} 本人符合 R-T1、R-T2、R-T3，但并非全体成员符合（R-T4），本次未认定为特困人员。",
    "single": "{detail}（{rule}）。",
    "existing": "已认定的{names}身份予以保留。",
    "benefits": "每月待遇合计 {total} 元：{lines}。",
    "benefits.none": "本次认定无按月发放的现金待遇。",
    "low_income.yes": "以上人员属于低收入人口。",
    "low_income.no": "家庭成员不属于低收入人口。",
    "line.R-B1": "低保差额补助 {amount} 元（R-B1）",
    "line.R-B2": "成员 {member} 重点保障增发 {amount} 元（{groups}，R-B2）",
    "line.R-B3-basic": "成员 {member} 特困基本生活费 {amount} 元（R-B3）",
    "line.R-B3-care": "成员 {member} 照料护理费 {amount} 元（R-B3）",
    "line.R-B4": "成员 {member} 单人户低保金 {amount} 元（R-B4）",
    "topup.serious_illness": "重病患者",
    "topup.severe_disability": "重度残疾人",
    "topup.elderly_70": "70周岁以上老年人",
    "topup.minor": "未成年人",
    "params.notes": "请注意所用参数：{items}。",
    "params.floor": "{items}为{note}",
    "params.early": "认定日期早于已录入的最早标准，{groups}（当地标准待录入）",
    "params.early.group": "{labels}暂按 {start} 起执行的标准计算",
    "topup.highest": "取最高一项",
    "topup.sum": "各项相加",
}
AREA_ZH = {"urban": "城市", "rural": "农村"}
CATEGORY_ZH = {codes.FPJC: "防止返贫监测对象", codes.OTHER: "其他困难人员"}

# Parameters each rule reads, for ``parameters_used`` ("{S}" = the dibao standard of the area type).
RULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "R-T1": ("tekun_disability.max_grade",),
    "R-T2": ("{S}",),
    "R-A1": ("{S}", "asset.financial_months", "asset.max_vehicles", "asset.max_dwellings"),
    "R-A1.area": ("asset.floor_area_multiple", "asset.avg_floor_area"),  # 2024-2.2, when set
    "R-D1": ("{S}",),
    "R-M1": ("{S}", "marginal_income_multiple"),
    "R-R1": ("{S}", "marginal_income_multiple", "rigid_income_ceiling.annual", "rigid_expense_share"),
    "R-D4": ("{S}",),
    "R-D5": ("{S}", "marginal_income_multiple", "rigid_income_ceiling.annual"),
    "R-B1": ("{S}",),
    "R-B2": (
        "{S}",
        "topup.serious_illness",
        "topup.severe_disability",
        "topup.elderly_70",
        "topup.minor",
        "topup_combination",
    ),
    "R-B3-basic": ("{S}", "tekun_basic_multiple"),
    "R-B3-care": ("min_wage.monthly", "tekun_care_share.{level}"),
    "R-B4": ("{S}",),
}


def _t(name: str, **values: Any) -> str:
    return TEMPLATES[name].format(**values)


def _criterion(rule: str, passed: bool, detail: str, member: str | None = None) -> dict[str, Any]:
    return {"rule": rule, "passed": bool(passed), "detail": detail, "member": member}


def _disability_text(member: Member) -> str:
    dis = member.disability
    return f"{DISABILITY_KIND_ZH[dis.kind]}{codes.GRADE_ZH[dis.grade]}残疾" if dis else ""


def _special_text(member: Member, severe: bool) -> str:
    parts = []
    if member.serious_illness:
        parts.append(_t("special.illness"))
    if severe:
        parts.append(_t("special.severe", disability=_disability_text(member)))
    return "、".join(parts)


def _money(value: Decimal) -> str:
    return fmt_yuan(value)


def _money2(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


class _Context:
    """Numbers shared by the details of one household."""

    def __init__(self, inp: AssessmentInput, params: Parameters, h: dict[str, Any]):
        hh = inp.household
        self.s = params.dibao_standard
        self.k = params.decimal("marginal_income_multiple")
        self.ceiling = params.decimal("rigid_income_ceiling.annual")
        self.share = params.decimal("rigid_expense_share")
        self.p = fmt_fen_2dp(h["per_capita_fen"])
        self.n = h["n"]
        self.income12 = hh.income_total * 12 / hh.income_months
        self.fmt = {
            "s": _money(self.s),
            "p": self.p,
            "k": fmt_number(self.k),
            "ks": _money(self.k * self.s),
            "c": _money(self.ceiling),
            "cm": _money(self.ceiling / 12),
        }


def _member_criteria(
    inp: AssessmentInput, params: Parameters, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    s = _money(params.dibao_standard)
    for member, row in zip(inp.household.members, rows, strict=True):
        mid, age = member.id, row["age"]
        if age >= codes.AGE_ELDERLY:
            detail = _t("R-T1.elderly", member=mid, age=age, limit=codes.AGE_ELDERLY)
        elif age < codes.AGE_CHILD:
            detail = _t("R-T1.child", member=mid, age=age, limit=codes.AGE_CHILD)
        elif row["t1_disability"]:
            detail = _t("R-T1.disability", member=mid, disability=_disability_text(member))
        else:
            note = (
                _t("R-T1.fail.disability", disability=_disability_text(member))
                if member.disability
                else _t("R-T1.fail.none")
            )
            detail = _t(
                "R-T1.fail",
                member=mid,
                age=age,
                child=codes.AGE_CHILD,
                elderly_minus=codes.AGE_ELDERLY - 1,
                disability_note=note,
            )
        out.append(_criterion("R-T1", row["t1"], detail, mid))
        own = _money2(member.own_income_monthly)
        if row["t2"]:
            detail = _t("R-T2.pass", member=mid, own=own, s=s)
        elif member.own_income_monthly >= params.dibao_standard:
            detail = _t("R-T2.income", member=mid, own=own, s=s)
        else:
            detail = _t("R-T2.assets", member=mid, own=own, s=s)
        out.append(_criterion("R-T2", row["t2"], detail, mid))
        out.append(
            _criterion("R-T3", row["t3"], _t("R-T3.pass" if row["t3"] else "R-T3.fail", member=mid), mid)
        )
    return out


def _asset_criterion(inp: AssessmentInput, params: Parameters, h: dict[str, Any]) -> dict[str, Any]:
    assets, n = inp.household.assets, h["n"]
    months = params.decimal("asset.financial_months")
    items: list[tuple[str, dict[str, object]]] = [
        (
            "financial",
            {
                "per": _money2(assets.financial / n),
                "months": fmt_number(months),
                "limit": _money(months * params.dibao_standard),
            },
        ),
        ("vehicles", {"count": assets.vehicles, "limit": int(params.decimal("asset.max_vehicles"))}),
        ("dwellings", {"count": assets.dwellings, "limit": int(params.decimal("asset.max_dwellings"))}),
        ("business", {}),
        ("nonresidential", {}),
    ]
    parts = [_t(f"R-A1.{name}.{'pass' if h[f'a1_{name}'] else 'fail'}", **values) for name, values in items]
    return _criterion("R-A1", h["a1"], "；".join(parts))


def _tier_criteria(inp: AssessmentInput, params: Parameters, h: dict[str, Any], ctx: _Context) -> list[dict]:
    """R-D1 always; R-M1 once p ≥ S; R-R1 once p ≥ k·S (R-C2 order)."""
    f = ctx.fmt
    assets = _t("assets.ok" if h["a1"] else "assets.bad")
    out = []
    if h["below_standard"]:
        out.append(_criterion("R-D1", h["a1"], f"{_t('R-D1.below', **f)}，{assets}"))
        return out
    out.append(_criterion("R-D1", False, _t("R-D1.above", **f)))
    if h["below_marginal"]:
        out.append(_criterion("R-M1", h["a1"], f"{_t('R-M1.band', **f)}，{assets}"))
        return out
    out.append(_criterion("R-M1", False, _t("R-M1.above", **f)))
    if not h["below_ceiling"]:
        out.append(_criterion("R-R1", False, _t("R-R1.above", **f)))
        return out
    limit = ctx.share * ctx.income12
    expense = _t(
        f"R-R1.expense.{'pass' if h['rigid_expense'] else 'fail'}",
        e=_money2(inp.household.rigid_expenditure.total),
        i12=_money2(ctx.income12),
        share=fmt_percent(ctx.share),
        limit=_money2(limit),
    )
    passed = h["rigid_expense"] and h["a1"]
    out.append(_criterion("R-R1", passed, f"{_t('R-R1.band', **f)}；{expense}；{assets}"))
    return out


def _single_criteria(inp: AssessmentInput, params: Parameters, h: dict, rows: list[dict]) -> list[dict]:
    """R-D4 for special members of a MARGINAL household; R-D5 for those of a rigid-band household."""
    out = []
    s = _money(params.dibao_standard)
    category = h["category"]
    for member, row in zip(inp.household.members, rows, strict=True):
        if not (member.serious_illness or row["severe"]):
            continue
        special, own = _special_text(member, row["severe"]), _money2(member.own_income_monthly)
        passed = row["single"] != codes.SINGLE_NONE
        if category == codes.CAT_MARGINAL:
            detail = _t(
                "R-D4.pass" if passed else "R-D4.fail", member=member.id, special=special, own=own, s=s
            )
            out.append(_criterion("R-D4", passed, detail, member.id))
        elif h["rigid_band"] and category != codes.CAT_TEKUN:
            if passed:
                detail = _t("R-D5.pass", member=member.id, age=row["age"], special=special, own=own, s=s)
            else:
                reasons = []
                if row["age"] < codes.AGE_ADULT:
                    reasons.append(_t("R-D5.minor", limit=codes.AGE_ADULT))
                if member.employed:
                    reasons.append(_t("R-D5.employed"))
                if member.own_income_monthly >= params.dibao_standard:
                    reasons.append(_t("R-D5.income", own=own, s=s))
                if not member.own_assets_ok:
                    reasons.append(_t("R-D5.assets"))
                detail = _t("R-D5.fail", member=member.id, special=special, reasons="、".join(reasons))
            out.append(_criterion("R-D5", passed, detail, member.id))
    return out


def _benefit_lines(inp: AssessmentInput, h: dict, rows: list[dict]) -> list[dict[str, Any]]:
    lines = []
    if h["category"] == codes.CAT_DIBAO:
        lines.append({"rule": "R-B1", "member": None, "monthly": h["b1"]})
    for member, row in zip(inp.household.members, rows, strict=True):
        if row["care_level"] != codes.CARE_NONE:
            lines.append({"rule": "R-B3-basic", "member": member.id, "monthly": row["b3_basic"]})
            lines.append({"rule": "R-B3-care", "member": member.id, "monthly": row["b3_care"]})
        if row["single"] != codes.SINGLE_NONE:
            lines.append({"rule": "R-B4", "member": member.id, "monthly": row["b4"]})
        if row["b2_applies"]:
            lines.append({"rule": "R-B2", "member": member.id, "monthly": row["b2"]})
    return lines


def _topup_groups(member: Member, row: dict, params: Parameters) -> str:
    groups = []
    if member.serious_illness:
        groups.append("serious_illness")
    if row["severe"]:
        groups.append("severe_disability")
    if row["age"] >= codes.AGE_ELDERLY_TOPUP:
        groups.append("elderly_70")
    if row["age"] < codes.AGE_ADULT:
        groups.append("minor")
    groups = [g for g in groups if params.decimal(f"topup.{g}") > 0]
    text = "、".join(_t(f"topup.{g}") for g in groups)
    if len(groups) > 1:
        text += "，" + _t(f"topup.{params.text('topup_combination')}")
    return text


def _parameters_used(params: Parameters, rules: list[str], rows: list[dict]) -> list[dict[str, object]]:
    """Every parameter the rules read; optional ones (``R-A1.area``) only when set."""
    keys: list[str] = []
    levels = sorted({str(codes.CARE_LEVEL_BY_CODE[r["care_level"]]) for r in rows if r["care_level"]})
    for rule in rules:
        for key in RULE_PARAMETERS.get(rule, ()):
            expanded = [
                key.format(S=params.dibao_key, level=lv) for lv in (levels if "{level}" in key else [""])
            ]
            if rule == "R-A1.area":
                expanded = [k for k in expanded if k in params.entries]
            keys.extend(k for k in expanded if k not in keys)
    order = {key: i for i, key in enumerate(SPECS)}
    keys.sort(key=lambda k: (order.get(k, len(order)), k))
    return [params.entry(k).as_used() for k in keys]


def build_result(
    inp: AssessmentInput,
    params: Parameters,
    h: dict[str, Any],
    rows: list[dict[str, Any]],
    rule_set: str = codes.RULE_SET_HOUSEHOLD_TEKUN,
) -> dict:
    """The contract's result dict for one household under rule set 2024-2.1 (household-level TEKUN);
    kept unchanged so decisions sealed under it replay exactly. The current reading: ``explain_person``."""
    ctx = _Context(inp, params, h)
    members = inp.household.members
    criteria = _member_criteria(inp, params, rows)
    failing = [m.id for m, r in zip(members, rows, strict=True) if not r["tekun_ok"]]
    if h["tekun"]:
        criteria.append(_criterion("R-T4", True, _t("R-T4.pass", n=ctx.n)))
        for member, row in zip(members, rows, strict=True):
            level = codes.CARE_LEVEL_ZH[str(codes.CARE_LEVEL_BY_CODE[row["care_level"]])]
            detail = _t("R-T5", member=member.id, adl=member.adl_failed, level=level)
            criteria.append(_criterion("R-T5", True, detail, member.id))
    else:
        detail = _t("R-T4.fail", n=ctx.n, k=len(failing), members="、".join(failing))
        criteria.append(_criterion("R-T4", False, detail))
        criteria.append(_asset_criterion(inp, params, h))
        criteria.extend(_tier_criteria(inp, params, h, ctx))
        criteria.extend(_single_criteria(inp, params, h, rows))
    lines = _benefit_lines(inp, h, rows)
    result_members = [
        {
            "id": member.id,
            "categories": codes.categories_from_mask(row["categories"]),
            "care_level": codes.CARE_LEVEL_BY_CODE[row["care_level"]],
            "single_person_dibao": row["single"] != codes.SINGLE_NONE,
        }
        for member, row in zip(members, rows, strict=True)
    ]
    rules = [c["rule"] for c in criteria] + [line["rule"] for line in lines]
    category = codes.HOUSEHOLD_CATEGORY_BY_CODE[h["category"]]
    result: dict[str, Any] = {
        "as_of": inp.as_of.isoformat(),
        "household_category": category,
        "low_income": bool(h["low_income"]),
        "per_capita_monthly_income": ctx.p,
        "members": result_members,
        "benefits": lines,
        "monthly_total": h["monthly_total"],
        "criteria": criteria,
        "parameters_used": _parameters_used(params, rules, rows),
        "rule_set_version": rule_set,
    }
    topups = {
        m.id: _topup_groups(m, row, params) for m, row in zip(members, rows, strict=True) if row["b2_applies"]
    }
    result["explanation_zh"] = explain(inp, result, ctx, topups) + parameter_notes(result["parameters_used"])
    return result


def explain(inp: AssessmentInput, result: dict[str, Any], ctx: _Context, topups: dict[str, str]) -> str:
    """``explanation_zh``: templates filled from the criteria and the result (``topups``: R-B2 groups)."""
    criteria = result["criteria"]
    by_rule = {c["rule"]: c for c in criteria if c["member"] is None}
    area = AREA_ZH[inp.area_type]
    parts = [_t("intro", as_of=inp.as_of.isoformat(), n=ctx.n, p=ctx.p, area=area, s=ctx.fmt["s"])]
    category = result["household_category"]
    if category == codes.TEKUN:
        parts.append(_t("outcome.TEKUN"))
    elif category is not None:
        rule = {codes.DIBAO: "R-D1", codes.MARGINAL: "R-M1", codes.RIGID: "R-R1"}[category]
        parts.append(_t(f"outcome.{category}", detail=by_rule[rule]["detail"]))
    else:
        tiers = [c for c in criteria if c["member"] is None and c["rule"] in ("R-D1", "R-M1", "R-R1")]
        parts.append(_t("outcome.none", detail=tiers[-1]["detail"]))
        if not by_rule["R-A1"]["passed"]:
            parts.append(_t("outcome.assets", detail=by_rule["R-A1"]["detail"]))
    if category != codes.TEKUN:
        individual = [
            c["member"]
            for c in criteria
            if c["rule"] == "R-T3" and c["passed"] and _member_passes_t123(criteria, c["member"])
        ]
        if individual:
            parts.append(_t("tekun.individual", members="、".join(individual)))
    parts.extend(closing_sentences(inp, result, criteria, topups))
    return "".join(parts)


def closing_sentences(
    inp: AssessmentInput, result: dict[str, Any], criteria: list[dict], topups: dict[str, str]
) -> list[str]:
    """The end of ``explanation_zh``, the same in every rule set: single-person dibao, categories carried
    over, the benefit lines and whether the household is low-income."""
    parts = [
        _t("single", rule=c["rule"], detail=c["detail"])
        for c in criteria
        if c["rule"] in ("R-D4", "R-D5") and c["passed"]
    ]
    carried = [name for name in codes.EXISTING_CARRIED if name in inp.household.existing]
    if carried:
        parts.append(_t("existing", names="、".join(CATEGORY_ZH[c] for c in carried)))
    lines = result["benefits"]
    if lines:
        texts = [
            _t(
                f"line.{line['rule']}",
                member=line["member"],
                amount=line["monthly"],
                groups=topups.get(line["member"]),
            )
            for line in lines
        ]
        parts.append(_t("benefits", total=result["monthly_total"], lines="；".join(texts)))
    else:
        parts.append(_t("benefits.none"))
    parts.append(_t("low_income.yes" if result["low_income"] else "low_income.no"))
    return parts


def _member_passes_t123(criteria: list[dict], member: str | None) -> bool:
    return all(
        c["passed"] for c in criteria if c["member"] == member and c["rule"] in ("R-T1", "R-T2", "R-T3")
    )


def parameter_notes(used: list[dict[str, Any]]) -> str:
    """The sentence naming every parameter used that stands in for the local figure — a province floor,
    or the earliest figure for a date before it (DOMAIN §4) — or "" when there is none."""
    floors: list[str] = []
    early: dict[str, list[str]] = {}
    for entry in used:
        note = str(entry.get("note_zh") or "")
        if not note:
            continue
        spec = SPECS.get(str(entry["key"]))
        label = spec.label_zh if spec else str(entry["key"])
        if FLOOR_NOTE in note:
            value = f" {entry['value']} 元" if spec is not None and spec.unit.startswith("yuan") else ""
            floors.append(label + value)
        if BEFORE_FIRST_PREFIX in note:
            early.setdefault(str(entry.get("effective_from") or ""), []).append(label)
    parts = []
    if floors:
        parts.append(_t("params.floor", items="、".join(floors), note=FLOOR_NOTE))
    if early:
        groups = "；".join(
            _t("params.early.group", labels="、".join(v), start=k) for k, v in sorted(early.items())
        )
        parts.append(_t("params.early", groups=groups))
    return _t("params.notes", items="；".join(parts)) if parts else ""

"""Criteria, benefit lines and explanation under the current rule set: TEKUN per person (R-T4 as changed).

Every member is assessed for TEKUN on their own (R-T1–R-T3, with a TEKUN minor keeping R-T1 until 18 and
past 18 while in school); the other members form the household assessed for DIBAO / MARGINAL / RIGID,
without the TEKUN members' income and headcount. Nothing here decides: pass/fail and amounts come from
``evaluate.assess_table``; the templates live in ``explain.TEMPLATES``. The earlier household-level
reading stays in ``explain.build_result`` for replaying decisions sealed under it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from doudi.policy.rules import codes
from doudi.policy.rules.explain import (
    AREA_ZH,
    _asset_criterion,
    _benefit_lines,
    _Context,
    _criterion,
    _member_criteria,
    _money2,
    _parameters_used,
    _single_criteria,
    _t,
    _tier_criteria,
    _topup_groups,
    closing_sentences,
    parameter_notes,
)
from doudi.policy.rules.inputs import AssessmentInput
from doudi.policy.rules.money import fmt_number
from doudi.policy.rules.params import Parameters


class _RestContext(_Context):
    """``_Context`` of the remaining household: its headcount, income and per-capita income."""

    def __init__(self, inp: AssessmentInput, params: Parameters, h: dict[str, Any]):
        super().__init__(inp, params, h)
        self.n = h["n_assessed"]
        self.income12 = Decimal(h["income_assessed_fen"]) / 100 * 12 / inp.household.income_months


def _t1_kept(member, row: dict) -> dict[str, Any] | None:
    """R-T1 met only because a TEKUN minor keeps it (R-T4): the criterion with that reading."""
    age = row["age"]
    base = age >= codes.AGE_ELDERLY or age < codes.AGE_CHILD or row["t1_disability"]
    if base or not row["t1"]:
        return None
    why = (
        _t("R-T1.kept.minor", limit=codes.AGE_ADULT)
        if age < codes.AGE_ADULT
        else _t("R-T1.kept.school", limit=codes.AGE_ADULT)
    )
    detail = _t("R-T1.kept", member=member.id, age=age, why=why)
    return _criterion("R-T1", True, detail, member.id)


def _asset_criterion_person(inp: AssessmentInput, params: Parameters, h: dict[str, Any]) -> dict[str, Any]:
    """R-A1 over the remaining headcount, with the floor-area alternative for dwellings when it applies."""
    hh = {**h, "n": h["n_assessed"]}
    criterion = _asset_criterion(inp, params, hh)
    assets, n = inp.household.assets, h["n_assessed"]
    limit = int(params.decimal("asset.max_dwellings"))
    usable = all(k in params.entries for k in ("asset.floor_area_multiple", "asset.avg_floor_area"))
    if assets.dwellings > limit and assets.floor_area is not None and usable:
        k, avg = params.decimal("asset.floor_area_multiple"), params.decimal("asset.avg_floor_area")
        values = {
            "count": assets.dwellings,
            "limit": limit,
            "per": _money2(assets.floor_area / n),
            "avg": fmt_number(avg),
            "k": fmt_number(k),
            "max": fmt_number(k * avg),
        }
        state = "pass" if h["a1_dwellings"] else "fail"  # as _asset_criterion rendered the count
        old = _t(f"R-A1.dwellings.{state}", count=assets.dwellings, limit=limit)
        new = _t(f"R-A1.dwellings.area.{'pass' if h['a1_dwellings'] else 'fail'}", **values)
        criterion["detail"] = criterion["detail"].replace(old, new)
    return criterion


def _member_text(detail: str) -> str:
    """A member criterion's detail without its "成员 X：" prefix."""
    return detail.split("：", 1)[1] if "：" in detail else detail


def build_result(
    inp: AssessmentInput,
    params: Parameters,
    h: dict[str, Any],
    rows: list[dict[str, Any]],
    rule_set: str = codes.RULE_SET_VERSION,
) -> dict:
    """The contract's result dict for one household (rule set 2024-2.2)."""
    ctx = _RestContext(inp, params, h)
    members = inp.household.members
    criteria = _member_criteria(inp, params, rows)
    for member, row in zip(members, rows, strict=True):
        kept = _t1_kept(member, row)
        if kept is not None:
            at = next(j for j, c in enumerate(criteria) if c["rule"] == "R-T1" and c["member"] == member.id)
            criteria[at] = kept
    for member, row in zip(members, rows, strict=True):
        failed = [
            c["rule"]
            for c in criteria
            if c["member"] == member.id and c["rule"] in ("R-T1", "R-T2", "R-T3") and not c["passed"]
        ]
        if row["tekun"]:
            criteria.append(_criterion("R-T4", True, _t("R-T4.member.pass", member=member.id), member.id))
            level = codes.CARE_LEVEL_ZH[str(codes.CARE_LEVEL_BY_CODE[row["care_level"]])]
            detail = _t("R-T5", member=member.id, adl=member.adl_failed, level=level)
            criteria.append(_criterion("R-T5", True, detail, member.id))
        else:
            detail = _t("R-T4.member.fail", member=member.id, failed="、".join(failed))
            criteria.append(_criterion("R-T4", False, detail, member.id))
    n_tekun = h["tekun_members"]
    if h["tekun"]:
        criteria.append(_criterion("R-T4", True, _t("R-T4.all", n=len(members))))
    else:
        detail = _t("R-T4.some", n=len(members), k=n_tekun, rest=len(members) - n_tekun)
        criteria.append(_criterion("R-T4", False, detail))
        criteria.append(_asset_criterion_person(inp, params, h))
        criteria.extend(_tier_criteria(inp, params, h, ctx))
        tekun_ids = {m.id for m, r in zip(members, rows, strict=True) if r["tekun"]}
        singles = _single_criteria(inp, params, h, rows)  # R-D4/R-D5: remaining members only
        criteria.extend(c for c in singles if c["member"] not in tekun_ids)
    lines = _benefit_lines(inp, h, rows)
    by_member: dict[str, int] = {}
    for line in lines:
        if line["member"] is not None:
            by_member[line["member"]] = by_member.get(line["member"], 0) + line["monthly"]
    result_members = [
        {
            "id": member.id,
            "categories": codes.categories_from_mask(row["categories"]),
            "care_level": codes.CARE_LEVEL_BY_CODE[row["care_level"]],
            "single_person_dibao": row["single"] != codes.SINGLE_NONE,
            "monthly": by_member.get(member.id, 0),
        }
        for member, row in zip(members, rows, strict=True)
    ]
    rules = [c["rule"] for c in criteria] + [line["rule"] for line in lines]
    if "R-A1" in rules:
        rules.append("R-A1.area")
    category = codes.HOUSEHOLD_CATEGORY_BY_CODE[h["category"]]
    result: dict[str, Any] = {
        "as_of": inp.as_of.isoformat(),
        "household_category": category,
        "low_income": bool(h["low_income"]),
        "per_capita_monthly_income": ctx.p,
        "members": result_members,
        "benefits": lines,
        "monthly_total": h["monthly_total"],
        "household_monthly": sum(line["monthly"] for line in lines if line["member"] is None),
        "criteria": criteria,
        "parameters_used": _parameters_used(params, rules, rows),
        "rule_set_version": rule_set,
        "contract_version": codes.CONTRACT_VERSION,
    }
    topups = {
        m.id: _topup_groups(m, row, params) for m, row in zip(members, rows, strict=True) if row["b2_applies"]
    }
    result["explanation_zh"] = explain(inp, result, ctx, topups, rows) + parameter_notes(
        result["parameters_used"]
    )
    return result


def explain(
    inp: AssessmentInput, result: dict[str, Any], ctx: _Context, topups: dict[str, str], rows: list[dict]
) -> str:
    """``explanation_zh``: names every member's TEKUN criteria, then the remaining household's tier."""
    criteria = result["criteria"]
    by_rule = {c["rule"]: c for c in criteria if c["member"] is None}
    area = AREA_ZH[inp.area_type]
    members = inp.household.members
    tekun = [m.id for m, r in zip(members, rows, strict=True) if r["tekun"]]
    n_all = len(members)
    category = result["household_category"]
    s = ctx.fmt["s"]
    if tekun and category != codes.TEKUN:
        parts = [
            _t(
                "intro.rest",
                as_of=inp.as_of.isoformat(),
                n=n_all,
                k=len(tekun),
                rest=ctx.n,
                p=ctx.p,
                area=area,
                s=s,
            )
        ]
    else:
        parts = [_t("intro", as_of=inp.as_of.isoformat(), n=n_all, p=ctx.p, area=area, s=s)]
    for member, row in zip(members, rows, strict=True):
        if row["tekun"]:
            level = codes.CARE_LEVEL_ZH[str(codes.CARE_LEVEL_BY_CODE[row["care_level"]])]
            parts.append(_t("member.tekun", member=member.id, level=level))
        else:
            reasons = [
                _member_text(c["detail"])
                for c in criteria
                if c["member"] == member.id and c["rule"] in ("R-T1", "R-T2", "R-T3") and not c["passed"]
            ]
            parts.append(_t("member.not_tekun", member=member.id, reasons="；".join(reasons)))
    if category == codes.TEKUN:
        parts.append(_t("outcome.TEKUN.all"))
    elif category is not None:
        rule = {codes.DIBAO: "R-D1", codes.MARGINAL: "R-M1", codes.RIGID: "R-R1"}[category]
        parts.append(_t(f"outcome.{category}", detail=by_rule[rule]["detail"]))
    else:
        tiers = [c for c in criteria if c["member"] is None and c["rule"] in ("R-D1", "R-M1", "R-R1")]
        parts.append(_t("outcome.none.rest" if tekun else "outcome.none", detail=tiers[-1]["detail"]))
        if not by_rule["R-A1"]["passed"]:
            parts.append(_t("outcome.assets", detail=by_rule["R-A1"]["detail"]))
    parts.extend(closing_sentences(inp, result, criteria, topups))
    return "".join(parts)

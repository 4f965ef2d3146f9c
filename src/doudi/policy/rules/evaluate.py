"""The rules of DOMAIN §5–§6, written once, vectorised over a columnar batch (Apache Arrow compute).

A single household is a batch of one, so the single and batch paths give identical results by
construction. All arithmetic is on exact integers (fen, 1/10,000 ratio units); ``p = I / months / n`` is
never materialised for a decision — every comparison with ``p`` is cross-multiplied:

* ``p < S``                ⇔ ``I < S·n·months``
* ``p < k·S``              ⇔ ``I·10⁴ < k₄·S·n·months``         (k₄ = k in 1/10,000)
* ``p < ceiling/12``       ⇔ ``12·I < ceiling·n·months``
* ``E > share·I·12/months`` ⇔ ``E·months·10⁴ > share₄·12·I``

Input bounds (money ≤ 10⁹ yuan, months ≤ 120, n ≤ 99 in the contract) keep every product below 2⁶³;
the checked arithmetic kernels raise instead of wrapping if a caller exceeds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from doudi.policy.rules import codes
from doudi.policy.rules.benefits import benefit_columns
from doudi.policy.rules.columns import HOUSEHOLD_COLUMNS, I64, MEMBER_COLUMNS, normalize_columns
from doudi.policy.rules.params import Parameters
from doudi.policy.rules.vector import (
    E4,
    GroupParams,
    Segments,
    add,
    and_,
    bit_or,
    div,
    eq,
    ge,
    gt,
    if_else,
    le,
    lt,
    max_ew,
    mul,
    not_,
    or_,
    round_div,
    sub,
)

_SEVERE_MAX_GRADE = pa.array(codes.SEVERE_DISABILITY_MAX_GRADE, I64)
_HOUSEHOLD_BIT = pa.array([0, 1, 8, 16, 2], I64)  # by household category code → member category bit


@dataclass(frozen=True)
class TableResult:
    """Columnar result: one row per household and one per member (same order as the input)."""

    households: pa.Table
    members: pa.Table


def assess_table(
    households: pa.Table | Mapping[str, object],
    members: pa.Table | Mapping[str, object],
    params: Parameters | Sequence[Parameters],
    *,
    rule_set: str = codes.RULE_SET_VERSION,
) -> TableResult:
    """Assess a columnar batch (layout in ``columns``); ``params`` is one set or one per ``param_group``.

    Each ``Parameters`` carries its ``as_of`` date, so a group is one (region, area type, date) context.
    ``rule_set`` selects the reading: the current one (TEKUN per person, R-T4) or an earlier one that a
    sealed decision names (``codes.RULE_SETS``), so old decisions replay exactly.
    """
    legacy = codes.is_legacy(rule_set)
    groups = [params] if isinstance(params, Parameters) else list(params)
    if not groups:
        raise ValueError("at least one Parameters is needed")
    h = normalize_columns(households, HOUSEHOLD_COLUMNS, "households")
    m = normalize_columns(members, MEMBER_COLUMNS, "members")
    seg = Segments(m["household"], len(h["income_fen"]))
    prm = GroupParams(groups, h["param_group"], seg)
    s_h = prm.h("dibao_fen")

    # Members: age as of the group's date (a birthday on as_of counts), R-T1..R-T3, severe disability.
    age = div(sub(prm.m(seg, "as_of_ymd"), m["birth_ymd"]), 10000)
    if len(age) and pc.min(age).as_py() < 0:
        raise ValueError("members.birth_ymd after as_of")
    kind, grade = m["disability_kind"], m["disability_grade"]
    has_disability = gt(grade, 0)
    t1_disability = and_(has_disability, le(grade, prm.lookup("tekun_disability_max_grade", kind)))
    t1 = or_(or_(ge(age, codes.AGE_ELDERLY), lt(age, codes.AGE_CHILD)), t1_disability)  # R-T1
    if not legacy:  # R-T4: a TEKUN minor keeps TEKUN until 18, and past 18 while in school
        t1 = or_(t1, and_(m["current_tekun"], or_(lt(age, codes.AGE_ADULT), m["in_school"])))
    s_m = seg.spread(s_h)
    own = m["own_income_fen"]
    own_below_standard = lt(own, s_m)
    t2 = and_(own_below_standard, m["own_assets_ok"])  # R-T2
    t3 = not_(m["has_capable_supporter"])  # R-T3
    tekun_member_ok = and_(and_(t1, t2), t3)
    severe = and_(has_disability, le(grade, pc.take(_SEVERE_MAX_GRADE, kind)))

    # R-T4: TEKUN per person; the other members form the household assessed below, without the TEKUN
    # members' income and headcount. (Rule set 2024-2.1: TEKUN only when every member qualifies.)
    tekun = seg.all(tekun_member_ok)  # every member TEKUN: the household is not assessed for DIBAO
    tekun_m = seg.spread(tekun) if legacy else tekun_member_ok
    n_all, income_all, months = seg.counts, h["income_fen"], h["income_months"]
    if legacy:
        n, income = n_all, income_all
    else:
        n_rest = seg.sum(not_(tekun_m))
        tekun_income = mul(seg.sum(if_else(tekun_m, own, 0)), months)
        rest = gt(n_rest, 0)
        n = if_else(rest, n_rest, n_all)
        income = if_else(rest, max_ew(sub(income_all, tekun_income), 0), income_all)
    s_n_months = mul(mul(s_h, n), months)  # S·n·months: p < S ⇔ I < S·n·months

    # R-A1 asset test (household, its remaining members' headcount).
    a1_financial = le(mul(h["financial_fen"], E4), mul(mul(prm.h("financial_months_e4"), s_h), n))
    a1_vehicles = le(h["vehicles"], prm.h("max_vehicles"))
    a1_dwellings = le(h["dwellings"], prm.h("max_dwellings"))
    if not legacy:  # or per-capita floor area ≤ multiple × the local average (when all are known)
        multiple, average = prm.h("floor_multiple_e4"), prm.h("avg_floor_area_e4")
        known = and_(and_(ge(h["floor_area_e2"], 0), ge(multiple, 0)), ge(average, 0))
        small = le(mul(mul(h["floor_area_e2"], 100), E4), mul(mul(max_ew(multiple, 0), average), n))
        a1_dwellings = or_(a1_dwellings, and_(known, small))
    a1_business = not_(h["business"])
    a1_nonresidential = not_(h["nonresidential"])
    a1 = and_(and_(and_(a1_financial, a1_vehicles), and_(a1_dwellings, a1_business)), a1_nonresidential)

    # Income bands (R-D1, R-M1, R-R1, R-D5).
    below_standard = lt(income, s_n_months)
    below_marginal = lt(mul(income, E4), mul(prm.h("marginal_multiple_e4"), s_n_months))
    below_ceiling = lt(mul(income, 12), mul(mul(prm.h("rigid_ceiling_annual_fen"), n), months))
    rigid_band = and_(not_(below_marginal), below_ceiling)
    rigid_expense = gt(
        mul(mul(h["rigid_expense_fen"], months), E4), mul(mul(prm.h("rigid_share_e4"), 12), income)
    )

    # R-C2: TEKUN first, then DIBAO, MARGINAL, RIGID for the (remaining) household.
    category = if_else(
        tekun,
        codes.CAT_TEKUN,
        if_else(
            not_(a1),
            codes.CAT_NONE,
            if_else(
                below_standard,
                codes.CAT_DIBAO,  # R-D1
                if_else(
                    below_marginal,
                    codes.CAT_MARGINAL,  # R-M1
                    if_else(and_(rigid_band, rigid_expense), codes.CAT_RIGID, codes.CAT_NONE),  # R-R1
                ),
            ),
        ),
    ).cast(I64)
    cat_m = seg.spread(category)

    # R-T5 care level for TEKUN members.
    adl = m["adl_failed"]
    level = if_else(
        ge(adl, codes.ADL_FULL_FROM),
        codes.CARE_FULL,
        if_else(ge(adl, codes.ADL_PARTIAL_FROM), codes.CARE_PARTIAL, codes.CARE_SELF),
    )
    care_level = if_else(tekun_m, level, codes.CARE_NONE).cast(I64)

    # R-D4 / R-D5 single-person dibao (members of the remaining household only).
    special = or_(m["serious_illness"], severe)
    d4 = and_(and_(and_(eq(cat_m, codes.CAT_MARGINAL), not_(tekun_m)), special), own_below_standard)
    d5 = and_(
        and_(and_(seg.spread(rigid_band), not_(tekun_m)), ge(age, codes.AGE_ADULT)),
        and_(and_(not_(m["employed"]), special), t2),
    )
    single = if_else(d4, codes.SINGLE_R_D4, if_else(d5, codes.SINGLE_R_D5, codes.SINGLE_NONE)).cast(I64)
    is_single = gt(single, 0)

    # Member categories (R-C1 bits): TEKUN per person; single-person DIBAO replaces the household's tier.
    household_bit = pc.take(_HOUSEHOLD_BIT, cat_m)
    mask = if_else(
        is_single,
        codes.BIT_BY_CATEGORY[codes.DIBAO],
        if_else(tekun_m, codes.BIT_BY_CATEGORY[codes.TEKUN], household_bit),
    )
    mask = bit_or(mask, if_else(seg.spread(h["existing_fpjc"]), codes.BIT_BY_CATEGORY[codes.FPJC], 0))
    mask = bit_or(mask, if_else(seg.spread(h["existing_other"]), codes.BIT_BY_CATEGORY[codes.OTHER], 0))

    # R-B1–R-B5 (DOMAIN §6): the benefit lines, shared with the monthly payments.
    ben = benefit_columns(
        seg,
        prm,
        category=category,
        n=n,
        income=income,
        months=months,
        age=age,
        serious_illness=m["serious_illness"],
        severe=severe,
        tekun=tekun_m,
        care_level=care_level,
        single=single,
        own_income=own,
    )
    b1, b2_applies, b2, b3_basic, b3_care, b4 = (
        ben.b1,
        ben.b2_applies,
        ben.b2,
        ben.b3_basic,
        ben.b3_care,
        ben.b4,
    )

    member_total = add(add(b2, b3_basic), add(b3_care, b4))
    total = add(b1, seg.sum(member_total))
    per_capita = round_div(income, mul(months, n))  # of the remaining household (all members if none)

    household_out = pa.table(
        {
            "category": category,
            "n": n_all,
            "per_capita_fen": per_capita,
            "low_income": seg.any(gt(mask, 0)),
            "a1": a1,
            "a1_financial": a1_financial,
            "a1_vehicles": a1_vehicles,
            "a1_dwellings": a1_dwellings,
            "a1_business": a1_business,
            "a1_nonresidential": a1_nonresidential,
            "below_standard": below_standard,
            "below_marginal": below_marginal,
            "below_ceiling": below_ceiling,
            "rigid_band": rigid_band,
            "rigid_expense": rigid_expense,
            "tekun": tekun,
            "tekun_members": seg.sum(tekun_m),
            "n_assessed": n,
            "income_assessed_fen": income,
            "b1": b1,
            "monthly_total": total,
        }
    )
    member_out = pa.table(
        {
            "household": m["household"],
            "age": age,
            "t1": t1,
            "t1_disability": t1_disability,
            "t2": t2,
            "t3": t3,
            "tekun_ok": tekun_member_ok,
            "tekun": tekun_m,
            "severe": severe,
            "categories": mask.cast(I64),
            "care_level": care_level,
            "single": single,
            "b2_applies": b2_applies,
            "b2": b2,
            "b3_basic": b3_basic,
            "b3_care": b3_care,
            "b4": b4,
            "total": member_total,
        }
    )
    return TableResult(household_out, member_out)

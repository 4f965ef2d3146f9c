"""The benefit lines of DOMAIN §6 (R-B1–R-B5), written once and vectorised: the assessment
(``evaluate.assess_table``) and the monthly payments (``payments.entitlement``, from a case's stored
amount basis with the parameters in force on the month's first day) both call ``benefit_columns``.

* R-B1 household differential ``(S − p)·n = (S·n·months − I) / months`` (the assessed household: without
  TEKUN members, R-T4), only for a DIBAO household;
* R-B2 top-ups for DIBAO members (household or single-person), ``topup.<group> × S`` combined per
  ``topup_combination``; ages ≥ 70 and < 18 on the parameters' date;
* R-B3 TEKUN basic living ``tekun_basic_multiple × S`` and care ``tekun_care_share.<level> × min_wage``;
* R-B4 single-person dibao ``S − own monthly income``;
* R-B5 each line rounded half-up to the yuan; a differential above 0 and below 1 yuan pays 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from doudi.policy.rules import codes
from doudi.policy.rules.columns import BOOL, I64, normalize_columns
from doudi.policy.rules.params import Parameters
from doudi.policy.rules.vector import (
    YUAN_E6,
    GroupParams,
    Segments,
    add,
    and_,
    differential,
    div,
    eq,
    ge,
    gt,
    if_else,
    lt,
    max_ew,
    mul,
    not_,
    or_,
    round_div,
    sub,
)


@dataclass(frozen=True)
class Benefits:
    """``b1`` per household; the others per member (yuan)."""

    b1: pa.Array
    b2_applies: pa.Array
    b2: pa.Array
    b3_basic: pa.Array
    b3_care: pa.Array
    b4: pa.Array

    @property
    def member_total(self) -> pa.Array:
        return add(add(self.b2, self.b3_basic), add(self.b3_care, self.b4))


def benefit_columns(
    seg: Segments,
    prm: GroupParams,
    *,
    category: pa.Array,
    n: pa.Array,
    income: pa.Array,
    months: pa.Array,
    age: pa.Array,
    serious_illness: pa.Array,
    severe: pa.Array,
    tekun: pa.Array,
    care_level: pa.Array,
    single: pa.Array,
    own_income: pa.Array,
) -> Benefits:
    """The benefit lines of a batch: ``category``, ``n``, ``income`` (fen over ``months``) of each
    assessed household; per member its age, serious illness, severe disability, TEKUN status, care level
    code, single-person code (``codes.SINGLE_*``) and own monthly income (fen)."""
    s_h = prm.h("dibao_fen")
    s_m = seg.spread(s_h)
    s_n_months = mul(mul(s_h, n), months)
    cat_m = seg.spread(category)
    is_single = gt(single, 0)

    # R-B1 household differential (S − p)·n = (S·n·months − I) / months, in fen → yuan.
    b1 = if_else(eq(category, codes.CAT_DIBAO), differential(sub(s_n_months, income), mul(months, 100)), 0)

    # R-B2 top-ups for DIBAO members (household or single-person), combined per topup_combination.
    dibao_member = or_(and_(eq(cat_m, codes.CAT_DIBAO), not_(tekun)), is_single)
    shares = [
        if_else(serious_illness, prm.m(seg, "topup_illness_e4"), 0),
        if_else(severe, prm.m(seg, "topup_severe_e4"), 0),
        if_else(ge(age, codes.AGE_ELDERLY_TOPUP), prm.m(seg, "topup_elderly_e4"), 0),
        if_else(lt(age, codes.AGE_ADULT), prm.m(seg, "topup_minor_e4"), 0),
    ]
    share_sum = add(add(shares[0], shares[1]), add(shares[2], shares[3]))
    share_max = max_ew(max_ew(shares[0], shares[1]), max_ew(shares[2], shares[3]))
    topup_sum = prm.m(seg, "topup_sum")
    if isinstance(topup_sum, bool):
        share = share_sum if topup_sum else share_max
    else:
        share = if_else(topup_sum, share_sum, share_max)
    share = share.cast(I64)
    b2_applies = and_(dibao_member, gt(share, 0))
    b2 = if_else(b2_applies, round_div(mul(share, s_m), YUAN_E6), 0)

    # R-B3 TEKUN: basic living and care, per person.
    b3_basic = if_else(tekun, round_div(mul(prm.m(seg, "tekun_basic_e4"), s_m), YUAN_E6), 0)
    care_share = prm.lookup("care_e4", care_level)
    b3_care = if_else(tekun, round_div(mul(care_share, prm.m(seg, "min_wage_fen")), YUAN_E6), 0)

    # R-B4 single-person dibao: S − own monthly income.
    b4 = if_else(is_single, differential(sub(s_m, own_income), 100), 0)
    return Benefits(
        b1=b1.cast(I64),
        b2_applies=b2_applies,
        b2=b2.cast(I64),
        b3_basic=b3_basic.cast(I64),
        b3_care=b3_care.cast(I64),
        b4=b4.cast(I64),
    )


# The stored amount basis of a case (``casework.AmountBasis``), as columns.
BASIS_HOUSEHOLD_COLUMNS: dict[str, tuple[pa.DataType, object]] = {
    "category": (I64, None),  # codes.CAT_*
    "n_assessed": (I64, None),
    "income_fen": (I64, None),
    "income_months": (I64, None),
    "param_group": (I64, 0),
}
BASIS_MEMBER_COLUMNS: dict[str, tuple[pa.DataType, object]] = {
    "household": (I64, None),  # row of the household table; sorted, every household has a member
    "birth_ymd": (I64, None),
    "serious_illness": (BOOL, False),
    "severe_disability": (BOOL, False),
    "tekun": (BOOL, False),
    "care_level": (I64, codes.CARE_NONE),  # codes.CARE_*
    "single": (I64, codes.SINGLE_NONE),  # codes.SINGLE_*
    "own_income_fen": (I64, 0),
}


def benefit_table(
    households: pa.Table | Mapping[str, object],
    members: pa.Table | Mapping[str, object],
    params: Parameters | Sequence[Parameters],
) -> tuple[pa.Array, pa.Table]:
    """The benefit lines of stored amount bases (layout above) with ``params`` (one per ``param_group``;
    ages on each group's date): ``(b1 per household, members table b2 / b3_basic / b3_care / b4)``."""
    groups = [params] if isinstance(params, Parameters) else list(params)
    if not groups:
        raise ValueError("at least one Parameters is needed")
    h = normalize_columns(households, BASIS_HOUSEHOLD_COLUMNS, "households")
    m = normalize_columns(members, BASIS_MEMBER_COLUMNS, "members")
    seg = Segments(m["household"], len(h["category"]))
    prm = GroupParams(groups, h["param_group"], seg)
    age = div(sub(prm.m(seg, "as_of_ymd"), m["birth_ymd"]), 10000)
    out = benefit_columns(
        seg,
        prm,
        category=h["category"],
        n=h["n_assessed"],
        income=h["income_fen"],
        months=h["income_months"],
        age=age,
        serious_illness=m["serious_illness"],
        severe=m["severe_disability"],
        tekun=m["tekun"],
        care_level=m["care_level"],
        single=m["single"],
        own_income=m["own_income_fen"],
    )
    table = pa.table({"b2": out.b2, "b3_basic": out.b3_basic, "b3_care": out.b3_care, "b4": out.b4})
    return out.b1, table

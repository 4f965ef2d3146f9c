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
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from doudi.policy.rules import codes
from doudi.policy.rules.columns import HOUSEHOLD_COLUMNS, I64, MEMBER_COLUMNS, normalize_columns
from doudi.policy.rules.params import Parameters

E4 = 10_000
YUAN_E6 = 1_000_000  # fen × 1/10,000-ratio units per yuan


@lru_cache(maxsize=1024, typed=True)
def _const(value: int | bool) -> pa.Scalar:
    return pa.scalar(value, pa.bool_() if isinstance(value, bool) else I64)


def _kernel(function):
    """A compute kernel taking Python ints/bools as Arrow scalars.

    Passing plain Python numbers to pyarrow.compute costs ~100 µs per call (a conversion path that retries
    an optional import each time); one-household batches make thousands of such calls.
    """

    def call(*args):
        return function(*(_const(a) if isinstance(a, int) else a for a in args))

    call.__name__ = function.__name__
    return call


add, sub, mul = _kernel(pc.add_checked), _kernel(pc.subtract_checked), _kernel(pc.multiply_checked)
div = _kernel(pc.divide)
lt, le, ge = _kernel(pc.less), _kernel(pc.less_equal), _kernel(pc.greater_equal)
gt, eq = _kernel(pc.greater), _kernel(pc.equal)
and_, or_, not_, if_else = pc.and_, pc.or_, pc.invert, _kernel(pc.if_else)
max_ew, bit_or = _kernel(pc.max_element_wise), _kernel(pc.bit_wise_or)
_ZERO = pa.array([0], I64)
_SEVERE_MAX_GRADE = pa.array(codes.SEVERE_DISABILITY_MAX_GRADE, I64)
_HOUSEHOLD_BIT = pa.array([0, 1, 8, 16, 2], I64)  # by household category code → member category bit


@dataclass(frozen=True)
class TableResult:
    """Columnar result: one row per household and one per member (same order as the input)."""

    households: pa.Table
    members: pa.Table


class _Segments:
    """Members grouped by household (sorted, contiguous, every household non-empty)."""

    def __init__(self, household: pa.Array, n_households: int):
        self.household = household
        if n_households == 0:
            if len(household):
                raise ValueError("members refer to households but the household table is empty")
            self.last = pa.array([], I64)
            self.counts = pa.array([], I64)
            return
        ree = pc.run_end_encode(household, run_end_type=I64)
        values = ree.values
        ok = len(values) == n_households and values[0].as_py() == 0
        if ok and n_households > 1:
            ok = pc.min_max(pc.pairwise_diff(values)).as_py() == {"min": 1, "max": 1}
        if not ok:
            raise ValueError("members must be sorted by household and every household 0..H-1 needs a member")
        ends = ree.run_ends
        self.last = sub(ends, 1)
        self.counts = sub(ends, _shift(ends))

    def sum(self, values: pa.Array) -> pa.Array:
        if len(self.last) == 0:
            return pa.array([], I64)
        totals = pc.take(pc.cumulative_sum_checked(values.cast(I64)), self.last)
        return sub(totals, _shift(totals))

    def any(self, flags: pa.Array) -> pa.Array:
        return gt(self.sum(flags), 0)

    def all(self, flags: pa.Array) -> pa.Array:
        return eq(self.sum(not_(flags)), 0)

    def spread(self, values):
        """A household column → one value per member (scalars pass through)."""
        return pc.take(values, self.household) if isinstance(values, pa.Array) else values


def _shift(values: pa.Array) -> pa.Array:
    """``[a, b, c]`` → ``[0, a, b]``."""
    return pa.concat_arrays([_ZERO, values.slice(0, max(len(values) - 1, 0))])


class _Params:
    """Parameter values per household: Python ints for one group, arrays (taken by group) for many."""

    def __init__(self, groups: Sequence[Parameters], group_column: pa.Array, seg: _Segments):
        self.ints = [g.ints for g in groups]
        self.single = len(self.ints) == 1
        self.group = group_column
        self.member_group = None if self.single else seg.spread(group_column)
        self._h: dict[str, pa.Array] = {}
        self._m: dict[str, pa.Array] = {}
        if len(group_column):
            bounds = pc.min_max(group_column).as_py()
            if bounds["min"] < 0 or bounds["max"] >= len(self.ints):
                raise ValueError("households.param_group out of range")

    def h(self, name: str):
        """Household-level value of a scalar parameter."""
        if self.single:
            return getattr(self.ints[0], name)
        if name not in self._h:
            values = [getattr(p, name) for p in self.ints]
            array = pa.array(values, pa.bool_() if isinstance(values[0], bool) else I64)
            self._h[name] = pc.take(array, self.group)
        return self._h[name]

    def m(self, seg: _Segments, name: str):
        """Member-level value of a scalar parameter."""
        if self.single:
            return getattr(self.ints[0], name)
        if name not in self._m:
            self._m[name] = seg.spread(self.h(name))
        return self._m[name]

    def lookup(self, name: str, index: pa.Array) -> pa.Array:
        """Member-level lookup in a per-group table parameter (``tuple`` indexed by ``index``)."""
        tables = [getattr(p, name) for p in self.ints]
        width = len(tables[0])
        flat = pa.array([v for table in tables for v in table], I64)
        if self.single:
            return pc.take(flat, index)
        return pc.take(flat, add(mul(self.member_group, width), index))


def _round_div(num, den):
    """Half-up ``num / den`` for ``num >= 0`` (R-B5)."""
    return div(add(mul(num, 2), den), mul(den, 2))


def _differential(num, den):
    """R-B5 for a differential: half-up to the yuan, and above 0 but below 1 yuan pays 1."""
    return if_else(gt(num, 0), max_ew(_round_div(num, den), 1), 0)


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
    seg = _Segments(m["household"], len(h["income_fen"]))
    prm = _Params(groups, h["param_group"], seg)
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

    # R-B1 household differential (S − p)·n = (S·n·months − I) / months, in fen → yuan.
    b1 = if_else(eq(category, codes.CAT_DIBAO), _differential(sub(s_n_months, income), mul(months, 100)), 0)

    # R-B2 top-ups for DIBAO members (household or single-person), combined per topup_combination.
    dibao_member = or_(and_(eq(cat_m, codes.CAT_DIBAO), not_(tekun_m)), is_single)
    shares = [
        if_else(m["serious_illness"], prm.m(seg, "topup_illness_e4"), 0),
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
    b2 = if_else(b2_applies, _round_div(mul(share, s_m), YUAN_E6), 0)

    # R-B3 TEKUN: basic living and care, per person.
    b3_basic = if_else(tekun_m, _round_div(mul(prm.m(seg, "tekun_basic_e4"), s_m), YUAN_E6), 0)
    care_share = prm.lookup("care_e4", care_level)
    b3_care = if_else(tekun_m, _round_div(mul(care_share, prm.m(seg, "min_wage_fen")), YUAN_E6), 0)

    # R-B4 single-person dibao: S − own monthly income.
    b4 = if_else(is_single, _differential(sub(s_m, own), 100), 0)

    member_total = add(add(b2, b3_basic), add(b3_care, b4))
    total = add(b1, seg.sum(member_total))
    per_capita = _round_div(income, mul(months, n))  # of the remaining household (all members if none)

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
            "b1": b1.cast(I64),
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
            "b2": b2.cast(I64),
            "b3_basic": b3_basic.cast(I64),
            "b3_care": b3_care.cast(I64),
            "b4": b4.cast(I64),
            "total": member_total,
        }
    )
    return TableResult(household_out, member_out)

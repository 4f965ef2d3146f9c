"""The vector kernels the rules are written in (Apache Arrow compute over exact integers): checked
arithmetic taking Python ints as scalars, members grouped by household (``Segments``), parameter values
per household group (``GroupParams``) and R-B5 rounding. Shared by ``evaluate`` (the assessment) and
``benefits`` (the benefit lines the assessment and the monthly payments both compute)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from doudi.policy.rules.columns import I64
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


class Segments:
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


class GroupParams:
    """Parameter values per household: Python ints for one group, arrays (taken by group) for many."""

    def __init__(self, groups: Sequence[Parameters], group_column: pa.Array, seg: Segments):
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

    def m(self, seg: Segments, name: str):
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


def round_div(num, den):
    """Half-up ``num / den`` for ``num >= 0`` (R-B5)."""
    return div(add(mul(num, 2), den), mul(den, 2))


def differential(num, den):
    """R-B5 for a differential: half-up to the yuan, and above 0 but below 1 yuan pays 1."""
    return if_else(gt(num, 0), max_ew(round_div(num, den), 1), 0)

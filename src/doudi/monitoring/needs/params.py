"""The entitlement parameters per (region, area type) — ``needs.<code>.enabled``, ``needs.<code>.deadline_wd``
and the rules' thresholds — resolved by the policy parameter store once per distinct parameter chain,
as the Arrow table ``policy.rules.entitlements.evaluate`` joins. A key that does not resolve takes the
declaration's default: a need is never silently dropped because a row is missing."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable

import pyarrow as pa

from doudi.policy import params_store
from doudi.policy.rules import ParameterError, Parameters, region_ancestry, resolve_parameters
from doudi.policy.rules import entitlements as E


def _wanted(key: str) -> bool:
    return key.startswith("needs.")


class Resolver:
    def __init__(self, as_of: dt.date):
        self.as_of = as_of
        rows = [r for r in params_store.active_rows() if _wanted(r.key)]
        self.rows = rows or [r for r in params_store.baseline_rows() if _wanted(r.key)]
        self.regions = {r.region_code for r in self.rows}
        self.cache: dict[tuple, dict] = {}

    def __call__(self, region_code: str, area_type: str) -> dict:
        area = area_type if area_type in ("urban", "rural") else "urban"
        try:
            chain = tuple(c for c in region_ancestry(region_code) if c in self.regions)
        except ValueError:
            chain = ()
        key = (chain, area)
        if key not in self.cache:
            values: dict = {}
            if chain:
                with contextlib.suppress(ParameterError, IndexError):
                    p: Parameters = resolve_parameters(self.rows, list(chain), area, self.as_of)
                    values = {k: e.value for k, e in p.entries.items()}
            self.cache[key] = E.region_params(values)
        return self.cache[key]


def table(pairs: Iterable[tuple[str, str]], as_of: dt.date) -> pa.Table:
    resolver = Resolver(as_of)
    rows = [{"region_code": r, "area_type": a, **resolver(r, a)} for r, a in sorted(set(pairs))]
    return E.params_table(rows)


def for_persons(persons: pa.Table, as_of: dt.date) -> pa.Table:
    distinct = persons.group_by(["region_code", "area_type"]).aggregate([])
    pairs = zip(distinct["region_code"].to_pylist(), distinct["area_type"].to_pylist(), strict=True)
    return table(pairs, as_of)

"""Doudi's ``assess_table`` side by side with an OpenFisca model of the same rules (``openfisca_doudi``).

    uv run --with openfisca-core python benchmarks/peers/run_openfisca.py                 # 1,000,000 households
    uv run --with openfisca-core python benchmarks/peers/run_openfisca.py --households 100000

OpenFisca is a benchmark-only dependency (not in pyproject). Both sides get the same synthetic households
(``devtools.synth.generate`` → ``policy_tables.build``) and the same parameters (the Jilin baseline on
2025-08-01; ``openfisca_doudi/parameters`` holds the same values as YAML). Times Doudi's evaluation and
OpenFisca's (building the simulation with its inputs, then calculating), and checks that the household
category and the monthly total agree on EVERY household; exits 1 if any differs, listing a few.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

PERIOD = "2025-08"
PERIOD_YMD = 20250801  # the synthetic data's as-of date
YANJI = "222401"  # the peer model's one county with its own parameters
# The baseline has figures per county (province floors, minimum-wage tiers); the peer model knows two
# parameter regions, so both sides give every other township the figures of one county.
OTHER = "220122"  # 农安县
HOUSEHOLD_INPUTS = (
    "income_fen",
    "income_months",
    "rigid_expense_fen",
    "financial_fen",
    "vehicles",
    "dwellings",
    "business",
    "nonresidential",
    "floor_area_e2",
)
PERSON_INPUTS = (
    "disability_kind",
    "disability_grade",
    "serious_illness",
    "employed",
    "adl_failed",
    "own_income_fen",
    "own_assets_ok",
    "has_capable_supporter",
    "in_school",
    "current_tekun",
)


def _int32(values: np.ndarray, name: str) -> np.ndarray:
    if (
        values.dtype != np.bool_
        and len(values)
        and (values.max() > np.iinfo(np.int32).max or values.min() < -1)
    ):
        raise SystemExit(f"{name} does not fit OpenFisca's int (int32)")
    return values if values.dtype == np.bool_ else values.astype(np.int32)


def _two_regions(region: str, area_type: str, on):
    from doudi.policy.rules import baseline_parameters

    return baseline_parameters(region if region.startswith(YANJI) else OTHER, area_type, on)


def vary(tables, seed: int):
    """Exercise what the generator does not produce (rule set 2024-2.2): a second dwelling with a floor
    area around the 2 × 30 m² per-capita limit for 15 % of households, and member ``current`` TEKUN with
    ``in_school`` for some persons under 21 without a capable supporter (R-T4 minors). Both sides get
    the same tables."""
    import dataclasses

    import pyarrow as pa

    rng = np.random.default_rng(seed)
    h, m = tables.households, tables.members
    n_h, n_p = h.num_rows, m.num_rows
    persons = np.bincount(m["household"].to_numpy(), minlength=n_h)
    per_capita = rng.integers(3_000, 9_000, n_h)  # m² × 100 per person: 30–90 m²
    dwellings = np.where(rng.random(n_h) < 0.15, 2, h["dwellings"].to_numpy())
    area = np.where(dwellings > 1, per_capita * persons, -1)

    def put(table, name, values):
        return table.set_column(table.schema.get_field_index(name), name, pa.array(values))

    h = put(put(h, "dwellings", dwellings.astype(np.int64)), "floor_area_e2", area.astype(np.int64))
    young = (PERIOD_YMD - m["birth_ymd"].to_numpy()) // 10_000 < 21
    current = young & (rng.random(n_p) < 0.3)
    school = m["in_school"].to_numpy(zero_copy_only=False) | (rng.random(n_p) < 0.5)
    capable = m["has_capable_supporter"].to_numpy(zero_copy_only=False) & ~(current & (rng.random(n_p) < 0.7))
    m = put(put(put(m, "current_tekun", current), "in_school", school), "has_capable_supporter", capable)
    return dataclasses.replace(tables, households=h, members=m)


def openfisca_run(tables) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    from openfisca_core.simulations import SimulationBuilder
    from openfisca_doudi import CountryTaxBenefitSystem
    from openfisca_doudi.enums import AreaType, ParamRegion

    times: dict[str, float] = {}
    t = time.perf_counter()
    system = CountryTaxBenefitSystem()
    times["load_model_s"] = round(time.perf_counter() - t, 2)

    h, m = tables.households, tables.members
    n_h, n_p = h.num_rows, m.num_rows
    t, c = time.perf_counter(), time.process_time()
    builder = SimulationBuilder()
    builder.create_entities(system)
    builder.declare_person_entity("person", np.arange(n_p))
    households = builder.declare_entity("household", np.arange(n_h))
    builder.join_with_persons(households, m["household"].to_numpy(), np.zeros(n_p, dtype=np.int64))
    sim = builder.build(system)
    for name in HOUSEHOLD_INPUTS:
        sim.set_input(name, PERIOD, _int32(h[name].to_numpy(zero_copy_only=False), name))
    for name in PERSON_INPUTS:
        sim.set_input(name, PERIOD, _int32(m[name].to_numpy(zero_copy_only=False), name))
    sim.set_input("birth_ymd", "ETERNITY", _int32(m["birth_ymd"].to_numpy(), "birth_ymd"))
    areas = np.asarray(tables.area_types.to_numpy(zero_copy_only=False), dtype=str)
    regions = np.asarray(tables.region_codes.to_numpy(zero_copy_only=False), dtype=str)
    sim.set_input("area_type", PERIOD, AreaType.encode(areas))
    region_key = np.where(np.char.startswith(regions, YANJI), "yanji", "province")
    sim.set_input("param_region", PERIOD, ParamRegion.encode(region_key))
    times["build_simulation_s"] = round(time.perf_counter() - t, 2)
    times["build_simulation_cpu_s"] = round(time.process_time() - c, 2)

    t, c = time.perf_counter(), time.process_time()
    category = sim.calculate("household_category", PERIOD)
    total = sim.calculate("monthly_total", PERIOD)
    tekun = sim.calculate("tekun_person", PERIOD)
    times["calculate_s"] = round(time.perf_counter() - t, 2)
    times["calculate_cpu_s"] = round(time.process_time() - c, 2)
    times["total_s"] = round(times["build_simulation_s"] + times["calculate_s"], 2)
    times["total_cpu_s"] = round(times["build_simulation_cpu_s"] + times["calculate_cpu_s"], 2)
    return (
        np.asarray(category, dtype=np.int64),
        np.asarray(total, dtype=np.int64),
        np.asarray(tekun, dtype=bool),
        times,
    )


def doudi_run(tables) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    from doudi.policy.rules import assess_table

    t, c = time.perf_counter(), time.process_time()
    result = assess_table(tables.households, tables.members, tables.params)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    h = result.households
    tekun = result.members["tekun"].to_numpy(zero_copy_only=False)
    return h["category"].to_numpy(), h["monthly_total"].to_numpy(), tekun, seconds, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    os.environ.setdefault("DOUDI_DATA_DIR", "/tmp/doudi-bench-openfisca")  # no database is touched
    # the model is a directory, not an installed country package: no package metadata to show
    logging.getLogger("openfisca_core.taxbenefitsystems.tax_benefit_system").setLevel(logging.ERROR)

    from importlib.metadata import version

    import policy_tables
    from doudi.devtools import synth

    t = time.perf_counter()
    data = synth.generate(args.households, seed=args.seed)
    tables = vary(policy_tables.build(data, provider=_two_regions), args.seed)
    prepare = time.perf_counter() - t
    print(
        f"{args.households:,} households, {tables.members.num_rows:,} persons (generated + tables: {prepare:.1f} s)"
    )

    d_cat, d_total, d_tekun, d_seconds, d_cpu = doudi_run(tables)
    o_cat, o_total, o_tekun, o_times = openfisca_run(tables)
    # per person too (R-T4): a household differs when any member's TEKUN differs
    member_differs = np.bincount(
        tables.members["household"].to_numpy(), weights=d_tekun != o_tekun, minlength=len(d_cat)
    )
    differ = np.nonzero((d_cat != o_cat) | (d_total != o_total) | (member_differs > 0))[0]
    figures = {
        "households": args.households,
        "persons": tables.members.num_rows,
        "openfisca_core": version("openfisca-core"),
        "numpy": np.__version__,
        "load_average": round(os.getloadavg()[0], 1),
        "doudi_assess_s": round(d_seconds, 2),
        "doudi_assess_cpu_s": round(d_cpu, 2),
        "openfisca": o_times,
        "ratio_openfisca_over_doudi": round(o_times["total_s"] / d_seconds, 1),
        "ratio_calculate_only": round(o_times["calculate_s"] / d_seconds, 1),
        "ratio_cpu": round(o_times["total_cpu_s"] / d_cpu, 1),
        "agree_households": int(args.households - len(differ)),
        "disagree_households": int(len(differ)),
        "monthly_total_sum": int(d_total.sum()),
        "tekun_persons": int(d_tekun.sum()),
        "categories": {int(c): int(n) for c, n in zip(*np.unique(d_cat, return_counts=True), strict=True)},
    }
    print(f"Doudi assess_table:      {d_seconds:8.2f} s (CPU {d_cpu:.2f} s)")
    print(
        f"OpenFisca {figures['openfisca_core']}:      {o_times['total_s']:8.2f} s "
        f"(build simulation {o_times['build_simulation_s']} s + calculate {o_times['calculate_s']} s; "
        f"model load {o_times['load_model_s']} s not counted; CPU {o_times['total_cpu_s']} s)"
    )
    print(
        f"ratio OpenFisca / Doudi: {figures['ratio_openfisca_over_doudi']}× wall "
        f"(calculate only {figures['ratio_calculate_only']}×; CPU {figures['ratio_cpu']}×; "
        f"load average {figures['load_average']})"
    )
    print(
        f"agreement: {figures['agree_households']:,} / {args.households:,} households "
        f"(category, monthly total and every member's TEKUN; {figures['tekun_persons']:,} TEKUN persons)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), "utf-8")
    if len(differ):
        keys = tables.household_keys
        for i in differ[:10]:
            print(f"  {keys[int(i)]}: Doudi {d_cat[i]}/{d_total[i]}  OpenFisca {o_cat[i]}/{o_total[i]}")
        sys.exit(1)


if __name__ == "__main__":
    main()

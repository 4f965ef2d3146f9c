"""Benchmark of the monthly full monitoring scan (``monitoring.scan.scan_all``).

    DOUDI_DATA_DIR=/tmp/bench-monitor uv run python benchmarks/bench_monitor.py
    DOUDI_DATA_DIR=/tmp/bench-monitor uv run python benchmarks/bench_monitor.py --persons 200000 --records 2000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_monitor DOUDI_DATA_DIR=/tmp/bench-monitor-pg \\
        uv run python benchmarks/bench_monitor.py

Setup (not timed; skipped when the data directory already holds a registry of the requested size):
``doudi init``, then a synthetic registry written straight into the database in bulk — households in
every township of Jilin, persons, current categories, employment/schooling facts, encrypted disability
and income facts, rigid expenditure, need pushes already given to most TEKUN members and DIBAO
students — and a batch store built directly in Parquet (records + links of 12 datasets, two months of
social insurance, three of medical expenses; ``--linked`` of the records are about registry persons, the
rest are not) with the hardship signals real monthly data carries at modest rates.

Timed: ``scan_all`` end to end — registry export from the database, linking the store to current
members, parameter resolution per region, the indicators, proactive discovery, and the writes of every
hit (warnings, merges, potential cases, chain events, the audit event) — then a second run on the same
data, which must raise nothing (idempotency). Prints the stage timings and the hits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time

import numpy as np

AS_OF = dt.date(2025, 8, 1)
OUTSIDERS = 10_000_000  # residents not in the registry that department records are about
CATEGORIES = (
    ("DIBAO", 0.60),
    ("TEKUN", 0.08),
    ("MARGINAL", 0.15),
    ("RIGID", 0.05),
    ("FPJC", 0.07),
    ("OTHER", 0.05),
)
SIZES = (0.30, 0.25, 0.20, 0.15, 0.10)  # households of 1…5 persons
STAGES = ((6, "primary"), (12, "junior"), (15, "senior"), (18, "undergraduate"), (22, "graduate"))
KINDS = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
# records per dataset, as shares of --records, and how many of them are about registry persons
MIX = {
    "social_insurance": 0.395, "medical_expense": 0.18, "disability": 0.10, "unemployment": 0.05,
    "student": 0.075, "death": 0.015, "disaster": 0.01, "vehicle": 0.075, "real_estate": 0.05,
    "business": 0.025, "serious_illness": 0.005, "fpjc": 0.005,
    "household_registration": 0.007, "marriage": 0.005, "public_payroll": 0.003,
}  # fmt: skip


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to a scratch directory")
    import django

    django.setup()


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------- registry


def _insert(table: str, columns: list[str], rows) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite (benchmark setup only)."""
    from django.db import connection

    rows = list(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            for start in range(0, len(rows), 200_000):
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                   rows[start : start + 200_000])  # fmt: skip


def _encrypt_many(values: list) -> list[bytes]:
    from multiprocessing import get_context

    from doudi.core import crypto

    crypto._keys()  # load the keys before forking
    with get_context("fork").Pool(os.cpu_count() or 2) as pool:
        return pool.map(crypto.encrypt_json, values, chunksize=5000)


def draw_registry(persons: int, rng: np.random.Generator) -> dict:
    """The synthetic registry as numpy arrays, deterministic for a seed (nothing is written)."""
    from doudi.regions.models import Region

    towns = np.array(sorted(Region.objects.filter(level="township").values_list("code", flat=True)))
    sizes = rng.choice(np.arange(1, 6), size=persons, p=SIZES)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), persons) + 1]
    sizes[-1] -= sizes.sum() - persons
    sizes = sizes[sizes > 0]
    n_h = sizes.size
    hh_of = np.repeat(np.arange(n_h), sizes)
    slot = np.arange(persons) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    hh_town = towns[rng.integers(0, towns.size, n_h)]
    cat = rng.choice(len(CATEGORIES), size=n_h, p=[c[1] for c in CATEGORIES])
    age = np.where(slot <= 1, rng.integers(25, 86, persons), rng.integers(0, 31, persons))
    birth = np.datetime64(AS_OF) - (age * 365.25 + rng.integers(0, 365, persons)).astype("timedelta64[D]")
    pid = np.arange(1, persons + 1)
    school = (age >= 6) & (age <= 22) & (rng.random(persons) < 0.9)
    p_cat = np.array([c[0] for c in CATEGORIES])[cat[hh_of]]
    income = np.round(sizes * rng.uniform(4000, 16000, n_h))
    return {
        "n_h": n_h, "hh_of": hh_of, "hh_town": hh_town, "pid": pid, "age": age, "birth": birth,
        "rural": np.array([t[6:9] >= "100" for t in hh_town]), "male": rng.random(persons) < 0.5,
        "relation": np.where(slot == 0, "head", np.where(slot == 1, "spouse", "child")),
        "since": np.datetime64("2023-01-01") + rng.integers(0, 730, n_h).astype("timedelta64[D]"),
        "id_index": np.char.mod("%032x", pid * 2654435761 % (1 << 62)), "p_cat": p_cat, "school": school,
        "working": (age >= 16) & (age < 60), "disabled": rng.random(persons) < 0.08,
        "dis_grade": rng.choice([1, 2, 3, 4], size=persons, p=[0.15, 0.25, 0.3, 0.3]),
        "dis_kind": rng.integers(0, len(KINDS), persons), "income": income,
        "stage": np.array([s for _, s in STAGES])[np.searchsorted([a for a, _ in STAGES[1:]], age, side="right")],
        "employed": rng.random(persons) < 0.45, "rigid": rng.uniform(0, 0.3, n_h) * income,
        "given_tekun": np.flatnonzero((p_cat == "TEKUN") & (rng.random(persons) < 0.95)),
        "given_edu": np.flatnonzero((p_cat == "DIBAO") & school & (rng.random(persons) < 0.95)),
        "town": hh_town[hh_of],
    }  # fmt: skip


def insert_registry(r: dict) -> None:
    """Write the drawn registry into the database in bulk (benchmark setup only, raw SQL)."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    persons, n_h, hh_of, town, pid = r["pid"].size, r["n_h"], r["hh_of"], r["town"], r["pid"]
    log(f"registry: {persons:,} persons in {n_h:,} households; encrypting facts")
    incomes = _encrypt_many([{"total": int(v), "months": 12} for v in r["income"]])
    dis_idx = np.flatnonzero(r["disabled"])
    dis_enc = _encrypt_many(
        [{"kind": KINDS[r["dis_kind"][i]], "grade": int(r["dis_grade"][i])} for i in dis_idx]
    )
    since_p = r["since"][hh_of].astype(str)
    since_h = r["since"].astype(str)
    log("registry: inserting")
    fact_cols = ["region_code", "kind", "value", "value_enc", "valid_from", "source", "source_ref", "recorded_at",
                 "person_id"]  # fmt: skip
    hf_cols = [*fact_cols[:-1], "household_id"]

    def pfacts(kind, idx, value, enc=None):
        return ((town[i], kind, value(i), None if enc is None else enc[k], since_p[i], "department", "bench", now,
                 int(pid[i])) for k, i in enumerate(idx))  # fmt: skip

    with transaction.atomic():
        _insert("registry_household", ["id", "region_code", "household_key", "area_type", "created_at", "updated_at"],
                ((i + 1, r["hh_town"][i], f"BH{i + 1:08d}", "rural" if r["rural"][i] else "urban", now, now)
                 for i in range(n_h)))  # fmt: skip
        _insert("registry_person",
                ["id", "region_code", "person_key", "name", "id_index", "id_masked", "id_status", "id_problem",
                 "birth_date", "sex", "household_id", "relation", "roster_hash", "created_at", "updated_at"],
                ((int(pid[i]), town[i], f"BP{pid[i]:08d}", f"成员{pid[i]}", r["id_index"][i], "", "valid", "",
                  str(r["birth"][i]), "M" if r["male"][i] else "F", int(hh_of[i] + 1), r["relation"][i], "", now, now)
                 for i in range(persons)))  # fmt: skip
        _insert("registry_categorystatus",
                ["region_code", "person_id", "household_id", "category", "since", "source", "source_ref"],
                ((town[i], int(pid[i]), int(hh_of[i] + 1), r["p_cat"][i], since_p[i], "roster", "bench")
                 for i in range(persons)))  # fmt: skip
        _insert("registry_personfact", fact_cols,
                pfacts("employment", np.flatnonzero(r["working"]),
                       lambda i: json.dumps({"employed": bool(r["employed"][i])})))  # fmt: skip
        _insert("registry_personfact", fact_cols,
                pfacts("schooling", np.flatnonzero(r["school"]),
                       lambda i: json.dumps({"in_school": True, "stage": str(r["stage"][i])})))  # fmt: skip
        _insert("registry_personfact", fact_cols, pfacts("disability", dis_idx, lambda i: None, dis_enc))
        _insert("registry_householdfact", hf_cols,
                ((r["hh_town"][i], "income", None, incomes[i], since_h[i], "self_declared", "bench", now, i + 1)
                 for i in range(n_h)))  # fmt: skip
        _insert("registry_householdfact", hf_cols,
                ((r["hh_town"][i], "rigid_expenditure",
                  json.dumps({"medical": 0, "education": int(r["rigid"][i]), "housing": 0, "care": 0}), None,
                  since_h[i], "self_declared", "bench", now, i + 1) for i in range(n_h)))  # fmt: skip
        push_cols = ["region_code", "household_id", "person_id", "department", "need", "detail", "status", "feedback",
                     "created_at"]  # fmt: skip
        _insert("monitoring_needpush", push_cols,
                [(town[i], int(hh_of[i] + 1), int(pid[i]), "medical_insurance", "medical_assistance", "", "given", "",
                  now) for i in r["given_tekun"]]
                + [(town[i], int(hh_of[i] + 1), int(pid[i]), "education", "education_aid", "", "given", "", now)
                   for i in r["given_edu"]])  # fmt: skip
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("registry_household", "registry_person"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )


# ------------------------------------------------------------------------------------------- store


def _records(n: int, dataset: str, reg: dict, who: np.ndarray, own: dict, rng, batch: int):
    """Records + links tables: ``who`` holds registry person indexes (-1 = not in the registry)."""
    import pyarrow as pa

    from doudi.datasets import DATASETS
    from doudi.exchange.intake import column_type

    linked = who >= 0
    idx = np.where(linked, who, 0)
    pool = rng.integers(0, OUTSIDERS, n)  # people not in the registry, shared by every dataset
    outsider = np.char.mod("f%031x", pool)
    id_index = np.where(linked, reg["id_index"][idx], outsider)
    towns = reg["hh_town"]
    region = np.where(linked, reg["town"][idx], towns[pool % towns.size])
    record_id = np.char.add(f"{dataset[:3]}{batch}-", np.arange(n).astype(str))
    empty = pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))
    cols = {
        "record_id": pa.array(record_id), "line": pa.array(np.arange(2, n + 2, dtype=np.int32)),
        "id_index": pa.array(id_index), "id_status": pa.array(np.full(n, "valid")), "id_repair_indexes": empty,
        "id_birth_date": pa.nulls(n, pa.date32()), "name": pa.array(np.full(n, "某某")),
        "name_pinyin": pa.array(np.full(n, "moumou")), "sex": pa.nulls(n, pa.string()),
        "birth_date": pa.nulls(n, pa.date32()), "region_code": pa.array(region),
        "county_code": pa.array(region.astype("U6")),
    }  # fmt: skip
    for c in DATASETS[dataset].columns:
        values = own.get(c.key)
        if values is None:
            cols[c.key] = pa.nulls(n, column_type(c))
        else:
            arr = pa.array(values)
            cols[c.key] = (arr.cast(pa.float64()) if pa.types.is_integer(arr.type) else arr).cast(
                column_type(c)
            )
    cols["extra"] = pa.array(np.full(n, "{}"))
    links = {
        "record_id": cols["record_id"],
        "person_id": pa.array(reg["pid"][idx].astype(np.int64), mask=~linked),
        "person_key": pa.nulls(n, pa.string()),
        "method": pa.array(np.where(linked, "exact", "none")),
        "score": pa.array(np.where(linked, 1.0, 0.0)),
    }
    return pa.table(cols), pa.table(links)


def _who(n: int, linked: int, pool: np.ndarray, rng) -> np.ndarray:
    who = np.full(n, -1)
    pick = rng.choice(pool, size=min(linked, pool.size, n), replace=False)
    who[rng.choice(n, size=pick.size, replace=False)] = pick
    return who


def _dates(rng, n: int, start: str, days: int) -> np.ndarray:
    return np.datetime64(start) + rng.integers(0, days, n).astype("timedelta64[D]")


def build_store(records: int, linked_share: float, reg: dict, rng) -> int:
    import pyarrow.parquet as pq

    from doudi.core import store

    persons = reg["pid"].size
    everyone = np.arange(persons)
    batch = 0
    total = 0

    def write(dataset: str, as_of: str, n: int, who: np.ndarray, own: dict) -> None:
        nonlocal batch, total
        batch += 1
        rec, links = _records(n, dataset, reg, who, own, rng, batch)
        rec = rec.replace_schema_metadata({"doudi.dataset": dataset, "doudi.contract": "records/1",
                                           "doudi.as_of": as_of})  # fmt: skip
        path = store.records_path(batch)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(rec, path, compression="zstd")
        pq.write_table(links, store.links_path(batch), compression="zstd")
        total += n
        log(f"store: batch {batch} {dataset} {as_of}: {n:,} records, {int((who >= 0).sum()):,} linked")

    size = {k: int(records * v) for k, v in MIX.items()}
    share = linked_share
    # social insurance: two months, the same insured registry persons; some leave or earn less
    n = size["social_insurance"] // 2
    insured = rng.choice(np.flatnonzero(reg["working"]), size=min(int(n * share), int(reg["working"].sum())),
                         replace=False)  # fmt: skip
    base = rng.uniform(2000, 6000, insured.size).round()
    for month, as_of, keep, factor in (("2025-06", "2025-07-05", np.ones(insured.size, bool), np.ones(insured.size)),
                                       ("2025-07", "2025-08-01", rng.random(insured.size) > 0.03,
                                        np.where(rng.random(insured.size) < 0.02, 0.5, 1.0))):  # fmt: skip
        who = np.full(n, -1)
        who[: int(keep.sum())] = insured[keep]
        amount = np.where(who >= 0, np.concatenate([base[keep] * factor[keep], np.zeros(n - int(keep.sum()))]),
                          rng.uniform(2000, 8000, n).round())  # fmt: skip
        write("social_insurance", as_of, n, who, {"month": np.full(n, month), "contribution_base": amount})
    # medical expenses: three monthly settlements; 2 % of them large
    n = size["medical_expense"] // 3
    for month, as_of in (("2025-05", "2025-06-05"), ("2025-06", "2025-07-05"), ("2025-07", "2025-08-01")):
        who = _who(n, int(n * share * 0.4), everyone, rng)
        oop = np.where(rng.random(n) < 0.01, rng.uniform(5000, 60000, n), rng.uniform(50, 3000, n)).round(2)
        start = np.full(n, np.datetime64(f"{month}-01"))
        write(
            "medical_expense",
            as_of,
            n,
            who,
            {
                "period_start": start,
                "period_end": start + np.timedelta64(27, "D"),
                "total_expense": (oop * 2.5).round(2),
                "out_of_pocket": oop,
            },
        )
    # disability: registry disabled persons (4 % upgraded to severe) + outsiders, mostly not severe
    n = size["disability"]
    who = _who(n, int(n * share * 0.4), np.flatnonzero(reg["disabled"]), rng)
    idx = np.where(who >= 0, who, 0)
    upgraded = rng.random(n) < 0.04
    grade = np.where(who >= 0, np.where(upgraded, 1, reg["dis_grade"][idx]),
                     rng.choice([1, 2, 3, 4], size=n, p=[0.005, 0.01, 0.485, 0.5]))  # fmt: skip
    kind = np.array(KINDS)[np.where(who >= 0, reg["dis_kind"][idx], rng.integers(0, 4, n))]
    write(
        "disability",
        "2025-08-01",
        n,
        who,
        {
            "disability_kind": kind,
            "disability_grade": grade,
            "certified_on": _dates(rng, n, "2015-01-01", 3800),
        },
    )
    n = size["unemployment"]
    who = _who(n, int(n * share * 0.05), np.flatnonzero(reg["working"]), rng)
    write("unemployment", "2025-08-01", n, who, {"registered_on": _dates(rng, n, "2025-02-01", 180)})
    n = size["student"]
    who = _who(n, int(n * share * 0.6), np.flatnonzero(reg["school"]), rng)
    stage = np.where(who >= 0, reg["stage"][np.where(who >= 0, who, 0)], "senior")
    write("student", "2025-08-01", n, who, {"stage": stage, "hardship_flag": rng.random(n) < 0.08})
    n = size["death"]
    write(
        "death",
        "2025-08-01",
        n,
        _who(n, int(n * share * 0.05), everyone, rng),
        {"died_on": _dates(rng, n, "2024-09-01", 330)},
    )
    n = size["disaster"]
    write(
        "disaster",
        "2025-08-01",
        n,
        _who(n, int(n * share * 0.3), everyone, rng),
        {
            "event": np.full(n, "2025年7月洪涝灾害"),
            "occurred_on": _dates(rng, n, "2025-07-01", 30),
            "dwelling_damage": rng.choice(
                ["none", "minor", "severe", "collapsed"], size=n, p=[0.65, 0.32, 0.025, 0.005]
            ),
        },
    )
    for dataset, own in (("vehicle", {"vehicle_type": "小型轿车"}), ("real_estate", {"property_type": "residential",
                         "floor_area": 60.5}), ("business", {"enterprise_name": "某某商店"})):  # fmt: skip
        n = size[dataset]
        write(
            dataset,
            "2025-08-01",
            n,
            _who(n, int(n * share * 0.05), everyone, rng),
            {k: np.full(n, v) for k, v in own.items()}
            | {"registered_on": _dates(rng, n, "2015-01-01", 3800)},
        )
    n = size["serious_illness"]
    write(
        "serious_illness",
        "2025-08-01",
        n,
        _who(n, int(n * share * 0.2), everyone, rng),
        {"diagnosis_code": np.full(n, "C34"), "diagnosed_on": _dates(rng, n, "2024-09-01", 330)},
    )
    n = size["fpjc"]
    write(
        "fpjc",
        "2025-08-01",
        n,
        _who(n, int(n * share * 0.2), everyone, rng),
        {"flagged_on": _dates(rng, n, "2024-09-01", 330), "risk_type": np.full(n, "因病")},
    )
    n = size["household_registration"]
    write(
        "household_registration",
        "2025-08-01",
        n,
        _who(n, int(n * share * 0.3), everyone, rng),
        {"event": rng.choice(["birth", "move_in", "move_out", "cancelled"], size=n, p=[0.3, 0.3, 0.3, 0.1]),
         "event_on": _dates(rng, n, "2024-09-01", 330)},
    )  # fmt: skip
    n = size["marriage"]
    write(
        "marriage",
        "2025-08-01",
        n,
        _who(n, int(n * share * 0.2), everyone, rng),
        {"event": rng.choice(["married", "divorced"], size=n, p=[0.7, 0.3]),
         "event_on": _dates(rng, n, "2024-09-01", 330)},
    )  # fmt: skip
    n = size["public_payroll"]
    write(
        "public_payroll",
        "2025-08-01",
        n,
        _who(n, int(n * share * 0.05), everyone, rng),
        {"employer": np.full(n, "某事业单位"), "month": np.full(n, "2025-07"),
         "gross_pay": rng.uniform(3000, 9000, n).round(2)},
    )  # fmt: skip
    return total


# -------------------------------------------------------------------------------------------- main


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def reset_monitoring() -> None:
    """Forget the warnings of earlier runs (benchmark only), so the next run is a first run again."""
    import shutil

    from django.db import connection, transaction

    from doudi.core import store

    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("monitoring_chainevent", "monitoring_notification", "monitoring_warning",
                      "monitoring_potentialcase"):  # fmt: skip
            cursor.execute(f"DELETE FROM {table}")
    shutil.rmtree(store.store_dir() / "monitoring", ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=2_000_000)
    ap.add_argument("--records", type=int, default=20_000_000)
    ap.add_argument("--linked", type=float, default=0.30, help="share of records about registry persons")
    ap.add_argument("--seed", type=int, default=20250801)
    ap.add_argument("--rebuild-store", action="store_true", help="write the batch store again")
    ap.add_argument("--reset", action="store_true", help="delete the warnings of earlier runs first")
    args = ap.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from doudi.core import store
    from doudi.core.scoping import all_regions
    from doudi.monitoring.models import EarlyWarning, PotentialCase
    from doudi.monitoring.scans.scan import scan_all
    from doudi.registry.models import Person

    call_command("init", verbosity=0)
    with all_regions():
        have = Person.unscoped.count()
        if have not in (0, args.persons):
            sys.exit(f"the database holds {have:,} persons; use a fresh DOUDI_DATA_DIR / database")
        reg = draw_registry(args.persons, np.random.default_rng(args.seed))
        if have == 0:
            started = time.perf_counter()
            insert_registry(reg)
            log(f"registry built in {time.perf_counter() - started:.0f} s")
        if args.rebuild_store or not store.stored_batch_ids():
            import shutil

            shutil.rmtree(store.store_dir() / "batches", ignore_errors=True)
            reset_monitoring()
            started = time.perf_counter()
            total = build_store(args.records, args.linked, reg, np.random.default_rng(args.seed + 1))
            log(f"store built in {time.perf_counter() - started:.0f} s: {total:,} records")
        elif args.reset:
            reset_monitoring()
        del reg
        runs = []
        for label in ("first run", "re-run"):
            started, cpu = time.perf_counter(), _cpu()
            result = scan_all(AS_OF, today=dt.date(2025, 8, 4))
            seconds, cpu = time.perf_counter() - started, _cpu() - cpu
            runs.append((label, seconds, cpu, result))
            log(f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU")
        warnings = EarlyWarning.unscoped.count()
        cases = PotentialCase.unscoped.count()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()
    print(f"database: {connection.vendor}; persons: {args.persons:,}; records: {args.records:,}; "
          f"linked share: {args.linked}; cpus: {os.cpu_count()}; load average {load[0]:.1f} {load[1]:.1f}")  # fmt: skip
    for label, seconds, cpu, result in runs:
        stages = ", ".join(f"{k} {v:.1f}/{result.cpu.get(k, 0):.1f}" for k, v in result.timings.items())
        print(
            f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU (stage wall/CPU: {stages}); new {result.total('new'):,}, "
            f"merged {result.total('merged'):,}, unchanged {result.total('unchanged'):,}; "
            f"potential cases new {result.potential['new']:,}"
        )
    print("hits of the first run (indicator, level, new):")
    for ind, cause, level, new, _merged, _unchanged in runs[0][3].rows():
        print(f"  {ind} {cause} {level}: {new:,}")
    print(f"warnings in the database: {warnings:,}; potential cases: {cases:,}; peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()

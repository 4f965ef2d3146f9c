"""Benchmark of the verification read (``casework.verify_data.find_records``): the department records
of one application's members against a store of linked batches.

    DOUDI_DATA_DIR=/tmp/bench-verify uv run python benchmarks/bench_casework_verification.py
    DOUDI_DATA_DIR=/tmp/bench-verify uv run python benchmarks/bench_casework_verification.py --records 2000000

Setup (not timed; skipped when the store already holds the requested size): the database migrated
(the store's batch catalog is read from it on every call), then the batches a verification reads,
written set-based by DuckDB straight into the store — records in the store's format and their links
(in line order, so a person's records are scattered as after a real linkage), every record linked to
one of ``--persons`` registry persons: twelve monthly social-insurance and payroll batches, two
vehicle, real-estate and business registers, death and household-registration events. Then the
per-person index of each batch (``linked_store.build_person_index``, what the pipeline's link step
writes; timed and printed apart).

Timed: ``find_records`` for ``--calls`` random 5-person applications (p50, p95, max; target p95 ≤ 1 s),
and for comparison a few reads without the index (links filtered by person joined to records).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time

AS_OF = dt.date(2025, 8, 1)
# dataset → (batches, share of --records); monthly lists get one batch a month (as-of the 5th after)
MIX = {
    "social_insurance": (12, 0.66),
    "public_payroll": (12, 0.04),
    "vehicle": (2, 0.09),
    "real_estate": (2, 0.09),
    "business": (2, 0.04),
    "death": (1, 0.03),
    "household_registration": (1, 0.05),
}
OWN_SQL = {
    "social_insurance": {"month": "{month}", "contribution_base": "CAST(2000 + hash(i) % 4000 AS DECIMAL(18,2))",
                         "pension_monthly": "CAST(CASE WHEN hash(i) % 3 = 0 THEN 900 + hash(i) % 2000 END AS DECIMAL(18,2))"},
    "public_payroll": {"employer": "'某事业单位'", "month": "{month}", "gross_pay": "CAST(3000 + hash(i) % 6000 AS DECIMAL(18,2))"},
    "vehicle": {"vehicle_type": "'小型轿车'", "registered_on": "DATE '2015-01-01' + CAST(hash(i) % 3800 AS INTEGER)"},
    "real_estate": {"property_type": "CASE WHEN hash(i) % 10 = 0 THEN 'commercial' ELSE 'residential' END",
                    "floor_area": "CAST(40 + hash(i) % 80 AS DECIMAL(18,2))",
                    "registered_on": "DATE '2010-01-01' + CAST(hash(i) % 5000 AS INTEGER)"},
    "business": {"enterprise_name": "'某某商店'", "registered_capital": "CAST(hash(i) % 50 AS DECIMAL(18,2))",
                 "registered_on": "DATE '2015-01-01' + CAST(hash(i) % 3800 AS INTEGER)"},
    "death": {"died_on": "DATE '2024-09-01' + CAST(hash(i) % 330 AS INTEGER)"},
    "household_registration": {"event": "['birth', 'move_in', 'move_out', 'cancelled'][CAST(1 + hash(i) % 4 AS BIGINT)]",
                               "event_on": "DATE '2024-09-01' + CAST(hash(i) % 330 AS INTEGER)",
                               "household_number": "NULL", "to_region_code": "NULL"},
}  # fmt: skip


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to a scratch directory")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _write_batch(con, batch_id: int, dataset: str, n: int, persons: int, as_of: dt.date, month: str) -> None:
    from doudi.core import store
    from doudi.linked_store import dataset_columns

    seed = batch_id * 1_000_003
    own = OWN_SQL[dataset]
    cols = ", ".join(
        f"CAST({own[name].format(month=store.sql_path(month))} AS {kind}) AS {name}"
        for name, kind in dataset_columns(dataset)
    )
    rid = f"'{dataset[:3]}{batch_id}-' || i"
    store.batch_dir(batch_id).mkdir(parents=True, exist_ok=True)
    con.execute(
        f"""COPY (SELECT {rid} AS record_id, CAST(i + 2 AS INTEGER) AS line, md5(CAST(i + {seed} AS VARCHAR)) AS id_index,
                  'valid' AS id_status, CAST([] AS VARCHAR[]) AS id_repair_indexes, CAST(NULL AS DATE) AS id_birth_date,
                  '某某' AS name, 'moumou' AS name_pinyin, CAST(NULL AS VARCHAR) AS sex, CAST(NULL AS DATE) AS birth_date,
                  '222401001000' AS region_code, '222401' AS county_code, {cols}, '{{}}' AS extra
                FROM range({n}) t(i))
            TO {store.sql_path(store.records_path(batch_id))}
            (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000,
             KV_METADATA {{'doudi.dataset': '{dataset}', 'doudi.contract': 'records/1', 'doudi.as_of': '{as_of}'}})"""
    )  # fmt: skip
    con.execute(
        f"""COPY (SELECT {rid} AS record_id, CAST(1 + hash(i + {seed}) % {persons} AS BIGINT) AS person_id,
                  CAST(NULL AS VARCHAR) AS person_key, 'exact' AS method, 1.0 AS score FROM range({n}) t(i))
            TO {store.sql_path(store.links_path(batch_id))} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1000000)"""
    )  # fmt: skip


def build_store(records: int, persons: int) -> dict:
    from doudi.core import store
    from doudi.linked_store import build_person_index, linked_batches

    marker = store.store_dir() / "bench-verify.json"
    wanted = {"records": records, "persons": persons}
    if marker.is_file() and json.loads(marker.read_text()).get("params") == wanted:
        log(f"reusing the store ({records:,} records)")
        return json.loads(marker.read_text())
    con = store.duckdb_connection()
    batch_id, total, started = 0, 0, time.perf_counter()
    for dataset, (count, share) in MIX.items():
        n = int(records * share) // count
        for k in range(count):
            batch_id += 1
            month_day = dt.date(2024 + (k + 8) // 12, (k + 8) % 12 + 1, 1)  # 2024-09 … 2025-08
            as_of = (
                month_day.replace(day=5) if count == 12 else AS_OF - dt.timedelta(days=180 * (count - 1 - k))
            )
            month = (month_day - dt.timedelta(days=1)).strftime("%Y-%m")
            _write_batch(con, batch_id, dataset, n, persons, as_of, month)
            total += n
            log(f"batch {batch_id} {dataset} as of {as_of}: {n:,} records")
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    for b in linked_batches():
        build_person_index(b, con)
    index_s = time.perf_counter() - started
    con.close()
    info = {"params": wanted, "records": total, "batches": batch_id, "write_s": round(write_s, 1),
            "index_s": round(index_s, 1)}  # fmt: skip
    marker.write_text(json.dumps(info))
    return info


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=20_000_000)
    ap.add_argument("--persons", type=int, default=3_000_000)
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--plain-calls", type=int, default=3, help="reads without the per-person index")
    args = ap.parse_args()
    setup_django()
    from doudi import linked_store
    from doudi.casework import verify_data
    from doudi.casework.verify_rules import compare, overall
    from doudi.core import store

    info = build_store(args.records, args.persons)
    log(f"store: {info['records']:,} linked records in {info['batches']} batches "
        f"(written in {info['write_s']} s, per-person indexes in {info['index_s']} s)")  # fmt: skip
    rng = random.Random(7)
    times, found_rows = [], 0
    for _ in range(args.calls):
        ids = rng.sample(range(1, args.persons + 1), 5)
        t0 = time.perf_counter()
        found = verify_data.find_records(ids, AS_OF)
        rows = compare(None, {}, found, persons=ids)
        overall(rows)
        times.append(time.perf_counter() - t0)
        found_rows += len(found)
    plain = []
    batches = [b for b in linked_store.linked_batches() if b.as_of and b.as_of <= AS_OF]
    con = store.duckdb_connection(memory_limit=verify_data.QUERY_MEMORY, threads=verify_data.QUERY_THREADS)
    for _ in range(args.plain_calls):
        ids = rng.sample(range(1, args.persons + 1), 5)
        t0 = time.perf_counter()
        for ds in {b.dataset for b in batches}:
            verify_data._read(con, ds, [], [b for b in batches if b.dataset == ds], ids)
        plain.append(time.perf_counter() - t0)
    con.close()
    result = {
        "records": info["records"],
        "batches": info["batches"],
        "calls": args.calls,
        "records_found_per_call": round(found_rows / max(1, args.calls), 1),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(_pct(times, 0.95) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "without_index_mean_ms": round(statistics.mean(plain) * 1000, 1) if plain else None,
        "index_build_s": info["index_s"],
        "cpus": os.cpu_count(),
        "ram_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "target_p95_ms": 1000,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

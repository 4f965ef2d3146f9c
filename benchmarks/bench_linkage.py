"""Benchmark of the staged linkage (``doudi match run``) at province scale, with its floor and its peer.

    uv run python benchmarks/bench_linkage.py                     # 2,000,000 persons, 20,000,000 records
    uv run python benchmarks/bench_linkage.py --persons 2000000 --records 200000 --peer-records 200000

Generates (once, then reuses) the synthetic registry and department batch of ``linkage_data.py`` in
``--workdir``, then runs each phase in its own process, so that its peak memory (ru_maxrss) is its own:

* ``floor``  — a plain DuckDB exact join of the records with the registry on the blind index, written
  as one row per record (the least any linkage must do);
* ``staged`` — ``run_linkage`` (all five stages, links file written), same memory limit and threads;
* ``peer``   — Splink alone on the same job: every record scored by Splink 5 with the same comparisons,
  fixed m/u and the same blocking keys (plus the number itself), one best person per record. With
  ``--peer-records`` below ``--records`` it runs on the first N records and the time is extrapolated
  linearly (labelled as such);
* ``snapshot`` — the registry snapshot export (``doudi.matching.snapshot``) from a fresh database
  holding the generated persons (SQLite in the work directory, or ``DATABASE_URL``);
* ``spark`` (``--spark-records N``) — both engines on the first N records; the links must be identical.

Quality (precision, recall, per method and per kind of noise) is computed against the known truth. Prints
a summary and writes it as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # tests/support: the synthetic data and its truth


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _batch_store(data: Path, records: Path, batch_id: int = 1) -> None:
    """Put the records file in the store as batch ``batch_id`` (a symbolic link)."""
    from doudi.core import store

    path = store.records_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    path.symlink_to(records)
    store.links_path(batch_id).unlink(missing_ok=True)


def _subset(data: Path, n: int) -> Path:
    """The first ``n`` records (and their truth) as their own files."""
    import duckdb

    out = data / f"subset-{n}"
    if not (out / "truth.parquet").is_file():
        out.mkdir(exist_ok=True)
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{data}/records.parquet') WHERE line <= {n + 1}) "
            f"TO '{out}/records.parquet' (FORMAT parquet)"
        )
        con.execute(
            f"COPY (SELECT t.* FROM read_parquet('{data}/truth.parquet') t "
            f"JOIN read_parquet('{out}/records.parquet') r USING (record_id)) TO '{out}/truth.parquet' (FORMAT parquet)"
        )
    return out


# --------------------------------------------------------------------------------------------- phases


def phase_floor(args) -> dict:
    from doudi.core import store

    con = store.duckdb_connection(memory_limit=args.memory, threads=args.threads)
    out = args.data / "floor.parquet"
    started, cpu = time.perf_counter(), _cpu()
    con.execute(
        f"""COPY (SELECT r.record_id, p.person_id, p.person_key
                  FROM read_parquet('{args.records_file}') r
                  LEFT JOIN read_parquet('{args.data}/persons.parquet') p ON p.id_index = r.id_index)
            TO '{out}' (FORMAT parquet)"""
    )
    seconds = time.perf_counter() - started
    rows = con.execute(f"SELECT count(*), count(person_id) FROM read_parquet('{out}')").fetchall()[0]
    return {"seconds": seconds, "cpu_seconds": _cpu() - cpu, "rows": rows[0], "linked": rows[1]}


def phase_staged(args) -> dict:
    from doudi.core import store
    from doudi.matching import engine

    _batch_store(args.data, args.records_file)
    started, cpu = time.perf_counter(), _cpu()
    result = engine.run_linkage(
        [1],
        snapshot=args.data / "persons.parquet",
        memory_limit=args.memory,
        threads=args.threads,
        progress=sys.stderr.isatty(),
    )
    seconds = time.perf_counter() - started
    links = args.data / "links-staged.parquet"
    os.replace(store.links_path(1), links)
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu() - cpu,
        "summary": result["batches"][1],
        "links": str(links),
    }


def phase_peer(args) -> dict:
    """Splink alone: every record of the batch through Splink's blocking, scoring and a best link."""
    from doudi.core import store
    from doudi.matching import links_file, model, stages

    con = store.duckdb_connection(memory_limit=args.memory, threads=args.threads)
    run = stages.DuckRunner(con)
    started, cpu = time.perf_counter(), _cpu()
    stages.prepare_persons(run, f"read_parquet('{args.data}/persons.parquet')")
    records = stages.prepare_records(run, f"read_parquet('{args.records_file}')")
    mdl = model.Model(staged=False)
    stages.splink_inputs(run, "SELECT * FROM rec", "SELECT * FROM per")
    predictions = stages.splink_predict(run, mdl)
    pairs = int(run.scalar(f"SELECT count(*) FROM {predictions}"))
    run.table("best", stages.best_links(predictions))
    links = args.data / "links-peer.parquet"
    run.view(
        "links",
        """SELECT r.record_id, r.line, b.person_id, p.person_key,
                  CASE WHEN b.person_id IS NULL THEN 'none' ELSE 'probabilistic' END AS method, b.match_weight
           FROM rec r LEFT JOIN best b USING (record_id) LEFT JOIN per p USING (person_id)""",
    )
    links_file.write_links(con, "links", links)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu() - cpu,
        "records": records,
        "pairs_above_threshold": pairs,
        "links": str(links),
    }


def phase_snapshot(args) -> dict:
    """Load the generated persons into a fresh database, then time the snapshot export."""
    import pyarrow.parquet as pq
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from doudi.matching import snapshot
    from doudi.registry.models import Person

    call_command("migrate", verbosity=0)
    meta = Person._meta
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {meta.db_table}")
        existing = cursor.fetchall()[0][0]
    if existing and existing != args.persons:
        raise SystemExit(f"the snapshot database already holds {existing} persons: use an empty one")
    load_seconds = 0.0
    if not existing:
        started = time.perf_counter()
        table = pq.read_table(args.data / "persons.parquet")
        now = timezone.now()
        cols = ["person_key", "name", "id_index", "id_masked", "id_status", "id_problem", "birth_date", "sex",
                "relation", "roster_hash", "region_code", "created_at", "updated_at"]  # fmt: skip
        sql = f"INSERT INTO {meta.db_table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        with transaction.atomic(), connection.cursor() as cursor:
            for batch in table.to_batches(max_chunksize=100_000):
                d = batch.to_pydict()
                rows = [
                    (k, n, i, "", s, "", b, x or "", "", "", r, now, now)
                    for k, n, i, s, b, x, r in zip(
                        d["person_key"],
                        d["name"],
                        d["id_index"],
                        d["id_status"],
                        d["birth_date"],
                        d["sex"],
                        d["region_code"],
                        strict=True,
                    )  # fmt: skip
                ]
                cursor.executemany(sql, rows)
        load_seconds = time.perf_counter() - started
    started, cpu = time.perf_counter(), _cpu()
    info = snapshot.export_snapshot(args.data / "snapshot-export.parquet")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu() - cpu,
        "persons": info.persons,
        "database": connection.vendor,
        "load_seconds": load_seconds,
    }


def phase_spark(args) -> dict:
    import pyarrow.parquet as pq

    from doudi.core import store
    from doudi.matching import engine

    _batch_store(args.data, args.records_file)
    out = {}
    tables = {}
    for name in ("duckdb", "spark"):
        started, cpu = time.perf_counter(), _cpu()
        result = engine.run_linkage([1], engine=name, snapshot=args.data / "persons.parquet")
        out[name] = {
            "seconds": time.perf_counter() - started,
            "cpu_seconds": _cpu() - cpu,
            "summary": result["batches"][1],
        }
        tables[name] = pq.read_table(store.links_path(1))
    out["identical"] = tables["duckdb"].equals(tables["spark"])
    return out


PHASES = {
    "floor": phase_floor,
    "staged": phase_staged,
    "peer": phase_peer,
    "snapshot": phase_snapshot,
    "spark": phase_spark,
}


def run_phase(args) -> None:
    from linkage_data import setup_django

    setup_django(args.data / "data")
    result = PHASES[args.phase](args)
    result["peak_rss_mb"] = _peak_mb()
    result["peak_rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("RESULT " + json.dumps(result, default=str))


# ---------------------------------------------------------------------------------------- orchestrator


def _child(args, phase: str, records: Path, env: dict | None = None) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--data", str(args.data), "--records-file", str(records),
           "--memory", args.memory, "--threads", str(args.threads), "--persons", str(args.persons)]  # fmt: skip
    print(f"… {phase}", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"phase {phase} failed")
    result = json.loads(lines[-1][len("RESULT ") :])
    result["load_average"] = round((load_before + os.getloadavg()[0]) / 2, 1)
    return result


def _quality(links: str, truth: Path) -> dict:
    from tests.support.synthetic import evaluate

    return evaluate(links, truth)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=2_000_000)
    ap.add_argument("--records", type=int, default=20_000_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/doudi-bench-linkage"))
    ap.add_argument("--memory", default="6GB", help="DuckDB memory_limit")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument(
        "--peer-records", type=int, default=-1, help="records for Splink alone (default: all; 0: skip)"
    )
    ap.add_argument(
        "--spark-records", type=int, default=0, help="records for the engine comparison (0: skip)"
    )
    ap.add_argument("--skip-snapshot", action="store_true")
    ap.add_argument("--json", type=Path)
    # internal: one phase in a child process
    ap.add_argument("--phase", choices=sorted(PHASES))
    ap.add_argument("--data", type=Path)
    ap.add_argument("--records-file", dest="records_file", type=Path)
    args = ap.parse_args()
    if args.phase:
        return run_phase(args)

    from linkage_data import ensure_data, setup_django

    args.data = args.workdir / f"data-{args.persons}-{args.records}"
    args.data.mkdir(parents=True, exist_ok=True)
    setup_django(args.data / "data")
    started = time.perf_counter()
    ensure_data(args.data, args.persons, args.records, log=lambda m: print(m, file=sys.stderr, flush=True))
    report: dict = {
        "machine": {
            "cores": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        },
        "persons": args.persons,
        "records": args.records,
        "memory_limit": args.memory,
        "threads": args.threads,
        "generate_seconds": round(time.perf_counter() - started, 1),
    }
    records = args.data / "records.parquet"
    truth = args.data / "truth.parquet"
    report["floor"] = _child(args, "floor", records)
    report["staged"] = _child(args, "staged", records)
    report["staged"]["quality"] = _quality(report["staged"]["links"], truth)
    if args.peer_records:
        n = args.records if args.peer_records < 0 else min(args.peer_records, args.records)
        sub = args.data if n == args.records else _subset(args.data, n)
        peer = _child(args, "peer", sub / "records.parquet")
        peer["quality"] = _quality(peer["links"], sub / "truth.parquet")
        peer["extrapolated_seconds"] = peer["seconds"] * args.records / n
        peer["subsample"] = n < args.records
        report["peer"] = peer
    if not args.skip_snapshot:
        env = {} if os.environ.get("DATABASE_URL") else {"DOUDI_DATA_DIR": str(args.data / "snapdb")}
        report["snapshot"] = _child(args, "snapshot", records, env)
    if args.spark_records:
        sub = _subset(args.data, min(args.spark_records, args.records))
        report["spark"] = _child(args, "spark", sub / "records.parquet")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    _print(report)


def _print(r: dict) -> None:
    s, f = r["staged"], r["floor"]
    q = s["quality"]
    print(f"\nlinkage benchmark — {r['persons']:,} registry persons × {r['records']:,} records, "
          f"{r['machine']['cores']} cores / {r['machine']['memory_gb']} GB, DuckDB memory_limit {r['memory_limit']}, "
          f"{r['threads']} threads")  # fmt: skip
    print(f"{'phase':<34}{'wall s':>9}{'cpu s':>9}{'peak MB':>9}{'load':>6}")
    rows = [("floor: DuckDB exact join", f), ("staged linkage (5 stages)", s)]
    if "peer" in r:
        label = f"peer: Splink alone ({r['peer']['records']:,} rec.)"
        rows.append((label, r["peer"]))
    if "snapshot" in r:
        rows.append((f"snapshot export ({r['snapshot']['database']})", r["snapshot"]))
    for label, x in rows:
        print(
            f"{label:<34}{x['seconds']:>9.1f}{x['cpu_seconds']:>9.1f}{x['peak_rss_mb']:>9.0f}{x['load_average']:>6.1f}"
        )
    print(
        f"staged / floor: {s['seconds'] / f['seconds']:.2f}× wall, {s['cpu_seconds'] / f['cpu_seconds']:.2f}× cpu"
    )
    if "peer" in r:
        p = r["peer"]
        note = " (extrapolated from a subsample)" if p["subsample"] else ""
        print(f"peer (Splink alone) / staged: {p['extrapolated_seconds'] / s['seconds']:.2f}× wall{note}; "
              f"peer precision {p['quality']['precision']:.4f}, recall {p['quality']['recall']:.4f}")  # fmt: skip
    print(f"staged timings: {s['summary'].get('timings')}")
    print(
        f"quality: precision {q['precision']:.5f}, recall {q['recall']:.5f} ({q['correct']:,} of {q['linkable']:,} linkable)"
    )
    for m, v in q["methods"].items():
        print(f"  {m:<14}{v['links']:>12,} links  precision {v['precision']:.5f}")
    for column, values in q["recall_by"].items():
        print(
            f"  recall by {column}: "
            + ", ".join(f"{k} {v['recall']:.4f} ({v['records']:,})" for k, v in values.items())
        )
    if "spark" in r:
        sp = r["spark"]
        print(f"spark vs duckdb on {sp['duckdb']['summary']['records']:,} records: identical={sp['identical']}, "
              f"duckdb {sp['duckdb']['seconds']:.1f}s, spark {sp['spark']['seconds']:.1f}s")  # fmt: skip


if __name__ == "__main__":
    main()

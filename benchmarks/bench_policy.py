"""Benchmarks of the policy engine (issue "Policy engine", Performance).

    uv run python benchmarks/bench_policy.py                          # 1,000,000 households, 1,000 API calls
    uv run python benchmarks/bench_policy.py --households 100000 --api-requests 300

1. **Batch**: ``devtools.synth.generate(N)`` → the columnar tables (``policy_tables.build``, vectorised)
   → ``rules.assess_table`` with the shipped Jilin baseline parameters per township → the decision
   results written as Parquet (one row per household: key, region, category, per-capita income, monthly
   total, every criterion flag and benefit; one row per member: categories, care level, single-person
   dibao, benefit lines). Times each step; the target is assessment + write of 1,000,000 households in
   ≤ 20 s. A sample is re-assessed through the contract path (``assess_many``) and must agree exactly.
2. **API**: ``POST /api/v1/assessments`` through Django's test ``Client`` in-process (token auth, the
   database parameter store), on a scratch data directory (``DOUDI_DATA_DIR``, default a temporary
   directory; the SQLite default unless ``DATABASE_URL`` is set): latency p50 / p95 / p99 over
   ``--api-requests`` calls of varied synthetic households; target p95 ≤ 20 ms. The service call alone
   (``service.assess_contract``) is measured too.

Prints a table; ``--json FILE`` also writes the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# --- batch -----------------------------------------------------------------------------------------------


def write_results(tables, result, out_dir: Path) -> tuple[Path, Path]:
    """The decision results of every household and member as Parquet."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from doudi.policy.rules.codes import HOUSEHOLD_CATEGORY_BY_CODE

    names = pa.array([HOUSEHOLD_CATEGORY_BY_CODE[i] for i in range(5)], pa.string())
    h = result.households
    households = h.append_column("household_key", tables.household_keys).append_column(
        "region_code", tables.region_codes
    )
    households = households.append_column("household_category", pc.take(names, h["category"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    h_path, m_path = out_dir / "households.parquet", out_dir / "members.parquet"
    pq.write_table(households, h_path, compression="zstd")
    pq.write_table(result.members, m_path, compression="zstd")
    return h_path, m_path


def bench_batch(n: int, out_dir: Path, sample: int) -> dict:
    import policy_tables
    from doudi.devtools import synth
    from doudi.policy.rules import assess_table

    figures: dict = {"households": n}
    t = time.perf_counter()
    data = synth.generate(n)
    figures["generate_s"] = round(time.perf_counter() - t, 2)
    figures["persons"] = data.n_persons

    t = time.perf_counter()
    tables = policy_tables.build(data)
    figures["build_tables_s"] = round(time.perf_counter() - t, 2)

    t, c = time.perf_counter(), time.process_time()
    result = assess_table(tables.households, tables.members, tables.params)
    figures["assess_s"] = round(time.perf_counter() - t, 2)
    figures["assess_cpu_s"] = round(time.process_time() - c, 2)

    t, c = time.perf_counter(), time.process_time()
    h_path, m_path = write_results(tables, result, out_dir)
    figures["write_s"] = round(time.perf_counter() - t, 2)
    figures["write_cpu_s"] = round(time.process_time() - c, 2)
    figures["assess_and_write_s"] = round(figures["assess_s"] + figures["write_s"], 2)
    figures["tables_to_parquet_s"] = round(figures["build_tables_s"] + figures["assess_and_write_s"], 2)
    figures["parquet_mb"] = round((h_path.stat().st_size + m_path.stat().st_size) / 1e6, 1)
    figures["households_per_s"] = round(n / figures["assess_and_write_s"]) if n else 0
    categories = result.households.group_by("category").aggregate(
        [("monthly_total", "count"), ("monthly_total", "sum")]
    )
    figures["by_category"] = {
        str(r["category"]): {"households": r["monthly_total_count"], "monthly_total": r["monthly_total_sum"]}
        for r in categories.to_pylist()
    }
    figures["sample_disagreements"] = _check_sample(data, tables, result, sample)
    return figures


def _check_sample(data, tables, result, sample: int) -> int:
    """Re-assess the first ``sample`` households through the contract path (``assessment_inputs`` →
    ``assess_many``); count households whose category or monthly total differ."""
    if sample <= 0:
        return 0
    import pyarrow.compute as pc

    from doudi.devtools import assessment, synth
    from doudi.policy import assess_many
    from doudi.policy.rules.codes import HOUSEHOLD_CATEGORY_BY_CODE

    households = data.households.slice(0, sample)
    keys = households["household_key"]
    roster = data.roster.filter(pc.is_in(data.roster["household_key"], value_set=keys))
    persons = roster["person_key"]
    subset = synth.SynthData(
        roster=roster,
        person_facts=data.person_facts.filter(pc.is_in(data.person_facts["person_key"], value_set=persons)),
        household_facts=data.household_facts.filter(
            pc.is_in(data.household_facts["household_key"], value_set=keys)
        ),
        truth=data.truth.filter(pc.is_in(data.truth["person_key"], value_set=persons)),
        households=households,
        seed=data.seed,
        as_of=data.as_of,
    )
    contract = assess_many(assessment.assessment_inputs(subset, with_standard=False))
    batch = result.households.slice(0, sample).to_pylist()
    return sum(
        (r["household_category"], r["monthly_total"])
        != (HOUSEHOLD_CATEGORY_BY_CODE[x["category"]], x["monthly_total"])
        for r, x in zip(contract, batch, strict=True)
    )


# --- registry extraction and batch reassessment ---------------------------------------------------------


def bench_registry(n: int) -> dict:
    """Seed ``n`` demo households into the scratch database (``doudi demo seed``, not timed), then time
    the registry extraction (``policy.extract``) and a whole batch reassessment run (``policy.batch``:
    extract + assess + results Parquet) over the province."""
    _django()
    from io import StringIO

    from django.core.management import call_command

    from doudi.core.scoping import using_scope
    from doudi.policy import batch, extract
    from doudi.registry.models import Household

    t = time.perf_counter()
    call_command("demo", "seed", "--households", str(n), stdout=StringIO())
    seeded = time.perf_counter() - t
    as_of = dt.date(2025, 8, 1)
    with using_scope("22"):
        households = Household.objects.count()
        t, c = time.perf_counter(), time.process_time()
        rows = sum(chunk.info.num_rows for chunk in extract.iter_extracts(as_of))
        extract_s, extract_cpu = time.perf_counter() - t, time.process_time() - c
        t = time.perf_counter()
        summary = batch.reassess(
            region_code="220000000000", as_of=as_of, out_dir=Path(os.environ["DOUDI_DATA_DIR"]) / "reassess"
        )
        reassess_s = time.perf_counter() - t
    return {
        "households": households,
        "seed_s": round(seeded, 1),
        "extract_s": round(extract_s, 2),
        "extract_households_per_min": round(rows / extract_s * 60),
        "extract_cpu_s": round(extract_cpu, 2),
        "extract_households_per_cpu_min": round(rows / extract_cpu * 60),
        "reassess_s": round(reassess_s, 2),
        "reassess_households_per_min": round(summary["households"] / reassess_s * 60),
        "movers": summary["movers"],
    }


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import django

    django.setup()


# --- API ----------------------------------------------------------------------------------------------------


def bench_api(requests: int) -> dict:
    _django()
    import django
    from django.core.management import call_command
    from django.test import Client

    from doudi.accounts.actions import create_token, create_user
    from doudi.core.scoping import all_regions
    from doudi.devtools import assessment, synth
    from doudi.policy import service

    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with all_regions():
        from doudi.accounts.models import User

        user = User.objects.filter(username="bench-api").first() or create_user(
            actor="bench",
            username="bench-api",
            password="Bench-passw0rd!",
            role="county_officer",
            region_code="222401000000",
            check_password=False,
        )
        token = create_token(actor="bench", user=user, name="bench")
    bodies = assessment.assessment_inputs(synth.generate(500, seed=11), with_standard=False)
    for body in bodies:  # the API takes identity numbers as given; keep them, they are valid
        body["as_of"] = "2025-08-01"
    payloads = [json.dumps(b, ensure_ascii=False) for b in bodies]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for p in payloads[:50]:  # warm-up: imports, parameter cache, connection
        response = client.post("/api/v1/assessments", p, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
    latencies, cpu = [], []
    for i in range(requests):
        p = payloads[i % len(payloads)]
        t, c = time.perf_counter(), time.thread_time()
        response = client.post("/api/v1/assessments", p, content_type="application/json")
        latencies.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
        assert response.status_code == 200, response.content[:300]
    direct = []
    for i in range(requests):
        body = bodies[i % len(bodies)]
        t = time.perf_counter()
        service.assess_contract(body)
        direct.append(time.perf_counter() - t)
    return {
        "requests": requests,
        "http_p50_ms": _ms(_percentile(latencies, 50)),
        "http_p95_ms": _ms(_percentile(latencies, 95)),
        "http_p99_ms": _ms(_percentile(latencies, 99)),
        "http_mean_ms": _ms(statistics.fmean(latencies)),
        "http_cpu_p50_ms": _ms(_percentile(cpu, 50)),
        "http_cpu_p95_ms": _ms(_percentile(cpu, 95)),
        "load_average": round(os.getloadavg()[0], 1),
        "service_p50_ms": _ms(_percentile(direct, 50)),
        "service_p95_ms": _ms(_percentile(direct, 95)),
        "database": django.conf.settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--api-requests", type=int, default=1000)
    ap.add_argument(
        "--sample", type=int, default=2000, help="households re-assessed through the contract path"
    )
    ap.add_argument("--out", type=Path, help="where the result Parquet goes (default: a temporary directory)")
    ap.add_argument(
        "--registry-households",
        type=int,
        default=0,
        help="also seed N registry households "
        "and time extraction + a batch reassessment run (seeding takes ~2 s per 1,000)",
    )
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--skip-api", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="bench-policy-")
    os.environ.setdefault("DOUDI_DATA_DIR", scratch.name)
    figures: dict = {
        "date": dt.date.today().isoformat(),
        "load_average_at_start": round(os.getloadavg()[0], 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    steps = []
    if not args.skip_batch:
        out = args.out or Path(scratch.name) / "results"
        steps.append(("batch", lambda: bench_batch(args.households, out, args.sample)))
    if args.registry_households > 0:
        steps.append(("registry", lambda: bench_registry(args.registry_households)))
    if not args.skip_api and args.api_requests > 0:
        steps.append(("api", lambda: bench_api(args.api_requests)))
    _print(figures)
    failed = False
    for name, step in steps:
        try:
            figures[name] = step()
        except Exception as exc:  # report the other figures even if one step breaks
            failed = True
            figures[name] = {"error": f"{exc.__class__.__name__}: {exc}"}
            print(f"{name}: FAILED — {figures[name]['error']}", flush=True)
            continue
        _print({name: figures[name]})
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), "utf-8")
    scratch.cleanup()
    sys.exit(1 if failed else 0)


def _print(f: dict) -> None:
    if "machine" in f:
        print(
            f"policy benchmarks — {f['machine']}, load average {f['load_average_at_start']:.1f}", flush=True
        )
    b = f.get("batch")
    if b:
        print(f"batch: {b['households']:,} households, {b['persons']:,} persons")
        rows = [
            ("generate (devtools.synth)", b["generate_s"]),
            ("synthetic facts → columnar tables", b["build_tables_s"]),
            (f"assess_table (CPU {b['assess_cpu_s']} s)", b["assess_s"]),
            (f"write results Parquet ({b['parquet_mb']} MB; CPU {b['write_cpu_s']} s)", b["write_s"]),
            ("assess + write", b["assess_and_write_s"]),
            ("tables + assess + write", b["tables_to_parquet_s"]),
        ]
        for label, seconds in rows:
            print(f"  {label:<40} {seconds:>8.2f} s")
        print(f"  {'households per second (assess + write)':<40} {b['households_per_s']:>10,}")
        print(f"  contract-path sample disagreements: {b['sample_disagreements']}")
    r = f.get("registry")
    if r:
        print(f"registry: {r['households']:,} households (seeded in {r['seed_s']} s)")
        print(
            f"  extraction {r['extract_s']} s = {r['extract_households_per_min']:,} households/min "
            f"(CPU {r['extract_cpu_s']} s = {r['extract_households_per_cpu_min']:,} per CPU minute)"
        )
        print(
            f"  batch reassessment run {r['reassess_s']} s = {r['reassess_households_per_min']:,} households/min, {r['movers']:,} movers"
        )
    a = f.get("api")
    if a:
        print(f"API POST /api/v1/assessments ({a['requests']} requests, {a['database']}):")
        print(
            f"  p50 {a['http_p50_ms']} ms, p95 {a['http_p95_ms']} ms, p99 {a['http_p99_ms']} ms, mean {a['http_mean_ms']} ms"
        )
        print(
            f"  request thread CPU time: p50 {a['http_cpu_p50_ms']} ms, p95 {a['http_cpu_p95_ms']} ms (load average {a['load_average']})"
        )
        print(f"  service.assess_contract alone: p50 {a['service_p50_ms']} ms, p95 {a['service_p95_ms']} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

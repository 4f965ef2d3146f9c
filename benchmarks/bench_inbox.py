"""Benchmark of the warning inbox (issue: p95 ≤ 150 ms with 100,000 open warnings in scope).

    DOUDI_DATA_DIR=/tmp/bench uv run doudi init && DOUDI_DATA_DIR=/tmp/bench uv run doudi demo seed
    DOUDI_DATA_DIR=/tmp/bench uv run python benchmarks/bench_inbox.py [--warnings 100000] [--requests 100]

(add ``DATABASE_URL=postgresql://…`` to all three for PostgreSQL). Picks the county and, in it, the
township with the most demo households, bulk-creates ``--warnings`` open warnings on that township's
households (a mix of statuses, levels, indicators and deadlines, a third of them overdue) plus a fifth
as many on the county's other townships — so the township caseworker has the full number in scope and
the county officer more — then times the inbox page (``/monitoring/warnings/``) through Django's test
client: routing, session auth, the scoped queries, pagination and template rendering, all but the
network. Re-running reuses the generated warnings (``--fresh`` deletes and regenerates them). The last
column is this process's CPU time per request (what does not depend on neighbours on a shared machine;
PostgreSQL's backend time is not in it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time

BENCH_PREFIX = "BENCH:"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to a directory with `doudi init` and `doudi demo seed` done")
    import django

    django.setup()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _generate(n: int, county: str, township: str, grid_id: int) -> None:
    from doudi.monitoring.models import EarlyWarning, Indicator, WarningLevel
    from doudi.registry.models import Household

    rng = random.Random(11)
    own = list(
        Household.unscoped.filter(region_code__startswith=township[:9]).values_list("pk", "region_code")
    )
    others = list(
        Household.unscoped.filter(region_code__startswith=county[:6])
        .exclude(region_code__startswith=township[:9])
        .values_list("pk", "region_code")
    )
    today = dt.date.today()
    indicators = [i for i in Indicator.values if i not in ("W-RPT", "W-NEW")]
    statuses = (
        ["raised"] * 40 + ["dispatched"] * 25 + ["assigned"] * 15 + ["verified"] * 10 + ["disposed"] * 10
    )
    rows = []
    plan = [(own, n), (others or own, n // 5)]
    seq = 0
    for pool, count in plan:
        for _ in range(count):
            seq += 1
            hh, region = pool[seq % len(pool)]
            status = rng.choice(statuses)
            raised = today - dt.timedelta(days=rng.randint(0, 60))
            deadline = raised + dt.timedelta(days=rng.randint(3, 25))
            ts = region[:9].ljust(12, "0") if status != "raised" else ""
            rows.append(
                EarlyWarning(
                    household_id=hh,
                    indicator=rng.choice(indicators),
                    level=rng.choice(WarningLevel.values),
                    status=status,
                    dedupe_key=f"{BENCH_PREFIX}{seq}",
                    is_open=True,
                    raised_on=raised,
                    deadline=deadline,
                    escalations=1 if rng.random() < 0.05 else 0,
                    township_code=ts,
                    assigned_to_id=grid_id if status == "assigned" else None,
                    region_code=region,
                    evidence=[
                        {"source": "bench", "batch_id": 1, "record_id": str(seq), "detail": "基准测试"}
                    ],
                )
            )
            if len(rows) >= 5000:
                EarlyWarning.unscoped.bulk_create(rows)
                rows = []
    EarlyWarning.unscoped.bulk_create(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warnings", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--fresh", action="store_true", help="delete the generated warnings and generate again")
    args = ap.parse_args()
    _setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User
    from doudi.core.scoping import all_regions
    from doudi.monitoring.models import EarlyWarning
    from doudi.registry.models import Household

    with all_regions():
        by_township = (
            Household.unscoped.values("region_code")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("region_code", flat=True)
        )
        top = next(iter(by_township), None)
        if top is None:
            sys.exit("no households: run `doudi demo seed` first with the same DOUDI_DATA_DIR")
        township, county = top[:9].ljust(12, "0"), top[:6].ljust(12, "0")
        users = {}
        for username, role, region in (
            ("bench-county", "county_officer", county),
            ("bench-township", "township_caseworker", township),
            ("bench-grid", "grid_worker", township),
        ):
            users[role] = User.objects.filter(username=username).first() or create_user(
                actor="bench",
                username=username,
                password="Bench-passw0rd!",
                role=role,
                region_code=region,
                check_password=False,
            )
        bench = EarlyWarning.unscoped.filter(dedupe_key__startswith=BENCH_PREFIX)
        if args.fresh:
            bench.delete()
        if not bench.exists():
            t0 = time.perf_counter()
            _generate(args.warnings, county, township, users["grid_worker"].pk)
            print(f"generated warnings in {time.perf_counter() - t0:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE monitoring_warning")
        in_county = EarlyWarning.unscoped.filter(is_open=True, region_code__startswith=county[:6]).count()
        in_township = EarlyWarning.unscoped.filter(is_open=True, region_code__startswith=township[:9]).count()

    print(
        f"database: {connection.vendor}; open warnings in county {county}: {in_county:,}; "
        f"in township {township}: {in_township:,}; requests per case: {args.requests}"
    )
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'case':46s} {'rows':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'CPU p50':>8s}")
    cases = [
        ("county officer · todo (raised + escalated)", "county_officer", {}),
        ("county officer · all open", "county_officer", {"view": "open"}),
        (
            "county officer · red, overdue",
            "county_officer",
            {"view": "open", "level": "red", "overdue": "on"},
        ),
        (
            "county officer · W-ILL, page 20",
            "county_officer",
            {"view": "open", "indicator": "W-ILL", "page": 20},
        ),
        ("township caseworker · todo", "township_caseworker", {}),
        ("township caseworker · all open", "township_caseworker", {"view": "open"}),
        (
            "township caseworker · assigned, htmx",
            "township_caseworker",
            {"view": "open", "status": "assigned", "hx": True},
        ),
        ("grid worker · todo", "grid_worker", {}),
    ]
    for label, role, params in cases:
        client = Client()
        client.force_login(users[role])
        params = dict(params)
        headers = {"HX-Request": "true"} if params.pop("hx", False) else {}
        first = client.get("/monitoring/warnings/", params, headers=headers)  # warm up
        assert first.status_code == 200, first.status_code
        rows = first.content.decode().count("data-warning=")
        times, cpu = [], []
        for _ in range(args.requests):
            t0, c0 = time.perf_counter(), time.process_time()
            r = client.get("/monitoring/warnings/", params, headers=headers)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert r.status_code == 200
        print(
            f"{label:46s} {rows:6d} {statistics.median(times):8.1f} {_pct(times, 95):8.1f} {max(times):8.1f}"
            f" {statistics.median(cpu):8.1f}"
        )


if __name__ == "__main__":
    main()

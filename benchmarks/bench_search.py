"""Benchmark of household search by name and by identity number (issue: p95 ≤ 100 ms at 1,000,000 persons).

    DOUDI_DATA_DIR=/tmp/bench uv run python benchmarks/bench_roster.py --persons 1000000   # load first
    DOUDI_DATA_DIR=/tmp/bench uv run python benchmarks/bench_search.py [--queries 300]

Runs in-process through Django's test client, so each figure includes URL routing, authentication,
the region-scoped query, serialisation and template rendering — everything but the network. Measures
the JSON API (`/api/v1/households`) and the search page (`/households/`) for a province officer and a
county officer, by exact name and by identity number (blind index), with sampled existing names/numbers.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to the directory bench_roster.py loaded")
    import django

    django.setup()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    _setup()
    from django.test import Client

    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User
    from doudi.core.scoping import all_regions
    from doudi.registry.models import Person

    with all_regions():
        total = Person.objects.count()
        if total == 0:
            sys.exit("no persons loaded: run benchmarks/bench_roster.py first with the same DOUDI_DATA_DIR")
        rng = random.Random(5)
        max_id = Person.objects.order_by("-id").values_list("id", flat=True).first()
        picks = list(
            Person.objects.filter(id__in=[rng.randint(1, max_id) for _ in range(args.queries * 2)])
            .exclude(id_enc=None)
            .values_list("name", "id_enc", "region_code")[: args.queries]
        )
        samples = [(name, Person(id_enc=enc).id_number(), region) for name, enc, region in picks]
        county = max(
            {r[:6] for _, _, r in samples}, key=lambda c: sum(r.startswith(c) for _, _, r in samples)
        )
        users = {}
        for username, role, region in (
            ("bench-province", "province_officer", "220000000000"),
            ("bench-county", "county_officer", county.ljust(12, "0")),
        ):
            users[username] = User.objects.filter(username=username).first() or create_user(
                actor="bench",
                username=username,
                password="Bench-passw0rd!",
                role=role,
                region_code=region,
                check_password=False,
            )

    print(f"persons in registry: {total:,}; queries per case: {len(samples)}")
    print(f"{'case':52s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        cases = {
            "API  name": lambda n, i, c=client: c.get("/api/v1/households", {"name": n}),
            # an identity number never travels in a URL: both searches by number are posted
            "API  id number": lambda n, i, c=client: c.post(
                "/api/v1/households/search", {"id_number": i}, content_type="application/json"
            ),
            "page name": lambda n, i, c=client: c.get("/households/", {"name": n}),
            "page id number": lambda n, i, c=client: c.post("/households/", {"id_number": i}),
        }
        for label, call in cases.items():
            call(*samples[0][:2])  # warm up
            times = []
            for name, number, _ in samples:
                t0 = time.perf_counter()
                resp = call(name, number)
                times.append((time.perf_counter() - t0) * 1000)
                assert resp.status_code == 200, resp.status_code
            print(
                f"{username + ' · ' + label:52s} {statistics.median(times):8.1f} {_pct(times, 95):8.1f} "
                f"{max(times):8.1f}"
            )


if __name__ == "__main__":
    main()

"""Benchmark of supervision at province size (issue 14): every dashboard and drill-down p95 ≤ 300 ms for a
province officer, a county's public recipient list ≤ 500 ms (``disclosure_list.py``), the year-end evaluation
for all regions ≤ 60 s. Not part of the test suite.

    DOUDI_DATA_DIR=/tmp/bench-sup uv run --frozen python benchmarks/dashboards.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_sup DOUDI_DATA_DIR=/tmp/bench-sup-pg \\
        uv run --frozen python benchmarks/dashboards.py

Setup (not timed): ``doudi init`` and ``doudi migrate``, then ``supervision_data.generate`` (1,000,000 cases,
2,350,520 persons, 1,000,000 warnings, 24 months of paid rosters, applications, complaints, answered needs).
Timed, each as the real command in a child process (wall time, peak memory):

1. ``dashboards refresh --full`` (every topic's cells, every roster month), then ``dashboards refresh`` (the
   daily job: paid months kept);
2. ``evaluation run --year 2026 --level county`` and ``--level city`` (every county, then every city, scored
   and ranked; the target of 60 s is for both);

then through the whole Django stack (test client, a province officer logged in), 30 times each, median and
p95: the dashboard of the province, of the largest city, of its largest county and of that county's largest
township, for the default range (the last 12 months) and for 24 months; the dashboards API's region
overview and one topic; the evaluation's ranking page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases_data  # noqa: E402
import supervision_data  # noqa: E402
from payments_run import child, peak_gb  # noqa: E402

RUNS = 30
PROVINCE = "220000000000"


def timings(client, url: str) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _officer():
    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User

    return User.objects.filter(username="bench-province").first() or create_user(
        actor="bench",
        username="bench-province",
        password="Bench-passw0rd!",
        role="province_officer",
        region_code=PROVINCE,
        check_password=False,
    )


def _largest(prefix_len: int, within: str) -> str:
    """The region of ``prefix_len`` digits under the prefix ``within`` with the most cases."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT SUBSTR(region_code, 1, {prefix_len}) AS r, COUNT(*) AS n FROM casework_case"
            " WHERE region_code LIKE %s GROUP BY r ORDER BY n DESC LIMIT 1",
            [within + "%"],
        )
        return cur.fetchone()[0].ljust(12, "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--warnings", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--pages-only", action="store_true", help="skip the refresh and the evaluation")
    args = parser.parse_args()
    cases_data.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    supervision_data.generate(args.cases, args.warnings)
    connection.close()
    figures: dict[str, str] = {}
    if not args.pages_only:
        took, last = child("dashboards", "refresh", "--full")
        figures["refresh, every topic and roster month"] = f"{took:.1f} s ({last})"
        cases_data.log(f"refresh full {took:.1f} s {last}")
        took, last = child("dashboards", "refresh")
        figures["refresh, the daily job (paid months kept)"] = f"{took:.1f} s ({last})"
        cases_data.log(f"refresh daily {took:.1f} s {last}")
        for level in ("county", "city"):
            took, last = child("evaluation", "run", "--year", str(args.year), "--level", level)
            figures[f"year-end evaluation {args.year}, every {level}"] = f"{took:.1f} s ({last})"
            cases_data.log(f"evaluation {level} {took:.1f} s {last}")
        figures["peak memory (largest child)"] = f"{peak_gb():.2f} GB"

    city = _largest(4, "22")
    county = _largest(6, city[:4])
    township = _largest(9, county[:6])
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(_officer())
    long = "&from=2024-12-01&to=2026-11-30"
    pages = [
        ("province", f"/dashboards/?region={PROVINCE}"),
        ("province, 24 months", f"/dashboards/?region={PROVINCE}{long}"),
        (f"city {city}", f"/dashboards/?region={city}"),
        (f"county {county}", f"/dashboards/?region={county}"),
        (f"county {county}, 24 months", f"/dashboards/?region={county}{long}"),
        (f"township {township}", f"/dashboards/?region={township}"),
        ("API province overview", f"/api/v1/dashboards/regions/{PROVINCE}"),
        (
            "API province payments topic, 24 months",
            f"/api/v1/dashboards/regions/{PROVINCE}/topics/payments?{long[1:]}",
        ),
        ("evaluation runs page", "/evaluation/"),
    ]
    from doudi.evaluation.models import Run

    run = Run.objects.filter(year=args.year, level="county", state="current").order_by("-pk").first()
    if run is not None:
        pages += [
            (f"evaluation ranking of {args.year}", f"/evaluation/{run.pk}/"),
            (f"evaluation breakdown of county {county}", f"/evaluation/{run.pk}/{county}/"),
        ]
    for label, url in pages:
        p50, p95 = timings(client, url)
        figures[label] = f"median {p50:.0f} ms, p95 {p95:.0f} ms"
        cases_data.log(f"{label}: median {p50:.0f} ms, p95 {p95:.0f} ms")
    print(f"supervision benchmark, {args.cases:,} cases, {connection.vendor}, data in {settings.DATA_DIR}")
    for k, v in figures.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()

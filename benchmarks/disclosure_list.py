"""Benchmark of disclosure (issue 14): a county's public recipient list ≤ 500 ms at province size
(1,000,000 cases). Also the publish step that writes the snapshot the list reads.

    DOUDI_DATA_DIR=/tmp/bench-pub uv run --frozen python benchmarks/disclosure_list.py --cases 100000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_pub DOUDI_DATA_DIR=/tmp/bench-pub-pg \\
        uv run --frozen python benchmarks/disclosure_list.py --cases 100000

Setup (not timed): ``doudi init``, ``cases_data.generate`` up to N cases, ``payments run --month 2026-12``
(a child process) and the month's rosters set to locked. Timed:

1. ``publish_month`` of the county with the most cases (bulk ``INSERT … SELECT``), twice (idempotent), and
   ``publish_all`` for every county;
2. the public pages of that county through the whole Django stack (test client, no login): the recipient
   list's first, middle and last page, the statistics page and the API's recipient page — each 30 times,
   median and p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases_data  # noqa: E402

MONTH = "2026-12"
RUNS = 30


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def pages(client, url: str) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        t, r = timed(lambda: client.get(url))
        assert r.status_code == 200, (url, r.status_code)
        times.append(t * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--month", default=MONTH, help="roster month to publish (runs payments when it has none)"
    )
    args = parser.parse_args()
    month = args.month
    cases_data.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from doudi.casework.models import Case
    from doudi.core.scoping import all_regions
    from doudi.disclosure import publish_actions
    from doudi.disclosure.models import PublishedRecipient
    from doudi.disclosure.queries import PAGE_SIZE
    from doudi.payments.models import Roster

    have = Case.unscoped.count()
    if have < args.cases:
        cases_data.generate(args.cases - have)
    connection.close()
    if not Roster.unscoped.filter(month=f"{month}-01").exists():
        cases_data.log(f"payments run --month {month}")
        subprocess.run([sys.executable, "-m", "doudi", "payments", "run", "--month", month], check=True,
                       capture_output=True)  # fmt: skip
    Roster.unscoped.filter(month=f"{month}-01", state="draft").update(state="locked")
    counts = (
        Case.unscoped.values("region_code").annotate(n=Count("id")).values_list("region_code", "n").iterator()
    )
    by_county: dict[str, int] = {}
    for code, n in counts:
        by_county[code[:6]] = by_county.get(code[:6], 0) + n
    county = max(by_county, key=by_county.__getitem__).ljust(12, "0")
    figures: dict[str, str] = {}
    with all_regions():
        when = dt.date.fromisoformat(f"{month}-01")
        t, published = timed(
            lambda: publish_actions.publish_month(actor="benchmark", county_code=county, month=when)
        )
        figures[f"publish one county ({by_county[county[:6]]:,} cases)"] = (
            f"{t * 1000:.0f} ms ({published.listed:,} listed, {published.exempt:,} exempt)"
        )
        t, _ = timed(lambda: publish_actions.publish_month(actor="benchmark", county_code=county, month=when))
        figures["publish the same county again (idempotent)"] = f"{t * 1000:.0f} ms"
        t, lists = timed(lambda: publish_actions.publish_all(actor="benchmark", month=when))
        figures[f"publish every county ({len(lists)})"] = f"{t:.1f} s"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    with all_regions():
        listed = PublishedRecipient.unscoped.filter(region_code__startswith=county[:6]).count()
    total_pages = max(1, -(-listed // PAGE_SIZE))
    for label, url in (
        ("recipient list, page 1", f"/public/{county}/recipients/"),
        ("recipient list, middle page", f"/public/{county}/recipients/?page={max(1, total_pages // 2)}"),
        (f"recipient list, last page ({total_pages})", f"/public/{county}/recipients/?page={total_pages}"),
        ("statistics page", f"/public/{county}/statistics/"),
        ("statistics page, the year", f"/public/{county}/statistics/?year={month[:4]}"),
        ("county page (guide, standards)", f"/public/{county}/"),
        ("API recipients, page 1", f"/api/v1/public/regions/{county}/recipients"),
    ):
        p50, p95 = pages(client, url)
        figures[label] = f"median {p50:.0f} ms, p95 {p95:.0f} ms"
    print(f"disclosure benchmark, {args.cases:,} cases, {connection.vendor}, county {county}")
    for k, v in figures.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()

"""Benchmark of the daily review scheduler (CASEWORK R-W30/R-W31; issue 12: ≤ 30 s over 1,000,000 cases).

    DOUDI_DATA_DIR=/tmp/bench-life uv run --frozen python benchmarks/review_scheduler.py --cases 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_life DOUDI_DATA_DIR=/tmp/bench-life-pg \\
        uv run --frozen python benchmarks/review_scheduler.py --cases 1000000

The cases come from ``benchmarks/cases_data.py`` (confirmed cases, ``next_review`` spread over the 12
months after 2026-12-07, 1 % suspended). Times the whole daily pass (``review_schedule_actions.daily``:
reviews due opened set-based, up to ``PREPARE_PER_PASS`` prepared, grace ends, suspensions, notices):

1. a month on (2027-01-07): about one case in twelve is due;
2. the same day again: nothing more (idempotent);
3. a year on (2027-12-08): every other case is due at once (the worst day).

Prints a small table and the peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases_data  # noqa: E402  (benchmarks/cases_data.py, the issue's shared generator)


def _count(model, **filters) -> int:
    return model.unscoped.filter(**filters).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reset", action="store_true", help="drop earlier runs' reviews first (not timed)")
    args = parser.parse_args()
    cases_data.setup()
    from django.db import connection

    from doudi.casework.models import Case, CaseReview
    from doudi.casework.review_schedule_actions import daily
    from doudi.core.scoping import all_regions

    with all_regions():
        have = _count(Case)
        if have < args.cases:
            cases_data.log(f"generating {args.cases - have} cases")
            cases_data.generate(args.cases - have)
        if args.reset:
            with connection.cursor() as cur:
                cur.execute(f"DELETE FROM {CaseReview._meta.db_table}")
                cur.execute(f"UPDATE {Case._meta.db_table} SET state = 'active' WHERE state = 'under_review'")
                cur.execute("ANALYZE")
            cases_data.log("earlier reviews dropped")
        rows = []
        for label, day in (
            ("a month on", dt.date(2027, 1, 7)),
            ("same day again", dt.date(2027, 1, 7)),
            ("a year on (all due)", dt.date(2027, 12, 8)),
        ):
            t0 = time.perf_counter()
            result = daily(day)
            took = time.perf_counter() - t0
            rows.append((label, day, result["reviews_opened"], took))
            cases_data.log(f"{label}: {result} in {took:.1f} s")
        total = _count(Case)
        open_reviews = _count(CaseReview, state__in=("open", "visit"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nreview scheduler, {connection.vendor}, {total:,} cases")
    print(f"{'pass':<22}{'date':<12}{'opened':>10}{'seconds':>10}")
    for label, day, opened, took in rows:
        print(f"{label:<22}{day.isoformat():<12}{opened:>10,}{took:>10.1f}")
    print(f"open reviews after: {open_reviews:,}; peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()

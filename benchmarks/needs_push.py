"""Benchmark of the needs push (issue 13, R-P1): with N confirmed cases (default 1,000,000), the needs push
after a month's changes ≤ 60 s. Not part of the test suite.

    DOUDI_DATA_DIR=/tmp/bench-needs uv run --frozen python benchmarks/needs_push.py --cases 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_needs DOUDI_DATA_DIR=/tmp/bench-needs-pg \\
        uv run --frozen python benchmarks/needs_push.py --cases 1000000

Setup (not timed): ``doudi init``, ``cases_data.generate`` up to N cases, then set-based SQL: each member of
a case's household holds the case's tier from the case's start (``CategoryStatus``), members aged 6–21 are
in school (``schooling`` fact). Timed, each step as the real command in a child process (wall time):

1. ``needs push --date 2026-11-01`` — the first pass: every due need pushed (a deployment's first day);
2. ``needs push --date 2026-11-01`` again — nothing changes (idempotent);
3. a month's changes, set-based (not timed): 1 % of the category rows end on 2026-11-20, 1 % of the
   households get a pupil's schooling fact from 2026-11-15;
4. ``needs push --date 2026-12-01`` — the month's changes pushed and withdrawn (target ≤ 60 s).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases_data  # noqa: E402
from payments_run import child, peak_gb  # noqa: E402

FIRST, SECOND = "2026-11-01", "2026-12-01"


def _json(vendor: str) -> str:
    return "CAST(%s AS jsonb)" if vendor == "postgresql" else "%s"


def categories_and_schooling() -> tuple[int, int]:
    """Every member of a case's household holds its tier; members aged 6–21 are at school (idempotent)."""
    from django.db import connection, transaction

    from doudi.registry.models import CategoryStatus, PersonFact

    if CategoryStatus.unscoped.exists():
        return CategoryStatus.unscoped.count(), PersonFact.unscoped.filter(kind="schooling").count()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO registry_categorystatus (region_code, person_id, household_id, category, since, source,"
            " source_ref) SELECT p.region_code, p.id, p.household_id, c.tier, c.since, 'roster', ''"
            " FROM registry_person p JOIN casework_case c ON c.household_id = p.household_id"
        )
        cats = cur.rowcount
        cur.execute(
            "INSERT INTO registry_personfact (region_code, kind, value, valid_from, source, source_ref, recorded_at,"
            f" person_id) SELECT p.region_code, 'schooling', {_json(connection.vendor)}, '2024-09-01', 'department',"
            " '', CURRENT_TIMESTAMP, p.id FROM registry_person p"
            " WHERE p.birth_date > '2005-01-01' AND p.birth_date <= '2020-09-01' AND p.household_id IS NOT NULL",
            ['{"in_school": true, "stage": "junior"}'],
        )
        return cats, cur.rowcount


def month_of_changes() -> tuple[int, int]:
    """1 % of the category rows end; 1 % of the households get a pupil (set-based)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE registry_categorystatus SET until = '2026-11-20' WHERE id % 100 = 7 AND until IS NULL"
        )
        ended = cur.rowcount
        cur.execute(
            "INSERT INTO registry_personfact (region_code, kind, value, valid_from, source, source_ref, recorded_at,"
            f" person_id) SELECT p.region_code, 'schooling', {_json(connection.vendor)}, '2026-11-15', 'department',"
            " '', CURRENT_TIMESTAMP, p.id FROM registry_person p JOIN registry_household h ON h.id = p.household_id"
            " WHERE h.id %% 100 = 3 AND p.relation = 'head'",
            ['{"in_school": true, "stage": "undergraduate"}'],
        )
        return ended, cur.rowcount


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()
    cases_data.setup()
    from django.db import connection

    from doudi.casework.models import Case
    from doudi.monitoring.models import NeedPush

    have = Case.unscoped.count()
    if have < args.cases:
        cases_data.generate(args.cases - have)
    cats, pupils = categories_and_schooling()
    cases_data.log(f"categories {cats}, pupils {pupils}")
    fresh = not NeedPush.unscoped.exists()
    connection.close()
    vendor = connection.vendor
    figures: dict[str, str] = {}
    if fresh:
        took, last = child("needs", "push", "--date", FIRST)
        figures["first pass (every due need pushed)"] = f"{took:.1f} s ({last})"
        cases_data.log(f"first pass {took:.1f} s {last}")
        took, last = child("needs", "push", "--date", FIRST)
        figures["again (idempotent)"] = f"{took:.1f} s ({last})"
        cases_data.log(f"again {took:.1f} s {last}")
        ended, added = month_of_changes()
        connection.close()
        figures["month's changes"] = f"{ended} category rows ended, {added} pupils"
    took, last = child("needs", "push", "--date", SECOND)
    figures["push after a month's changes (target 60 s)"] = f"{took:.1f} s ({last})"
    cases_data.log(f"month pass {took:.1f} s {last}")
    figures["peak memory (largest child)"] = f"{peak_gb():.2f} GB"
    print(f"needs push benchmark, {args.cases:,} cases, {vendor}, data in {os.environ['DOUDI_DATA_DIR']}")
    for k, v in figures.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()

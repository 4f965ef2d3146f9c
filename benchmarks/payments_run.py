"""Benchmark of the monthly payments (issue 12): with N active cases (default 1,000,000), ``doudi payments
run`` for one month ≤ 60 s, ``doudi payments export`` ≤ 20 s, a standard change effective six months back
(entitlement-months regenerated and the arrears written) ≤ 120 s, peak memory ≤ 4 GB.

    DOUDI_DATA_DIR=/tmp/bench-pay uv run --frozen python benchmarks/payments_run.py --cases 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_pay DOUDI_DATA_DIR=/tmp/bench-pay-pg \\
        uv run --frozen python benchmarks/payments_run.py --cases 1000000

Setup (not timed): ``doudi init`` and ``cases_data.generate`` up to N cases (confirmed 2024-01 … 2026-05,
so every case is paid from 2026-06 on). Timed, each step as the real command in a child process (wall
time; peak memory = the largest child's maximum resident set):

1. ``payments run --month 2026-12`` (fresh month: every line written);
2. the same again (idempotent: every draft line replaced);
3. ``payments export --month 2026-12``;
4. with ``--months-back 6`` (default): the month's lines copied as the paid, closed rosters of the six
   months before (set-based SQL, not timed), every DIBAO standard of the province raised by 50 yuan from
   the first of those months (new parameter rows entered "now"), then ``payments run --month 2026-12``
   again: six past months recomputed, differences written as arrears lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases_data  # noqa: E402

MONTH = dt.date(2026, 12, 1)


def child(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "doudi", *args], capture_output=True, text=True, env=os.environ.copy()
    )
    took = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return took, proc.stdout.strip().splitlines()[-1]


def peak_gb() -> float:
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return kb / 1024 / 1024


def add_months(month: dt.date, n: int) -> dt.date:
    i = month.year * 12 + month.month - 1 + n
    return dt.date(i // 12, i % 12 + 1, 1)


def copy_as_paid(months_back: int) -> None:
    """The month's lines, copied as closed (paid) rosters of each of the ``months_back`` months before."""
    from django.db import connection, transaction

    from doudi.payments.models import Roster, RosterLine

    qn = connection.ops.quote_name
    fields = [f.column for f in RosterLine._meta.concrete_fields if not f.primary_key]
    with transaction.atomic(), connection.cursor() as cur:
        rosters = list(
            Roster.unscoped.filter(month=MONTH).values_list("pk", "region_code", "programme", "kind", "seq")
        )
        for k in range(1, months_back + 1):
            past = add_months(MONTH, -k)
            if Roster.unscoped.filter(month=past).exists():
                continue  # copied by an earlier run of the benchmark
            for pk, region, programme, kind, seq in rosters:
                new = Roster.unscoped.create(
                    region_code=region, programme=programme, month=past, kind=kind, seq=seq, state="closed",
                    generated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                )  # fmt: skip
                cols = ", ".join(qn(c) for c in fields)
                sel = ", ".join(
                    "%s" if c == "roster_id" else "%s" if c == "month" else f"l.{qn(c)}" for c in fields
                )
                params = [new.pk if c == "roster_id" else past for c in fields if c in ("roster_id", "month")]
                cur.execute(
                    f"INSERT INTO {qn(RosterLine._meta.db_table)} ({cols}) SELECT {sel}"
                    f" FROM {qn(RosterLine._meta.db_table)} l WHERE l.roster_id = %s",
                    [*params, pk],
                )
            cases_data.log(f"  paid rosters of {past:%Y-%m} copied")


def raise_standards(start: dt.date, by: int) -> int:
    """Every DIBAO standard row in force on ``start`` closed the day before, a new one +``by`` from it."""
    from django.db import transaction

    from doudi.policy import params_store
    from doudi.policy.models import ParameterValue

    n = 0
    with transaction.atomic():
        rows = ParameterValue.objects.filter(
            key__startswith="dibao_standard.", status="active", effective_from__lte=start
        ).exclude(effective_to__lt=start)
        for row in list(rows):
            ParameterValue.objects.filter(pk=row.pk).update(effective_to=start - dt.timedelta(days=1))
            ParameterValue.objects.create(
                key=row.key, region_code=row.region_code, area_type=row.area_type,
                value=str(int(float(row.value)) + by), unit=row.unit, effective_from=start,
                effective_to=row.effective_to, source="基准测试：标准提高", floor=row.floor,
            )  # fmt: skip
            n += 1
    params_store.clear_cache()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--months-back", type=int, default=6)
    args = parser.parse_args()
    cases_data.setup()
    from django.db import connection

    from doudi.casework.models import Case

    have = Case.unscoped.count()
    if have < args.cases:
        cases_data.generate(args.cases - have)
    connection.close()
    vendor = connection.vendor
    figures: dict[str, str] = {}
    took, last = child("payments", "run", "--month", f"{MONTH:%Y-%m}")
    figures["run (fresh month)"] = f"{took:.1f} s ({last})"
    cases_data.log(f"run {took:.1f} s {last}")
    took, last = child("payments", "run", "--month", f"{MONTH:%Y-%m}")
    figures["run again (idempotent)"] = f"{took:.1f} s ({last})"
    cases_data.log(f"run again {took:.1f} s {last}")
    out = Path(os.environ["DOUDI_DATA_DIR"]) / "payments-export.csv"
    took, last = child("payments", "export", "--month", f"{MONTH:%Y-%m}", "--out", str(out))
    figures["export"] = f"{took:.1f} s ({last}, {out.stat().st_size / 1e6:.0f} MB)"
    cases_data.log(f"export {took:.1f} s {last}")
    if args.months_back:
        copy_as_paid(args.months_back)
        changed = raise_standards(add_months(MONTH, -args.months_back), 50)
        connection.close()
        took, last = child("payments", "run", "--month", f"{MONTH:%Y-%m}")
        figures[f"standard change {args.months_back} months back ({changed} rows)"] = f"{took:.1f} s ({last})"
        cases_data.log(f"arrears run {took:.1f} s {last}")
    figures["peak memory (largest child)"] = f"{peak_gb():.2f} GB"
    print(f"payments benchmark, {args.cases:,} cases, {vendor}")
    for k, v in figures.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()

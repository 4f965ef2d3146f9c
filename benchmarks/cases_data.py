"""Bulk generator of confirmed cases for the issue-12 benchmarks (payments, the review scheduler):
N households with their persons (and memberships), one stored decision, amount basis (+ members) and
case each — set-based (``COPY`` on PostgreSQL, ``executemany`` in chunks on SQLite), never an ORM call
per row.

    DOUDI_DATA_DIR=/tmp/bench-pay uv run --frozen python benchmarks/cases_data.py --cases 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_pay DOUDI_DATA_DIR=/tmp/bench-pay-pg \\
        uv run --frozen python benchmarks/cases_data.py --cases 1000000

From Python (after ``django.setup()`` and ``doudi init``): ``generate(cases=…, seed=…)`` returns the
counts. The mix: 90 % DIBAO households of 1–4 members (ages 0–95, some seriously ill or severely
disabled, per-capita income below the local standard), 10 % TEKUN persons living alone (care level
self / partial / full); 1 % of the cases suspended; confirmed between ``confirmed_from`` and
``confirmed_to`` (paid from the next month), ``next_review`` spread over the 12 months after
``today``; households spread log-normally over Jilin's real townships, 60 % rural.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

PREFIX = "PAYB"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def setup() -> None:
    """Django settings and ``doudi init`` (divisions and baseline parameters) when not done yet."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to a scratch directory")
    import django

    django.setup()
    from django.core.management import call_command

    from doudi.policy.models import ParameterValue

    try:
        ready = ParameterValue.objects.exists()
    except Exception:  # noqa: BLE001 - no tables yet
        ready = False
    if not ready:
        log("doudi init (migrate, divisions, parameters)")
        call_command("init", verbosity=0)


class Writer:
    """Set-based inserts of one model's rows: the given columns per row, every other column the model's
    default prepared once (``auto_now`` → now)."""

    def __init__(self, model, columns: list[str], size: int = 50_000):
        from django.db import connection
        from django.utils import timezone

        self.pg = connection.vendor == "postgresql"
        self.table = model._meta.db_table
        now = timezone.now()
        const = []
        for f in model._meta.concrete_fields:
            if f.column in columns or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()  # the default, "" for text, None for a nullable column
            const.append((f.column, f.get_db_prep_save(value, connection)))
        self.columns = columns + [c for c, _ in const]
        self.tail = tuple(v for _, v in const)
        self.size, self.rows, self.count = size, [], 0

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.tail)
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cur:
            if self.pg:
                with cur.cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as cp:
                    for r in self.rows:
                        cp.write_row(r)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', self.rows)
        self.count += len(self.rows)
        self.rows = []


def _townships() -> list[str]:
    from doudi.regions.models import Region

    return list(Region.objects.filter(level="township").order_by("code").values_list("code", flat=True))


def _next_id(model) -> int:
    return (model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def generate(
    cases: int,
    *,
    seed: int = 12,
    today: dt.date = dt.date(2026, 12, 7),
    confirmed_from: dt.date = dt.date(2024, 1, 1),
    confirmed_to: dt.date = dt.date(2026, 5, 31),
    memberships: bool = True,
    tekun_share: float = 0.1,
) -> dict[str, int]:
    """Insert ``cases`` confirmed cases with everything a payment run and a review pass read."""
    from django.db import transaction

    from doudi.casework.lifecycle_models import AmountBasis, AmountBasisMember
    from doudi.casework.models import Case
    from doudi.policy.models import Decision
    from doudi.registry.models import Household, Membership, Person

    rng = random.Random(seed)
    towns = _townships() or ["222401001000"]
    weights = [rng.lognormvariate(0, 0.8) for _ in towns]
    span = (confirmed_to - confirmed_from).days
    h_id, p_id, d_id, b_id, c_id = (_next_id(m) for m in (Household, Person, Decision, AmountBasis, Case))
    m_id = _next_id(Membership)
    run = f"{PREFIX}{h_id}"
    hw = Writer(Household, ["id", "household_key", "area_type", "region_code"])
    pw = Writer(
        Person,
        ["id", "person_key", "name", "id_masked", "id_status", "birth_date", "sex", "household_id", "relation",
         "region_code"],
    )  # fmt: skip
    mw = Writer(
        Membership, ["id", "household_id", "person_id", "relation", "valid_from", "source", "region_code"]
    )
    dw = Writer(
        Decision,
        ["id", "household_id", "region_code", "as_of", "input_snapshot", "parameters", "rule_set_version", "result",
         "household_category", "monthly_total"],
    )  # fmt: skip
    bw = Writer(
        AmountBasis,
        ["id", "decision_id", "household_id", "area_type", "category", "n_assessed", "income_fen", "income_months",
         "region_code"],
    )  # fmt: skip
    bmw = Writer(
        AmountBasisMember,
        ["basis_id", "person_id", "birth_ymd", "serious_illness", "severe_disability", "tekun", "care_level",
         "single", "own_income_fen"],
    )  # fmt: skip
    cw = Writer(
        Case,
        ["id", "household_id", "tier", "state", "since", "monthly_total", "pay_from", "basis_id", "review_class",
         "next_review", "decision_id", "care_level", "support_form", "region_code"],
    )  # fmt: skip
    t0 = time.perf_counter()
    persons = 0
    with transaction.atomic():
        regions = rng.choices(towns, weights, k=cases)
        for i in range(cases):
            region = regions[i]
            area = "rural" if rng.random() < 0.6 else "urban"
            tekun = rng.random() < tekun_share
            n = 1 if tekun else rng.choice((1, 2, 2, 3, 3, 4))
            hid = h_id + i
            hw.add((hid, f"{run}-H{i:08d}", area, region))
            confirmed = confirmed_from + dt.timedelta(days=rng.randrange(span + 1))
            as_of = confirmed - dt.timedelta(days=rng.randint(5, 20))
            pay_from = dt.date(confirmed.year + (confirmed.month == 12), confirmed.month % 12 + 1, 1)
            category = "TEKUN" if tekun else "DIBAO"
            did, bid, cid = d_id + i, b_id + i, c_id + i
            dw.add((did, hid, region, as_of, "{}", "[]", "2024-2.2", "{}", category, 0))
            per_capita = rng.randint(0, 400) * 100  # fen per month
            bw.add((bid, did, hid, area, category, 0 if tekun else n, per_capita * n * 12, 12, region))
            care = rng.choice(("self", "partial", "full")) if tekun else ""
            for j in range(n):
                pid = p_id + persons
                persons += 1
                if tekun:
                    born = dt.date(rng.randint(1930, 1964), rng.randint(1, 12), rng.randint(1, 28))
                else:
                    born = dt.date(rng.randint(1931, 2024), rng.randint(1, 12), rng.randint(1, 28))
                relation = "head" if j == 0 else rng.choice(("spouse", "child", "parent"))
                pw.add(
                    (pid, f"{run}-P{pid:09d}", "测试人员", "2224**********0000", "valid", born, "M" if j % 2 else "F",
                     hid, relation, region)
                )  # fmt: skip
                if memberships:
                    mw.add((m_id, hid, pid, relation, dt.date(2020, 1, 1), "roster", region))
                    m_id += 1
                ill, severe = rng.random() < 0.08, rng.random() < 0.05
                bmw.add(
                    (
                        bid,
                        pid,
                        born.year * 10000 + born.month * 100 + born.day,
                        ill,
                        severe,
                        tekun,
                        care,
                        0,
                        0,
                    )
                )
            state = "suspended" if rng.random() < 0.01 else "active"
            review = today + dt.timedelta(days=rng.randrange(365))
            cw.add(
                (cid, hid, category, state, confirmed, 0, pay_from, bid, "A" if tekun else rng.choice("ABC"), review,
                 did, care, "dispersed" if tekun else "", region)
            )  # fmt: skip
            if (i + 1) % 200_000 == 0:
                log(f"  {i + 1:,} cases generated ({time.perf_counter() - t0:.0f} s)")
        for w in (hw, pw, mw, dw, bw, bmw, cw):
            w.flush()
    counts = {"households": hw.count, "persons": pw.count, "cases": cw.count, "members": bmw.count}
    log(f"generated {counts} in {time.perf_counter() - t0:.1f} s")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--no-memberships", action="store_true")
    args = parser.parse_args()
    setup()
    generate(args.cases, seed=args.seed, memberships=not args.no_memberships)


if __name__ == "__main__":
    main()

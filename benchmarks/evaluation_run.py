"""Benchmark of the year-end performance evaluation (R-S2; issue 14: ≤ 60 s for all regions at province size).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_eval DOUDI_DATA_DIR=/tmp/bench-eval-pg \\
        uv run --frozen python benchmarks/evaluation_run.py --cases 1000000

On top of ``benchmarks/cases_data.py``'s confirmed cases (households, persons, cases), one row per case in each
source the evaluation counts — an application with its overall limit, a review, a warning — plus a need push
for one case in five, a complaint for one in twenty, the regular rosters of every county for 24 months (two
programmes) and a spot-check round per county; due dates spread over 2025–2026, about 80 % done on time. Then
times ``evaluation.actions.run_evaluation`` for 2026 at county and at city level (every indicator one GROUP
BY) and prints the table. Existing source rows are reused: generate once, time many.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases_data  # noqa: E402  (benchmarks/cases_data.py)
from cases_data import Writer, log  # noqa: E402

START = dt.date(2025, 1, 1)
SPAN = 730  # two years of due dates


def _done(rng: random.Random, due: dt.date) -> dt.date | None:
    roll = rng.random()
    if roll < 0.8:
        return due - dt.timedelta(days=rng.randint(0, 10))
    if roll < 0.95:
        return due + dt.timedelta(days=rng.randint(1, 20))
    return None


def generate_sources(seed: int = 14) -> dict[str, int]:
    from django.db import transaction
    from django.utils import timezone

    from doudi.casework.models import Application, Case, CaseReview, Deadline
    from doudi.complaints.models import Complaint
    from doudi.monitoring.models import EarlyWarning, NeedPush
    from doudi.payments.models import Roster
    from doudi.regions.models import Region
    from doudi.spotchecks.models import Item, Round

    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    cases = list(Case.unscoped.order_by("pk").values_list("pk", "household_id", "region_code"))
    a_id = cases_data._next_id(Application)
    aw = Writer(Application, ["id", "number", "household_id", "applicant_name", "channel", "state", "received_on",
                              "region_code"])  # fmt: skip
    dw = Writer(Deadline, ["application_id", "key", "rule", "what", "start_on", "days", "due", "done_on",
                           "region_code"])  # fmt: skip
    rw = Writer(
        CaseReview, ["case_id", "kind", "trigger", "opened_on", "due", "state", "decided_on", "region_code"]
    )
    ww = Writer(EarlyWarning, ["household_id", "indicator", "level", "status", "dedupe_key", "is_open", "raised_on",
                               "deadline", "verified_on", "region_code"])  # fmt: skip
    nw = Writer(
        NeedPush, ["household_id", "department", "need", "status", "responded_at", "due_on", "region_code"]
    )
    cw = Writer(Complaint, ["number", "channel", "ctype", "state", "summary", "content", "received_on",
                            "response_due", "resolve_due", "closed_on", "region_code"])  # fmt: skip
    t0 = time.perf_counter()
    with transaction.atomic():
        for i, (cid, hid, region) in enumerate(cases):
            due = START + dt.timedelta(days=rng.randrange(SPAN))
            done = _done(rng, due)
            aid = a_id + i
            aw.add((aid, f"SQB{aid:09d}", hid, "测试", "window", "confirmed" if done else "investigating",
                    due - dt.timedelta(days=40), region))  # fmt: skip
            dw.add((aid, "total", "R-W13", "办结时限", due - dt.timedelta(days=40), 30, due, done, region))
            due = START + dt.timedelta(days=rng.randrange(SPAN))
            done = _done(rng, due)
            rw.add((cid, "periodic", "due", due - dt.timedelta(days=30), due, "decided" if done else "open", done,
                    region))  # fmt: skip
            due = START + dt.timedelta(days=rng.randrange(SPAN))
            done = _done(rng, due)
            ww.add((hid, "W-ILL", "yellow", "closed" if done else "assigned", f"W-ILL:b{hid}:{i}", False,
                    due - dt.timedelta(days=10), due, done, region))  # fmt: skip
            if i % 5 == 0:
                due = START + dt.timedelta(days=rng.randrange(SPAN))
                done = _done(rng, due)
                at = None if done is None else dt.datetime.combine(done, dt.time(10), tzinfo=tz)
                nw.add((hid, "medical_insurance", "medical_premium_subsidy", "given" if done else "pushed", at, due,
                        region))  # fmt: skip
            if i % 20 == 0:
                due = START + dt.timedelta(days=rng.randrange(SPAN))
                done = _done(rng, due)
                cw.add((f"TSB{i:09d}", "hotline", "decision", "closed" if done else "in_progress", "事由", "内容",
                        due - dt.timedelta(days=30), due - dt.timedelta(days=25), due, done, region))  # fmt: skip
            if (i + 1) % 200_000 == 0:
                log(f"  {i + 1:,} cases' sources ({time.perf_counter() - t0:.0f} s)")
        for w in (aw, dw, rw, ww, nw, cw):
            w.flush()
        counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
        rosters = []
        for code in counties:
            for m in range(24):
                month = dt.date(2025 + m // 12, m % 12 + 1, 1)
                for prog in ("DIBAO", "TEKUN"):
                    day = rng.choice((5, 8, 10, 12))
                    sent = dt.datetime.combine(month.replace(day=day), dt.time(15), tzinfo=tz)
                    rosters.append(Roster(region_code=code, programme=prog, month=month, kind="regular", seq=1,
                                          state="sent", sent_at=sent))  # fmt: skip
        Roster.unscoped.bulk_create(rosters, batch_size=2000)
        items = []
        for year in (2025, 2026):
            for code in counties:
                rnd = Round.unscoped.create(region_code=code, level="county", year=year, period_from=dt.date(year, 1, 1),
                                            period_to=dt.date(year, 12, 31), seed=1, drawn_by_label="bench",
                                            drawn_on=dt.date(year, 11, 1))  # fmt: skip
                for k in range(40):
                    problem = rng.random() < 0.2
                    items.append(Item(round=rnd, region_code=code[:6] + "001000", kind="case", subject_id=k,
                                      subject_ref="档案", due=dt.date(year, 12, 1),
                                      state=rng.choice(("corrected", "checked")) if problem else "no_correction",
                                      result="problem" if problem else "ok",
                                      category="documents" if problem else ""))  # fmt: skip
        Item.unscoped.bulk_create(items, batch_size=5000)
    counts = {"applications": aw.count, "reviews": rw.count, "warnings": ww.count, "needs": nw.count,
              "complaints": cw.count, "rosters": len(rosters), "spot_items": len(items)}  # fmt: skip
    log(f"sources {counts} in {time.perf_counter() - t0:.1f} s")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    cases_data.setup()
    from django.db import connection

    from doudi.casework.models import Case, Deadline
    from doudi.core.scoping import all_regions
    from doudi.evaluation.actions import run_evaluation

    with all_regions():
        have = Case.unscoped.count()
        if have < args.cases:
            log(f"generating {args.cases - have} cases")
            cases_data.generate(args.cases - have)
        if not Deadline.unscoped.filter(key="total").exists():
            generate_sources()
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("ANALYZE")
        rows = []
        for level in ("county", "city", "county"):
            t0 = time.perf_counter()
            run = run_evaluation(year=args.year, level=level, actor="bench", on=dt.date(args.year, 12, 31))
            took = time.perf_counter() - t0
            rows.append((level, run.regions, took, run.fingerprint[:12]))
            log(f"{level}: {run.regions} regions in {took:.1f} s")
        total = Case.unscoped.count()
    print(f"\nyear-end evaluation {args.year}, {connection.vendor}, {total:,} cases")
    print(f"{'level':<10}{'regions':>8}{'seconds':>10}  fingerprint")
    for level, n, took, fp in rows:
        print(f"{level:<10}{n:>8}{took:>10.1f}  {fp}")


if __name__ == "__main__":
    main()

"""Benchmark of issuing one notice letter (target: p95 ≤ 500 ms per letter PDF).

    DOUDI_DATA_DIR=/tmp/bench-letters uv run doudi init
    DOUDI_DATA_DIR=/tmp/bench-letters uv run python benchmarks/bench_letters.py [--letters 30]

Times ``letters.actions.issue_letter`` end to end for a confirmation letter (the longest default
layout: members, calculation table): the number taken under the county counter's lock, the template
render, the WeasyPrint PDF with the CJK fonts, the row with its bytes and the audit event, in one
transaction. The first letter (font loading, one per process) is reported apart and not counted.
The letters are written to the data directory's database: use a throwaway one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

TOWNSHIP = "222401001000"  # 延吉市 进学街道


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to a directory where `doudi init` has run")
    import django

    django.setup()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _context(i: int) -> dict:
    return {
        "applicant_name": f"测试申请人{i}",
        "application_no": f"BENCH-{i:06d}",
        "address": "延吉市进学街道某社区",
        "tier_label": "城市最低生活保障",
        "household_size": 3,
        "members": [
            {"name": f"成员{i}-{k}", "id_masked": "222401********1234", "relation": rel}
            for k, rel in enumerate(("本人", "配偶", "子女"))
        ],
        "monthly_total": f"{1494 + i % 100:,.2f}",
        "calculation": [
            {"label": "保障标准 × 人数（747.00 × 3）", "amount": "2,241.00"},
            {"label": "减：家庭月收入", "amount": f"{747 - i % 100:,.2f}"},
        ],
        "start_month": "2027年1月",
        "review_class": "B类",
        "next_review": dt.date(2027, 12, 1),
        "complaint_phone": "0433-0000000",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=30)
    args = parser.parse_args()
    _setup()
    from doudi.letters.actions import issue_letter

    def one(i: int) -> float:
        start = time.perf_counter()
        issue_letter(
            actor="bench",
            kind="confirmation",
            region_code=TOWNSHIP,
            ref=("bench", i),
            context=_context(i),
            on=dt.date.today(),
        )
        return (time.perf_counter() - start) * 1000

    first = one(0)
    cpu0 = time.process_time()
    times = [one(i) for i in range(1, args.letters + 1)]
    cpu = (time.process_time() - cpu0) * 1000 / len(times)
    print(f"first letter (fonts loaded): {first:.0f} ms")
    print(
        f"{len(times)} letters: p50 {_pct(times, 50):.0f} ms · p95 {_pct(times, 95):.0f} ms · "
        f"max {max(times):.0f} ms · CPU {cpu:.0f} ms/letter (target p95 ≤ 500 ms)"
    )


if __name__ == "__main__":
    main()

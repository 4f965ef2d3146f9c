"""Benchmark of the department batch intake: CSV → store (``records.parquet`` + ``rejected.parquet``).

    DOUDI_DATA_DIR=/tmp/bench uv run python benchmarks/bench_intake.py              # 2,000,000 rows
    DOUDI_DATA_DIR=/tmp/bench uv run python benchmarks/bench_intake.py --rows 200000 --dataset medical_expense

Writes a deterministic synthetic CSV of N department records (unless ``--file`` is given) with the
noise real department data has: legacy 15-digit numbers, lower-case ``x``, full-width digits, missing
numbers, wrong check characters, a few bad values and duplicated record ids. Then times
``exchange.intake.run`` on it — reading, row validation, identity-number normalisation, blind
indexes (on all cores), names and pinyin, and writing the Parquet store files — and prints rows/s
and the peak memory of the main process (the intake streams the file in chunks, ``--chunk-rows``,
so it should not grow with ``--rows``). The time does not include generating the file. Every
person is distinct (the worst case for the per-value work: one HMAC per row).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文朴"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
COUNTIES = ["220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122", "220182",
            "220183", "220202", "220203", "222401", "222402", "222403", "222404", "222405", "222406",
            "222424", "222426", "220302", "220322", "220381", "220382", "220402", "220421", "220502",
            "220602", "220702", "220802"]  # fmt: skip
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process (all threads) and of its finished children (the workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to a scratch directory")
    import django

    django.setup()


def _number(rng: random.Random, county: str, born: dt.date, male: bool) -> str:
    from doudi.core import idnumber

    number = idnumber.make(county, born, rng.randrange(500), male=male)
    roll = rng.random()
    if roll < 0.03 and born.year < 2000:
        return number[:6] + number[8:17]  # legacy 15-digit
    if roll < 0.04:
        return number[:17] + ("0" if number[17] != "0" else "1")  # wrong check character
    if roll < 0.05:
        return number.translate(FULLWIDTH)
    if roll < 0.07:
        return ""
    if roll < 0.08:
        return " " + number[:6] + " " + number[6:]
    return number.lower() if number.endswith("X") and roll < 0.5 else number


def _specific(rng: random.Random, dataset: str, roll: float) -> list[str]:
    day = (dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))).isoformat()
    if dataset == "disability":
        grade = "5" if roll < 0.002 else str(rng.randint(1, 4))
        kind = rng.choice(
            ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple", "肢体残疾"]
        )
        return [kind, grade, "2020-02-30" if roll > 0.998 else day]
    if dataset == "medical_expense":
        total = rng.randrange(100, 300_000) / 100
        oop = "-5" if roll < 0.002 else f"{total * rng.random():.2f}"
        return [day, (dt.date.fromisoformat(day) + dt.timedelta(days=89)).isoformat(), f"{total:.2f}", oop]
    raise SystemExit(f"the generator knows disability and medical_expense, not {dataset}")


HEADERS = {
    "disability": ["disability_kind", "disability_grade", "certified_on"],
    "medical_expense": ["period_start", "period_end", "total_expense", "out_of_pocket"],
}


def generate(path: Path, rows: int, dataset: str, seed: int = 11) -> None:
    rng = random.Random(seed)
    base = dt.date(1930, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "id_number", "name", "sex", "birth_date", "region_code", *HEADERS[dataset]])
        for i in range(rows):
            county = rng.choice(COUNTIES)
            male = rng.random() < 0.5
            born = base + dt.timedelta(days=rng.randrange(33000))
            roll = rng.random()
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            record_id = f"R{i - 1:09d}" if roll < 0.001 and i else f"R{i:09d}"  # a few duplicates
            w.writerow([
                record_id,
                _number(rng, county, born, male),
                name,
                ("男" if male else "女") if rng.random() < 0.7 else "",
                born.isoformat() if rng.random() < 0.5 else "",
                f"{county}{rng.randrange(1, 20):03d}000" if rng.random() < 0.8 else county,
                *_specific(rng, dataset, roll),
            ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--dataset", default="disability")
    parser.add_argument("--file", type=Path, help="use this CSV instead of generating one")
    parser.add_argument(
        "--workers", type=int, default=None, help="HMAC worker processes (default: all cores)"
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--chunk-rows", type=int, default=None, help="rows per chunk (default: the intake's)")
    args = parser.parse_args()
    _setup()
    from doudi import datasets
    from doudi.exchange import intake
    from doudi.exchange.workers import cpu_count

    ds = datasets.get(args.dataset)
    if ds is None:
        sys.exit(f"unknown dataset {args.dataset}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    try:
        source = args.file
        if source is None:
            source = scratch / f"{ds.key}-{args.rows}.csv"
            t = time.perf_counter()
            generate(source, args.rows, ds.key)
            print(
                f"generated {args.rows:,} rows ({source.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s"
            )
        for n in range(args.repeat):
            out = scratch / f"out{n}"
            cpu0 = _cpu()
            t = time.perf_counter()
            chunks = {"chunk_rows": args.chunk_rows} if args.chunk_rows else {}
            result = intake.run(source, ds, out, workers=args.workers, **chunks)
            seconds = time.perf_counter() - t
            main_cpu, workers_cpu = (a - b for a, b in zip(_cpu(), cpu0, strict=True))
            size = (out / intake.RECORDS).stat().st_size / 1e6
            print(
                f"run {n + 1}: {result.rows_read:,} rows read, {result.rows_loaded:,} loaded, "
                f"{result.rows_rejected:,} rejected in {seconds:.2f} s → {result.rows_read / seconds:,.0f} rows/s "
                f"(records.parquet {size:.0f} MB)"
            )
            print(
                f"       CPU: main process {main_cpu:.1f} s (all its threads), workers {workers_cpu:.1f} s; "
                f"{result.rows_read / ((main_cpu + workers_cpu) / cpu_count()):,.0f} rows/s if the "
                f"{cpu_count()} cores were fully this run's"
            )
            shutil.rmtree(out)
        print(f"cores: {cpu_count()}  id status: {result.id_status}")
        print(f"rejected by reason: {result.rejected_by_reason}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (main process): {peak:,.0f} MB")
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark of the registry roster import (``doudi registry import``).

    DOUDI_DATA_DIR=/tmp/bench uv run python benchmarks/bench_roster.py --persons 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench DOUDI_DATA_DIR=/tmp/bench \\
        uv run python benchmarks/bench_roster.py --persons 1000000

Runs ``doudi init`` on the configured database (which must hold no persons yet: use a scratch data
directory or a throwaway PostgreSQL database), writes a deterministic synthetic roster CSV of N
persons unless ``--file`` is given, then times: the first import, a re-import of the same file
(all unchanged), and an import of a copy with ``--changed`` of the rows altered (household moves,
relation and category changes, corrected names). Prints a small table.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import sys
import time
from pathlib import Path

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文朴"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
CATEGORIES = [("DIBAO", 60), ("TEKUN", 8), ("MARGINAL", 15), ("RIGID", 5), ("FPJC", 7), ("OTHER", 5)]
SIZES = [(1, 30), (2, 25), (3, 20), (4, 15), (5, 10)]  # mean 2.5 persons per household
HEADER = ["household_key", "person_key", "id_number", "name", "sex", "birth_date", "relation",
          "region_code", "area_type", "category", "since"]  # fmt: skip


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to a scratch directory")
    import django

    django.setup()


def _weighted(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return lambda: rng.choices(values, weights)[0]


def generate(path: Path, persons: int, townships: list[str], seed: int = 7) -> None:
    """Deterministic synthetic roster: valid numbers for 95 % of persons, the rest invalid, legacy
    15-digit or missing; Chinese names; ~2.5 persons per household in real townships."""
    from doudi.core import idnumber

    rng = random.Random(seed)
    size = _weighted(rng, SIZES)
    category = _weighted(rng, CATEGORIES)
    base = dt.date(1930, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        n, h = 0, 0
        while n < persons:
            h += 1
            town = rng.choice(townships)
            area = "rural" if rng.random() < 0.6 else "urban"
            cat = category() if rng.random() < 0.9 else ""
            since = (dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3500))).isoformat() if cat else ""
            surname = rng.choice(SURNAMES)
            for i in range(min(size(), persons - n)):
                n += 1
                male = rng.random() < 0.5
                born = base + dt.timedelta(days=rng.randrange(33000))
                number = idnumber.make(town[:6], born, rng.randrange(500), male=male)
                roll = rng.random()
                if roll < 0.02:  # wrong check character
                    number = number[:17] + ("0" if number[17] != "0" else "1")
                elif roll < 0.035 and born.year < 2000:  # legacy 15-digit number
                    number = number[:6] + number[8:17]
                elif roll < 0.05:
                    number = ""
                relation = "head" if i == 0 else "spouse" if i == 1 else rng.choice(["child", "child", "parent", "grandchild"])  # fmt: skip
                name = (surname if i != 1 else rng.choice(SURNAMES)) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))  # fmt: skip
                w.writerow([f"H{h:08d}", f"P{n:09d}", number, name, "M" if male else "F",
                            born.isoformat() if not number else "", relation, town, area, cat, since])  # fmt: skip


def changed_copy(src: Path, dst: Path, share: float, townships: list[str], seed: int = 11) -> int:
    """A copy with ``share`` of the rows changed: moves of whole households, category changes,
    relation changes and corrected names."""
    rng = random.Random(seed)
    moved: dict[str, str] = {}
    n = 0
    with src.open(encoding="utf-8", newline="") as fi, dst.open("w", encoding="utf-8", newline="") as fo:
        r, w = csv.reader(fi), csv.writer(fo)
        w.writerow(next(r))
        for row in r:
            hkey = row[0]
            if hkey in moved:
                row[7] = moved[hkey]
                n += 1
            elif rng.random() < share:
                n += 1
                kind = rng.randrange(4)
                if kind == 0 and row[6] == "head":  # the household's first row
                    moved[hkey] = row[7] = rng.choice(townships)
                elif kind <= 1:
                    row[9], row[10] = rng.choice(["DIBAO", "TEKUN", "MARGINAL"]), ""
                elif kind == 2:
                    row[6] = "other" if row[6] != "other" else "child"
                else:
                    row[3] = row[3] + "某"
            w.writerow(row)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--file", type=Path, help="an existing roster file instead of a generated one")
    ap.add_argument("--changed", type=float, default=0.02, help="share of changed rows in the third run")
    ap.add_argument("--workdir", type=Path, help="where generated files go (default: DOUDI_DATA_DIR)")
    args = ap.parse_args()
    _setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from doudi.core.scoping import all_regions
    from doudi.regions.models import Region
    from doudi.registry.models import Person
    from doudi.registry.roster import import_roster

    call_command("init", verbosity=0)
    with all_regions():
        if Person.unscoped.exists():
            sys.exit("the registry already holds persons: use a scratch DOUDI_DATA_DIR / database")
    townships = list(Region.objects.filter(level="township").values_list("code", flat=True))
    work = args.workdir or settings.DATA_DIR
    work.mkdir(parents=True, exist_ok=True)
    path = args.file
    results = []
    if path is None:
        path = work / f"roster-{args.persons}.csv"
        if not path.exists():
            t = time.perf_counter()
            generate(path, args.persons, townships)
            results.append(("generate CSV", args.persons, time.perf_counter() - t, None, 0, 0, 0))

    def server_cpu() -> float:
        """CPU seconds of this connection's PostgreSQL backend (same machine, Linux), else 0."""
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def run(label: str, file: Path, as_of: dt.date) -> None:
        load, server = os.getloadavg()[0], server_cpu()
        t, cpu = time.perf_counter(), time.process_time()
        with all_regions():
            rep = import_roster(file, actor="bench", as_of=as_of, progress=sys.stderr.isatty())
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        results.append((label, rep.rows_read, wall, rep, cpu, server_cpu() - server, load))
        print(label, "phases (s):", rep.timings, file=sys.stderr)

    run("import (fresh)", path, dt.date(2025, 1, 1))
    run("re-import (same file)", path, dt.date(2025, 2, 1))
    if args.changed > 0:
        changed = work / f"{path.stem}-changed.csv"
        changed_copy(path, changed, args.changed, townships)
        run(f"import ({args.changed:.0%} changed)", changed, dt.date(2025, 3, 1))

    db = connection.vendor
    print(f"\nroster import benchmark — {db}, {os.cpu_count()} cores, file {path.name}")
    print(
        f"{'phase':<24}{'rows':>9}{'wall s':>8}{'cpu s':>7}{'db cpu':>7}{'load':>6}  created/changed/unchanged/rejected"
    )
    for label, rows, secs, rep, cpu, db_cpu, load in results:
        counts = f"{rep.created}/{rep.changed}/{rep.unchanged}/{rep.rejected}" if rep else ""
        print(f"{label:<24}{rows:>9}{secs:>8.1f}{cpu:>7.1f}{db_cpu:>7.1f}{load:>6.1f}  {counts}")
    print("cpu s: this process (SQLite works inside it); db cpu: the PostgreSQL backend;")
    print("load: 1-minute load average when the phase started (other processes share the cores)")
    last = results[-1][3]
    print(f"persons: {last.persons_total}, households: {last.households_total}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

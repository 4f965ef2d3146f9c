"""Benchmark of the department portal (issue 13, R-P1): a department's yearly list of persons owed
exported (≤ 30 s for 500,000 persons), the status query API (p95 ≤ 50 ms) and the queue page (p95
≤ 150 ms with 100,000 open needs). Not part of the test suite; run after ``benchmarks/needs_push.py``
on the same data (it reads the pushes that benchmark made):

    DOUDI_DATA_DIR=/tmp/bench-needs uv run --frozen python benchmarks/needs_portal.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_needs DOUDI_DATA_DIR=/tmp/bench-needs-pg \\
        uv run --frozen python benchmarks/needs_portal.py

The department and assistance with the most live pushes is chosen; its province-level department user
(and the one of the county with the most of them) is created once. Timed through Django's test client
(routing, session or token auth, the scoped queries, the audit row each query writes, rendering — all
but the network): the owed list of the year as CSV through ``/api/v1/needs/owed`` and as Excel through
the portal, ``--requests`` status queries through ``/api/v1/needs/status`` (half of them persons in a
category, whose identity numbers are set up once on a sample of the generated persons, half unknown
numbers), and ``--requests`` queue pages per case. The rate limit of the queries is lifted for the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases_data  # noqa: E402

YEAR = "2026"


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _user(username: str, department: str, region: str):
    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User

    return User.objects.filter(username=username).first() or create_user(
        actor="bench",
        username=username,
        password="Bench-passw0rd!",
        role="department_user",
        region_code=region,
        department=department,
        check_password=False,
    )


def _number(pk: int, region: str, birth: dt.date) -> str:
    from doudi.core import idnumber

    return idnumber.make(region[:6], birth, pk % 500, male=pk % 2 == 0)


def _numbers(n: int) -> list[str]:
    """Identity numbers of ``n`` persons holding a category (set once on a sample of generated persons:
    the number is made from the person's id, region and birth date, so it can be made again)."""
    from doudi.registry.identity import index_for
    from doudi.registry.models import CategoryStatus, Person

    sample = Person.unscoped.filter(id_index__isnull=False, person_key__startswith=cases_data.PREFIX)
    if sample.count() < n:
        rng = random.Random(13)
        max_id = CategoryStatus.unscoped.order_by("-person_id").values_list("person_id", flat=True).first()
        ids = {rng.randint(1, max_id) for _ in range(n * 3)}
        picks = list(
            Person.unscoped.filter(pk__in=ids, categories__isnull=False, birth_date__isnull=False)
            .distinct()
            .values_list("pk", "region_code", "birth_date")[:n]
        )
        rows = []
        for pk, region, birth in picks:
            number = _number(pk, region, birth)
            rows.append(
                Person(pk=pk, id_index=index_for(number), id_masked=number[:6] + "********" + number[-4:])
            )
        Person.unscoped.bulk_update(rows, ["id_index", "id_masked"])
    return [_number(*row) for row in sample.values_list("pk", "region_code", "birth_date")[:n]]


def _time(fn, n: int) -> tuple[list[float], object]:
    times, last = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        last = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, last


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument(
        "--export",
        choices=("province", "city", "county"),
        default="province",
        help="whose owed list is exported (at 1,000,000 cases a city's is ≈ 500,000 persons)",
    )
    ap.add_argument("--no-excel", action="store_true", help="skip the Excel export")
    args = ap.parse_args()
    cases_data.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from doudi.accounts.actions import create_token
    from doudi.core import idnumber
    from doudi.core.scoping import all_regions
    from doudi.monitoring.models import NeedPush

    settings.DOUDI_NEEDS_QUERIES_PER_MINUTE = 10**9
    live = NeedPush.unscoped.filter(source=NeedPush.Source.RULE, ended_on__isnull=True)
    with all_regions():
        top = live.values("department", "need").annotate(n=Count("pk")).order_by("-n").first()
        if top is None:
            sys.exit("no pushes: run benchmarks/needs_push.py first with the same DOUDI_DATA_DIR")
        dept, need = top["department"], top["need"]
        county = (
            live.filter(department=dept)
            .values("region_code")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("region_code", flat=True)
            .first()
        )[:6].ljust(12, "0")
        province = _user(f"bench-needs-{dept}", dept, "220000000000")
        local = _user(f"bench-needs-{dept}-{county}", dept, county)
        city = _user(f"bench-needs-{dept}-{county[:4]}", dept, county[:4].ljust(12, "0"))
        exporter = {"province": province, "city": city, "county": local}[args.export]
        numbers = _numbers(max(1, args.requests // 2))
        open_all = NeedPush.unscoped.filter(department=dept, status__in=("pushed", "accepted")).count()
        open_county = NeedPush.unscoped.filter(
            department=dept, status__in=("pushed", "accepted"), region_code__startswith=county[:6]
        ).count()
        token = create_token(actor="bench", user=province, name="基准测试")
        export_token = create_token(actor="bench", user=exporter, name="基准测试")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE monitoring_needpush")
    print(
        f"database: {connection.vendor}; department {dept}, assistance {need}; open needs of the department:"
        f" province {open_all:,}, county {county} {open_county:,}"
    )
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    api = Client(headers={"Authorization": f"Bearer {token}"})

    # -- the yearly owed list (once each: CSV through the API, Excel through the portal)
    t0 = time.perf_counter()
    r = Client(headers={"Authorization": f"Bearer {export_token}"}).get(
        "/api/v1/needs/owed", {"purpose": need, "period": YEAR, "format": "csv"}
    )
    took = time.perf_counter() - t0
    assert r.status_code == 200, r.status_code
    rows = r.content.count(b"\n") - 1
    print(f"owed list {YEAR} ({args.export}), CSV (API): {rows:,} persons in {took:.1f} s"
          f" ({len(r.content) / 1e6:.0f} MB)")  # fmt: skip
    portal = Client()
    portal.force_login(exporter)
    t0 = time.perf_counter()
    r = (
        None
        if args.no_excel
        else portal.get("/monitoring/needs/owed/", {"purpose": need, "period": YEAR, "format": "xlsx"})
    )
    took = time.perf_counter() - t0
    if r is not None:
        assert r.status_code == 200, r.status_code
        print(
            f"owed list {YEAR}, Excel (portal): {rows:,} persons in {took:.1f} s ({len(r.content) / 1e6:.0f} MB)"
        )

    # -- the status query
    rng = random.Random(3)
    unknown = [idnumber.make("220102", dt.date(1980, 1, 1) + dt.timedelta(days=i), 499, male=True)
               for i in range(len(numbers))]  # fmt: skip
    queries = [n for pair in zip(numbers, unknown, strict=True) for n in pair] or unknown
    rng.shuffle(queries)
    print(f"{'case':46s} {'rows':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    it = iter(queries * (args.requests // max(1, len(queries)) + 2))
    members = 0

    def status():
        nonlocal members
        r = api.post("/api/v1/needs/status", {"id_number": next(it), "purpose": need},
                     content_type="application/json")  # fmt: skip
        assert r.status_code == 200, (r.status_code, r.content[:200])
        members += r.json()["low_income"]
        return r

    status()
    times, _ = _time(status, args.requests)
    print(f"{'status API (' + str(len(numbers)) + ' members, as many unknown)':46s} {'':6s}"
          f" {statistics.median(times):8.1f} {_pct(times, 95):8.1f} {max(times):8.1f}")  # fmt: skip

    # -- the queue pages
    for label, user, params in (
        ("province department user · new", province, {}),
        ("province department user · new, page 200", province, {"page": 200}),
        ("province department user · overdue", province, {"tab": "overdue"}),
        ("county department user · new", local, {}),
        ("county department user · accepted", local, {"tab": "accepted"}),
    ):
        client = Client()
        client.force_login(user)
        first = client.get("/monitoring/needs/", params)
        assert first.status_code == 200, first.status_code
        n = first.content.decode().count('id="need-')
        times, _ = _time(lambda c=client, p=params: c.get("/monitoring/needs/", p), args.requests)
        print(f"{label:46s} {n:6d} {statistics.median(times):8.1f} {_pct(times, 95):8.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()

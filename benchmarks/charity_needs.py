"""Benchmark of the needs library (issue 15): a charity's search of open needs (filters + pagination) through
the page and the API, p95 ≤ 150 ms with 100,000 published needs; the public page alongside.

    DOUDI_DATA_DIR=/tmp/bench-charity uv run --frozen python benchmarks/charity_needs.py --needs 100000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_charity DOUDI_DATA_DIR=/tmp/bench-charity-pg \\
        uv run --frozen python benchmarks/charity_needs.py --needs 100000

Setup (not timed): ``doudi init``; a charity serving the province with its user; N households spread over every
township and one open need each (published or partly claimed; random county, category, amount and due date),
inserted in bulk. Timed (30 runs each, median and p95, the whole Django stack through the test client): the
library page with no filter, by county, county + category, category + amount range, due before, a deep page; the
same searches through ``/api/v1/charity/needs``; the public page by county.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases_data  # noqa: E402

RUNS = 30
KEY_PREFIX = "BENCH-CH-"


def timed_get(client, url: str) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def load(n: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from doudi.charity import rules
    from doudi.charity.models import Need
    from doudi.core import tracking
    from doudi.regions.models import Region
    from doudi.registry.models import Household

    have = Need.unscoped.filter(household__household_key__startswith=KEY_PREFIX).count()
    if have >= n:
        return
    rng = random.Random(15)
    towns = list(Region.objects.filter(level="township").values_list("code", flat=True))
    today = timezone.localdate()
    cats = list(rules.CATEGORIES)
    batch = 20_000
    for start in range(have, n, batch):
        size = min(batch, n - start)
        with transaction.atomic():
            homes = Household.unscoped.bulk_create(
                [
                    Household(
                        household_key=f"{KEY_PREFIX}{start + i}",
                        area_type="urban",
                        region_code=rng.choice(towns),
                    )
                    for i in range(size)
                ]  # fmt: skip
            )
            if homes[0].pk is None:  # backends that do not return ids
                homes = list(
                    Household.unscoped.filter(household_key__startswith=KEY_PREFIX).order_by("-pk")[:size]
                )
            needs = []
            for h in homes:
                target = rng.choice([500, 800, 1000, 1500, 2000, 3000, 5000, 8000, 12000])
                claimed = rng.choice([0, 0, 0, target // 4, target // 2])
                needs.append(Need(
                    public_number=f"XQ{tracking.new_code()}", region_code=h.region_code,
                    county_code=h.region_code[:6].ljust(12, "0"), household=h, origin="township",
                    category=rng.choice(cats), title="困难家庭帮扶需求", description="基准测试数据",
                    public_story="家中一名成员患病，生活困难，希望获得帮助。", target=target, claimed=claimed,
                    due_on=today + dt.timedelta(days=rng.randint(1, 180)),
                    state="partly_claimed" if claimed else "published", consent_by="户主", consent_on=today,
                    consent_method="paper", published_on=today,
                ))  # fmt: skip
            Need.unscoped.bulk_create(needs, batch_size=5000)
        cases_data.log(f"needs: {start + size:,}")
    from django.db import connection

    with (
        connection.cursor() as cur
    ):  # fresh statistics (and, on PostgreSQL, the visibility map for index-only scans)
        cur.execute("VACUUM ANALYZE charity_need" if connection.vendor == "postgresql" else "ANALYZE")


def charity_user():
    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User
    from doudi.charity import actions
    from doudi.charity.models import Charity

    user = User.objects.filter(username="bench-charity").first()
    if user is None:
        officer = create_user(actor="benchmark", username="bench-province", password="Bench-passw0rd!",
                              role="province_officer", region_code="220000000000", check_password=False)  # fmt: skip
        user = create_user(actor="benchmark", username="bench-charity", password="Bench-passw0rd!", role="charity",
                           region_code="220000000000", check_password=False)  # fmt: skip
        if not Charity.unscoped.filter(credit_code="51220000MJBENCH001").exists():
            c = actions.register_charity(actor=officer, name="基准测试慈善会", credit_code="51220000MJBENCH001",
                                         authority="吉林省民政厅", service_area=["220000000000"],
                                         contact_name="测试", contact_phone="0431-1234567")  # fmt: skip
            actions.add_member(actor=officer, charity=c, user=user)
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=100_000)
    args = parser.parse_args()
    cases_data.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from doudi.charity.models import Need
    from doudi.core.scoping import all_regions

    with all_regions():
        load(args.needs)
        user = charity_user()
        total = Need.unscoped.filter(state__in=("published", "partly_claimed")).count()
        county = (
            Need.unscoped.values("county_code").annotate(n=Count("pk")).order_by("-n").values_list("county_code",
                                                                                                   flat=True)[0]
        )  # fmt: skip
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    searches = {
        "no filter, page 1": "",
        "by county": f"county={county}",
        "county + category": f"county={county}&category=medical",
        "category + amount range": "category=housing&min_amount=1000&max_amount=3000",
        "due within 30 days": f"due_before={due}",
        "no filter, page 200": "page=200",
    }
    figures: dict[str, str] = {}
    for label, q in searches.items():
        p50, p95 = timed_get(client, f"/charity/library/?{q}")
        figures[f"page: {label}"] = f"median {p50:.0f} ms, p95 {p95:.0f} ms"
    for label, q in searches.items():
        p50, p95 = timed_get(client, f"/api/v1/charity/needs?{q}")
        figures[f"API: {label}"] = f"median {p50:.0f} ms, p95 {p95:.0f} ms"
    public = Client()
    for label, q in (("public page 1", ""), ("public by county", f"county={county}"),
                     ("public API by county", None)):  # fmt: skip
        url = f"/public/needs/?{q}" if q is not None else f"/api/v1/public/needs?county={county}"
        p50, p95 = timed_get(public, url)
        figures[label] = f"median {p50:.0f} ms, p95 {p95:.0f} ms"
    print(f"needs library benchmark, {total:,} open needs, {connection.vendor}, county {county}")
    for k, v in figures.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()

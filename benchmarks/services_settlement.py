"""Benchmark of the services settlement (issue 15): 100,000 visits of one month, the month's settlement of
every contract ≤ 10 s.

    DOUDI_DATA_DIR=/tmp/bench-svc uv run --frozen python benchmarks/services_settlement.py --visits 100000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_svc DOUDI_DATA_DIR=/tmp/bench-svc-pg \\
        uv run --frozen python benchmarks/services_settlement.py --visits 100000

Setup (not timed, bulk inserts): ``doudi init``; 延吉市's catalogue (three types), four providers each under
contract for every township of 延吉市; one person and household per order (``--visits`` / 20 orders spread over
the townships, each order with 20 visits in 2026-11: 80 % confirmed, 12 % still to confirm, 8 % disputed).
Timed: ``settle_month`` (every contract's draft settlement) twice — fresh, then the idempotent re-run — and one
contract's ``confirm`` (recomputed and frozen). The totals are checked against a plain-Python sum of the
confirmed visits' quantity × contracted price.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases_data  # noqa: E402

MONTH = dt.date(2026, 11, 1)
YANJI = "222401000000"
PER_ORDER = 20


def world(n_visits: int) -> list:
    from doudi.accounts.actions import create_user
    from doudi.core.scoping import all_regions
    from doudi.regions.queries import township_choices
    from doudi.registry.models import Household, Person
    from doudi.services import catalogue_actions, rules
    from doudi.services.models import Contract, ServiceOrder, ServiceVisit

    with all_regions():
        if ServiceVisit.unscoped.exists():
            return list(Contract.unscoped.all())
        county = create_user(actor="bench", username="bench-county", password="x", role="county_officer",
                             region_code=YANJI, check_password=False)  # fmt: skip
        towns = [code for code, _ in township_choices(YANJI)]
        types = [
            catalogue_actions.add_service_type(actor=county, name="生活照料", unit="hour", unit_price="35"),
            catalogue_actions.add_service_type(
                actor=county, name="上门探访与陪伴", unit="visit", unit_price="40"
            ),
            catalogue_actions.add_service_type(actor=county, name="助餐服务", unit="day", unit_price="15"),
        ]
        contracts = []
        for i in range(4):
            p = catalogue_actions.register_provider(actor=county, name=f"服务中心{i}", contact="联系人",
                                                    phone="0433-0000000",
                                                    credit_code=rules.make_credit_code(f"5222240100000{i}00A"[:17]))  # fmt: skip
            contracts.append(catalogue_actions.create_contract(
                actor=county, provider=p, number=f"BENCH-{i}", valid_from=dt.date(2026, 1, 1),
                valid_to=dt.date(2026, 12, 31), townships=towns,
                items=[(t, Decimal("30.50") + i + j) for j, t in enumerate(types)]))  # fmt: skip
        n_orders = max(1, n_visits // PER_ORDER)
        cases_data.log(f"{n_orders} persons and orders, {n_orders * PER_ORDER} visits (bulk)")
        hh = Household.unscoped.bulk_create(
            [Household(household_key=f"BSV-{k}", region_code=towns[k % len(towns)], area_type="urban")
             for k in range(n_orders)], batch_size=5000)  # fmt: skip
        people = Person.unscoped.bulk_create(
            [Person(person_key=f"BSV-{k}-1", name=f"服务对象{k}", id_status="missing", household=h,
                    region_code=h.region_code, relation="head") for k, h in enumerate(hh)], batch_size=5000)  # fmt: skip
        prices = {c.pk: {it.service_type_id: it.unit_price for it in c.items.all()} for c in contracts}
        orders = ServiceOrder.unscoped.bulk_create(
            [ServiceOrder(
                region_code=h.region_code, number=f"FWB{k:08d}", person=p, household=h, service_type=types[k % 3],
                provider_id=contracts[k % 4].provider_id, contract=contracts[k % 4],
                unit_price=prices[contracts[k % 4].pk][types[k % 3].pk], starts_on=MONTH, ends_on=dt.date(2026, 12, 31),
                state="accepted", placed_on=MONTH, accept_due=MONTH, accepted_on=MONTH)
             for k, (h, p) in enumerate(zip(hh, people, strict=True))], batch_size=5000)  # fmt: skip
        rnd = random.Random(15)
        units = {t.pk: t.unit for t in types}
        batch: list = []
        for o in orders:
            for d in range(PER_ORDER):
                minutes = rnd.choice((30, 45, 60, 90, 120))
                r = rnd.random()
                state = "confirmed" if r < 0.80 else ("recorded" if r < 0.92 else "disputed")
                batch.append(ServiceVisit(
                    region_code=o.region_code, order=o, provider_id=o.provider_id,
                    visited_on=MONTH + dt.timedelta(days=d), minutes=minutes,
                    quantity=rules.quantity(units[o.service_type_id], minutes), worker="护理员", state=state))  # fmt: skip
            if len(batch) >= 20000:
                ServiceVisit.unscoped.bulk_create(batch, batch_size=5000)
                batch = []
        ServiceVisit.unscoped.bulk_create(batch, batch_size=5000)
        return contracts


def expected_totals() -> dict[int, Decimal]:
    """Per contract: Σ over confirmed visits of quantity × contracted price, in Python (the check)."""
    from doudi.services import rules
    from doudi.services.models import ServiceVisit

    groups: dict[tuple[int, int, Decimal], Decimal] = {}
    for cid, tid, price, q in (
        ServiceVisit.unscoped.filter(
            state="confirmed", visited_on__gte=MONTH, visited_on__lt=dt.date(2026, 12, 1)
        )
        .values_list("order__contract_id", "order__service_type_id", "order__unit_price", "quantity")
        .iterator(20000)
    ):
        groups[(cid, tid, price)] = groups.get((cid, tid, price), Decimal(0)) + q
    out: dict[int, Decimal] = {}
    for (cid, _, price), q in groups.items():
        out[cid] = out.get(cid, Decimal(0)) + rules.line_amount(q, price)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=100_000)
    args = parser.parse_args()
    cases_data.setup()
    from django.db import connection

    from doudi.core.scoping import all_regions
    from doudi.services import settlement_actions
    from doudi.services.models import ServiceVisit

    contracts = world(args.visits)
    with all_regions():
        n = ServiceVisit.unscoped.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        print(f"database: {connection.vendor}; visits in the month: {n:,}")
        times = []
        for label in ("settle_month (fresh)", "settle_month (re-run, idempotent)"):
            start = time.perf_counter()
            done = settlement_actions.settle_month(actor="bench", month=MONTH, county=YANJI)
            took = time.perf_counter() - start
            times.append(took)
            print(f"{label}: {took:.2f} s for {len(done)} contracts, "
                  f"{sum(s.visits for s in done):,} confirmed visits, total {sum(s.total for s in done)} 元")  # fmt: skip
        start = time.perf_counter()
        s = settlement_actions.confirm(actor="bench", settlement=done[0], on=dt.date(2026, 12, 7))
        print(f"confirm one contract (recompute + freeze): {time.perf_counter() - start:.2f} s")
        want = expected_totals()
        got = {x.contract_id: x.total for x in done}
        assert got == {c.pk: want.get(c.pk, Decimal(0)) for c in contracts}, (got, want)
        assert s.total == want[s.contract_id]
        print("totals match the per-visit sum: yes")
        print(f"target ≤ 10 s: {'met' if max(times) <= 10 else 'MISSED'}")


if __name__ == "__main__":
    main()

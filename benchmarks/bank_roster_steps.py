"""Benchmark of a big roster's steps (H-bank): lock (the eligibility re-check), approve, release, the bank
file (CSV), the return file import (every account paid) and the month's summaries, on one county roster
of ``--households`` households (two lines each, one account each).

    DOUDI_DATA_DIR=/tmp/bench-bank uv run --frozen python benchmarks/bank_roster_steps.py --households 100000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_bank DOUDI_DATA_DIR=/tmp/bench-bank-pg \\
        uv run --frozen python benchmarks/bank_roster_steps.py --households 100000

Setup (not timed) is bulk (``bulk_create`` in batches, never an ORM call per row); a previous run's rows
(household keys ``BANKB-…``) are removed first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")

COUNTY = "222401000000"
TOWNS = ["222401001000", "222401002000", "222401003000", "222401004000"]
MONTH = dt.date(2026, 12, 1)


def setup(n: int):
    from django.core.management import call_command

    from doudi.core import crypto
    from doudi.payments.models import (
        BankReturn,
        FundEntry,
        MonthlySummary,
        RecipientAccount,
        Roster,
        RosterEvent,
        RosterLine,
    )
    from doudi.registry.models import Household

    call_command("migrate", verbosity=0)
    from doudi.regions.models import Region

    if not Region._default_manager.exists():
        from doudi.regions.actions import load_divisions

        load_divisions()
    old = Roster.unscoped.filter(region_code=COUNTY, month=MONTH)
    RosterLine.unscoped.filter(roster__in=old).delete()
    RosterEvent.unscoped.filter(roster__in=old).delete()
    BankReturn.unscoped.filter(roster__in=old).delete()
    FundEntry.unscoped.filter(roster__in=old).delete()
    old.delete()
    MonthlySummary.unscoped.filter(month=MONTH).delete()
    RecipientAccount.unscoped.filter(household__household_key__startswith="BANKB-").delete()
    Household.unscoped.filter(household_key__startswith="BANKB-").delete()
    Household.unscoped.bulk_create(
        [
            Household(household_key=f"BANKB-{i}", region_code=TOWNS[i % len(TOWNS)], area_type="urban")
            for i in range(n)
        ],
        batch_size=5000,
    )
    hh = list(Household.unscoped.filter(household_key__startswith="BANKB-").values_list("pk", "region_code"))
    numbers = [f"62220202{i:011d}" for i in range(len(hh))]
    idx = crypto.blind_indexes(numbers)
    RecipientAccount.unscoped.bulk_create(
        [
            RecipientAccount(
                region_code=rc,
                household_id=pk,
                kind="sscard",
                holder_name="测试",
                holder_relation="applicant",
                bank_name="吉林银行",
                number_enc=crypto.encrypt(num),
                number_index=ix,
                number_last4=num[-4:],
                valid_from=dt.date(2026, 1, 1),
            )
            for (pk, rc), num, ix in zip(hh, numbers, idx, strict=True)
        ],
        batch_size=5000,
    )
    roster = Roster.unscoped.create(region_code=COUNTY, programme="DIBAO", month=MONTH)
    lines = []
    for pk, rc in hh:
        for line, rule, amount in (("base", "R-B1", 500), ("topup", "R-B2", 100)):
            lines.append(
                RosterLine(
                    region_code=rc, roster=roster, household_id=pk, payee_key=f"h{pk}", programme="DIBAO",
                    tier="DIBAO", month=MONTH, line=line, rule=rule, amount=amount, members=2,
                )
            )  # fmt: skip
    RosterLine.unscoped.bulk_create(lines, batch_size=5000)
    return roster


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    args = parser.parse_args()
    import django

    django.setup()
    from doudi.accounts.models import User
    from doudi.core.scoping import all_regions
    from doudi.payments import bank_actions, bankfile, fund_actions, roster_actions

    with all_regions():
        t = time.perf_counter()
        roster = setup(args.households)
        print(
            f"setup: {time.perf_counter() - t:.1f} s ({args.households} households, {2 * args.households} lines)"
        )
        a = User.objects.filter(username="bench-bank-a").first() or User.objects.create_user(
            "bench-bank-a", role="county_officer", region_id=COUNTY
        )
        b = User.objects.filter(username="bench-bank-b").first() or User.objects.create_user(
            "bench-bank-b", role="county_officer", region_id=COUNTY
        )

        def timed(label, fn):
            t0 = time.perf_counter()
            out = fn()
            print(f"{label}: {time.perf_counter() - t0:.2f} s")
            return out

        roster = timed("lock", lambda: roster_actions.lock(actor=a, roster=roster))
        roster = timed("approve", lambda: roster_actions.approve(actor=b, roster=roster))
        roster = timed("release", lambda: roster_actions.release(actor=b, roster=roster))
        content, _n, digest = timed("bank file (csv)", lambda: bank_actions.bank_file(actor=b, roster=roster))
        roster = timed(
            "send", lambda: roster_actions.send(actor=b, roster=roster, external_ref="B", checksum=digest)
        )
        data, _check = bankfile.read_bank_file(content, "x.csv")
        ret = ("付款标识,结果,原因,到账日期\n" + "\n".join(f"{r[1]},成功,,2026-12-12" for r in data)).encode()
        result = timed(
            "bank return import", lambda: bank_actions.import_return(actor=b, roster=roster, content=ret)
        )
        print(f"  paid lines: {result.paid}")
        timed("summaries", lambda: fund_actions.build_summaries(actor=b, month=MONTH))


if __name__ == "__main__":
    main()

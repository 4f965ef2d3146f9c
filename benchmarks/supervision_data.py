"""Province-size data for the supervision benchmarks of issue 14 (dashboards, evaluation): on top of
``cases_data`` (1,000,000 cases, ≈ 2,350,000 persons) and their category rows and pushed needs
(``needs_push``), set-based:

- 24 months of paid rosters (Dec 2024 – Nov 2026): one regular roster per township, programme and month,
  one base line per case and month it was paid (≈ 19 M lines: cases start paying between 2024 and mid-2026),
  the rosters' totals and the payments' monthly summaries (``payments.fund_actions.build_summaries``);
- 1,000,000 warnings raised over those 24 months (cause, level; verified on time 80 %, late 10 %, 10 % not
  verified, of which the recent ones are open), with a disposition for every closed one;
- 300,000 applications received over the 24 months, with their overall and confirmation deadlines (done on
  time, late, or open), 70 % confirmed, 15 % refused, the rest open or withdrawn;
- 50,000 complaints in every state over the 24 months (closed on time or late);
- half of the pushed needs answered (given / declined; 20 % after their deadline);
- 5 % of the cases ended (terminated or transitioned) during 2026.

    DOUDI_DATA_DIR=/tmp/bench-sup uv run --frozen python benchmarks/supervision_data.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_sup DOUDI_DATA_DIR=/tmp/bench-sup-pg \\
        uv run --frozen python benchmarks/supervision_data.py

Idempotent: each part is skipped when its rows exist. Never an ORM call per row: ``cases_data.Writer``
(COPY / executemany) and INSERT … SELECT.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases_data  # noqa: E402
from cases_data import Writer, log  # noqa: E402

TODAY = dt.date(2026, 12, 7)
MONTHS = [dt.date(2024 + (11 + i) // 12, (11 + i) % 12 + 1, 1) for i in range(24)]  # 2024-12 … 2026-11
PREFIX = "SUPB"


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _bench_user():
    from doudi.accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-supervision", defaults={"role": "province_officer"})
    return user


def _households() -> list[tuple[int, str]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT household_id, region_code FROM casework_case ORDER BY id")
        return list(cur.fetchall())


def _sent(month: dt.date, roster_id: int) -> dt.datetime:
    """When the roster went to the bank: the 8th of the month, one in twenty a fortnight late."""
    from django.utils import timezone

    day = 22 if roster_id % 20 == 7 else 8
    return timezone.make_aware(dt.datetime(month.year, month.month, day, 9, 0))


def rosters() -> int:
    """24 months of paid regular rosters and their base lines, by INSERT … SELECT a month at a time."""
    from django.db import connection, transaction

    from doudi.payments.fund_actions import build_summaries
    from doudi.payments.models import Roster

    if Roster.unscoped.filter(month=MONTHS[0], kind="regular").exists():
        return 0
    user = _bench_user()
    pg = connection.vendor == "postgresql"
    plus = (lambda col, days: f"{col} + {days}") if pg else (lambda col, days: f"date({col}, '+{days} days')")
    total = 0
    for month in MONTHS:
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "INSERT INTO payments_roster (region_code, programme, month, kind, seq, state, lines, households,"
                " amount, paid_amount, failed_amount, params_fingerprint, external_ref, file_checksum, version)"
                " SELECT DISTINCT region_code, tier, %s, 'regular', 1, 'closed', 0, 0, 0, 0, 0, '', '', '', 1"
                " FROM casework_case WHERE pay_from <= %s",
                [month, month],
            )
            cur.execute(
                "INSERT INTO payments_rosterline (region_code, roster_id, case_id, household_id, payee_key,"
                " programme, tier, month, line, rule, amount, covers, members, origin, status, status_reason,"
                " account_masked, bank_name, paid_on, bank_reason)"
                " SELECT c.region_code, r.id, c.id, c.household_id, 'C' || c.id, c.tier, c.tier, r.month, 'base',"
                " '', 30000 + (c.id %% 40) * 1000, '[]', 1, 'run', 'paid', '', '', '', "
                + plus("r.month", 14)
                + ", '' FROM casework_case c JOIN payments_roster r ON r.region_code = c.region_code"
                " AND r.programme = c.tier AND r.month = %s AND r.kind = 'regular'"
                " WHERE c.pay_from <= %s AND (c.pay_until IS NULL OR c.pay_until >= %s)",
                [month, month, month],
            )
            lines = cur.rowcount
            cur.execute(
                "SELECT roster_id, COUNT(*), COUNT(DISTINCT household_id), SUM(amount) FROM payments_rosterline"
                " WHERE month = %s AND line = 'base' GROUP BY roster_id",
                [month],
            )
            sums = cur.fetchall()
            cur.executemany(
                "UPDATE payments_roster SET lines = %s, households = %s, amount = %s, paid_amount = %s,"
                " sent_at = %s WHERE id = %s",
                [(n, h, a, a, _sent(month, rid), rid) for rid, n, h, a in sums],
            )
        build_summaries(actor=user, month=month)
        total += lines
        log(f"  roster month {month:%Y-%m}: {lines:,} lines ({time.perf_counter() - t0:.0f} s)")
    return total


def warnings(n: int, seed: int) -> int:
    from django.db import transaction

    from doudi.monitoring.models import Disposition, EarlyWarning

    if EarlyWarning.unscoped.filter(dedupe_key__startswith=PREFIX).exists():
        return 0
    rng = random.Random(seed)
    households = _households()
    user = _bench_user()
    causes = ["W-ILL", "W-DIS", "W-EDU", "W-DSR", "W-JOB", "W-INC", "W-EXP", "W-POP", "W-ELIG", "W-GAP"]
    kinds = ["no_hardship", "application", "referral", "emergency", "eligibility"]
    w_id = cases_data._next_id(EarlyWarning)
    ww = Writer(
        EarlyWarning,
        ["id", "region_code", "household_id", "indicator", "level", "status", "dedupe_key", "is_open", "raised_on",
         "deadline", "escalations", "township_code", "evidence", "merged_count", "verified_on", "closed_on",
         "outcome"],
    )  # fmt: skip
    dw = Writer(Disposition, ["region_code", "warning_id", "kind", "detail", "note", "decided_by_id"])
    with transaction.atomic():
        for i in range(n):
            hid, region = households[rng.randrange(len(households))]
            raised = _day(rng, MONTHS[0], TODAY - dt.timedelta(days=1))
            deadline = raised + dt.timedelta(days=rng.choice((7, 9, 14)))
            roll = rng.random()
            verified = None
            if roll < 0.8:
                verified = raised + dt.timedelta(days=rng.randint(0, (deadline - raised).days))
            elif roll < 0.9:
                verified = deadline + dt.timedelta(days=rng.randint(1, 20))
            if verified and verified >= TODAY:
                verified = None
            closed = verified + dt.timedelta(days=rng.randint(0, 10)) if verified else None
            if closed and closed >= TODAY:
                closed = None
            is_open = closed is None and raised > TODAY - dt.timedelta(days=120)
            if closed is None and not is_open:
                closed = deadline + dt.timedelta(days=30)  # closed without verification (merged, moved away)
            status = (
                "closed" if not is_open else ("verified" if verified else rng.choice(("raised", "assigned")))
            )
            wid = w_id + i
            cause = rng.choice(causes)
            ww.add(
                (wid, region, hid, cause, rng.choice(("red", "orange", "yellow", "yellow")), status,
                 f"{PREFIX}-{wid}", is_open, raised, deadline, 0, region, "{}", 1, verified, closed,
                 "" if is_open else "closed")
            )  # fmt: skip
            if not is_open and verified:
                dw.add((region, wid, rng.choice(kinds), "{}", "", user.pk))
        ww.flush()
        dw.flush()
    return ww.count


def applications(n: int, seed: int) -> int:
    from django.db import transaction

    from doudi.casework.models import Application, Deadline

    if Application.unscoped.filter(number__startswith=PREFIX).exists():
        return 0
    rng = random.Random(seed + 1)
    households = _households()
    a_id = cases_data._next_id(Application)
    aw = Writer(
        Application,
        ["id", "region_code", "number", "household_id", "applicant_name", "proxy", "channel", "tiers", "state",
         "received_on", "accepted_on", "decided_on", "materials", "review", "consent", "tekun_care"],
    )  # fmt: skip
    dlw = Writer(
        Deadline,
        ["region_code", "application_id", "key", "rule", "what", "level", "start_on", "days", "day_type", "due",
         "done_on", "calendar"],
    )  # fmt: skip
    with transaction.atomic():
        for i in range(n):
            hid, region = households[rng.randrange(len(households))]
            received = _day(rng, MONTHS[0], TODAY - dt.timedelta(days=1))
            accepted = received + dt.timedelta(days=rng.randint(0, 3))
            due = accepted + dt.timedelta(days=42)  # 30 working days
            confirm_due = accepted + dt.timedelta(days=rng.randint(28, 38))
            late = rng.random() < 0.12
            decided = (
                due + dt.timedelta(days=rng.randint(1, 25))
                if late
                else accepted + dt.timedelta(days=rng.randint(10, 41))
            )
            roll = rng.random()
            if decided >= TODAY or roll > 0.95:
                state, decided = rng.choice(("investigating", "in_notice", "awaiting_confirmation")), None
            else:
                state = "confirmed" if roll < 0.74 else ("refused" if roll < 0.9 else "withdrawn")
            aid = a_id + i
            aw.add(
                (aid, region, f"{PREFIX}{aid:012d}", hid, "测试申请人", "", rng.choice(("window", "online", "warning")),
                 "[]", state, received, accepted, decided, "[]", "{}", "{}", "{}")
            )  # fmt: skip
            dlw.add(
                (
                    region,
                    aid,
                    "total",
                    "R-W13",
                    "办结时限",
                    "township",
                    accepted,
                    30,
                    "working",
                    due,
                    decided,
                    "",
                )
            )
            confirm_done = None
            if decided:
                confirm_done = decided if not late else confirm_due + dt.timedelta(days=rng.randint(1, 15))
            dlw.add(
                (region, aid, "confirm", "R-W24", "审核确认", "county", accepted, 10, "working", confirm_due,
                 confirm_done, "")
            )  # fmt: skip
        aw.flush()
        dlw.flush()
    return aw.count


def complaints(n: int, seed: int) -> int:
    from django.db import transaction

    from doudi.complaints.models import Complaint

    if Complaint.unscoped.filter(number__startswith=PREFIX).exists():
        return 0
    rng = random.Random(seed + 2)
    households = _households()
    states = ["new", "accepted", "in_progress", "on_hold", "for_approval", "decided", "closed"]
    types = [
        "notice_objection",
        "verification_objection",
        "decision",
        "payment",
        "report",
        "service",
        "feedback",
    ]
    cw = Writer(
        Complaint,
        ["region_code", "number", "channel", "ctype", "state", "sensitive", "handler_level", "household_id",
         "summary", "content", "received_on", "accepted_on", "response_due", "resolve_due", "resolve_days",
         "decision", "root_cause", "closed_on"],
    )  # fmt: skip
    with transaction.atomic():
        for i in range(n):
            hid, region = households[rng.randrange(len(households))]
            received = _day(rng, MONTHS[0], TODAY - dt.timedelta(days=1))
            resolve_due = received + dt.timedelta(days=rng.choice((21, 42, 84)))
            old = resolve_due < TODAY - dt.timedelta(days=30)
            state = "closed" if old and rng.random() < 0.97 else rng.choice(states)
            closed = None
            if state == "closed":
                closed = received + dt.timedelta(days=rng.randint(2, (resolve_due - received).days + 15))
                closed = min(closed, TODAY - dt.timedelta(days=1))
            cw.add(
                (region, f"{PREFIX}{i:010d}", rng.choice(("online", "hotline", "h12345", "window")),
                 rng.choice(types), state, False, "township", hid, "测试投诉", "测试投诉内容", received,
                 received + dt.timedelta(days=1), received + dt.timedelta(days=5), resolve_due,
                 (resolve_due - received).days, "rejected" if closed else "", "none" if closed else "", closed)
            )  # fmt: skip
        cw.flush()
    return cw.count


def answers_and_exits() -> tuple[int, int]:
    """Half the pushed needs answered (a fifth of them late); 5 % of the cases ended in 2026."""
    from django.db import connection, transaction

    pg = connection.vendor == "postgresql"
    day = "DATE " if pg else ""  # SQLite keeps dates as ISO text

    def ts(col: str, shift: str) -> str:  # the date plus an interval, as a timestamp
        return f"CAST({col} AS timestamp) + interval '{shift}'" if pg else f"datetime({col}, '{shift}')"

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE monitoring_needpush SET status = CASE WHEN id % 7 = 0 THEN 'declined' ELSE 'given' END,"
            f" responded_at = CASE WHEN id % 5 = 0 THEN {ts('due_on', '3 days')} ELSE {ts('due_on', '-46 hours')} END"
            " WHERE id % 2 = 0 AND status = 'pushed' AND due_on IS NOT NULL"
        )
        answered = cur.rowcount
        cur.execute(
            "UPDATE casework_case SET state = CASE WHEN id % 3 = 0 THEN 'transitioned' ELSE 'terminated' END,"
            f" until = CASE WHEN id % 12 < 6 THEN {day}'2026-03-31' ELSE {day}'2026-09-30' END,"
            f" pay_until = CASE WHEN id % 12 < 6 THEN {day}'2026-03-01' ELSE {day}'2026-09-01' END"
            " WHERE id % 20 = 9 AND state = 'active'"
        )
        return answered, cur.rowcount


def generate(cases: int = 1_000_000, n_warnings: int = 1_000_000, seed: int = 14) -> None:
    """Everything above, each part skipped when present (the needs are pushed by the real command)."""
    import needs_push
    from doudi.casework.models import Case
    from doudi.monitoring.models import NeedPush
    from payments_run import child

    have = Case.unscoped.count()
    if have < cases:
        cases_data.generate(cases - have)
    cats, _ = needs_push.categories_and_schooling()
    log(f"categories {cats:,}")
    if not NeedPush.unscoped.exists():
        took, last = child("needs", "push", "--date", "2026-11-01")
        log(f"needs pushed in {took:.0f} s ({last})")
    answered, ended = answers_and_exits() if not Case.unscoped.filter(state="terminated").exists() else (0, 0)
    log(f"needs answered {answered:,}, cases ended {ended:,}")
    log(f"roster lines {rosters():,}")
    log(f"warnings {warnings(n_warnings, seed):,}")
    log(f"applications {applications(max(cases * 3 // 10, 1), seed):,}")
    log(f"complaints {complaints(max(cases // 20, 1), seed):,}")
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh bulk loads have no statistics yet (autovacuum lags)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--warnings", type=int, default=1_000_000)
    args = parser.parse_args()
    cases_data.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # the real commands run below refuse a database behind the code
    t0 = time.perf_counter()
    generate(args.cases, args.warnings)
    log(f"supervision data ready in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()

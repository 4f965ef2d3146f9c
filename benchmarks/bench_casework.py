"""Benchmark of casework's work lists, counts and confirmation (issue 11: with 200,000 open applications
and 1,000,000 cases province-wide, every work list p95 ≤ 150 ms for a township and a county officer,
confirming a file ≤ 300 ms).

    DOUDI_DATA_DIR=/tmp/bench-cw uv run --frozen python benchmarks/bench_casework.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_cw DOUDI_DATA_DIR=/tmp/bench-cw-pg \\
        uv run --frozen python benchmarks/bench_casework.py

Setup (not timed; skipped when the database already holds the generated rows): ``doudi init`` (the
divisions and the baseline parameters), then set-based inserts (``COPY`` on PostgreSQL, ``executemany``
on SQLite; never an ORM call per row) over Jilin's real townships, weighted log-normally so that some
townships and counties carry several times the average load:

- ``--households`` minimal registry households (key, area type, township);
- ``--cases`` cases (one per household, 80 % DIBAO, the rest TEKUN / MARGINAL / RIGID; 97 % open);
- ``--closed`` closed applications (85 % confirmed, with their decision — a tenth delegated to the
  township, most of those filed, a few open spot checks — the rest refused or withdrawn), each with
  its four deadlines done and two steps;
- ``--applications`` open applications spread over the open states, with the deadlines their step has
  opened (total, investigate_start, verify_start, confirm: 3–4 rows each, done or open as the step
  implies), accepted 0–60 days ago so that about a sixth are overdue (escalated, as the daily clock
  does) and one step row per stage passed.

Timed (p50 / p95 / max over ``--runs`` after two warm-ups), as a township caseworker of the township
with the most open applications and as a county officer of its county: ``queries.work_list`` on the
default tab, each step tab and the overdue filter; the work-list page through Django's test client
(routing, session, scope, template); ``queries.counts`` and the home page. Then confirming a file:
``--runs`` applications walked through the real actions to ``awaiting_confirmation`` (household with
members and declared facts, authorizations, acceptance, system verification, investigation, proposal,
notice) and confirmed by the county officer (``dispatch.apply(..., "confirm")``: cases, decision,
registry categories, audit and the confirmation letter with its PDF), and as many again with the
letter's issue stubbed out, to show what the letter costs. ``--skip-confirm`` leaves that part out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time

PREFIX = "BENCH"
GROUPS = ("intake", "investigation", "opinion", "notice", "confirmation")
# open state → weight (share of open applications)
OPEN_MIX = [
    ("draft", 2), ("submitted", 6), ("returned", 2),
    ("accepted", 8), ("verifying", 6), ("verified_pass", 5), ("verified_fail", 1), ("rechecking", 1),
    ("investigating", 12), ("reinvestigating", 1),
    ("assessed", 8), ("prelim_opinion", 6), ("returned_to_township", 2), ("notice_objected", 1), ("appraisal", 2),
    ("in_notice", 12),
    ("awaiting_confirmation", 25),
]  # fmt: skip
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱"
DAYS = {"total": 30, "investigate_start": 5, "verify_start": 5, "confirm": 10}
RULES = {
    "total": ("R-W13", "办结时限", "township"),
    "investigate_start": ("R-W22", "启动入户调查", "township"),
    "verify_start": ("R-W20", "启动家庭经济状况核对", "county"),
    "confirm": ("R-W24", "审核确认", "county"),
}
VERIFY_DONE = {"verifying", "verified_pass", "verified_fail", "rechecking"}
INVESTIGATE_DONE = {"investigating"}
BOTH_DONE = {"assessed", "prelim_opinion", "returned_to_township", "notice_objected", "appraisal", "in_notice",
             "reinvestigating", "awaiting_confirmation"}  # fmt: skip
STAGES = {"draft": 0, "submitted": 1, "returned": 2, "accepted": 2}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    if "DOUDI_DATA_DIR" not in os.environ:
        sys.exit("set DOUDI_DATA_DIR to a scratch directory")
    import django

    django.setup()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _wd(start: dt.date, n: int) -> dt.date:
    """Working days approximated as 7/5 calendar days (the synthetic rows only need plausible dates)."""
    return start + dt.timedelta(days=(n * 7 + 4) // 5)


class Writer:
    """Set-based inserts of one model's rows: the varying columns given per row, every other column the
    model's default prepared once (``auto_now`` → now)."""

    def __init__(self, model, columns: list[str]):
        from django.db import connection
        from django.utils import timezone

        self.pg = connection.vendor == "postgresql"
        self.table = model._meta.db_table
        now = timezone.now()
        self.columns = columns
        self.const: list[tuple[str, object]] = []
        for f in model._meta.concrete_fields:
            if f.column in columns:
                continue
            value = (
                now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            )
            self.const.append((f.column, f.get_db_prep_save(value, connection)))
        self.all_columns = columns + [c for c, _ in self.const]
        self.tail = tuple(v for _, v in self.const)
        self.count = 0

    def write(self, rows: list[tuple]) -> None:
        from django.db import connection

        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.all_columns)
        with connection.cursor() as cur:
            if self.pg:
                with cur.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as cp:
                    for r in rows:
                        cp.write_row(r + self.tail)
            else:
                marks = ", ".join(["%s"] * len(self.all_columns))
                cur.executemany(
                    f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', [r + self.tail for r in rows]
                )
        self.count += len(rows)


class Batches:
    def __init__(self, writer: Writer, size: int = 20_000):
        self.writer, self.size, self.rows = writer, size, []

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        self.writer.write(self.rows)
        self.rows = []


def _townships() -> list[str]:
    from doudi.regions.models import Region

    return list(Region.objects.filter(level="township").order_by("code").values_list("code", flat=True))


def generate(args, today: dt.date) -> None:
    from django.db import connection, transaction

    from doudi.casework.models import Application, Case, CaseDecision, Deadline, SpotCheck, Step
    from doudi.registry.models import Household

    rng = random.Random(11)
    towns = _townships()
    weights = [rng.lognormvariate(0, 0.8) for _ in towns]
    log(f"{len(towns)} townships; generating")

    n_hh = args.households
    hh_region = rng.choices(towns, weights, k=n_hh)

    def name() -> str:
        return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")

    ids = {m: (m.unscoped.order_by("-pk").values_list("pk", flat=True).first() or 0) for m in
           (Household, Case, Application, Deadline, Step, CaseDecision, SpotCheck)}  # fmt: skip
    with transaction.atomic():
        t0 = time.perf_counter()
        hw = Batches(Writer(Household, ["id", "household_key", "area_type", "region_code"]))
        h0 = ids[Household]
        for i in range(n_hh):
            hw.add(
                (h0 + i + 1, f"{PREFIX}-H{i:08d}", "rural" if rng.random() < 0.6 else "urban", hh_region[i])
            )
        hw.flush()
        log(f"households {n_hh:,} in {time.perf_counter() - t0:.1f} s")

        app_cols = ["id", "number", "household_id", "applicant_name", "channel", "state", "received_on",
                    "accepted_on", "decided_on", "verification_result", "investigation_done", "proposed_category",
                    "proposed_total", "region_code"]  # fmt: skip
        aw = Batches(Writer(Application, app_cols))
        dw = Batches(Writer(Deadline, ["id", "application_id", "key", "rule", "what", "level", "start_on", "days",
                                       "due", "done_on", "calendar", "escalated_on", "region_code"]))  # fmt: skip
        sw = Batches(Writer(Step, ["id", "application_id", "event", "from_state", "to_state", "on", "actor_label",
                                   "role", "level", "rule", "region_code"]))  # fmt: skip
        cdw = Batches(Writer(CaseDecision, ["id", "application_id", "household_id", "kind", "on", "tier",
                                            "monthly_total", "authority_level", "filed_on", "region_code"]))  # fmt: skip
        spw = Batches(Writer(SpotCheck, ["id", "decision_id", "drawn_on", "result", "region_code"]))
        cw = Batches(Writer(Case, ["id", "household_id", "tier", "state", "since", "monthly_total", "pay_from",
                                   "review_class", "next_review", "application_id", "region_code"]))  # fmt: skip
        a_id, d_id, s_id, cd_id, sp_id = (
            ids[m] for m in (Application, Deadline, Step, CaseDecision, SpotCheck)
        )

        def deadline(app: int, key: str, start: dt.date, done: dt.date | None, region: str, level: str = ""):
            nonlocal d_id
            d_id += 1
            rule, what, lvl = RULES[key]
            due = _wd(start, DAYS[key])
            esc = (due + dt.timedelta(days=1)).isoformat() if done is None and due < today else None
            dw.add((d_id, app, key, rule, what, level or lvl, start.isoformat(), DAYS[key], due.isoformat(),
                    done.isoformat() if done else None, f"{start.year}", esc, region))  # fmt: skip

        def step(app: int, event: str, frm: str, to: str, on: dt.date, region: str):
            nonlocal s_id
            s_id += 1
            sw.add((s_id, app, event, frm, to, on.isoformat(), "基准测试", "township_caseworker", "township",
                    "R-W17", region))  # fmt: skip

        # closed applications on the first households, each the origin of that household's case
        t0 = time.perf_counter()
        closed_app: dict[int, int] = {}
        for i in range(args.closed):
            a_id += 1
            hh, region = h0 + i + 1, hh_region[i]
            received = today - dt.timedelta(days=rng.randint(90, 1500))
            accepted = received + dt.timedelta(days=rng.randint(0, 3))
            decided = accepted + dt.timedelta(days=rng.randint(15, 40))
            roll = rng.random()
            state = "confirmed" if roll < 0.85 else "refused" if roll < 0.95 else "withdrawn"
            aw.add((a_id, f"{PREFIX}-C{i:08d}", hh, name(), "window", state, received.isoformat(),
                    accepted.isoformat(), decided.isoformat(), "pass" if state == "confirmed" else "fail",
                    True, "DIBAO" if state == "confirmed" else "", 900 if state == "confirmed" else 0, region))  # fmt: skip
            for key in ("total", "investigate_start", "verify_start", "confirm"):
                deadline(a_id, key, accepted, decided, region)
            step(a_id, "accept", "submitted", "accepted", accepted, region)
            step(
                a_id,
                "confirm" if state == "confirmed" else "refuse",
                "awaiting_confirmation",
                state,
                decided,
                region,
            )
            if state == "confirmed":
                closed_app[hh] = a_id
                cd_id += 1
                delegated = rng.random() < 0.1
                filed = None if (delegated and rng.random() < 0.05) else decided + dt.timedelta(days=5)
                cdw.add((cd_id, a_id, hh, "confirm", decided.isoformat(), "DIBAO", 900,
                         "township" if delegated else "county", filed.isoformat() if delegated and filed else None,
                         region))  # fmt: skip
                if delegated and rng.random() < 0.1:
                    sp_id += 1
                    spw.add((sp_id, cd_id, (decided + dt.timedelta(days=10)).isoformat(),
                             "" if rng.random() < 0.3 else "upheld", region))  # fmt: skip
        log(f"closed applications {args.closed:,} in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        c_id = ids[Case]
        tiers = ["DIBAO"] * 80 + ["TEKUN"] * 8 + ["MARGINAL"] * 9 + ["RIGID"] * 3
        for i in range(min(args.cases, n_hh)):
            c_id += 1
            hh, region = h0 + i + 1, hh_region[i]
            since = today - dt.timedelta(days=rng.randint(30, 3000))
            klass = rng.choice("ABC")
            cw.add((c_id, hh, rng.choice(tiers), "active" if rng.random() < 0.97 else "terminated",
                    since.isoformat(), rng.randint(300, 1500), since.replace(day=1).isoformat(), klass,
                    (today + dt.timedelta(days=rng.randint(1, 360))).isoformat(), closed_app.get(hh), region))  # fmt: skip
        cw.flush()
        log(f"cases {cw.writer.count:,} in {time.perf_counter() - t0:.1f} s")

        # open applications on the last households (half of them also hold a case)
        t0 = time.perf_counter()
        states_, sw_weights = zip(*OPEN_MIX, strict=True)
        first_open = max(0, n_hh - args.applications)
        for i in range(args.applications):
            a_id += 1
            idx = first_open + (i % (n_hh - first_open))
            hh, region = h0 + idx + 1, hh_region[idx]
            state = rng.choices(states_, sw_weights)[0]
            received = today - dt.timedelta(days=rng.randint(0, 60))
            accepted = (
                None
                if state in ("draft", "submitted", "returned")
                else received + dt.timedelta(days=rng.randint(0, 2))
            )
            if accepted is not None and accepted > today:
                accepted = today
            aw.add((a_id, f"{PREFIX}-O{i:08d}", hh, name(), rng.choice(["window", "window", "online", "warning"]),
                    state, received.isoformat(), accepted.isoformat() if accepted else None, None,
                    "pass" if state in BOTH_DONE or state == "verified_pass" else
                    "fail" if state == "verified_fail" else "", state in BOTH_DONE or state == "investigating",
                    "DIBAO" if state in ("prelim_opinion", "in_notice", "awaiting_confirmation") else "",
                    0, region))  # fmt: skip
            step(a_id, "submit", "draft", "submitted", received, region)
            if accepted is None:
                continue
            step(a_id, "accept", "submitted", "accepted", accepted, region)
            span = max(0, (today - accepted).days)
            mid = accepted + dt.timedelta(days=rng.randint(0, min(span, 6)))
            deadline(a_id, "total", accepted, None, region)
            v_done = mid if state in VERIFY_DONE or state in BOTH_DONE else None
            i_done = mid if state in INVESTIGATE_DONE or state in BOTH_DONE else None
            deadline(a_id, "verify_start", accepted, v_done, region)
            deadline(a_id, "investigate_start", accepted, i_done, region)
            if v_done or i_done:
                step(
                    a_id,
                    "run_verification" if v_done else "record_investigation",
                    "accepted",
                    state,
                    mid,
                    region,
                )
            if state == "awaiting_confirmation":
                end = mid + dt.timedelta(days=rng.randint(0, max(0, (today - mid).days)))
                deadline(
                    a_id, "confirm", end, None, region, level="township" if rng.random() < 0.1 else "county"
                )
                step(a_id, "end_notice", "in_notice", state, end, region)
        for b in (aw, dw, sw, cdw, spw):
            b.flush()
        log(
            f"open applications {args.applications:,}; applications {aw.writer.count:,}, deadlines "
            f"{dw.writer.count:,}, steps {sw.writer.count:,}, decisions {cdw.writer.count:,}, spot checks "
            f"{spw.writer.count:,} in {time.perf_counter() - t0:.1f} s"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for m in (Household, Case, Application, Deadline, Step, CaseDecision, SpotCheck):
                t = m._meta.db_table
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), (SELECT MAX(id) FROM \"{t}\"))"
                )
    analyze()


def analyze() -> None:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:  # PostgreSQL: what autovacuum would do soon (index-only scans)
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    log(f"(VACUUM) ANALYZE in {time.perf_counter() - t0:.1f} s")


def _user(username: str, role: str, region: str):
    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User

    return User.objects.filter(username=username).first() or create_user(
        actor="bench", username=username, password="Bench-passw0rd!", role=role, region_code=region,
        check_password=False,
    )  # fmt: skip


CPU: list[float] = []  # this process's CPU time of each timed run (the last case's)


def timed(fn, runs: int) -> tuple[list[float], object]:
    out = None
    for _ in range(2):
        out = fn()
    times = []
    CPU.clear()
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
        CPU.append((time.process_time() - c0) * 1000)
    return times, out


def report(label: str, rows: object, times: list[float], cpu: list[float] | None = None) -> None:
    cpu = CPU if cpu is None else cpu
    print(
        f"{label:52s} {rows!s:>7s} {statistics.median(times):8.1f} {_pct(times, 95):8.1f} {max(times):8.1f}"
        f" {statistics.median(cpu) if cpu else 0:8.1f}",
        flush=True,
    )


def bench_lists(users: dict, runs: int, today: dt.date) -> None:
    print(f"{'case':52s} {'rows':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'CPU p50':>8s}")
    for who, user in users.items():
        _bench_user(who, user, runs, today)


def _bench_user(who: str, user, runs: int, today: dt.date) -> None:
    from django.test import Client
    from django.urls import reverse

    from doudi.casework import queries
    from doudi.core.scoping import using_scope

    url, home = reverse("casework:worklist"), reverse("web:home")
    cases = (
        [("default tab", {})]
        + [(f"tab {g}", {"group": g}) for g in GROUPS]
        + [("overdue", {"overdue": True})]
    )
    with using_scope(user.region_id):
        for label, kw in cases:
            times, wl = timed(lambda kw=kw: queries.work_list(user, today=today, **kw), runs)
            report(f"{who} · work_list {label}", f"{len(wl.rows)}/{wl.page.paginator.count}", times)
        times, wl = timed(lambda: queries.work_list(user, page=3, today=today), runs)
        report(f"{who} · work_list default tab, page 3", len(wl.rows), times)
        times, c = timed(lambda: queries.counts(user, today), runs)
        report(f"{who} · counts", sum(v for k, v in c.items() if k in GROUPS), times)
    client = Client()
    client.force_login(user)
    for label, kw in cases:
        params = {k: ("1" if v is True else v) for k, v in kw.items()}

        def get(params=params):
            r = client.get(url, params)
            assert r.status_code == 200, r.status_code
            return r

        times, r = timed(get, runs)
        report(f"{who} · page {label}", r.content.decode().count("<tr><td>"), times)

    def get_home():
        r = client.get(home)
        assert r.status_code == 200, r.status_code
        return r

    times, _ = timed(get_home, runs)
    report(f"{who} · home page", "", times)


def _family(n: int, region: str, today: dt.date):
    from doudi.core import idnumber
    from doudi.registry import actions

    hh = actions.create_household(
        actor="bench", household_key=f"{PREFIX}-F{n:05d}-{time.time_ns()}", region_code=region,
        area_type="urban", since=dt.date(2024, 1, 1),
    )  # fmt: skip
    people = []
    for i, (nm, born, male, rel) in enumerate(
        [("崔永浩", dt.date(1956, 4, 2), True, "head"), ("韩顺姬", dt.date(1958, 9, 12), False, "spouse")]
    ):
        people.append(
            actions.add_person_to_household(
                actor="bench", household=hh, person_key=f"{hh.household_key}-{i + 1}", name=nm,
                id_number=idnumber.make(region[:6], born, (n * 2 + i) % 999, male=male), relation=rel,
                since=dt.date(2024, 1, 1), birth_date=born, sex="M" if male else "F",
            )
        )  # fmt: skip
    actions.record_household_fact(
        actor="bench", household=hh, kind="income", value={"total": 3600, "months": 12},
        valid_from=dt.date(2024, 1, 1), source="self_declared",
    )  # fmt: skip
    actions.record_household_fact(
        actor="bench", household=hh, kind="assets", value={"vehicles": 0, "dwellings": 1, "financial": 2000},
        valid_from=dt.date(2024, 1, 1), source="self_declared",
    )  # fmt: skip
    return hh, people


def prepare_confirmations(n: int, users: dict, township: str, county: str):
    """``n`` applications walked through the real actions to ``awaiting_confirmation``."""
    from doudi.casework import dispatch, intake_actions
    from doudi.core.scoping import all_regions, using_scope

    d = dt.date
    tw = users["township caseworker"]
    out = []
    for k in range(n):
        with all_regions():
            hh, people = _family(k, township, d(2026, 11, 2))
        with using_scope(township):
            app = intake_actions.open_application(actor=tw, household=hh, channel="window", on=d(2026, 11, 2))
            for p in people:
                intake_actions.record_authorization(
                    actor=tw, application=app, person=p, method="paper", signed_on=d(2026, 11, 2)
                )
            intake_actions.record_commitment(actor=tw, application=app, on=d(2026, 11, 2))
            app.refresh_from_db()
            for event, on, fields in (
                ("accept", d(2026, 11, 2), {}),
                ("run_verification", d(2026, 11, 3), {}),
                ("record_investigation", d(2026, 11, 4), {
                    "investigators": ["朴志勇", "金美兰"], "findings": "家中两位老人，收入仅靠少量养老金",
                    "housing_rating": "poor", "labour_capacity": {str(p.pk): "none" for p in people}}),
                ("propose", d(2026, 11, 5), {}),
                ("start_notice", d(2026, 11, 5), {}),
                ("end_notice", d(2026, 11, 12), {}),
            ):  # fmt: skip
                app = dispatch.apply(tw, app, event, on=on, fields=fields)
        assert app.state == "awaiting_confirmation", app.state
        out.append(app)
    return out


def bench_confirm(runs: int, users: dict, township: str, county: str) -> None:
    from doudi.casework import dispatch, paperwork
    from doudi.core.scoping import using_scope

    t0 = time.perf_counter()
    apps = prepare_confirmations(2 * (runs + 2), users, township, county)
    log(f"prepared {len(apps)} applications awaiting confirmation in {time.perf_counter() - t0:.1f} s")
    officer = users["county officer"]
    on = dt.date(2026, 11, 16)

    def run(batch) -> list[float]:
        times = []
        CPU.clear()
        with using_scope(county):
            for i, app in enumerate(batch):
                t0, c0 = time.perf_counter(), time.process_time()
                app = dispatch.apply(officer, app, "confirm", on=on)
                if i >= 2:
                    times.append((time.perf_counter() - t0) * 1000)
                    CPU.append((time.process_time() - c0) * 1000)
                assert app.state == "confirmed"
        return times

    report("county officer · confirm (with the letter and its PDF)", runs, run(apps[: runs + 2]))
    issue = paperwork.issue
    paperwork.issue = lambda *a, **k: None  # the letter stubbed out, to show its share
    try:
        report("county officer · confirm, letter not issued", runs, run(apps[runs + 2 :]))
    finally:
        paperwork.issue = issue


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--applications", type=int, default=200_000, help="open applications")
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--households", type=int, default=1_100_000)
    ap.add_argument("--closed", type=int, default=250_000, help="closed applications (history)")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--skip-confirm", action="store_true")
    ap.add_argument("--only", choices=["lists", "confirm"], help="run one part only")
    args = ap.parse_args()
    _setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from doudi.casework import states
    from doudi.casework.models import Application, Case, Deadline
    from doudi.core.scoping import all_regions

    call_command("init", verbosity=0)
    today = timezone.localdate()
    with all_regions():
        if not Application.unscoped.filter(number__startswith=f"{PREFIX}-O").exists():
            t0 = time.perf_counter()
            generate(args, today)
            log(f"generated in {time.perf_counter() - t0:.1f} s")
        top = (
            Application.unscoped.filter(state__in=states.OPEN_STATES, number__startswith=f"{PREFIX}-O")
            .values("region_code")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        township = top["region_code"]
        county = township[:6].ljust(12, "0")
        open_total = Application.unscoped.filter(state__in=states.OPEN_STATES).count()
        n_cases = Case.unscoped.count()
        n_apps = Application.unscoped.count()
        n_dl = Deadline.unscoped.count()
        in_county = Application.unscoped.filter(
            state__in=states.OPEN_STATES, region_code__startswith=county[:6]
        ).count()
        users = {
            "township caseworker": _user("bench-cw-township", "township_caseworker", township),
            "county officer": _user("bench-cw-county", "county_officer", county),
        }
    print(
        f"database: {connection.vendor}; open applications {open_total:,} (all {n_apps:,}), cases {n_cases:,}, "
        f"deadlines {n_dl:,}; township {township}: {top['n']:,} open; county {county}: {in_county:,} open"
    )
    print(
        f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; runs per case: {args.runs}"
    )
    if args.only in (None, "lists"):
        bench_lists(users, args.runs, today)
    if args.only in (None, "confirm") and not args.skip_confirm:
        bench_confirm(args.runs, users, township, county)


if __name__ == "__main__":
    main()

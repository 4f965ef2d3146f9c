"""Monitoring scans (DOMAIN R-M11–R-M13, R-M16): indicators evaluated set-based in DuckDB over the
linked batch store and the registry, then written in bulk by ``scan_actions``.

* ``scan_batch(batch_id)`` — incremental, when a batch has been linked: every stored batch is read
  (windows such as "3 months of medical expenses" need the earlier ones) but only hits with evidence
  from THIS batch count. Indicators that are not record-triggered (W-GAP) wait for the full scan.
* ``scan_all(as_of)`` — the monthly full scan over every linked batch up to ``as_of``.

Either way only batches of the last ``LOOKBACK_MONTHS`` months are read (a batch without a date always is).

Idempotent. Evidence items are keyed by ``batch_id:record_id`` (``evidence.evidence_key``). For each
household and indicator (``dedupe_key = "<ID>:h<household_id>"``):

1. evidence a department repeats (the same ``fact_key`` in a later batch) counts once, from the first
   batch that showed it;
2. evidence whose event date is on or before the last closing of a warning with the same key was
   dealt with by that warning and is dropped;
3. evidence already on the open warning is dropped;
4. what is left either merges into the open warning (R-M13: evidence appended, ``merged_count`` + 1,
   level raised if the new hit is higher, deadline shortened accordingly) or raises a new warning
   (deadline ``warning.deadline_wd.<level>`` working days after the scan day).

A hit with nothing left is "unchanged". Re-running a scan therefore raises and merges nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa
from django.utils import timezone

from doudi import linked_store
from doudi.core import store
from doudi.core.audit_actions import AuditAction
from doudi.core.store import duckdb_connection
from doudi.datasets import DATASETS
from doudi.monitoring.models import EarlyWarning
from doudi.monitoring.scans import discovery, indicators, params, scan_actions, sources
from doudi.monitoring.scans.scan_actions import LEVEL_ZH

ACTOR = "监测预警扫描"
logger = logging.getLogger(__name__)
# Batches older than this are not read: the longest window is 12 months (W-EXP, W-DSR, W-POP…), plus one
# month so that the first batch that showed a repeated fact is still in view.
LOOKBACK_MONTHS = 13
RANK = {"yellow": 1, "orange": 2, "red": 3}


class ScanError(Exception):
    """A scan cannot run (unknown or unlinked batch); the message is for operators (Chinese)."""


@dataclass
class ScanResult:
    as_of: dt.date
    full: bool
    batches: list[int]
    counts: dict[tuple[str, str], Counter] = field(default_factory=lambda: defaultdict(Counter))
    potential: Counter = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds by stage
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds (all threads) by stage
    warning_ids: list[int] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # records/households that failed, with the reason

    def total(self, what: str) -> int:
        return sum(c[what] for c in self.counts.values())

    def rows(self) -> list[tuple[str, str, str, int, int, int]]:
        """(indicator, cause, level, new, merged, unchanged), in indicator and level order."""
        ids = list(indicators.LABELS)
        keys = sorted(self.counts, key=lambda k: (ids.index(k[0]) if k[0] in ids else 99, -RANK.get(k[1], 0)))
        return [
            (ind, indicators.LABELS.get(ind, ind), level, c["new"], c["merged"], c["unchanged"])
            for (ind, level), c in ((k, self.counts[k]) for k in keys)
        ]

    def report_lines(self) -> list[str]:
        """What ``doudi monitor run`` (and ``doudi match run`` after linking) prints."""
        lines = [
            f"scan: {'full' if self.full else 'batch ' + ','.join(map(str, self.batches))}",
            f"as of: {self.as_of.isoformat()}",
        ]
        for ind, cause, level, new, merged, unchanged in self.rows():
            zh = LEVEL_ZH.get(level, level)
            lines.append(f"{ind} {cause} {level}（{zh}）: new {new}, merged {merged}, unchanged {unchanged}")
        lines += [
            f"new: {self.total('new')}",
            f"merged: {self.total('merged')}",
            f"unchanged: {self.total('unchanged')}",
            f"potential cases new: {self.potential.get('new', 0)}",
            f"potential cases merged: {self.potential.get('merged', 0)}",
            f"records routed by id county: {self.potential.get('routed_by_id', 0)}",
            f"records routed by provider region: {self.potential.get('routed_by_provider', 0)}",
            f"records unroutable: {self.potential.get('unroutable', 0)}",
            f"records skipped: {len(self.skipped)}",
            f"seconds: {sum(self.timings.values()):.1f}",
        ]
        return lines

    def summary(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "full": self.full,
            "batches": self.batches,
            "batch_count": len(self.batches),
            "new": self.total("new"),
            "merged": self.total("merged"),
            "unchanged": self.total("unchanged"),
            "by_indicator": [list(r) for r in self.rows()],
            "potential_cases": dict(self.potential),
            "routing": {
                "routed_by_id": self.potential.get("routed_by_id", 0),
                "routed_by_provider": self.potential.get("routed_by_provider", 0),
                "unroutable": self.potential.get("unroutable", 0),
                "skipped_no_id": self.potential.get("skipped_no_id", 0),
            },
            "skipped": self.skipped[:100],
        }


def _months_before(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


def date_literals(as_of: dt.date) -> dict[str, str]:
    lit = sources.lit
    return {
        "D": lit(as_of),
        "D3": lit(_months_before(as_of, 3)),
        "D12": lit(_months_before(as_of, 12)),
        "M": lit(as_of.strftime("%Y-%m")),
    }


@contextlib.contextmanager
def scan_lock() -> Iterator[None]:
    """One scan at a time per data directory (a second one waits)."""
    path = store.store_dir() / "monitoring" / "scan.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ------------------------------------------------------------------------------------------ entries


def scan_batch(batch_id: int, *, actor=ACTOR, today: dt.date | None = None, **kw) -> ScanResult:
    """Incremental scan after ``batch_id`` has been linked."""
    return scan_batches([batch_id], actor=actor, today=today, **kw)


def scan_batches(batch_ids, *, actor=ACTOR, today: dt.date | None = None, **kw) -> ScanResult:
    """One incremental scan of several newly linked batches (as of the latest of their dates)."""
    ids = sorted({int(b) for b in batch_ids})
    found = linked_store.linked_batches(ids)
    missing = sorted(set(ids) - {b.batch_id for b in found})
    if missing or not ids:
        b = missing[0] if missing else "?"
        raise ScanError(f"批次 {b} 不存在或尚未比对（请先运行 doudi match run --batch {b}）")
    as_of = max((b.as_of for b in found if b.as_of), default=None) or today or timezone.localdate()
    return run_scan(as_of=as_of, targets=set(ids), actor=actor, today=today, **kw)


def scan_all(as_of: dt.date | None = None, *, actor=ACTOR, today: dt.date | None = None, **kw) -> ScanResult:
    """The monthly full scan over every linked batch up to ``as_of`` (default today)."""
    as_of = as_of or today or timezone.localdate()
    return run_scan(as_of=as_of, targets=None, actor=actor, today=today, **kw)


def run_scan(
    *,
    as_of: dt.date,
    targets: set[int] | None,
    actor=ACTOR,
    today: dt.date | None = None,
    discover: bool = True,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> ScanResult:
    today = today or timezone.localdate()
    with scan_lock():
        oldest = _months_before(as_of, LOOKBACK_MONTHS)
        batches = [
            b for b in linked_store.linked_batches()
            if (targets is not None and b.batch_id in targets) or b.as_of is None or oldest < b.as_of <= as_of
        ]  # fmt: skip
        result = ScanResult(as_of=as_of, full=targets is None,
                            batches=[b.batch_id for b in batches if targets is None or b.batch_id in targets])  # fmt: skip
        con = duckdb_connection(memory_limit=memory_limit, threads=threads)
        try:
            plan = _evaluate(con, batches, targets, as_of, result)
            started = (time.perf_counter(), time.process_time())
            found = discovery.find(con, batches, targets, as_of, plan["dates"]) if discover else None
            result.skipped += plan["skipped"] + (found or {}).get("skipped", [])
            started = _tick(result, "discovery", started)
            ids = scan_actions.apply_scan(
                actor=actor, today=today, as_of=as_of, new=plan["new"], merges=plan["merges"],
                discovered=found, result=result,
            )  # fmt: skip
            result.warning_ids = ids
            _tick(result, "write", started)
        finally:
            con.close()
    return result


# -------------------------------------------------------------------------------------- evaluation


def _tick(result: ScanResult, name: str, started: tuple[float, float]) -> tuple[float, float]:
    now = (time.perf_counter(), time.process_time())
    result.timings[name] = result.timings.get(name, 0.0) + now[0] - started[0]
    result.cpu[name] = result.cpu.get(name, 0.0) + now[1] - started[1]
    return now


def _evaluate(con, batches, targets, as_of, result: ScanResult) -> dict:
    t = (time.perf_counter(), time.process_time())
    sources.load_registry(con, as_of)
    pairs = con.execute("SELECT DISTINCT region_code, area_type FROM hh_base").fetchall()
    con.register("prm_src", params.table(pairs, as_of))
    con.execute("CREATE OR REPLACE TEMP TABLE prm AS SELECT * FROM prm_src")
    con.unregister("prm_src")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE hh AS
           SELECT h.*, p.* EXCLUDE (region_code, area_type)
           FROM hh_base h LEFT JOIN prm p USING (region_code, area_type)"""
    )
    t = _tick(result, "registry", t)
    on = con.execute(
        "SELECT "
        + ", ".join(f"coalesce(bool_or({d.code}_on), FALSE)" for d in indicators.INDICATORS)
        + " FROM prm"
    ).fetchall()[0]
    active = [
        d for d, enabled in zip(indicators.INDICATORS, on, strict=True)
        if enabled and (targets is None or not d.full_only)
    ]  # fmt: skip
    dates = date_literals(as_of)
    con.register(
        "src_bm",
        pa.table(
            {
                "batch_id": pa.array([b.batch_id for b in batches], pa.int64()),
                "as_of": pa.array([b.as_of for b in batches], pa.date32()),
            }
        ),  # fmt: skip
    )
    con.execute("CREATE OR REPLACE TEMP TABLE batch_meta AS SELECT * FROM src_bm")
    con.unregister("src_bm")
    by_dataset = defaultdict(list)
    for b in batches:
        by_dataset[b.dataset].append(b)
    for ds in sorted(
        {ds for d in active for ds in d.datasets} | {"social_insurance", *sources.INCOME_DATASETS}
    ):
        sources.create_linked_table(con, ds, by_dataset.get(ds, []), targets)
        if ds == "household_registration":
            sources.attach_registrations(con, by_dataset.get(ds, []), targets)
            sources.load_region_names(con)
    t = _tick(result, "store", t)
    needs: dict[str, list[str]] = defaultdict(list)
    for d in active:
        for name, sql in d.needs.items():
            needs[name].append(indicators.render(sql, dates))
    for name, loader in sources.LOADERS.items():
        loader(con, " UNION ".join(needs[name]) if needs[name] else "SELECT NULL WHERE FALSE", as_of)
    t = _tick(result, "sensitive", t)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE ev (indicator VARCHAR, household_id BIGINT, person_id BIGINT,
           batch_id BIGINT, record_id VARCHAR, dataset VARCHAR, event_date DATE, detail VARCHAR, red BOOLEAN,
           fact_key VARCHAR, target BOOLEAN)"""
    )
    for d in active:
        con.execute(
            f"""INSERT INTO ev SELECT '{d.id}', q.* FROM ({indicators.render(d.sql, dates)}) q
                WHERE q.household_id IN (SELECT household_id FROM hh WHERE {d.code}_on)"""
        )
    t = _tick(result, "indicators", t)
    plan = _diff(con, active)
    plan["dates"] = dates
    for what, rows in (("new", plan["new"]), ("merged", plan["merges"]), ("unchanged", plan["unchanged"])):
        for row in rows:
            result.counts[(row["indicator"], row["level"])][what] += 1
    _tick(result, "diff", t)
    return plan


def _existing(con, indicator_ids: list[str]) -> None:
    """``ow`` (open warnings), ``oek`` (their evidence keys) and ``cl`` (last closing per key)."""
    from doudi.monitoring.evidence import evidence_key

    rows = list(
        EarlyWarning.unscoped.filter(
            is_open=True, indicator__in=indicator_ids, household__isnull=False
        ).values_list("id", "dedupe_key", "level", "deadline", "evidence")
    )
    con.register(
        "src_ow",
        pa.table(
            {
                "warning_id": pa.array([r[0] for r in rows], pa.int64()),
                "dedupe_key": pa.array([r[1] for r in rows], pa.string()),
                "old_level": pa.array([r[2] for r in rows], pa.string()),
                "old_deadline": pa.array([r[3] for r in rows], pa.date32()),
            }
        ),
    )
    keys = [(r[1], evidence_key(item)) for r in rows for item in (r[4] or [])]
    con.register(
        "src_oek",
        pa.table(
            {
                "dedupe_key": pa.array([k[0] for k in keys], pa.string()),
                "ekey": pa.array([k[1] for k in keys], pa.string()),
            }
        ),  # fmt: skip
    )
    from django.db.models import Max

    closed = list(
        EarlyWarning.unscoped.filter(is_open=False, indicator__in=indicator_ids, closed_on__isnull=False)
        .values("dedupe_key")
        .annotate(last=Max("closed_on"))
        .values_list("dedupe_key", "last")
    )
    con.register(
        "src_cl",
        pa.table(
            {
                "dedupe_key": pa.array([c[0] for c in closed], pa.string()),
                "closed_on": pa.array([c[1] for c in closed], pa.date32()),
            }
        ),  # fmt: skip
    )
    for name in ("ow", "oek", "cl"):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM src_{name}")
        con.unregister(f"src_{name}")


def _labels_table(con) -> None:
    labels = {k: d.label for k, d in DATASETS.items()} | {"registry": "名册"}
    con.register("src_dsl", pa.table({"dataset": list(labels), "label": list(labels.values())}))
    con.execute("CREATE OR REPLACE TEMP TABLE dsl AS SELECT * FROM src_dsl")
    con.unregister("src_dsl")


def _diff(con, active) -> dict:
    """New warnings and merges from ``ev`` against the warnings in the database."""
    if not active:
        return {"new": [], "merges": [], "unchanged": [], "skipped": []}
    _existing(con, [d.id for d in active])
    _labels_table(con)
    household_level = [d.id for d in active if d.household_level] or ["-"]
    level_case = (
        "CASE e.indicator " + " ".join(f"WHEN '{d.id}' THEN h.{d.code}_level" for d in active) + " END"
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE ev1 AS
           SELECT e.*, b.as_of AS batch_as_of, e.indicator || ':h' || e.household_id AS dedupe_key,
                  coalesce(CAST(e.batch_id AS VARCHAR), 'None') || ':' || e.record_id AS ekey
           FROM ev e LEFT JOIN batch_meta b USING (batch_id)
           QUALIFY e.fact_key IS NULL OR dense_rank() OVER (
               PARTITION BY e.indicator, e.household_id, e.fact_key
               ORDER BY coalesce(b.as_of, DATE '1900-01-01'), e.batch_id) = 1"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE hit AS
            SELECT e.dedupe_key, any_value(e.indicator) AS indicator, e.household_id,
                   CASE WHEN any_value(e.indicator) IN ({", ".join(f"'{i}'" for i in household_level)})
                        THEN coalesce(any_value(hd.person_id), min(e.person_id))
                        ELSE arg_min(e.person_id, e.event_date) END AS person_id,
                   any_value(h.region_code) AS region_code,
                   CASE WHEN bool_or(e.red) THEN 'red' ELSE any_value({level_case}) END AS level
            FROM ev1 e JOIN hh h USING (household_id)
                 LEFT JOIN (SELECT household_id, min(person_id) AS person_id FROM mem WHERE is_head GROUP BY 1) hd
                 USING (household_id)
            GROUP BY e.dedupe_key, e.household_id
            HAVING bool_or(e.target)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE fresh AS
           SELECT e.* FROM ev1 e JOIN hit USING (dedupe_key)
           LEFT JOIN cl USING (dedupe_key)
           WHERE (cl.closed_on IS NULL OR e.event_date IS NULL OR e.event_date > cl.closed_on)
             AND NOT EXISTS (SELECT 1 FROM oek o WHERE o.dedupe_key = e.dedupe_key AND o.ekey = e.ekey)"""
    )
    evidence = """list({'source': l.label, 'dataset': f.dataset, 'batch_id': f.batch_id, 'record_id': f.record_id,
                        'detail': f.detail, 'as_of': CAST(f.event_date AS VARCHAR)}
                       ORDER BY f.event_date, f.batch_id, f.record_id)"""
    table = con.sql(
        f"""SELECT h.dedupe_key, h.indicator, h.household_id, h.person_id, h.region_code, h.level, p.dispatch_direct,
                   CAST(CASE h.level WHEN 'red' THEN p.dl_red WHEN 'orange' THEN p.dl_orange ELSE p.dl_yellow END
                        AS INTEGER) AS deadline_days,
                   ow.warning_id, ow.old_level, ow.old_deadline,
                   (SELECT min(f.batch_id) FROM fresh f WHERE f.dedupe_key = h.dedupe_key) AS source_batch_id,
                   (SELECT {evidence} FROM fresh f JOIN dsl l USING (dataset) WHERE f.dedupe_key = h.dedupe_key)
                     AS evidence
            FROM hit h JOIN hh p USING (household_id) LEFT JOIN ow USING (dedupe_key)
            ORDER BY h.region_code, h.household_id, h.indicator"""
    ).to_arrow_table()
    new, merges, unchanged, skipped = [], [], [], []
    for row in table.to_pylist():
        try:
            items = [_clean(i) for i in (row["evidence"] or [])]
            row["evidence"] = items
            if row["deadline_days"] is None:  # no parameter row for the household's region: the default
                row["deadline_days"] = int(params.FALLBACK[f"warning.deadline_wd.{row['level']}"])
        except Exception as exc:  # one bad household is reported, never fatal to the scan
            logger.exception("scan: household %s skipped", row.get("household_id"))
            skipped.append({"what": "warning", "household_id": row.get("household_id"),
                            "indicator": row.get("indicator"), "error": type(exc).__name__})  # fmt: skip
            continue
        if not items:
            unchanged.append(row)
        elif row["warning_id"] is None:
            new.append(row)
        else:
            merges.append(row)
    return {"new": new, "merges": merges, "unchanged": unchanged, "skipped": skipped}


def _clean(item: dict) -> dict:
    return {k: v for k, v in item.items() if v is not None}


# ------------------------------------------------------------------------------------ pending batches


def scanned_batches() -> set[int]:
    """Batches some scan has looked at: every scan's audit event lists them (``after["batches"]``), so
    the answer lives in the database with the warnings it explains."""
    from doudi.core.models import AuditEvent

    seen: set[int] = set()
    for after in AuditEvent.unscoped.filter(action=AuditAction.MONITORING_SCAN).values_list(
        "after", flat=True
    ):
        seen.update(int(b) for b in (after or {}).get("batches") or [])
    return seen


def pending_batches() -> list[int]:
    """Linked batches no scan has looked at yet (``doudi monitor run --pending``)."""
    seen = scanned_batches()
    return [b.batch_id for b in linked_store.linked_batches() if b.batch_id not in seen]

"""``run_linkage``: link stored batches to the registry and write ``store/batches/<id>/links.parquet``.

One run exports the registry snapshot once (unless given one), then runs the stages of
``matching.stages`` per batch on DuckDB (default, embedded) or PySpark (``engine="spark"``), writes
each links file atomically (one row per record, in the records' line order, so a re-run on the same
inputs writes the same file) and returns the counts by method per batch. It reads and writes the store
only: recording the outcome on the batch is the caller's (``pipeline``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from doudi.core import store
from doudi.matching import model, stages
from doudi.matching import snapshot as snapshots
from doudi.matching.links_file import LinkageError, summary_of, write_links

ENGINES = ("duckdb", "spark")
STEPS = ("prepare", *stages.STAGES, "write")


class _Progress:
    """Progress bar on a terminal, and the seconds each step took (``timings``)."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.bar = None
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="步", desc="比对", leave=False)

    def batch(self, batch_id: int) -> None:
        self.timings = {}
        self._last = time.perf_counter()
        if self.bar:
            self.bar.set_description(f"比对批次 {batch_id}")

    def tick(self, step: str) -> None:
        now = time.perf_counter()
        self.timings[step] = round(now - self._last, 2)
        self._last = now
        if self.bar:
            self.bar.set_postfix_str(step)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar:
            self.bar.close()


def _check(batch_ids: list[int]) -> None:
    for b in batch_ids:
        if not store.records_path(b).is_file():
            raise LinkageError(f"批次 {b} 没有可比对的记录文件（{store.records_path(b)}）")


def run_linkage(
    batch_ids: Iterable[int],
    *,
    engine: str = "duckdb",
    progress: bool = False,
    threshold: float = model.DEFAULT_THRESHOLD,
    snapshot: Path | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    """Link each batch; returns ``{"batches": {id: summary}, "total": counts by method}``.

    ``snapshot``: an existing persons.parquet to link against (default: export the registry now)."""
    ids = [int(b) for b in batch_ids]
    if engine not in ENGINES:
        raise LinkageError(f"未知的比对引擎：{engine}（可选 duckdb 或 spark）")
    if not (engine == "spark" and os.environ.get("DOUDI_SPARK_STORE_URI")):
        _check(ids)  # (on a cluster store the executors read the records, not this machine)
    if snapshot is None:
        snapshot = snapshots.export_snapshot().path
    mdl = model.Model(threshold=threshold)
    bar = _Progress(progress, len(ids) * len(STEPS))
    try:
        if engine == "spark":
            from doudi.matching import spark

            summaries = spark.link_batches(ids, Path(snapshot), mdl, bar)
        else:
            summaries = _link_duckdb(ids, Path(snapshot), mdl, bar, memory_limit, threads)
    finally:
        bar.close()
    total = {m: sum(s[m] for s in summaries.values()) for m in ("records", *store.METHODS)}
    return {"batches": summaries, "total": total}


def _link_duckdb(ids, snapshot: Path, mdl, bar, memory_limit, threads) -> dict[int, dict]:
    con = store.duckdb_connection(memory_limit=memory_limit, threads=threads)
    run = stages.DuckRunner(con)
    out = {}
    try:
        started = time.perf_counter()
        stages.prepare_persons(run, f"read_parquet({store.sql_path(snapshot)})")
        registry_seconds = round(time.perf_counter() - started, 2)
        for b in ids:
            started = time.perf_counter()
            bar.batch(b)
            records = stages.prepare_records(run, f"read_parquet({store.sql_path(store.records_path(b))})")
            bar.tick("prepare")
            counts = stages.run_stages(run, mdl, records, bar.tick)
            write_links(con, "links", store.links_path(b))
            bar.tick("write")
            out[b] = summary_of(b, counts, records, "duckdb", mdl, time.perf_counter() - started)
            out[b]["timings"] = {"registry": registry_seconds, **bar.timings}
    finally:
        con.close()
    return out


def read_links(batch_id: int):
    """The links file of a batch as a pyarrow table."""

    path = store.links_path(batch_id)
    if not path.is_file():
        raise LinkageError(f"批次 {batch_id} 尚未比对（没有比对结果文件）")
    return pq.read_table(path)


EXPORT_COLUMNS = ("record_id", "person_key", "method", "score")


def _csv_safe(col: str) -> str:
    """SQL for a text column as ``core.cells.safe_text`` writes it: a leading = + - @ tab or CR gets
    an apostrophe, so a spreadsheet never evaluates it."""
    risky = "'=', '+', '-', '@', chr(9), chr(13)"
    return f"CASE WHEN left({col}, 1) IN ({risky}) THEN chr(39) || {col} ELSE {col} END AS {col}"


def export_csv(batch_id: int, out: Path | str) -> int:
    """Write the links of a batch as CSV (``record_id, person_key, method, score``; person_key empty
    when none), atomically; returns the number of rows."""
    import duckdb

    source = store.links_path(batch_id)
    if not source.is_file():
        raise LinkageError(f"批次 {batch_id} 尚未比对（没有比对结果文件），请先运行 doudi match run")
    out = Path(out)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        with store.atomic_path(out) as tmp:
            con.execute(
                f"""COPY (SELECT {_csv_safe("record_id")}, {_csv_safe("person_key")}, method, score
                    FROM read_parquet({store.sql_path(source)}))
                    TO {store.sql_path(tmp)} (FORMAT csv, HEADER true)"""
            )
        return int(
            con.execute(f"SELECT count(*) FROM read_parquet({store.sql_path(source)})").fetchall()[0][0]
        )
    finally:
        con.close()

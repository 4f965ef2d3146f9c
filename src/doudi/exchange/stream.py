"""One chunk of a department batch from text to store form (the work of ``exchange.intake.run``).

``ChunkWork.prepare(chunk)`` validates the chunk's rows set-based in DuckDB (``exchange.checks``),
finds duplicated record ids — against the earlier chunks too, whose ids it remembers in the table
``seen`` (hash of the record id → first line; DuckDB spills it past its memory limit) — and hands
the per-value work (blind indexes, pinyin) to the worker pool. ``Prepared.finish()`` collects that work and returns the
chunk's records in store form. The intake prepares the next chunk before it finishes the current
one, so the workers always have a chunk in hand while the main process validates.
"""

from __future__ import annotations

import datetime as dt
import queue
import secrets
import threading
from collections.abc import Generator, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from doudi.core.tabular import Chunk
from doudi.datasets import Dataset
from doudi.exchange import checks
from doudi.exchange.ids import IdBatch
from doudi.exchange.pinyin import NameBatch
from doudi.exchange.workers import Job, Pool

# DuckDB's share: a chunk's queries need far less; beyond it the record ids of the earlier chunks
# (20 bytes a row) spill to the run's private temporary directory, so memory stays flat
DUCKDB_MEMORY = "256MB"
DUPLICATE = "记录编号重复"
RID_HASH_PREFIX = "idx:"
PARQUET_TYPES = {
    "str": pa.string(),
    "enum": pa.string(),
    "month": pa.string(),
    "int": pa.int32(),
    "date": pa.date32(),
    "bool": pa.bool_(),
}
REJECTED_SCHEMA = pa.schema(
    [
        ("line", pa.int32()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]  # fmt: skip
)


def column_type(c) -> pa.DataType:
    return pa.decimal128(18, c.scale) if c.type == "decimal" else PARQUET_TYPES[c.type]


def _duck_type(c) -> str:
    return {"int": "INTEGER", "date": "DATE", "bool": "BOOLEAN"}.get(c.type) or (
        f"DECIMAL(18, {c.scale})" if c.type == "decimal" else "VARCHAR"
    )


def _trimmed(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.utf8_trim_whitespace(col)  # an empty text becomes NULL in the validation query


def source(table: pa.Table, mapping: dict[str, int], extras: list[tuple[str, int]]) -> pa.Table:
    """The file's columns named by key (extras ``x0``…), trimmed — except the identity number,
    whose whitespace anywhere ``idnumber.normalize`` removes anyway."""
    cols = {
        k: table.column(f"c{i}") if k == "id_number" else _trimmed(table.column(f"c{i}"))
        for k, i in mapping.items()
    }
    cols |= {f"x{j}": _trimmed(table.column(f"c{i}")) for j, (_, i) in enumerate(extras)}
    cols["line"] = table.column("line")
    return pa.table(cols)


class Prepared:
    """A validated chunk whose blind indexes and pinyin are being computed."""

    def __init__(
        self, ds: Dataset, good: pa.Table, keep: pa.Array, ids: IdBatch, pool: Pool, errors: pa.Table
    ):
        self.ds, self.good, self.keep, self.ids, self.pool = ds, good, keep, ids, pool
        self.errors = errors  # the chunk's rejected.parquet rows
        self.rejected = 0  # rows
        self.by_reason: dict[str, int] = {}  # rows per reason
        self.names = NameBatch(good.column("name"), pool)
        rid = good.column("record_id").combine_chunks()
        self.rid = rid
        # a record id that may hold an identity number (15+ digits in a row) is stored as its blind index
        self.suspect = pc.match_substring_regex(rid, checks.ID_RUN)
        self.rid_job: Job | None = None
        if pc.any(self.suspect).as_py():
            self.rid_job = pool.submit("index", pc.filter(rid, self.suspect))

    def _record_ids(self) -> pa.Array:
        if self.rid_job is None:
            return self.rid
        hashed = pc.binary_join_element_wise(RID_HASH_PREFIX, self.pool.result(self.rid_job), "")
        rank = pc.subtract(
            pc.cumulative_sum(pc.cast(self.suspect, pa.int64())), 1
        )  # place among the suspects
        return pc.if_else(self.suspect, pc.take(hashed, pc.max_element_wise(rank, 0)), self.rid)

    def finish(self) -> pa.Table:
        """The chunk's good rows in store form (waits for the workers)."""
        good = self.good
        idc = self.ids.columns(self.keep)
        names, pinyin = self.names.columns()
        sex = pc.coalesce(good.column("sex").combine_chunks(), idc.id_sex)
        birth = pc.coalesce(good.column("birth_date").combine_chunks(), idc.id_birth_date)
        region = good.column("region_code").combine_chunks()
        # the county of a region code that starts with six digits, else the identity number's: a
        # malformed region ("延吉市", "n/a") must not pass for a county in linkage and routing
        named = pc.if_else(
            pc.match_substring_regex(region, "^[0-9]{6}"),
            pc.utf8_slice_codeunits(region, 0, 6),
            pa.scalar(None, pa.string()),
        )
        county = pc.coalesce(named, idc.id_county)
        cols = {
            "record_id": self._record_ids(),
            "line": good.column("line").combine_chunks().cast(pa.int32()),
            "id_index": idc.id_index,
            "id_status": idc.id_status,
            "id_repair_indexes": idc.id_repair_indexes,
            "id_birth_date": idc.id_birth_date,
            "name": names,
            "name_pinyin": pinyin,
            "sex": sex,
            "birth_date": birth,
            "region_code": region,
            "county_code": county,
        }
        for c in self.ds.columns:
            cols[c.key] = good.column(c.key).combine_chunks().cast(column_type(c))
        cols["extra"] = good.column("extra").combine_chunks()
        cols["id_masked"] = idc.id_masked  # shown on a potential case (R-M16, R-S4); never the number itself
        return pa.table(cols)


class ChunkWork:
    """The DuckDB side of one intake run: one connection, the validation SQL built once, and the
    record ids of the rows loaded so far."""

    def __init__(
        self,
        ds: Dataset,
        today: dt.date,
        mapping: dict[str, int],
        extras: list[tuple[str, int]],
        pool: Pool,
        *,
        threads: int,
        spill_dir: Path,
    ):
        self.ds, self.today, self.mapping, self.extras, self.pool = ds, today, mapping, extras, pool
        self.con = duckdb.connect()
        self.con.execute(f"SET threads = {max(threads, 1)}")
        self.con.execute("SET preserve_insertion_order = true")
        self.con.execute(f"SET temp_directory = {checks.lit(str(spill_dir))}")
        self.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        # the record ids of the rows loaded so far, as a salted 128-bit hash: fixed size, and no
        # plain id (which may hold an identity number) in a spill file
        self.con.execute("CREATE TABLE seen (h UHUGEINT, line INTEGER)")
        self.rid_hash = f"md5_number({checks.lit(secrets.token_hex(16))} || record_id)"
        named = [(f"x{j}", label) for j, (label, _) in enumerate(extras)]
        present = set(mapping) | {name for name, _ in named} | {"line"}
        self.validation = checks.validation_sql(ds, present, named, today)
        self.checked = f"SELECT {', '.join(self._outputs(named))}, bad FROM ({self.validation})"
        self.errors_sql = checks.errors_sql(ds, named, today)

    def sql(self, query: str) -> pa.Table:
        return self.con.sql(query).to_arrow_table()

    def prepare(self, chunk: Chunk) -> Prepared:
        src = source(chunk.table, self.mapping, self.extras)
        # the blind indexes are computed (by the workers) while the rows are validated
        ids = IdBatch(
            src.column("id_number").combine_chunks(), today=self.today, con=self.con, pool=self.pool
        )
        good, keep = self._validate(src)
        prepared = Prepared(self.ds, good, keep, ids, self.pool, self._errors(chunk.bad_rows))
        prepared.rejected, prepared.by_reason = self._counts()
        return prepared

    def _validate(self, src: pa.Table) -> tuple[pa.Table, pa.Array]:
        """The good rows in store form and which rows of ``src`` they are (a mask); the problems of
        the others go to the table ``v``, the duplicated record ids to ``dup``.

        One pass computes the output columns and a ``bad`` flag (no table is materialised: that, or a
        filter, would make DuckDB evaluate the checks several times). The bad rows — usually few —
        are then validated again in full for their reasons and details."""
        con = self.con
        con.register("src", src)
        checked = self.sql(self.checked)
        con.unregister("src")
        bad = checked.column("bad").combine_chunks()
        keep = pc.invert(bad)
        good = checked.filter(keep).drop_columns(["bad"])
        con.register("src", src.filter(bad))
        con.execute("CREATE OR REPLACE TEMP TABLE v AS " + self.validation)
        con.unregister("src")
        con.register("good", good.select(["line", "record_id"]))
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE good_ids AS SELECT line, record_id, {self.rid_hash} AS h FROM good"
        )
        con.unregister("good")
        # an id loaded from an earlier chunk: every row of it here is a duplicate of that first line
        con.execute(
            """CREATE OR REPLACE TEMP TABLE old AS
               SELECT g.line, g.record_id, s.line AS first_line FROM good_ids g JOIN seen s USING (h)"""
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE dup AS
               SELECT line, record_id, first_line FROM (
                   SELECT line, record_id, min(line) OVER (PARTITION BY record_id) AS first_line
                   FROM good_ids WHERE record_id IN (
                       SELECT record_id FROM good_ids GROUP BY record_id HAVING count(*) > 1)
                       AND record_id NOT IN (SELECT record_id FROM old))
               WHERE line > first_line
               UNION ALL SELECT line, record_id, first_line FROM old"""
        )
        con.execute("INSERT INTO seen SELECT h, line FROM good_ids ANTI JOIN dup USING (line)")
        dup_lines = self.sql("SELECT line FROM dup").column("line").combine_chunks()
        if len(dup_lines):
            keep = pc.and_(keep, pc.invert(pc.is_in(checked.column("line"), value_set=dup_lines)))
            good = checked.filter(keep).drop_columns(["bad"])
        return good, keep

    def _errors(self, bad_rows: list[tuple[int, str]]) -> pa.Table:
        """One row per problem of the chunk, in line order (a row's problems in column order)."""
        broken = pa.table(
            {
                "line": pa.array([b[0] for b in bad_rows], pa.int32()),
                "reason": pa.array([b[1].split("：")[0] for b in bad_rows], pa.string()),
                "detail": pa.array([b[1].partition("：")[2] for b in bad_rows], pa.string()),
            }  # fmt: skip
        )
        self.con.register("broken", broken)
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE errors AS
                SELECT CAST(line AS INTEGER) AS line, "column", value, reason, detail FROM (
                    {self.errors_sql}
                    UNION ALL
                    SELECT line, 'record_id', {checks.mask_runs("left(record_id, 200)")}, '{DUPLICATE}',
                           '与第 ' || first_line || ' 行相同', 0 FROM dup
                    UNION ALL
                    SELECT line, '', NULL, reason, detail, 0 FROM broken)
                ORDER BY line, k
            """
        )
        self.con.unregister("broken")
        return self.sql("SELECT * FROM errors").cast(REJECTED_SCHEMA)

    def _outputs(self, extras: list[tuple[str, str]]) -> list[str]:
        """The store form of the declared columns (identity numbers and names are finished later)."""
        out = ["line", "record_id", f"{checks.mask_runs('name')} AS name", "v_sex AS sex",
               "v_birth_date AS birth_date",
               "CASE WHEN regexp_full_match(region_code, '[0-9]{6}|[0-9]{9}|[0-9]{12}') "
               "THEN rpad(region_code, 12, '0') END AS region_code"]  # fmt: skip
        for c in self.ds.columns:
            expr = checks.mask_runs(c.key) if c.type == "str" else f"v_{c.key}"
            out.append(f"CAST({expr} AS {_duck_type(c)}) AS {c.key}")
        if extras:
            entries = ", ".join(
                f"{{'k': {checks.lit(label)}, 'v': {checks.mask_runs(name)}}}" for name, label in extras
            )
            out.append(
                f"CAST(CAST(map_from_entries(list_filter([{entries}], lambda e: e.v IS NOT NULL)) AS JSON) AS VARCHAR)"
                " AS extra"
            )
        else:
            out.append("'{}' AS extra")
        return out

    def _counts(self) -> tuple[int, dict[str, int]]:
        rejected = self.con.sql("SELECT count(DISTINCT line) FROM errors").fetchall()[0][0]
        by_reason = self.con.sql("SELECT reason, count(DISTINCT line) FROM errors GROUP BY reason").fetchall()
        return int(rejected), {r: int(n) for r, n in by_reason}

    def close(self) -> None:
        self.con.close()


_END = object()


def prefetch[T](items: Iterator[T]) -> Generator[T]:
    """``items``, each produced in a thread while the caller works on the previous one (reading and
    parsing the next chunk overlaps the work on this one). At most one item is read ahead. Close
    the generator (``contextlib.closing``) to stop the thread early."""
    box: queue.Queue = queue.Queue(maxsize=1)
    taken = threading.Semaphore(0)
    stop = threading.Event()

    def wait(ready) -> bool:
        while not ready():
            if stop.is_set():
                return False
        return True

    def produce() -> None:
        try:
            for item in items:
                box.put(item)  # the box is empty: the last item was taken
                if not wait(lambda: taken.acquire(timeout=0.2)):
                    return
            box.put(_END)
        except BaseException as exc:  # handed to the caller, raised there
            box.put(exc)
        finally:
            close = getattr(items, "close", None)
            if close:
                close()

    thread = threading.Thread(target=produce, name="intake-read", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            taken.release()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()

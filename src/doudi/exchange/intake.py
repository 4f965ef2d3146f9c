"""The generic validate-and-load pipeline of a department batch (DOMAIN R-M10, STORE-CONTRACT).

``run(path, dataset, out_dir)`` reads the file (``core.tabular``), checks the header against the
dataset declaration, validates every row set-based in DuckDB (``exchange.checks``), turns the good
rows into the store columns and writes two files into ``out_dir``:

* ``records.parquet`` — one row per good record, no plain identity number (blind indexes only);
* ``rejected.parquet`` — one row per problem: line, column, value (masked), reason, detail.

It touches no database and no final path: the caller (``exchange.actions.load``) gives a temporary
directory and renames it into place, so an interrupted run leaves nothing behind. A file that cannot
be taken as a whole (unreadable, empty, a required column missing) raises ``IntakeFileError`` with a
Chinese message. The per-value work (HMAC, pinyin) is done once per DISTINCT value, the HMAC in
worker processes while the main process prepares names and the other columns.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from doudi.core import tabular
from doudi.exchange import checks
from doudi.exchange.datasets import Dataset
from doudi.exchange.ids import IdBatch
from doudi.exchange.pinyin import NameBatch
from doudi.exchange.workers import Pool, cpu_count

RECORDS = "records.parquet"
REJECTED = "rejected.parquet"
DUPLICATE = "记录编号重复"
RID_HASH_PREFIX = "idx:"
EARLY_WORKERS_BYTES = 4 << 20  # start the HMAC workers before reading files larger than this

Progress = Callable[[float, str], None]

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


class IntakeFileError(ValueError):
    """The whole file is refused; the message (Chinese) says why. Nothing is written."""


@dataclass
class IntakeResult:
    file_name: str
    content_hash: str
    format: str
    encoding: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    id_status: dict[str, int] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "id_status": self.id_status,
            "extra_columns": self.extra_columns,
            "seconds": round(self.seconds, 2),
        }


def column_type(c) -> pa.DataType:
    return pa.decimal128(18, c.scale) if c.type == "decimal" else PARQUET_TYPES[c.type]


# --------------------------------------------------------------------------------------------- header


def resolve_header(header: list[str], ds: Dataset) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """(declared key → column index, [(extra column label, index)]); refuses duplicates and files
    without a required column. Columns are matched by key (case-insensitive) or Chinese label."""
    by_name = {c.key: c.key for c in ds.all_columns} | {c.label: c.key for c in ds.all_columns}
    seen: dict[str, int] = {}
    dup: list[str] = []
    mapping: dict[str, int] = {}
    extras: list[tuple[str, int]] = []
    for i, raw in enumerate(header):
        name = raw.strip()
        if not name:
            extras.append((f"column_{i + 1}", i))
            continue
        low = name.lower()
        if low in seen:
            dup.append(name)
            continue
        seen[low] = i
        key = by_name.get(low) or by_name.get(name)
        if key is None:
            extras.append((name, i))
        elif key in mapping:
            dup.append(name)
        else:
            mapping[key] = i
    if dup:
        raise IntakeFileError("表头列名重复：" + "、".join(dup))
    missing = [c for c in ds.all_columns if c.in_header and c.key not in mapping]
    if missing:
        names = "、".join(f"{c.key}（{c.label}）" for c in missing)
        need = ", ".join(c.key for c in ds.all_columns if c.in_header)
        raise IntakeFileError(f"缺少必需的列：{names}。{ds.label}（{ds.key}）的表头应包含：{need}")
    labels = {label for label, _ in extras}
    unique = []
    for label, i in extras:  # an unnamed column must not collide with a named one
        while label in labels and sum(1 for lbl, _ in unique if lbl == label):
            label += "_"
        unique.append((label, i))
    return mapping, unique


def _trimmed(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.utf8_trim_whitespace(col)  # an empty text becomes NULL in the validation query


def _source(table: pa.Table, mapping: dict[str, int], extras: list[tuple[str, int]]) -> pa.Table:
    """The file's columns named by key (extras ``x0``…), trimmed — except the identity number,
    whose whitespace anywhere ``idnumber.normalize`` removes anyway."""
    cols = {
        k: table.column(f"c{i}") if k == "id_number" else _trimmed(table.column(f"c{i}"))
        for k, i in mapping.items()
    }
    cols |= {f"x{j}": _trimmed(table.column(f"c{i}")) for j, (_, i) in enumerate(extras)}
    cols["line"] = table.column("line")
    return pa.table(cols)


# ------------------------------------------------------------------------------------------- pipeline


class _Run:
    def __init__(self, ds: Dataset, today: dt.date, threads: int):
        self.ds = ds
        self.today = today
        self.con = duckdb.connect()
        self.con.execute(f"SET threads = {max(threads, 1)}")
        self.con.execute("SET preserve_insertion_order = true")

    def sql(self, query: str) -> pa.Table:
        return self.con.sql(query).to_arrow_table()

    def validate(
        self, src: pa.Table, extras: list[tuple[str, int]], bad_rows: list[tuple[int, str]]
    ) -> tuple[pa.Table, pa.Array]:
        """The good rows in store form and which rows of ``src`` they are (a mask); the problems of
        the others go to the ``errors`` table.

        One pass over the whole file computes the output columns and a ``bad`` flag (no table is
        materialised: that, or a filter, would make DuckDB evaluate the checks several times). The
        bad rows — usually few — are then validated again in full for their reasons and details."""
        named = [(f"x{j}", label) for j, (label, _) in enumerate(extras)]
        validation = checks.validation_sql(self.ds, set(src.column_names), named, self.today)
        self.con.register("src", src)
        checked = self.sql(f"SELECT {', '.join(self._outputs(named))}, bad FROM ({validation})")
        self.con.unregister("src")
        bad = checked.column("bad").combine_chunks()
        keep = pc.invert(bad)
        good = checked.filter(keep).drop_columns(["bad"])
        self.con.register("src", src.filter(bad))
        self.con.execute("CREATE TEMP TABLE v AS " + validation)
        self.con.unregister("src")
        self.con.register("good_ids", good.select(["line", "record_id"]))
        self.con.execute(
            """CREATE TEMP TABLE dup AS
               SELECT line, record_id, first_line FROM (
                   SELECT line, record_id, min(line) OVER (PARTITION BY record_id) AS first_line
                   FROM good_ids WHERE record_id IN (
                       SELECT record_id FROM good_ids GROUP BY record_id HAVING count(*) > 1))
               WHERE line > first_line"""
        )
        self.con.unregister("good_ids")
        broken = pa.table(
            {
                "line": pa.array([b[0] for b in bad_rows], pa.int32()),
                "reason": pa.array([b[1].split("：")[0] for b in bad_rows], pa.string()),
                "detail": pa.array([b[1].partition("：")[2] for b in bad_rows], pa.string()),
            }  # fmt: skip
        )
        self.con.register("broken", broken)
        self.con.execute(
            f"""CREATE TEMP TABLE errors AS
                SELECT CAST(line AS INTEGER) AS line, "column", value, reason, detail FROM (
                    {checks.errors_sql(self.ds, named, self.today)}
                    UNION ALL
                    SELECT line, 'record_id', {checks.mask_runs("left(record_id, 200)")}, '{DUPLICATE}',
                           '与第 ' || first_line || ' 行相同', 0 FROM dup
                    UNION ALL
                    SELECT line, '', NULL, reason, detail, 0 FROM broken)
                ORDER BY line, k
            """
        )
        self.con.unregister("broken")
        dup_lines = self.sql("SELECT line FROM dup").column("line").combine_chunks()
        if len(dup_lines):
            keep = pc.and_(keep, pc.invert(pc.is_in(checked.column("line"), value_set=dup_lines)))
            good = checked.filter(keep).drop_columns(["bad"])
        return good, keep

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

    def counts(self) -> tuple[int, dict[str, int]]:
        rejected = self.con.sql("SELECT count(DISTINCT line) FROM errors").fetchall()[0][0]
        by_reason = self.con.sql(
            "SELECT reason, count(DISTINCT line) AS n FROM errors GROUP BY reason ORDER BY n DESC, reason"
        ).fetchall()
        return int(rejected), {r: int(n) for r, n in by_reason}

    def close(self) -> None:
        self.con.close()


def _duck_type(c) -> str:
    return {"int": "INTEGER", "date": "DATE", "bool": "BOOLEAN"}.get(c.type) or (
        f"DECIMAL(18, {c.scale})" if c.type == "decimal" else "VARCHAR"
    )


def _record_ids(rid: pa.Array, pool: Pool) -> pa.Array:
    """A record id that may hold an identity number (15+ digits in a row) is stored as its blind index."""
    suspect = pc.match_substring_regex(rid, checks.ID_RUN)
    if not pc.any(suspect).as_py():
        return rid
    hashed = pc.binary_join_element_wise(
        RID_HASH_PREFIX, pool.result(pool.submit("index", pc.filter(rid, suspect))), ""
    )
    rank = pc.subtract(pc.cumulative_sum(pc.cast(suspect, pa.int64())), 1)  # position among the suspects
    return pc.if_else(suspect, pc.take(hashed, pc.max_element_wise(rank, 0)), rid)


def _write(table: pa.Table, path: Path, metadata: dict[str, str]) -> None:
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
    pq.write_table(table, path, compression="zstd", compression_level=1)


def run(
    path: Path | str,
    ds: Dataset,
    out_dir: Path,
    *,
    file_name: str | None = None,
    today: dt.date | None = None,
    key: bytes | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> IntakeResult:
    """Validate ``path`` as dataset ``ds`` and write the store files into ``out_dir``."""
    started = time.perf_counter()
    today = today or dt.date.today()
    if key is None:
        from django.conf import settings

        key = settings.DOUDI_INDEX_KEY
    say = progress or (lambda fraction, stage: None)
    say(0.0, "读取文件")
    workers = cpu_count() if workers is None else workers
    with Pool(key, workers=workers) as pool:
        path = Path(path)
        if path.is_file() and path.stat().st_size > EARLY_WORKERS_BYTES:
            pool.start()  # the workers import while the file is read
        try:
            tab = tabular.read_table(path, file_name)
        except tabular.TabularFileError as exc:
            raise IntakeFileError(str(exc)) from exc
        mapping, extras = resolve_header(tab.header, ds)
        if tab.rows == 0:
            raise IntakeFileError("文件只有表头，没有数据行")
        result = IntakeResult(tab.file_name, tab.content_hash, tab.format, tab.encoding, rows_read=tab.rows)
        result.extra_columns = [label for label, _ in extras]
        say(0.2, "逐行校验")
        work = _Run(ds, today, cpu_count())
        try:
            src = _source(tab.table, mapping, extras)
            bad_rows = tab.bad_rows
            del tab
            # the blind indexes are computed (by the workers) while the rows are validated
            id_text = src.column("id_number").combine_chunks()
            ids = IdBatch(id_text, today=today, con=work.con, pool=pool)
            good, keep = work.validate(src, extras, bad_rows)
            del src
            say(0.5, "姓名与拼音")
            name_batch = NameBatch(good.column("name"), pool)
            record_ids = _record_ids(good.column("record_id").combine_chunks(), pool)
            say(0.65, "计算盲索引")
            idc = ids.columns(keep)
            names, pinyin = name_batch.columns()
            say(0.85, "写入数据仓")
            sex = pc.coalesce(good.column("sex").combine_chunks(), idc.id_sex)
            birth = pc.coalesce(good.column("birth_date").combine_chunks(), idc.id_birth_date)
            region = good.column("region_code").combine_chunks()
            county = pc.coalesce(pc.utf8_slice_codeunits(region, 0, 6), idc.id_county)
            cols = {
                "record_id": record_ids,
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
            for c in ds.columns:
                cols[c.key] = good.column(c.key).combine_chunks().cast(column_type(c))
            cols["extra"] = good.column("extra").combine_chunks()
            records = pa.table(cols)
            rejected = work.sql("SELECT * FROM errors").cast(REJECTED_SCHEMA)
            result.rows_rejected, result.rejected_by_reason = work.counts()
        finally:
            work.close()
    result.rows_loaded = records.num_rows
    result.id_status = {
        s["values"]: s["counts"] for s in pc.value_counts(records.column("id_status")).to_pylist()
    }
    meta = {"doudi.dataset": ds.key, "doudi.contract": "records/1"}
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(records, out_dir / RECORDS, meta)
    _write(rejected, out_dir / REJECTED, meta)
    result.seconds = time.perf_counter() - started
    say(1.0, "完成")
    return result


def read_rejected(path: Path, *, offset: int = 0, limit: int | None = None) -> list[dict]:
    """Rows of a ``rejected.parquet`` (for pages and the error report)."""
    if not path.is_file():
        return []
    table = pq.read_table(path)
    end = table.num_rows if limit is None else min(table.num_rows, offset + limit)
    return table.slice(offset, max(end - offset, 0)).to_pylist()

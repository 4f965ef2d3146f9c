"""The generic validate-and-load pipeline of a department batch (DOMAIN R-M10, STORE-CONTRACT).

``run(path, dataset, out_dir)`` opens the file (``core.tabular``), checks the header against the
dataset declaration, then streams it in chunks: each chunk's rows are validated set-based in DuckDB
(``exchange.checks``), the good ones turned into the store columns (``exchange.stream``), and both
appended to two files in ``out_dir``:

* ``records.parquet`` — one row per good record, no plain identity number (blind indexes only);
* ``rejected.parquet`` — one row per problem, in line order: line, column, value (masked), reason,
  detail.

Memory is bounded by the chunk size, not the file: a chunk is read (in a thread) while the one
before is validated and the one before that collected from the worker processes (HMAC, pinyin).
Record ids are unique over the whole file: the ids of earlier chunks stay in a DuckDB table, which
spills to a private temporary directory when it outgrows DuckDB's memory limit.

It touches no database and no final path: the caller (``exchange.actions.load``) gives a temporary
directory and renames it into place; a run that fails removes what it wrote, so an interrupted run
leaves nothing behind. A file that cannot be taken as a whole (unreadable, empty, a required column
missing) raises ``IntakeFileError`` with a Chinese message. The per-value work (HMAC, pinyin) is done
once per DISTINCT value of a chunk, in worker processes while the main process validates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from doudi.core import tabular
from doudi.datasets import Dataset
from doudi.exchange.stream import (  # noqa: F401 - the store's constants are part of this module's API
    DUPLICATE,
    PARQUET_TYPES,
    REJECTED_SCHEMA,
    RID_HASH_PREFIX,
    ChunkWork,
    Prepared,
    column_type,
    prefetch,
)
from doudi.exchange.workers import Pool, cpu_count

RECORDS = "records.parquet"
REJECTED = "rejected.parquet"
EARLY_WORKERS_BYTES = 4 << 20  # start the HMAC workers before reading files larger than this
UNIQUE_COLUMNS = {"record_id", "line", "id_index", "id_repair_indexes"}  # (nearly) one value per row
# Rows per chunk. About three chunks are in memory at once (read, validated, written); larger
# chunks were no faster (2,000,000 rows: the same time from 125,000 to 1,000,000 rows a chunk).
CHUNK_ROWS = 250_000

Progress = Callable[[float, str], None]


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

    def add(self, records: pa.Table, prepared: Prepared) -> None:
        """Count one chunk (lines are disjoint between chunks, so row counts add up)."""
        self.rows_loaded += records.num_rows
        self.rows_rejected += prepared.rejected
        for reason, n in prepared.by_reason.items():
            self.rejected_by_reason[reason] = self.rejected_by_reason.get(reason, 0) + n
        for s in pc.value_counts(records.column("id_status")).to_pylist():
            self.id_status[s["values"]] = self.id_status.get(s["values"], 0) + s["counts"]


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
    unique: list[tuple[str, int]] = []
    for label, i in extras:  # an unnamed column must not collide with a named one
        while label in labels and any(lbl == label for lbl, _ in unique):
            label += "_"
        unique.append((label, i))
    return mapping, unique


class _Output:
    """``records.parquet`` and ``rejected.parquet``, appended chunk by chunk (zstd) by a thread of
    their own (encoding and compressing take a core while the next chunk is validated);
    ``discard`` removes them again — and ``out_dir`` if this run created it."""

    def __init__(self, out_dir: Path, ds: Dataset):
        self.out_dir = out_dir
        self.meta = {"doudi.dataset": ds.key, "doudi.contract": "records/1"}
        self.created = not out_dir.exists()
        out_dir.mkdir(parents=True, exist_ok=True)
        self.records: pq.ParquetWriter | None = None
        self.rejected: pq.ParquetWriter | None = self._writer(REJECTED, REJECTED_SCHEMA)
        self.failure: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.thread = threading.Thread(target=self._drain, name="intake-write", daemon=True)
        self.thread.start()

    def _writer(self, name: str, schema: pa.Schema) -> pq.ParquetWriter:
        schema = schema.with_metadata({**(schema.metadata or {}), **self.meta})
        # a dictionary is only tried on columns that repeat: on unique ones it is wasted time
        dictionary = [n for n in schema.names if n not in UNIQUE_COLUMNS]
        return pq.ParquetWriter(
            self.out_dir / name, schema, compression="zstd", compression_level=1, use_dictionary=dictionary
        )

    def _drain(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.failure is None:  # after a failure, only empty the queue
                try:
                    self._write(*item)
                except BaseException as exc:
                    self.failure = exc

    def _write(self, records: pa.Table, errors: pa.Table) -> None:
        if self.records is None:
            self.records = self._writer(RECORDS, records.schema)
        if records.num_rows:
            self.records.write_table(records)
        if errors.num_rows and self.rejected is not None:
            self.rejected.write_table(errors)

    def write(self, records: pa.Table, errors: pa.Table) -> None:
        """Queue one chunk's rows (at most one chunk waits)."""
        if self.failure is not None:
            raise self.failure
        self.queue.put((records, errors))

    def _stop(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def close(self) -> None:
        self._stop()
        if self.failure is not None:
            raise self.failure
        for writer in (self.records, self.rejected):
            if writer is not None:
                writer.close()
        self.records = self.rejected = None

    def discard(self) -> None:
        with contextlib.suppress(BaseException):
            self._stop()
            for writer in (self.records, self.rejected):
                if writer is not None:
                    writer.close()
        if self.created:
            shutil.rmtree(self.out_dir, ignore_errors=True)
        else:
            for name in (RECORDS, REJECTED):
                (self.out_dir / name).unlink(missing_ok=True)


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
    chunk_rows: int = CHUNK_ROWS,
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
            pool.start()  # the workers import while the file is opened
        try:
            stream = tabular.open_stream(path, file_name, chunk_rows)
        except tabular.TabularFileError as exc:
            raise IntakeFileError(str(exc)) from exc
        mapping, extras = resolve_header(stream.header, ds)
        result = IntakeResult(stream.file_name, "", stream.format, stream.encoding)
        result.extra_columns = [label for label, _ in extras]
        with tempfile.TemporaryDirectory(prefix="doudi-intake-") as spill:
            work = ChunkWork(ds, today, mapping, extras, pool, threads=cpu_count(), spill_dir=Path(spill))
            out = _Output(out_dir, ds)
            try:
                _stream(stream, work, out, result, say)
                result.content_hash = stream.content_hash  # computed as the chunks were read
                if result.rows_read == 0:
                    raise IntakeFileError("文件只有表头，没有数据行")
                say(0.99, "写入数据仓")
                out.close()
            except BaseException:
                out.discard()
                raise
            finally:
                work.close()
    result.rejected_by_reason = dict(
        sorted(result.rejected_by_reason.items(), key=lambda rn: (-rn[1], rn[0]))
    )
    result.seconds = time.perf_counter() - started
    say(1.0, "完成")
    return result


def _stream(
    stream: tabular.TableStream, work: ChunkWork, out: _Output, result: IntakeResult, say: Progress
) -> None:
    """Chunk by chunk: chunk k+1 is read while chunk k is validated and chunk k-1 collected, so the
    reader thread, DuckDB and the worker processes are busy at the same time."""
    pending: tuple[Prepared, float] | None = None

    def finish(prepared: Prepared, done: float) -> None:
        records = prepared.finish()
        out.write(records, prepared.errors)
        result.add(records, prepared)
        say(0.02 + 0.96 * done, f"逐行校验（已读 {result.rows_read:,} 行）")

    try:
        with contextlib.closing(prefetch(stream.chunks())) as chunks:
            for chunk in chunks:
                result.rows_read += chunk.rows
                if not chunk.rows:
                    continue
                prepared = work.prepare(chunk)
                done = chunk.done
                del chunk  # the text columns are not needed any more: free them before finishing
                if pending:
                    finish(*pending)
                pending = (prepared, done)
    except tabular.TabularFileError as exc:
        raise IntakeFileError(str(exc)) from exc
    if pending:
        finish(*pending)


def read_rejected(path: Path, *, offset: int = 0, limit: int | None = None) -> list[dict]:
    """Rows of a ``rejected.parquet`` (for pages and the error report)."""
    if not path.is_file():
        return []
    table = pq.read_table(path)
    end = table.num_rows if limit is None else min(table.num_rows, offset + limit)
    return table.slice(offset, max(end - offset, 0)).to_pylist()

"""The columnar store (STORE-CONTRACT), shared by the stages of the monthly pipeline: its paths, atomic
file replacement, the DuckDB connection that reads it, and the catalog of its batches.

``store/registry/persons.parquet`` is the registry snapshot written by matching;
``store/batches/<id>/records.parquet`` comes from intake; ``store/batches/<id>/links.parquet`` is
written by matching (one row per record, ``method`` one of ``METHODS``). Files are written next to
their destination and renamed into place, so a reader sees either the old or the new file, never a
partial one.

The batch catalog: what a reader of the store needs to know of a batch beyond its files (``BatchInfo``:
dataset, as-of date, providing department and its region). The app that receives the batches
registers its lookup at startup (``register_batch_catalog``); the stages ask ``batch_infos`` and never
import that app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

METHODS = ("exact", "upgraded15", "repaired", "demographic", "probabilistic", "none")
METHOD_ZH = {
    "exact": "身份证号一致",
    "upgraded15": "15位旧号升位后一致",
    "repaired": "校验位修复并经姓名确认",
    "demographic": "姓名+出生日期+性别（同县）",
    "probabilistic": "概率匹配",
    "none": "未匹配",
}


def store_dir() -> Path:
    return Path(settings.DOUDI_STORE_DIR)


def batch_dir(batch_id: int | str) -> Path:
    return store_dir() / "batches" / str(batch_id)


def records_path(batch_id: int | str) -> Path:
    return batch_dir(batch_id) / "records.parquet"


def links_path(batch_id: int | str) -> Path:
    return batch_dir(batch_id) / "links.parquet"


def snapshot_path() -> Path:
    return store_dir() / "registry" / "persons.parquet"


def stored_batch_ids() -> list[int]:
    """Batches that have records in the store, in id order."""
    root = store_dir() / "batches"
    if not root.is_dir():
        return []
    ids = [int(p.name) for p in root.iterdir() if p.name.isdigit() and (p / "records.parquet").is_file()]
    return sorted(ids)


@contextlib.contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """A temporary path next to ``dest``; renamed onto ``dest`` when the block succeeds."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def sql_path(path: Path | str) -> str:
    """A path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


# ------------------------------------------------------------------------------------------- DuckDB


def _memory_limit() -> str:
    """Half the machine's memory, at most 8 GB, unless DOUDI_LINKAGE_MEMORY says otherwise."""
    configured = os.environ.get("DOUDI_LINKAGE_MEMORY") or getattr(settings, "DOUDI_LINKAGE_MEMORY", "")
    if configured:
        return str(configured)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(1, min(8, total // 2**31))}GB"


def duckdb_connection(*, memory_limit: str | None = None, threads: int | None = None):
    """An in-memory DuckDB connection for batch work over the store: bounded memory, spilling to
    ``store/tmp/duckdb``, all cores unless told otherwise."""
    import duckdb  # heavy: loaded by the batch jobs only

    con = duckdb.connect()
    tmp = store_dir() / "tmp" / "duckdb"
    tmp.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{memory_limit or _memory_limit()}'")
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 2)}")
    con.execute(f"SET temp_directory = {sql_path(tmp)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


# ------------------------------------------------------------------------------------ batch catalog


@dataclass(frozen=True)
class BatchInfo:
    """A stored batch as its readers know it (STORE-CONTRACT "Batch metadata")."""

    batch_id: int
    dataset: str
    as_of: dt.date | None = None
    provider: str = ""  # the providing department (``accounts.Department`` value)
    region_code: str = ""  # the providing department's region (12 digits; the province for the command line)


BatchCatalog = Callable[[Sequence[int]], Iterable[BatchInfo]]
_catalog: BatchCatalog | None = None


def register_batch_catalog(lookup: BatchCatalog) -> None:
    """Set the lookup of batch metadata by id (called once at startup by the app receiving batches)."""
    global _catalog
    _catalog = lookup


def batch_infos(batch_ids: Iterable[int]) -> dict[int, BatchInfo]:
    """The catalog's metadata of the given batches, by id; batches it does not know (or no catalog)
    are left out."""
    ids = sorted({int(b) for b in batch_ids})
    if not ids or _catalog is None:
        return {}
    return {info.batch_id: info for info in _catalog(ids)}

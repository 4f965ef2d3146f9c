"""Paths of the columnar store (STORE-CONTRACT) and atomic file replacement.

``store/registry/persons.parquet`` is the registry snapshot written by matching;
``store/batches/<id>/records.parquet`` comes from intake; ``store/batches/<id>/links.parquet`` is
written by matching. Files are written next to their destination and renamed into place, so a
reader sees either the old or the new file, never a partial one.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
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

"""What every reader of ``core.tabular`` hands out, and what they share: chunks of text columns
``c0..cN-1`` with the line number a person sees, the error for a file that cannot be read, the header
and cell text rules, and the file's sha256. The format readers (``core.tabular`` for XLSX and Parquet,
``core.tabular_csv`` for CSV) build on this module."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

BLOCK = 1 << 22  # read size of the digest
CHUNK_BYTES = 64 << 20  # a chunk holds at most about this much text, however wide the rows


class TabularFileError(ValueError):
    """The file as a whole cannot be read (missing, empty, unknown encoding, broken workbook…)."""


@dataclass
class Chunk:
    table: pa.Table  # columns c0..cN-1 (string, None when empty) + "line" (int32)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of unparsable rows
    done: float = 1.0  # fraction of the file read once this chunk is

    @property
    def rows(self) -> int:
        return self.table.num_rows + len(self.bad_rows)


def file_digest(path: Path | str) -> str:
    sha = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(BLOCK):
            sha.update(block)
    return sha.hexdigest()


def cell_text(v: Any) -> str | None:
    """A cell as text: integral floats without ``.0``, datetimes at midnight as dates; None if empty."""
    if v is None:
        return None
    if isinstance(v, str):
        return v if v.strip() else None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def clean_header(values) -> list[str]:
    out = [(cell_text(h) or "").lstrip("\ufeff").strip() for h in values]
    if not any(out):
        raise TabularFileError("文件为空或第 1 行不是表头")
    return out


def names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def from_columns(cols: list[list], lines: list[int]) -> pa.Table:
    arrays = {f"c{i}": pa.array(c, type=pa.string()) for i, c in enumerate(cols)}
    arrays["line"] = pa.array(lines, type=pa.int32())
    return pa.table(arrays)

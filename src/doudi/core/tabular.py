"""Reading tabular files (CSV, XLSX, Parquet) into Arrow, generic over what the columns mean.

The file formats of the exchange contract: CSV in UTF-8 (a BOM is accepted) or GB18030/GBK with a
header row, the first sheet of an ``.xlsx`` workbook, or Parquet, all with the same header. The
format is told by the file's first bytes, not its name. ``read_table`` returns every value as text
(``None`` for an empty cell) with the line number a person sees (the header is line 1), so callers
validate set-based instead of row by row.

CSV takes a fast path: pyarrow parses it in parallel blocks and the line numbers follow from the row
positions. When they cannot (blank lines, quoted values over several lines, rows with the wrong
number of fields, a single field larger than a parse block) the file is read again with Python's
``csv`` module, which gives exact lines; rows whose field count differs from the header are returned
in ``bad_rows`` instead of being guessed at. Generalised from ``registry.roster_read`` (same
encodings, same Chinese messages), which streams rows for the roster instead.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

BLOCK = 1 << 22
FIELD_COUNT_REASON = "字段数与表头不一致"
ENCODING_ERROR = "文件编码无法识别：CSV 文件应为 UTF-8（可带 BOM）或 GB18030/GBK 编码"
CSV_FIELD_LIMIT = 1 << 30  # the csv module's default (128 KiB) would refuse a whole file over one big field


class TabularFileError(ValueError):
    """The file as a whole cannot be read (missing, empty, unknown encoding, broken workbook…)."""


class _NotUtf8(Exception):
    pass


@dataclass
class Tabular:
    file_name: str
    content_hash: str  # sha256 hex of the file bytes
    format: str  # csv / xlsx / parquet
    encoding: str  # CSV only: utf-8-sig or gb18030
    header: list[str]  # as in the file (stripped, BOM removed); "" for an unnamed column
    table: pa.Table  # columns c0..cN-1 (string, None when empty) + "line" (int32)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of unparsable rows

    @property
    def rows(self) -> int:
        return self.table.num_rows + len(self.bad_rows)


def file_digest(path: Path | str) -> str:
    sha = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(BLOCK):
            sha.update(block)
    return sha.hexdigest()


def sniff(path: Path) -> str:
    """csv / xlsx / parquet, from the first bytes."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise TabularFileError(f"文件无法读取：{exc.strerror or exc}") from exc
    if not magic:
        raise TabularFileError("文件为空（0 字节）")
    if magic == b"PK\x03\x04":
        return "xlsx"
    if magic == b"PAR1":
        return "parquet"
    return "csv"


def hash_and_count(path: Path) -> tuple[str, int]:
    """sha256 of the bytes and the number of physical lines (a last line without a newline counts)."""
    sha = hashlib.sha256()
    lines, last = 0, b""
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            sha.update(block)
            lines += block.count(b"\n")
            last = block[-1:]
    if last and last != b"\n":
        lines += 1
    return sha.hexdigest(), lines


def _gb_ok(path: Path) -> bool:
    dec = codecs.getincrementaldecoder("gb18030")()
    try:
        with path.open("rb") as fh:
            while block := fh.read(BLOCK):
                dec.decode(block)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


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


def _clean_header(values) -> list[str]:
    out = [(cell_text(h) or "").lstrip("\ufeff").strip() for h in values]
    if not any(out):
        raise TabularFileError("文件为空或第 1 行不是表头")
    return out


def _names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def _from_columns(cols: list[list], lines: list[int]) -> pa.Table:
    arrays = {f"c{i}": pa.array(c, type=pa.string()) for i, c in enumerate(cols)}
    arrays["line"] = pa.array(lines, type=pa.int32())
    return pa.table(arrays)


# ------------------------------------------------------------------------------------------------ CSV


def _csv_header(path: Path, encoding: str) -> tuple[list[str], int]:
    """The header and the number of physical lines it took."""
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise TabularFileError(f"第 1 行无法解析：{exc}") from exc
        if not header:
            raise TabularFileError("文件为空或第 1 行不是表头")
        return _clean_header(header), reader.line_num


def _csv_fast(path: Path, encoding: str, width: int, header_lines: int, lines: int) -> pa.Table | None:
    """pyarrow's parallel parser, or None when the line numbers would not be exact."""
    import pyarrow.csv as pcsv

    invalid = 0

    def on_invalid(_row) -> str:
        nonlocal invalid
        invalid += 1
        return "skip"

    names = _names(width)
    read = pcsv.ReadOptions(
        column_names=names,
        skip_rows=1,
        block_size=BLOCK,
        encoding="utf8" if encoding == "utf-8-sig" else encoding,
    )
    parse = pcsv.ParseOptions(invalid_row_handler=on_invalid)
    convert = pcsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    try:
        table = pcsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower().replace("-", ""):
            raise _NotUtf8 from exc
        return None  # e.g. one field larger than a block: the exact reader below copes
    if invalid or header_lines + table.num_rows != lines:
        return None
    start = header_lines + 1
    line = pa.array(range(start, start + table.num_rows), type=pa.int32())
    return table.append_column("line", line)


def _csv_exact(path: Path, encoding: str, width: int) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Python's csv reader: exact line numbers; rows with a wrong field count are reported."""
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    cols: list[list] = [[] for _ in range(width)]
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        last = reader.line_num
        try:
            for values in reader:
                start, last = last + 1, reader.line_num
                if not values or (len(values) == 1 and not values[0]):
                    continue
                if len(values) != width:
                    bad.append((start, f"{FIELD_COUNT_REASON}：该行 {len(values)} 个字段，表头 {width} 列"))
                    continue
                for col, v in zip(cols, values, strict=True):
                    col.append(v if v else None)
                lines.append(start)
        except csv.Error as exc:
            raise TabularFileError(f"第 {last + 1} 行无法解析：{exc}") from exc
    return _from_columns(cols, lines), bad


def _read_csv(path: Path, name: str) -> Tabular:
    """UTF-8 is tried first (the parser checks it as it goes, no separate pass); a file that is not
    valid UTF-8 is read as GB18030 if it decodes as such."""
    digest, lines = hash_and_count(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            header, header_lines = _csv_header(path, encoding)
            width = len(header)
            table = _csv_fast(path, encoding, width, header_lines, lines)
            bad: list[tuple[int, str]] = []
            if table is None:
                table, bad = _csv_exact(path, encoding, width)
            return Tabular(name, digest, "csv", encoding, header, table, bad)
        except (UnicodeDecodeError, _NotUtf8):
            if encoding == "gb18030" or not _gb_ok(path):
                raise TabularFileError(ENCODING_ERROR) from None
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------------------------- XLSX


def _read_xlsx(path: Path, name: str) -> Tabular:
    import openpyxl

    digest = file_digest(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip/XML errors of every kind mean the same to the user
        raise TabularFileError(f"Excel 文件无法读取：{exc}") from exc
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        header = _clean_header(next(it, None) or ())
        width = len(header)
        cols: list[list] = [[] for _ in range(width)]
        lines: list[int] = []
        for line, values in enumerate(it, start=2):
            texts = [cell_text(v) for v in (values or ())[:width]]
            if not any(t is not None for t in texts):
                continue
            texts += [None] * (width - len(texts))
            for col, v in zip(cols, texts, strict=True):
                col.append(v)
            lines.append(line)
    except TabularFileError:
        raise
    except Exception as exc:
        raise TabularFileError(f"Excel 文件读取中断：{exc}") from exc
    finally:
        wb.close()
    return Tabular(name, digest, "xlsx", "", header, _from_columns(cols, lines))


# -------------------------------------------------------------------------------------------- Parquet


def _as_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col.cast(pa.string())
    if pa.types.is_timestamp(t):
        col = pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
        return pc.replace_substring_regex(col, pattern=" 00:00:00$", replacement="")
    if pa.types.is_nested(t) or pa.types.is_dictionary(t) and pa.types.is_nested(t.value_type):
        raise TabularFileError(f"Parquet 列类型不受支持：{t}")
    return col.cast(pa.string())


def _read_parquet(path: Path, name: str) -> Tabular:
    import pyarrow.parquet as pq

    digest = file_digest(path)
    try:
        table = pq.read_table(path)
    except Exception as exc:
        raise TabularFileError(f"Parquet 文件无法读取：{exc}") from exc
    header = _clean_header(table.column_names)
    try:
        arrays = [_as_text(table.column(i)) for i in range(table.num_columns)]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise TabularFileError(f"Parquet 列无法转换为文本：{exc}") from exc
    out = pa.table(dict(zip(_names(len(header)), arrays, strict=True)))
    out = out.append_column("line", pa.array(range(2, table.num_rows + 2), type=pa.int32()))
    return Tabular(name, digest, "parquet", "", header, out)


READERS: dict[str, Callable[[Path, str], Tabular]] = {
    "csv": _read_csv,
    "xlsx": _read_xlsx,
    "parquet": _read_parquet,
}


def read_table(path: Path | str, file_name: str | None = None) -> Tabular:
    """Read a whole file into Arrow text columns; ``TabularFileError`` (Chinese) when it cannot."""
    path = Path(path)
    if not path.is_file():
        raise TabularFileError(f"文件不存在或无法读取：{path.name}")
    fmt = sniff(path)
    try:
        return READERS[fmt](path, file_name or path.name)
    except MemoryError as exc:
        raise TabularFileError("文件过大，内存不足，无法读取") from exc
    except UnicodeDecodeError as exc:
        raise TabularFileError(f"文件编码错误：{exc.reason}") from exc

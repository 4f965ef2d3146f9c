"""Reading tabular files (CSV, XLSX, Parquet) into Arrow, generic over what the columns mean.

The file formats of the exchange contract: CSV in UTF-8 (a BOM is accepted) or GB18030/GBK with a
header row, the first sheet of an ``.xlsx`` workbook, or Parquet, all with the same header. The
format is told by the file's first bytes, not its name. Every value comes as text (``None`` for an
empty cell) with the line number a person sees (the header is line 1), so callers validate
set-based instead of row by row.

``open_stream`` reads the header at once and the rows in chunks of about ``chunk_rows``, so a file
of any length is read in bounded memory: CSV in blocks of whole records (``core.tabular_csv``),
Parquet by record batches; a workbook (at most Excel's row limit) is read whole and handed out in
slices. ``read_table`` is the same for a whole file in one table. What the readers share (``Chunk``,
``TabularFileError``, the header and cell text rules) is in ``core.tabular_chunks``. Generalised from
``registry.roster_read`` (same encodings, same Chinese messages), which streams rows for the roster.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from doudi.core.tabular_chunks import (
    CHUNK_BYTES,
    Chunk,
    TabularFileError,
    cell_text,
    clean_header,
    file_digest,
    from_columns,
    names,
)
from doudi.core.tabular_csv import CsvStream

__all__ = [
    "CHUNK_ROWS",
    "Chunk",
    "TableStream",
    "Tabular",
    "TabularFileError",
    "XlsxSheet",
    "cell_text",
    "file_digest",
    "open_stream",
    "open_xlsx",
    "read_table",
    "sniff",
]

CHUNK_ROWS = 1 << 20  # rows per chunk unless the caller says otherwise


class _Reader(Protocol):
    encoding: str
    header: list[str]

    @property
    def content_hash(self) -> str: ...

    def chunks(self) -> Iterator[Chunk]: ...


@dataclass
class TableStream:
    """A file opened by ``open_stream``: what is known at once, and its rows by ``chunks()``."""

    file_name: str
    format: str  # csv / xlsx / parquet
    encoding: str  # CSV only: utf-8-sig or gb18030
    header: list[str]  # as in the file (stripped, BOM removed); "" for an unnamed column
    reader: _Reader

    @property
    def content_hash(self) -> str:
        """sha256 hex of the file bytes (free once ``chunks()`` has been read to the end)."""
        return self.reader.content_hash

    def chunks(self) -> Iterator[Chunk]:
        """The rows in chunks, in file order; ``TabularFileError`` when the rest cannot be read."""
        with _refusals():
            yield from self.reader.chunks()


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except MemoryError as exc:
        raise TabularFileError("文件过大，内存不足，无法读取") from exc
    except UnicodeDecodeError as exc:
        raise TabularFileError(f"文件编码错误：{exc.reason}") from exc


@dataclass
class Tabular:
    """A whole file (``read_table``)."""

    file_name: str
    content_hash: str
    format: str
    encoding: str
    header: list[str]
    table: pa.Table  # columns c0..cN-1 + "line"
    bad_rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.table.num_rows + len(self.bad_rows)


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


# ----------------------------------------------------------------------------------------------- XLSX

XLSX_MAX_ROWS = 1_048_576  # Excel's own limits: a sheet that claims more is refused
XLSX_MAX_COLUMNS = 16_384
XLSX_MAX_XML_BYTES = 2 << 30  # the unpacked sheet (and shared strings): a zip bomb is refused unread
XLSX_TOO_LONG = f"Excel 工作表超过 {XLSX_MAX_ROWS:,} 行（Excel 的上限），文件格式异常，已拒收"
XLSX_TOO_LARGE = "Excel 文件解压后过大（超过 2 GB），可能是异常文件，已拒收；请拆分后报送或改用 CSV"


@dataclass
class XlsxSheet:
    """The first sheet of a workbook: its header (trailing empty cells dropped), an estimate of its
    rows for a progress bar, and its rows as ``(line, values)``; call ``close()`` when done."""

    header: tuple
    rows_hint: int | None
    rows: Iterator[tuple[int, tuple]]
    close: Callable[[], None]


def open_xlsx(path: Path) -> XlsxSheet:
    """Open the first sheet, bounded by the real data, never by the sheet's declared size.

    The ``<dimension>`` a workbook declares is not trusted either way: one claiming ``A1:XFD1048576``
    would make openpyxl pad every row to 16,384 cells and every missing row up to a million (minutes to
    hours of work for a 5 KB file), and one claiming fewer rows than it holds would silently cut the
    data. Rows are read as stored; a row number beyond Excel's limit, or an unpacked sheet over
    ``XLSX_MAX_XML_BYTES``, refuses the file (``TabularFileError``, Chinese)."""
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist() if i.filename.startswith("xl/"))
    except (OSError, zipfile.BadZipFile) as exc:
        raise TabularFileError(f"Excel 文件无法读取：{exc}") from exc
    if unpacked > XLSX_MAX_XML_BYTES:
        raise TabularFileError(XLSX_TOO_LARGE)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        declared = ws.max_row
        ws.reset_dimensions()  # iterate the rows that are there (see above)
        it: Iterator[Any] = iter(ws.iter_rows(values_only=True))
        header = tuple(next(it, ()) or ())
    except Exception as exc:  # zip/XML errors of every kind mean the same to the user
        raise TabularFileError(f"Excel 文件无法读取：{exc}") from exc
    while header and header[-1] in (None, ""):
        header = header[:-1]
    if len(header) > XLSX_MAX_COLUMNS:
        wb.close()
        raise TabularFileError(f"Excel 表头超过 {XLSX_MAX_COLUMNS:,} 列，文件格式异常，已拒收")

    def rows() -> Iterator[tuple[int, tuple]]:
        try:
            for line, values in enumerate(it, start=2):
                if line > XLSX_MAX_ROWS:
                    raise TabularFileError(XLSX_TOO_LONG)
                yield line, tuple(values or ())
        except TabularFileError:
            raise
        except Exception as exc:
            raise TabularFileError(f"Excel 文件读取中断：{exc}") from exc
        finally:
            wb.close()

    hint = min(declared, XLSX_MAX_ROWS) - 1 if declared else None
    return XlsxSheet(header, hint, rows(), wb.close)


class _XlsxStream:
    """The first sheet, read whole (a workbook holds at most Excel's row limit), in slices."""

    encoding = ""

    def __init__(self, path: Path, chunk_rows: int):
        self.chunk_rows = chunk_rows
        self.content_hash = file_digest(path)
        sheet = open_xlsx(path)
        try:
            self.header = clean_header(sheet.header)
            width = len(self.header)
            cols: list[list] = [[] for _ in range(width)]
            lines: list[int] = []
            for line, values in sheet.rows:
                texts = [cell_text(v) for v in values[:width]]
                if not any(t is not None for t in texts):
                    continue
                texts += [None] * (width - len(texts))
                for col, v in zip(cols, texts, strict=True):
                    col.append(v)
                lines.append(line)
        finally:
            sheet.close()
        self.table = from_columns(cols, lines)

    def chunks(self) -> Iterator[Chunk]:
        n = self.table.num_rows
        for start in range(0, n, self.chunk_rows):
            end = min(start + self.chunk_rows, n)
            yield Chunk(self.table.slice(start, end - start), done=end / n)


# -------------------------------------------------------------------------------------------- Parquet


def _text_type_ok(t: pa.DataType) -> bool:
    return not (pa.types.is_nested(t) or pa.types.is_dictionary(t) and pa.types.is_nested(t.value_type))


def _as_text(col: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col.cast(pa.string())
    if pa.types.is_timestamp(t):
        col = pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
        return pc.replace_substring_regex(col, pattern=" 00:00:00$", replacement="")
    return col.cast(pa.string())


class _ParquetStream:
    """Record batches of ``chunk_rows`` rows, converted to text."""

    encoding = ""

    def __init__(self, path: Path, chunk_rows: int):
        import pyarrow.parquet as pq

        self.chunk_rows = chunk_rows
        self.content_hash = file_digest(path)
        try:
            self.file = pq.ParquetFile(path)
            schema = self.file.schema_arrow
        except Exception as exc:
            raise TabularFileError(f"Parquet 文件无法读取：{exc}") from exc
        self.header = clean_header(schema.names)
        for t in schema.types:
            if not _text_type_ok(t):
                raise TabularFileError(f"Parquet 列类型不受支持：{t}")

    def chunks(self) -> Iterator[Chunk]:
        meta = self.file.metadata
        total, line = meta.num_rows, 2
        cols = names(len(self.header))
        width = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)) / max(total, 1)
        rows = min(self.chunk_rows, max(total, 1), max(int(CHUNK_BYTES / max(width, 1)), 1))
        batches = self.file.iter_batches(batch_size=rows)
        while True:
            try:
                batch = next(batches, None)
            except Exception as exc:
                raise TabularFileError(f"Parquet 文件无法读取：{exc}") from exc
            if batch is None:
                return
            try:
                arrays = [_as_text(batch.column(i)) for i in range(batch.num_columns)]
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise TabularFileError(f"Parquet 列无法转换为文本：{exc}") from exc
            n = batch.num_rows
            arrays.append(pa.array(range(line, line + n), type=pa.int32()))
            line += n
            yield Chunk(pa.table(arrays, names=[*cols, "line"]), done=(line - 2) / max(total, 1))


# ----------------------------------------------------------------------------------------------- open


def open_stream(path: Path | str, file_name: str | None = None, chunk_rows: int = CHUNK_ROWS) -> TableStream:
    """The header of a file, its rows to come by ``chunks()``; ``TabularFileError`` (Chinese) when
    the file cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise TabularFileError(f"文件不存在或无法读取：{path.name}")
    fmt = sniff(path)
    reader_of: dict[str, Callable[[Path, int], _Reader]] = {
        "csv": CsvStream, "xlsx": _XlsxStream, "parquet": _ParquetStream
    }  # fmt: skip
    with _refusals():
        reader = reader_of[fmt](path, max(chunk_rows, 1))
    return TableStream(file_name or path.name, fmt, reader.encoding, reader.header, reader)


def read_table(path: Path | str, file_name: str | None = None) -> Tabular:
    """A whole file in one table (for small files and tests; ``open_stream`` bounds the memory)."""
    stream = open_stream(path, file_name, chunk_rows=1 << 62)
    parts = list(stream.chunks())
    width = len(stream.header)
    empty = pa.table(
        {**{n: pa.array([], pa.string()) for n in names(width)}, "line": pa.array([], pa.int32())}
    )
    table = pa.concat_tables([p.table for p in parts]) if parts else empty
    bad = [b for p in parts for b in p.bad_rows]
    return Tabular(
        stream.file_name, stream.content_hash, stream.format, stream.encoding, stream.header, table, bad
    )

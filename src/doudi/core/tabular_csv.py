"""CSV files read in chunks of whole records, with the line numbers a person sees (for ``core.tabular``).

Before any row is parsed, one pass over the bytes tells the encoding: UTF-8 (a BOM is accepted) when
the whole file is valid UTF-8, else GB18030 when it decodes as such; the sha256 is computed as the
chunks are read. The
header is read with Python's ``csv`` (it may span lines); then the data is cut into blocks of about
``chunk_rows`` lines at a newline and each block is parsed on its own:

* pyarrow parses the block in parallel when its line numbers follow from the row positions — the
  block has as many rows as lines, no invalid row, no bare carriage return, and its last value does
  not end with the block's last newline (an unclosed quote that goes on in the next block);
* otherwise (blank lines, quoted values over several lines, rows with the wrong number of fields, a
  field larger than a parse block) Python's ``csv`` reads the block, with exact lines, and reads on
  past its end while a record is unfinished. Rows whose field count differs from the header are
  returned as ``bad_rows`` instead of being guessed at.

Both parsers give the same values for the rows pyarrow accepts; the block boundaries are always
record boundaries, so the result does not depend on the block size.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv

from doudi.core.tabular_chunks import (
    CHUNK_BYTES,
    Chunk,
    TabularFileError,
    clean_header,
    file_digest,
    from_columns,
    names,
)

BLOCK = 1 << 22  # read size, and pyarrow's parse block (the unit of its parallelism)
SAMPLE = 1 << 20  # bytes after the header that tell the mean line length
FIELD_COUNT_REASON = "字段数与表头不一致"
ENCODING_ERROR = "文件编码无法识别：CSV 文件应为 UTF-8（可带 BOM）或 GB18030/GBK 编码"
CSV_FIELD_LIMIT = 1 << 30  # the csv module's default (128 KiB) would refuse a whole file over one big field
BOM = b"\xef\xbb\xbf"


def _valid_utf8(data: bytes) -> bool:
    """Arrow's (vectorised) UTF-8 check of a byte string, without a copy."""
    import numpy as np

    offsets = pa.py_buffer(np.array([0, len(data)], np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _is_utf8(path: Path) -> bool:
    """Whether the whole file is valid UTF-8 (checked in blocks cut at a newline)."""
    ok, rest = True, b""
    with path.open("rb") as fh:
        while ok and (block := fh.read(BLOCK)):
            data = rest + block
            cut = data.rfind(b"\n") + 1  # a newline never lies inside a UTF-8 sequence
            ok, rest = _valid_utf8(data[:cut]), data[cut:]
    return ok and _valid_utf8(rest)


def _gb_ok(path: Path) -> bool:
    import codecs

    dec = codecs.getincrementaldecoder("gb18030")()
    try:
        with path.open("rb") as fh:
            while block := fh.read(BLOCK):
                dec.decode(block)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _split(text: str) -> list[str]:
    """Lines as a file opened with ``newline=""`` gives them (``\\n``, ``\\r`` and ``\\r\\n`` end one)."""
    return io.StringIO(text, newline="").readlines()


class CsvStream:
    """The header now (``TabularFileError`` if the file cannot be read), the rows by ``chunks()``."""

    def __init__(self, path: Path, chunk_rows: int):
        self.path = path
        self.size = path.stat().st_size
        self._digest: str | None = None  # the sha256, once chunks() has read every byte
        if _is_utf8(path):
            self.encoding = "utf-8-sig"
        elif _gb_ok(path):
            self.encoding = "gb18030"
        else:
            raise TabularFileError(ENCODING_ERROR)
        self._codec = "utf-8" if self.encoding == "utf-8-sig" else self.encoding  # the BOM is skipped apart
        raw_header, self._header_lines, self._offset = self._read_header()
        self.header: list[str] = clean_header(raw_header)
        self.width = len(self.header)
        self._target = self._block_bytes(chunk_rows)

    def _read_header(self) -> tuple[list[str], int, int]:
        """The header row, the physical lines it took and the byte offset of the data after it."""
        with self.path.open("rb") as fh:
            bom = len(BOM) if self.encoding == "utf-8-sig" and fh.read(len(BOM)) == BOM else 0
            taken: list[str] = []
            lines = self._lines(fh, bom, taken)
            try:
                header = next(csv.reader(lines), None)
            except csv.Error as exc:
                raise TabularFileError(f"第 1 行无法解析：{exc}") from exc
        if not header:
            raise TabularFileError("文件为空或第 1 行不是表头")
        return header, len(taken), bom + len("".join(taken).encode(self._codec))

    def _lines(self, fh, start: int, taken: list[str]) -> Iterator[str]:
        fh.seek(start)
        for raw in fh:  # binary lines end at b"\n" only; split further as a text file would
            for line in _split(raw.decode(self._codec)):
                taken.append(line)
                yield line

    def _block_bytes(self, chunk_rows: int) -> int:
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            sample = fh.read(SAMPLE)
        mean = len(sample) / max(sample.count(b"\n"), 1)
        return max(min(int(chunk_rows * mean), CHUNK_BYTES, self.size), 1)

    @property
    def content_hash(self) -> str:
        """sha256 of the bytes: computed while the chunks are read (in the reading thread), or
        apart when asked before they all are."""
        if self._digest is None:
            self._digest = file_digest(self.path)
        return self._digest

    # ------------------------------------------------------------------------------------- chunks

    def chunks(self) -> Iterator[Chunk]:
        csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
        sha = hashlib.sha256()
        with self.path.open("rb") as fh:
            sha.update(fh.read(self._offset))
            reader = _Blocks(fh, self._target, sha)
            line = self._header_lines + 1
            while (block := reader.next_block()) is not None:
                chunk, lines = self._fast(block, line) or self._exact(block, line, reader)
                line += lines
                chunk.done = min(reader.position / max(self.size, 1), 1.0)
                block = b""  # not kept while the chunk waits to be taken
                yield chunk
        self._digest = sha.hexdigest()

    def _utf8(self, block: bytes) -> bytes:
        return block if self._codec == "utf-8" else block.decode(self._codec).encode("utf-8")

    def _fast(self, block: bytes, start: int) -> tuple[Chunk, int] | None:
        """pyarrow's parallel parser (the chunk and its number of lines), or None when the line
        numbers would not be exact."""
        if block.startswith(BOM):
            return None  # pyarrow drops a BOM at the start of its input, Python's csv keeps it
        cr = block.count(b"\r")
        if cr and cr != block.count(b"\r\n"):
            return None  # a bare CR ends a line for Python's csv, not in the newline count
        invalid = 0

        def on_invalid(_row) -> str:
            nonlocal invalid
            invalid += 1
            return "skip"

        cols = names(self.width)
        read = pcsv.ReadOptions(column_names=cols, block_size=BLOCK)
        parse = pcsv.ParseOptions(invalid_row_handler=on_invalid)
        convert = pcsv.ConvertOptions(
            column_types={n: pa.string() for n in cols},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )
        try:
            data = self._utf8(block)
            table = pcsv.read_csv(pa.BufferReader(data), read_options=read, parse_options=parse,
                                  convert_options=convert)  # fmt: skip
        except (pa.ArrowInvalid, UnicodeDecodeError):
            return None  # e.g. one field larger than a parse block: the exact reader copes
        lines = block.count(b"\n") + (not block.endswith(b"\n"))
        if invalid or table.num_rows != lines:
            return None  # blank lines, values over several lines, rows with a wrong field count
        last = table.column(self.width - 1)[-1].as_py() if table.num_rows else None
        if last is not None and last.endswith("\n"):
            return None  # the block ends inside a quoted value (pyarrow closes it at the end)
        line = pa.array(range(start, start + table.num_rows), type=pa.int32())
        return Chunk(table.append_column("line", line)), lines

    def _exact(self, block: bytes, start: int, blocks: _Blocks) -> tuple[Chunk, int]:
        """Python's csv reader: exact line numbers; rows with a wrong field count are reported.
        A record unfinished at the block's end takes the lines it needs from the next bytes."""
        codec = self._codec
        lines = _split(block.decode(codec))

        def feed() -> Iterator[str]:
            i = 0
            while True:
                if i == len(lines):
                    more = blocks.next_line()
                    if more is None:
                        return
                    lines.extend(_split(more.decode(codec)))
                    continue
                yield lines[i]
                i += 1

        width = self.width
        cols: list[list] = [[] for _ in range(width)]
        numbers: list[int] = []
        bad: list[tuple[int, str]] = []
        reader = csv.reader(feed())
        last = 0
        try:
            while reader.line_num < len(lines):
                values = next(reader, None)
                if values is None:
                    break
                first, last = start + last, reader.line_num
                if not values or (len(values) == 1 and not values[0]):
                    continue
                if len(values) != width:
                    bad.append((first, f"{FIELD_COUNT_REASON}：该行 {len(values)} 个字段，表头 {width} 列"))
                    continue
                for col, v in zip(cols, values, strict=True):
                    col.append(v if v else None)
                numbers.append(first)
        except csv.Error as exc:
            raise TabularFileError(f"第 {start + last} 行无法解析：{exc}") from exc
        return Chunk(from_columns(cols, numbers), bad), len(lines)


class _Blocks:
    """The bytes after the header in blocks of whole lines (cut after a ``\\n``)."""

    def __init__(self, fh, target: int, sha):
        self.fh, self.target, self.sha = fh, target, sha
        self.buf, self.at = b"", 0  # the bytes read and not handed out yet are buf[at:]
        self.eof = False
        self.position = fh.tell()  # bytes handed out so far (for progress)

    def _fill(self) -> bool:
        data = b"" if self.eof else self.fh.read(max(self.target, BLOCK))
        self.eof = not data
        if data:
            self.sha.update(data)
            self.buf, self.at = self.buf[self.at :] + data, 0
        return bool(data)

    def next_block(self) -> bytes | None:
        while len(self.buf) - self.at < self.target and self._fill():
            pass
        if self.eof:
            return self._take(len(self.buf) - self.at)
        end = self.at + self.target
        cut = self.buf.rfind(b"\n", self.at, end) + 1 or self.buf.find(b"\n", end) + 1
        while not cut and self._fill():  # one line longer than the block: read on to its end
            cut = self.buf.find(b"\n", self.at) + 1
        block = self._take(cut - self.at if cut else len(self.buf) - self.at)
        if self.at > len(self.buf) // 2:  # drop what was handed out (copying less than that)
            self.buf, self.at = self.buf[self.at :], 0
        return block

    def next_line(self) -> bytes | None:
        cut = self.buf.find(b"\n", self.at) + 1
        while not cut and self._fill():
            cut = self.buf.find(b"\n", self.at) + 1
        return self._take(cut - self.at if cut else len(self.buf) - self.at)

    def _take(self, n: int) -> bytes | None:
        if not n:
            return None
        out = self.buf[self.at : self.at + n]
        self.at += n
        self.position += n
        return out

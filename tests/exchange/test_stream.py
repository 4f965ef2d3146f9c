"""The intake streams a file in chunks: whatever the chunk size, the store files and the counts are
those of the whole file — duplicated record ids found across chunks (the first line wins), broken
rows, blank lines and values over several lines in any chunk, every encoding — and a run that
fails leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi import datasets
from doudi.core import tabular
from doudi.exchange import intake, stream

from .conftest import ID_A, ID_B, ID_B_WRONG_CHECK, ID_C, header_of, row_of

KEY = b"k" * 32
DS = datasets.get("disability")
TODAY = dt.date(2025, 6, 1)
WHOLE = 10**9  # a chunk larger than any file here: the whole file at once


def _line(values: list[str]) -> str:
    return ",".join(values)


def messy_text(newline: str = "\n") -> str:
    """A file whose every kind of trouble lands in different chunks when chunks are small."""
    header = _line(header_of(DS) + ["备注"])

    def r(rid: str, number: str = ID_A, note: str = "", **kw) -> str:
        return _line(row_of(DS, rid, number, **kw) + [note])

    lines = [
        header,  # 1
        r("R1"),  # 2
        r("R2", ID_B),  # 3
        r("R3", ID_C, disability_grade="9"),  # 4  rejected: R3's first GOOD line is 10
        "",  # 5  blank
        r("R4", ID_B, name='"朴\n英子"'),  # 6–7  a name over two lines
        "R5,too,few",  # 8  broken
        r("R1", ID_C),  # 9  duplicate of line 2
        r("R3", ID_C),  # 10
        r("R6", ID_B_WRONG_CHECK, note=f"监护人{ID_C}"),  # 11  an extra value holding a number
        r("R3", ID_A),  # 12 duplicate of line 10
        r("R7", ID_A, note='"a\r\nb"'),  # 13–14  CRLF inside a quoted value
        r("R8", "", certified_on="2023-02-29"),  # 15 rejected
        "R9," + ",".join(["x"] * 12),  # 16 broken: too many fields
        r("R2", ID_C),  # 17 duplicate of line 3
        r("R10", ID_B, name=""),  # 18 rejected
        r("R1", ID_B),  # 19 duplicate of line 2 again
    ]
    return newline.join(lines)  # no newline after the last line


EXPECTED_REJECTED = [
    (4, "残疾等级应在 1–4 之间", None),
    (8, "字段数与表头不一致", "该行 3 个字段，表头 10 列"),
    (9, "记录编号重复", "与第 2 行相同"),
    (12, "记录编号重复", "与第 10 行相同"),
    (15, "评定日期不是有效日期", "应为 YYYY-MM-DD"),
    (16, "字段数与表头不一致", "该行 13 个字段，表头 10 列"),
    (17, "记录编号重复", "与第 3 行相同"),
    (18, "姓名为空", None),
    (19, "记录编号重复", "与第 2 行相同"),
]


def run(path, out, chunk_rows, **kw):
    return intake.run(path, DS, out, key=KEY, today=TODAY, workers=1, chunk_rows=chunk_rows, **kw)


def outputs(out) -> tuple[pa.Table, pa.Table]:
    return pq.read_table(out / intake.RECORDS), pq.read_table(out / intake.REJECTED)


def counts(res: intake.IntakeResult) -> dict:
    keys = ("content_hash", "format", "encoding", "rows_read", "rows_loaded", "rows_rejected",
            "rejected_by_reason", "id_status", "extra_columns")  # fmt: skip
    return {k: getattr(res, k) for k in keys} | {"reason_order": list(res.rejected_by_reason)}


@pytest.mark.parametrize(
    ("encoding", "newline", "sizes"),
    [("utf-8", "\n", (1, 2, 3, 7)), ("utf-8-sig", "\r\n", (2, 7)), ("gb18030", "\n", (3,))],
)
def test_every_chunk_size_gives_the_whole_file_result(encoding, newline, sizes, tmp_path):
    path = tmp_path / "f.csv"
    text = messy_text(newline)
    path.write_bytes(text.encode(encoding))
    whole = run(path, tmp_path / "whole", WHOLE)
    records, rejected = outputs(tmp_path / "whole")
    # the expected values, so that the whole-file run is checked too
    assert [(r["line"], r["reason"], r["detail"]) for r in rejected.to_pylist()] == EXPECTED_REJECTED
    assert records.column("line").to_pylist() == [2, 3, 6, 10, 11, 13]
    assert records.column("record_id").to_pylist() == ["R1", "R2", "R4", "R3", "R6", "R7"]
    assert records.column("name").to_pylist()[2] == "朴英子"
    assert records.schema.metadata[b"doudi.dataset"] == b"disability"
    assert (whole.rows_read, whole.rows_loaded, whole.rows_rejected) == (15, 6, 9)
    assert list(whole.rejected_by_reason.items())[:2] == [("记录编号重复", 4), ("字段数与表头不一致", 2)]
    assert whole.encoding == ("gb18030" if encoding == "gb18030" else "utf-8-sig")
    assert whole.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert whole.extra_columns == ["备注"]
    note = records.column("extra").to_pylist()[4]
    assert ID_C not in note and "监护人220102" in note
    for size in sizes:
        res = run(path, tmp_path / f"c{size}", size)
        got_records, got_rejected = outputs(tmp_path / f"c{size}")
        assert got_records.equals(records, check_metadata=True), size
        assert got_rejected.equals(rejected, check_metadata=True), size
        assert counts(res) == counts(whole), size


def test_duplicates_are_found_across_many_chunks(tmp_path):
    """Ids repeat far apart (and once the first row of an id is itself rejected)."""
    rows = [row_of(DS, f"R{i}", ID_A) for i in range(60)]
    rows[5] = row_of(DS, "R40", ID_A, disability_grade="0")  # bad: R40's first good line is 42
    rows += [row_of(DS, f"R{i}", ID_B) for i in (3, 59, 40, 3, 0)]  # lines 62–66
    path = tmp_path / "f.csv"
    path.write_text("\n".join(_line(r) for r in [header_of(DS), *rows]) + "\n", encoding="utf-8")
    res = run(path, tmp_path / "out", 4)
    _, rejected = outputs(tmp_path / "out")
    dup = [(r["line"], r["detail"]) for r in rejected.to_pylist() if r["reason"] == intake.DUPLICATE]
    assert dup == [(62, "与第 5 行相同"), (63, "与第 61 行相同"), (64, "与第 42 行相同"),
                   (65, "与第 5 行相同"), (66, "与第 2 行相同")]  # fmt: skip
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (65, 59, 6)


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 5, 1000])
def test_csv_chunks_keep_exact_lines_whatever_falls_on_a_block_end(chunk_rows, tmp_path):
    """Blocks are cut at a newline; when that newline is inside a quoted value, or a block has
    blank lines or a bare carriage return, Python's csv reads that block (and on past its end)."""
    text = (
        'a,"b\n'  # 1–2  the header over two lines
        'c"\n'  # 2
        '1,"x\n'  # 3   a value whose newline may end a block…
        'y"\n'  # 4   …and goes on in the next
        "2,z\n"  # 5
        "\n"  # 6   blank
        '3,"p\n\nq"\n'  # 7–9
        "4\r5\n"  # 10–11: a bare CR ends a line for Python's csv: two broken rows
        "6,v,extra\n"  # 12  broken
        "7,u"  # 13  no final newline
    )
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    st = tabular.open_stream(path, chunk_rows=chunk_rows)
    assert st.header == ["a", "b\nc"]
    chunks = list(st.chunks())
    table = pa.concat_tables(c.table for c in chunks)
    assert table.to_pylist() == [
        {"c0": "1", "c1": "x\ny", "line": 3},
        {"c0": "2", "c1": "z", "line": 5},
        {"c0": "3", "c1": "p\n\nq", "line": 7},
        {"c0": "7", "c1": "u", "line": 13},
    ]
    assert [b for c in chunks for b in c.bad_rows] == [
        (10, "字段数与表头不一致：该行 1 个字段，表头 2 列"),
        (11, "字段数与表头不一致：该行 1 个字段，表头 2 列"),
        (12, "字段数与表头不一致：该行 3 个字段，表头 2 列"),
    ]
    assert st.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert chunks[-1].done == 1.0
    if chunk_rows <= 2:
        assert len(chunks) > 3


@pytest.mark.parametrize("chunk_rows", [1, 1000])
def test_a_bare_cr_and_a_blank_line_in_one_block_do_not_cancel_out(chunk_rows, tmp_path):
    """pyarrow's row count matches the newline count here (one row more, one less), yet only
    Python's csv gives the lines; and a BOM starting a block is a value's, not the file's."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,x\r2,y\n\n3,z\n\xef\xbb\xbf4,w\n")
    table = tabular.read_table(path).table if chunk_rows == 1000 else pa.concat_tables(
        c.table for c in tabular.open_stream(path, chunk_rows=chunk_rows).chunks())  # fmt: skip
    assert table.column("line").to_pylist() == [2, 3, 5, 6]
    assert table.column("c0").to_pylist() == ["1", "2", "3", "\ufeff4"]


def test_clean_csv_blocks_take_the_fast_parser_and_agree_with_the_exact_one(tmp_path, monkeypatch):
    rows = [row_of(DS, f"R{i}", ID_A, name=f'"金,{i}"' if i % 3 else "王") for i in range(40)]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(_line(r) for r in [header_of(DS), *rows]) + "\n", encoding="utf-8")
    fast = tabular.read_table(path).table
    from doudi.core import tabular_csv

    monkeypatch.setattr(tabular_csv.CsvStream, "_fast", lambda self, block, start: None)
    exact = pa.concat_tables(c.table for c in tabular.open_stream(path, chunk_rows=3).chunks())
    assert exact.equals(fast)
    assert fast.column("line").to_pylist() == list(range(2, 42))


def test_parquet_is_read_in_record_batches_with_running_line_numbers(tmp_path):
    n = 25
    table = pa.table({
        "record_id": [f"R{i}" for i in range(n)], "id_number": [ID_A if i % 2 else "" for i in range(n)],
        "name": ["金明哲"] * n, "disability_kind": ["visual"] * n,
        "disability_grade": pa.array([1 + i % 4 for i in range(n)], pa.int64()),
        "certified_on": pa.array([dt.datetime(2020, 1, 2)] * n, pa.timestamp("s")),
    })  # fmt: skip
    pq.write_table(table, tmp_path / "f.parquet", row_group_size=6)
    whole = run(tmp_path / "f.parquet", tmp_path / "whole", WHOLE)
    res = run(tmp_path / "f.parquet", tmp_path / "small", 4)
    a, b = outputs(tmp_path / "whole"), outputs(tmp_path / "small")
    assert a[0].equals(b[0]) and a[1].equals(b[1]) and counts(res) == counts(whole)
    assert a[0].column("line").to_pylist() == list(range(2, n + 2))
    assert set(a[0].column("certified_on").to_pylist()) == {dt.date(2020, 1, 2)}


def test_blank_identity_numbers_keep_the_repair_candidates_of_the_others(tmp_path):
    """A blank number ("" from Parquet, spaces from CSV) has no repair list — and must not take
    away the candidates of the invalid numbers after it."""
    table = pa.table({
        "record_id": ["R1", "R2", "R3", "R4"], "id_number": ["", ID_B_WRONG_CHECK, "  ", ID_A],
        "name": ["金明哲"] * 4, "disability_kind": ["visual"] * 4, "disability_grade": ["1"] * 4,
        "certified_on": [None] * 4,
    })  # fmt: skip
    pq.write_table(table, tmp_path / "f.parquet")
    run(tmp_path / "f.parquet", tmp_path / "out", WHOLE)
    records, _ = outputs(tmp_path / "out")
    rows = records.select(["id_status", "id_repair_indexes"]).to_pylist()
    assert [r["id_status"] for r in rows] == ["missing", "invalid", "missing", "valid"]
    assert rows[0]["id_repair_indexes"] == [] == rows[2]["id_repair_indexes"]
    assert len(rows[1]["id_repair_indexes"]) >= 1


def test_progress_advances_per_chunk(tmp_path):
    rows = [row_of(DS, f"R{i}", ID_A) for i in range(30)]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(_line(r) for r in [header_of(DS), *rows]) + "\n", encoding="utf-8")
    seen: list[tuple[float, str]] = []
    run(path, tmp_path / "out", 5, progress=lambda f, s: seen.append((f, s)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and seen[-1][1] == "完成"
    assert len([s for _, s in seen if s.startswith("逐行校验")]) >= 5


def _no_intake_threads() -> bool:
    return not any(t.name in ("intake-read", "intake-write") for t in threading.enumerate())


@pytest.mark.parametrize("existing", [False, True])
def test_a_run_failing_midway_leaves_nothing_behind(existing, tmp_path, monkeypatch):
    rows = [row_of(DS, f"R{i}", ID_A) for i in range(30)]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(_line(r) for r in [header_of(DS), *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    if existing:
        out.mkdir()
    finish, calls = stream.Prepared.finish, []

    def failing(self):
        calls.append(1)
        if len(calls) == 3:  # two chunks are written by then
            raise KeyboardInterrupt
        return finish(self)

    monkeypatch.setattr(stream.Prepared, "finish", failing)
    with pytest.raises(KeyboardInterrupt):
        run(path, out, 4)
    assert (list(out.iterdir()) == []) if existing else not out.exists()
    assert _no_intake_threads()


def test_a_file_of_blank_lines_after_the_header_is_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(_line(header_of(DS)) + "\n\n\n\n", encoding="utf-8")
    with pytest.raises(intake.IntakeFileError, match="没有数据行"):
        run(path, tmp_path / "out", 1)
    assert not (tmp_path / "out").exists() and _no_intake_threads()

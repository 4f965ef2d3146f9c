"""File formats and malformed files: encodings, XLSX, Parquet, missing columns, wrong types, empty
files, a 10 MB field, broken rows, exact line numbers, duplicated record ids."""

from __future__ import annotations

import datetime as dt
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi import datasets
from doudi.exchange import intake

from .conftest import ID_A, ID_B, ID_C, header_of, row_of, write_csv

KEY = b"k" * 32
DS = datasets.get("disability")


def run(path, tmp_path, ds=DS):
    return intake.run(path, ds, tmp_path / "out", key=KEY, workers=1)


def records(tmp_path) -> list[dict]:
    return pq.read_table(tmp_path / "out" / intake.RECORDS).to_pylist()


def rejected(tmp_path) -> list[dict]:
    return pq.read_table(tmp_path / "out" / intake.REJECTED).to_pylist()


def rows3():
    return [row_of(DS, "R1", ID_A, name="金明哲"), row_of(DS, "R2", ID_B, name="朴英子"),
            row_of(DS, "R3", ID_C, name="王建国", disability_kind="肢体残疾")]  # fmt: skip


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")]
)
def test_csv_encodings(encoding, expected, tmp_path):
    res = run(write_csv(tmp_path / "f.csv", header_of(DS), rows3(), encoding=encoding), tmp_path)
    assert (res.format, res.encoding, res.rows_loaded) == ("csv", expected, 3)
    assert [r["name"] for r in records(tmp_path)] == ["金明哲", "朴英子", "王建国"]
    assert records(tmp_path)[2]["disability_kind"] == "physical"


def test_xlsx_first_sheet_with_excel_types(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header_of(DS) + ["备注"])
    ws.append(
        ["R1", ID_A, "金明哲", "男", dt.datetime(1950, 3, 1), 222401, "visual", 2, dt.date(2020, 1, 2), "甲"]
    )
    ws.append([None] * 10)  # an empty row is skipped, the numbering goes on
    ws.append(["R2", ID_B, "朴英子", None, None, None, "hearing", 9.0, None, None])
    ws.append(["R3", ID_C, "王建国", None, None, None, "speech", 5, None, None])
    wb.create_sheet("其他").append(["ignored"])
    wb.save(tmp_path / "f.xlsx")
    res = run(tmp_path / "f.xlsx", tmp_path)
    assert (res.format, res.rows_read, res.rows_loaded) == ("xlsx", 3, 1)
    assert [(r["line"], r["reason"]) for r in rejected(tmp_path)] == [
        (4, "残疾等级应在 1–4 之间"),
        (5, "残疾等级应在 1–4 之间"),
    ]
    (r,) = records(tmp_path)
    assert (r["birth_date"], r["region_code"], r["disability_grade"], r["certified_on"]) == (
        dt.date(1950, 3, 1), "222401000000", 2, dt.date(2020, 1, 2))  # fmt: skip
    assert r["extra"] == '{"备注":"甲"}'


def test_parquet_with_typed_columns(tmp_path):
    table = pa.table({
        "record_id": ["R1", "R2"], "id_number": [ID_A, None], "name": ["金明哲", "朴英子"],
        "birth_date": pa.array([dt.date(1950, 3, 1), None], pa.date32()),
        "disability_kind": ["visual", "mental"], "disability_grade": pa.array([1, 3], pa.int64()),
        "certified_on": pa.array([dt.datetime(2020, 1, 2), None], pa.timestamp("s")),
        "score": pa.array([1.5, 2.0]),
    })  # fmt: skip
    pq.write_table(table, tmp_path / "f.parquet")
    res = run(tmp_path / "f.parquet", tmp_path)
    assert (res.format, res.rows_loaded, res.extra_columns) == ("parquet", 2, ["score"])
    out = records(tmp_path)
    assert [r["line"] for r in out] == [2, 3]
    assert out[0]["certified_on"] == dt.date(2020, 1, 2) and out[1]["id_status"] == "missing"
    assert [r["extra"] for r in out] == ['{"score":"1.5"}', '{"score":"2"}']


def test_missing_required_column_refuses_the_whole_file(tmp_path):
    header = [h for h in header_of(DS) if h != "disability_grade"]
    rows = [[v for h, v in zip(header_of(DS), r, strict=True) if h != "disability_grade"] for r in rows3()]
    with pytest.raises(intake.IntakeFileError, match=r"缺少必需的列：disability_grade（残疾等级）"):
        run(write_csv(tmp_path / "f.csv", header, rows), tmp_path)
    assert not (tmp_path / "out").exists()


def test_optional_common_columns_may_be_absent_and_chinese_headers_work(tmp_path):
    header = ["记录编号", "身份证号", "姓名", "残疾类别", "残疾等级", "评定日期"]
    res = run(write_csv(tmp_path / "f.csv", header, [["R1", ID_A, "金明哲", "visual", "1", ""]]), tmp_path)
    assert res.rows_loaded == 1 and records(tmp_path)[0]["sex"] == "M"  # from the number


def test_duplicate_header_is_refused(tmp_path):
    with pytest.raises(intake.IntakeFileError, match="表头列名重复"):
        run(write_csv(tmp_path / "f.csv", header_of(DS) + ["Name"], [r + ["x"] for r in rows3()]), tmp_path)


def test_wrong_types_reject_the_row_not_the_file(tmp_path):
    rows = rows3()
    rows[1][header_of(DS).index("disability_grade")] = "二级"
    rows[2][header_of(DS).index("birth_date")] = "一九六〇年"
    res = run(write_csv(tmp_path / "f.csv", header_of(DS), rows), tmp_path)
    assert (res.rows_loaded, res.rows_rejected) == (1, 2)
    assert res.rejected_by_reason == {"残疾等级应为整数": 1, "出生日期不是有效日期": 1}


def test_empty_files_are_refused_clearly(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(intake.IntakeFileError, match="文件为空"):
        run(tmp_path / "empty.csv", tmp_path)
    write_csv(tmp_path / "header.csv", header_of(DS), [])
    with pytest.raises(intake.IntakeFileError, match="没有数据行"):
        run(tmp_path / "header.csv", tmp_path)
    (tmp_path / "blank.csv").write_text("\n\n", encoding="utf-8")
    with pytest.raises(intake.IntakeFileError, match="文件为空或第 1 行不是表头"):
        run(tmp_path / "blank.csv", tmp_path)


def test_unreadable_files_are_refused(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 broken zip")
    with pytest.raises(intake.IntakeFileError, match="Excel 文件无法读取"):
        run(tmp_path / "bad.xlsx", tmp_path)
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 broken")
    with pytest.raises(intake.IntakeFileError, match="Parquet 文件无法读取"):
        run(tmp_path / "bad.parquet", tmp_path)
    with pytest.raises(intake.IntakeFileError, match="文件不存在"):
        run(tmp_path / "missing.csv", tmp_path)


def test_a_10_mb_field_rejects_its_row_quickly(tmp_path):
    rows = rows3()
    rows[1][header_of(DS).index("name")] = "名" * (10 * 1024 * 1024)
    path = write_csv(tmp_path / "f.csv", header_of(DS) + ["note"], [r + ["n"] for r in rows])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("R9," + ID_A + ",张三,,,,visual,1,," + "x" * (10 * 1024 * 1024) + "\n")
    started = time.perf_counter()
    res = run(path, tmp_path)
    assert time.perf_counter() - started < 30
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 2, 2)
    bad = rejected(tmp_path)
    assert [(r["line"], r["column"], r["reason"]) for r in bad] == [
        (3, "name", "姓名过长"),
        (5, "note", "note过长"),
    ]
    assert all(len(r["value"]) <= 200 for r in bad) and "最多" in bad[0]["detail"]


def test_broken_rows_blank_lines_and_multiline_values_keep_exact_line_numbers(tmp_path):
    path = tmp_path / "f.csv"
    text = ",".join(header_of(DS)) + "\n"
    text += f"R1,{ID_A},金明哲,,,,visual,1,\n"
    text += "\n"  # line 3 blank
    text += f'R2,{ID_B},"朴\n英子",,,,visual,1,\n'  # lines 4–5, the name spans two lines
    text += "R3,too,few\n"  # line 6
    text += f"R4,{ID_C},王建国,,,,visual,x,\n"  # line 7
    path.write_text(text, encoding="utf-8")
    res = run(path, tmp_path)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 2, 2)
    assert [r["line"] for r in records(tmp_path)] == [2, 4]
    assert [(r["line"], r["reason"]) for r in rejected(tmp_path)] == [
        (6, "字段数与表头不一致"),
        (7, "残疾等级应为整数"),
    ]


def test_duplicate_record_ids_reject_the_later_rows(tmp_path):
    rows = [row_of(DS, "R1", ID_A), row_of(DS, "R1", ID_B, disability_grade="9"), row_of(DS, "R2", ID_B),
            row_of(DS, "R1", ID_C), row_of(DS, "R2", ID_C)]  # fmt: skip
    res = run(write_csv(tmp_path / "f.csv", header_of(DS), rows), tmp_path)
    assert [r["record_id"] for r in records(tmp_path)] == ["R1", "R2"]
    assert [r["line"] for r in records(tmp_path)] == [2, 4]
    dup = [(r["line"], r["detail"]) for r in rejected(tmp_path) if r["reason"] == "记录编号重复"]
    assert dup == [(5, "与第 2 行相同"), (6, "与第 4 行相同")]
    assert res.rejected_by_reason == {"记录编号重复": 2, "残疾等级应在 1–4 之间": 1}


def test_required_values_and_trimming(tmp_path):
    rows = [row_of(DS, " R1 ", ID_A, name="  金 明哲 "), row_of(DS, "", ID_B), row_of(DS, "R3", "", name="")]
    res = run(write_csv(tmp_path / "f.csv", header_of(DS), rows), tmp_path)
    assert res.rejected_by_reason == {"记录编号为空": 1, "姓名为空": 1}
    (r,) = records(tmp_path)
    assert (r["record_id"], r["name"], r["name_pinyin"]) == ("R1", "金明哲", "jinmingzhe")

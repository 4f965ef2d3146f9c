"""Workbooks are read by the rows they hold, never by the size they declare (roster and intake)."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from doudi.core.tabular import TabularFileError, read_table
from doudi.registry.roster_read import RosterFileError, open_roster

SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(path: Path, edit) -> Path:
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts[SHEET] = edit(parts[SHEET].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _book(path: Path, rows: int) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["record_id", "name", "value"])
    for i in range(rows):
        ws.append([f"R{i}", f"名{i}", str(i)])
    wb.save(path)
    return path


def test_a_cell_in_the_last_row_and_column_reads_in_moments(tmp_path):
    path = _book(tmp_path / "huge.xlsx", 2)
    wb = __import__("openpyxl").load_workbook(path)
    wb.active["XFD1048576"] = "x"
    wb.save(path)
    assert path.stat().st_size < 20_000
    started = time.monotonic()
    table = read_table(path)
    source = open_roster(path)
    lines = [line for line, _ in source.rows]
    assert time.monotonic() - started < 30
    assert table.table.num_rows == 2 and table.header == ["record_id", "name", "value"]
    assert lines == [2, 3]


def test_a_declared_size_smaller_than_the_data_loads_every_row(tmp_path):
    path = _rewrite(
        _book(tmp_path / "short.xlsx", 10),
        lambda x: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:C3"', x),
    )
    assert read_table(path).table.num_rows == 10
    assert len(list(open_roster(path).rows)) == 10


def test_a_row_number_beyond_excels_limit_is_refused_in_chinese(tmp_path):
    def far(xml: str) -> str:
        return xml.replace('<row r="3"', '<row r="90000000"').replace('r="A3"', 'r="A90000000"').replace(
            'r="B3"', 'r="B90000000"').replace('r="C3"', 'r="C90000000"')  # fmt: skip

    path = _rewrite(_book(tmp_path / "far.xlsx", 3), far)
    started = time.monotonic()
    with pytest.raises(TabularFileError, match="超过 1,048,576 行"):
        read_table(path)
    with pytest.raises(RosterFileError, match="超过 1,048,576 行"):
        list(open_roster(path).rows)
    assert time.monotonic() - started < 30


def test_every_workbook_upload_is_loaded_in_the_background():
    from doudi.exchange import tasks

    assert tasks.inline_upload(5_000, "csv") and not tasks.inline_upload(5_000, "xlsx")

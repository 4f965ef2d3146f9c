"""Every dataset declaration validates a good row and rejects a bad one, column by column — driven
by the declarations themselves, so a new type is tested by being declared."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from doudi import datasets
from doudi.accounts.models import Department
from doudi.exchange import intake

from .conftest import ID_A, bad_value, header_of, row_of, write_csv

KEY = b"k" * 32
TODAY = dt.date(2025, 6, 1)


def run(path, ds, tmp_path):
    return intake.run(path, ds, tmp_path / "out", key=KEY, today=TODAY, workers=1)


def test_the_fifteen_contract_types_are_declared_with_their_departments():
    D = Department
    expected = {
        "disability": {D.DISABLED}, "unemployment": {D.HRSS}, "student": {D.EDUCATION},
        "medical_expense": {D.MEDICAL_INSURANCE}, "serious_illness": {D.HEALTH, D.MEDICAL_INSURANCE},
        "death": {D.PUBLIC_SECURITY, D.CIVIL_AFFAIRS}, "disaster": {D.EMERGENCY},
        "vehicle": {D.PUBLIC_SECURITY}, "real_estate": {D.NATURAL_RESOURCES, D.HOUSING},
        "business": {D.MARKET}, "social_insurance": {D.HRSS}, "fpjc": {D.AGRICULTURE},
        "household_registration": {D.PUBLIC_SECURITY}, "marriage": {D.CIVIL_AFFAIRS},
        "public_payroll": {D.FINANCE, D.HRSS},
    }  # fmt: skip
    assert {k: set(d.providers) for k, d in datasets.DATASETS.items()} == expected
    enums = {c.key: set(c.choices) for d in datasets.DATASETS.values() for c in d.columns if c.type == "enum"}
    assert enums["disability_kind"] == {
        "visual",
        "hearing",
        "speech",
        "physical",
        "intellectual",
        "mental",
        "multiple",
    }
    assert enums["stage"] == {
        "preschool",
        "primary",
        "junior",
        "senior",
        "vocational",
        "undergraduate",
        "graduate",
    }
    assert enums["dwelling_damage"] == {"none", "minor", "severe", "collapsed"}
    assert enums["property_type"] == {"residential", "commercial", "other"}
    assert set(datasets.get("household_registration").column("event").choices) == {
        "birth", "move_in", "move_out", "cancelled"
    }  # fmt: skip
    assert set(datasets.get("marriage").column("event").choices) == {"married", "divorced"}
    assert datasets.get("public_payroll").column("month").type == "month"
    assert datasets.get("social_insurance").column("month").type == "month"


@pytest.mark.parametrize("key", list(datasets.DATASETS))
def test_a_good_row_of_every_type_loads_with_typed_columns(key, tmp_path):
    ds = datasets.get(key)
    path = write_csv(tmp_path / "f.csv", header_of(ds), [row_of(ds, "R1", ID_A)])
    res = run(path, ds, tmp_path)
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (1, 1, 0), res.rejected_by_reason
    table = pq.read_table(tmp_path / "out" / intake.RECORDS)
    assert table.column_names[:12] == [
        "record_id", "line", "id_index", "id_status", "id_repair_indexes", "id_birth_date", "name",
        "name_pinyin", "sex", "birth_date", "region_code", "county_code",
    ]  # fmt: skip
    assert table.column_names[12:] == [c.key for c in ds.columns] + ["extra", "id_masked"]
    assert table.column("id_masked").to_pylist() == [ID_A[:6] + "********" + ID_A[-4:]]
    for c in ds.columns:
        assert table.schema.field(c.key).type == intake.column_type(c), c.key
    row = table.to_pylist()[0]
    assert row["id_status"] == "valid" and row["sex"] == "M" and row["birth_date"] == dt.date(1950, 3, 1)
    assert row["region_code"] == "222401000000" and row["county_code"] == "222401"
    assert row["name_pinyin"] == "jinmingzhe"


CASES = [
    (d.key, c.key) for d in datasets.DATASETS.values() for c in d.columns if c.type != "str" or c.required
]


@pytest.mark.parametrize(("key", "column"), CASES)
def test_a_bad_value_in_each_checked_column_rejects_the_row(key, column, tmp_path):
    ds = datasets.get(key)
    c = ds.column(column)
    value, word = bad_value(c)
    rows = [row_of(ds, "R1", ID_A), row_of(ds, "R2", ID_A, **{column: value})]
    res = run(write_csv(tmp_path / "f.csv", header_of(ds), rows), ds, tmp_path)
    assert (res.rows_loaded, res.rows_rejected) == (1, 1)
    rejected = pq.read_table(tmp_path / "out" / intake.REJECTED).to_pylist()
    assert {r["line"] for r in rejected} == {3}
    (problem,) = [r for r in rejected if r["column"] == column]
    assert c.label in problem["reason"] and word in problem["reason"]
    assert res.rejected_by_reason[problem["reason"]] == 1


def test_enum_values_are_accepted_as_key_or_chinese_label(tmp_path):
    ds = datasets.get("disaster")
    rows = [row_of(ds, "R1", dwelling_damage="SEVERE"), row_of(ds, "R2", dwelling_damage="倒塌"),
            row_of(ds, "R3", sex="女"), row_of(ds, "R4", sex="f")]  # fmt: skip
    run(write_csv(tmp_path / "f.csv", header_of(ds), rows), ds, tmp_path)
    table = pq.read_table(tmp_path / "out" / intake.RECORDS).to_pylist()
    assert [r["dwelling_damage"] for r in table] == ["severe", "collapsed", "none", "none"]
    assert [r["sex"] for r in table] == ["M", "M", "F", "F"]  # recorded sex wins over the number's


def test_cross_column_rules(tmp_path):
    ds = datasets.get("medical_expense")
    rows = [
        row_of(ds, "R1", period_start="2024-03-01", period_end="2024-02-01"),
        row_of(ds, "R2", total_expense="100", out_of_pocket="150.5"),
        row_of(ds, "R3", total_expense="100", out_of_pocket="100"),
    ]
    res = run(write_csv(tmp_path / "f.csv", header_of(ds), rows), ds, tmp_path)
    assert res.rejected_by_reason == {"费用截止日期早于费用起始日期": 1, "个人自付费用大于医疗总费用": 1}
    assert res.rows_loaded == 1


def test_date_and_number_forms(tmp_path):
    ds = datasets.get("real_estate")
    rows = [
        row_of(ds, "R1", registered_on="2020/01/02", floor_area="88.456"),
        row_of(ds, "R2", registered_on="20200103", floor_area="12"),
        row_of(ds, "R3", registered_on="2020-01-04 00:00:00", floor_area=".5"),
        row_of(ds, "R4", registered_on="2020-1-4"),
        row_of(ds, "R5", registered_on="1850-01-01"),
        row_of(ds, "R6", registered_on="2099-01-01"),
    ]
    res = run(write_csv(tmp_path / "f.csv", header_of(ds), rows), ds, tmp_path)
    table = pq.read_table(tmp_path / "out" / intake.RECORDS).to_pylist()
    assert [r["registered_on"] for r in table] == [
        dt.date(2020, 1, 2),
        dt.date(2020, 1, 3),
        dt.date(2020, 1, 4),
    ]
    assert [str(r["floor_area"]) for r in table] == ["88.46", "12.00", "0.50"]
    assert res.rejected_by_reason == {
        "登记日期不是有效日期": 1,
        "登记日期超出合理范围": 1,
        "登记日期晚于今天": 1,
    }


def test_datasets_by_department_and_department_names():
    assert [d.key for d in datasets.for_department("hrss")] == [
        "unemployment",
        "social_insurance",
        "public_payroll",
    ]
    assert datasets.department_code("残联") == "disabled_federation"
    assert datasets.department_code("HRSS") == "hrss"
    assert datasets.department_code("人社") == "hrss"
    assert datasets.department_code("没有") is None

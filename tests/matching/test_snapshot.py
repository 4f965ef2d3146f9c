"""The registry snapshot exported from the database (SQLite cursor / PostgreSQL COPY) and a linkage run
against it."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from doudi.core import idnumber, store
from doudi.core.scoping import all_regions
from doudi.matching import engine, snapshot
from tests.support import store_records

from .conftest import T1

pytestmark = pytest.mark.django_db

JIN = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)  # tests/conftest.py households


@pytest.fixture
def extra_person(households):
    from doudi.registry import actions

    with all_regions():
        return actions.add_person_to_household(
            actor="test",
            household=households["H-YJ2"],
            person_key="P-YJ2-2",
            name=" 王\u3000伟 ",
            id_number=None,
            relation="child",
            since=dt.date(2024, 1, 1),
        )


def test_snapshot_has_the_contract_columns_and_normalised_names(store_dir, households, extra_person):
    info = snapshot.export_snapshot()
    assert info.path == store.snapshot_path() and info.persons == 5
    table = pq.read_table(info.path)
    assert table.schema.equals(snapshot.SCHEMA)
    rows = {r["person_key"]: r for r in table.to_pylist()}
    jin = rows["P-YJ1-1"]
    assert jin["name"] == "金明哲" and jin["name_pinyin"] == "jinmingzhe"
    assert jin["id_status"] == "valid" and jin["id_index"] == store_records.identity_columns(JIN)["id_index"]
    assert (jin["sex"], jin["birth_date"], jin["region_code"], jin["county_code"]) == (
        "M",
        dt.date(1950, 3, 1),
        "222401001000",
        "222401",
    )
    wang = rows["P-YJ2-2"]
    assert wang["name"] == "王伟" and wang["name_pinyin"] == "wangwei"
    assert wang["id_index"] is None and wang["id_status"] == "missing" and wang["sex"] is None
    assert wang["birth_date"] is None


def test_run_exports_the_snapshot_and_links_by_person_key(store_dir, households):
    store_records.write_batch(
        1,
        [
            store_records.record("a", id_number=JIN, name="金明哲"),
            store_records.record("b", id_number=JIN[:6] + JIN[8:17], name="金明哲"),
            store_records.record(
                "c", name="李春花", sex="F", birth_date=dt.date(1985, 5, 20), region_code=T1
            ),
        ],
    )
    result = engine.run_linkage([1])
    links = {r["record_id"]: r for r in pq.read_table(store.links_path(1)).to_pylist()}
    assert links["a"]["person_key"] == "P-YJ1-1" and links["a"]["method"] == "exact"
    assert links["b"]["person_key"] == "P-YJ1-1" and links["b"]["method"] == "upgraded15"
    # 李春花 lives in 北山街道 (T2) of the same county: a demographic link within the county
    assert links["c"]["person_key"] == "P-YJ2-1" and links["c"]["method"] == "demographic"
    assert result["total"]["none"] == 0

"""Each linkage stage on crafted cases (DOMAIN R-M11), run through the DuckDB engine."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

from doudi.core import store
from doudi.matching import engine, links_file, model, stages
from tests.support import store_records

from .conftest import CASES, crafted_persons, crafted_records


@pytest.fixture(scope="module")
def crafted_links(module_store):
    snapshot = store_records.write_snapshot(crafted_persons())
    store_records.write_batch(1, crafted_records())
    result = engine.run_linkage([1], snapshot=snapshot)
    links = pq.read_table(store.links_path(1)).to_pylist()
    return result, {r["record_id"]: r for r in links}, links


@pytest.mark.parametrize("case", CASES, ids=[c.record_id for c in CASES])
def test_crafted_case_links_the_right_person_by_the_right_method(crafted_links, case):
    _, by_id, _ = crafted_links
    link = by_id[case.record_id]
    assert (link["method"], link["person_id"]) == (case.method, case.person_id), case.why
    if case.person_id is None:
        assert link["person_key"] is None and link["score"] == 0.0
    else:
        assert link["person_key"] == f"P{case.person_id:06d}"


def test_one_row_per_record_in_line_order_with_scores(crafted_links):
    result, _, links = crafted_links
    assert [r["record_id"] for r in links] == [c.record_id for c in CASES]
    for r in links:
        if r["method"] == "probabilistic":
            assert model.DEFAULT_THRESHOLD <= r["score"] < 1.0
        elif r["method"] != "none":
            assert r["score"] == 1.0
    summary = result["batches"][1]
    assert summary["records"] == len(CASES)
    assert sum(summary[m] for m in store.METHODS) == len(CASES)
    assert summary["none"] == sum(c.method == "none" for c in CASES)


def test_links_file_schema_matches_the_contract(crafted_links):
    schema = pq.read_schema(store.links_path(1))
    assert [(f.name, str(f.type)) for f in schema] == [
        ("record_id", "string"),
        ("person_id", "int64"),
        ("person_key", "string"),
        ("method", "string"),
        ("score", "double"),
    ]


@pytest.fixture
def runner(store_dir):
    snapshot = store_records.write_snapshot(crafted_persons())
    store_records.write_batch(1, crafted_records())
    con = duckdb.connect()
    run = stages.DuckRunner(con)
    stages.prepare_persons(run, f"read_parquet({store.sql_path(snapshot)})")
    stages.prepare_records(run, f"read_parquet({store.sql_path(store.records_path(1))})")
    yield run
    con.close()


def _linked(run, table):
    return dict(run.con.execute(f"SELECT record_id, person_id FROM {table}").fetchall())


def test_exact_stage_links_valid_numbers_only(runner):
    stages.stage_exact(runner)
    assert _linked(runner, "l_exact") == {
        "exact": 1,
        "exact-dup": 13,
        "fullwidth": 1,
        "lower-x": 15,
        "twin-b-id": 6,
    }


def test_upgraded15_stage_links_legacy_numbers_on_either_side(runner):
    stages.stage_exact(runner)
    stages.stage_upgraded15(runner)
    assert _linked(runner, "l_upgraded15") == {"legacy15": 1, "registry15": 4}


def test_repaired_stage_needs_one_name_confirmed_candidate(runner):
    stages.stage_repaired(runner)
    linked = _linked(runner, "l_repaired")
    assert linked == {"repair": 2, "repair-homophone": 2}
    assert "repair-ambiguous" not in linked  # 周杰 twice, both one character away


def test_demographic_stage_needs_exactly_one_person(runner):
    stages.stage_demographic(runner)
    linked = _linked(runner, "l_demographic")
    assert linked == {"missing-demographic": 3, "namesake": 7, "twin-a": 5, "twin-b": 6}
    assert "identical-namesakes" not in linked and "outsider" not in linked


def test_threshold_is_a_parameter(store_dir):
    snapshot = store_records.write_snapshot(crafted_persons())
    store_records.write_batch(2, crafted_records())
    engine.run_linkage([2], snapshot=snapshot, threshold=0.99999)
    links = {r["record_id"]: r["method"] for r in pq.read_table(store.links_path(2)).to_pylist()}
    assert links["homophone"] == "none" and links["homophone-li"] == "none"
    assert links["exact"] == "exact"


def test_rerun_writes_the_same_file(store_dir):
    snapshot = store_records.write_snapshot(crafted_persons())
    store_records.write_batch(3, crafted_records())
    engine.run_linkage([3], snapshot=snapshot)
    first = store.links_path(3).read_bytes()
    engine.run_linkage([3], snapshot=snapshot)
    assert store.links_path(3).read_bytes() == first
    assert not [p for p in store.batch_dir(3).iterdir() if p.name.endswith(".tmp")]


def test_unknown_engine_and_missing_batch_are_refused(store_dir):
    store_records.write_batch(4, crafted_records())
    with pytest.raises(links_file.LinkageError, match="未知的比对引擎"):
        engine.run_linkage([4], engine="oracle", snapshot=store_dir / "x.parquet")
    with pytest.raises(links_file.LinkageError, match="批次 99"):
        engine.run_linkage([99], snapshot=store_dir / "x.parquet")


def test_empty_batch_links_nothing(store_dir):
    snapshot = store_records.write_snapshot(crafted_persons())
    store_records.write_batch(5, [])
    result = engine.run_linkage([5], snapshot=snapshot)
    assert result["batches"][5]["records"] == 0
    assert pq.read_table(store.links_path(5)).num_rows == 0

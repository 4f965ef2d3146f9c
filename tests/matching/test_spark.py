"""Both engines give identical links on the same input (exchange contract: "both give the same links
for the same inputs"): a synthetic sample plus the crafted cases, through DuckDB and through PySpark
(local[2]) with Splink's Spark backend."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings

from doudi.core import store
from doudi.matching import engine
from tests.support import store_records, synthetic

from .conftest import CASES, crafted_persons, crafted_records

pytest.importorskip("pyspark", reason="the Spark engine needs the optional extra doudi[spark]")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None, reason="the Spark engine needs Java 17 (default-jre-headless)"
    ),
]
OFFSET = 1_000_000  # crafted person ids after the synthetic ones


@pytest.fixture(scope="module")
def sample(module_store, tmp_path_factory):
    data = tmp_path_factory.mktemp("spark-sample")
    synthetic.generate(
        data,
        synthetic.Params(persons=1500, records=3000, seed=11),
        settings.DOUDI_INDEX_KEY,
        processes=1,
        log=lambda m: None,
    )
    crafted = [dict(p, person_id=p["person_id"] + OFFSET) for p in crafted_persons()]
    persons = pa.concat_tables(
        [pq.read_table(data / "persons.parquet"), store_records.persons_table(crafted)]
    )
    snapshot = data / "persons-all.parquet"
    pq.write_table(persons, snapshot)
    records = pq.read_table(data / "records.parquet")
    extra = store_records.records_table(crafted_records()).cast(records.schema)
    lines = pa.array([records.num_rows + 2 + i for i in range(len(CASES))], pa.int32())
    extra = extra.set_column(1, "line", lines)
    store.batch_dir(1).mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.concat_tables([records, extra]), store.records_path(1))
    return snapshot


@pytest.fixture(scope="module")
def both(sample):
    out = {}
    for name in ("duckdb", "spark"):
        summary = engine.run_linkage([1], engine=name, snapshot=sample)["batches"][1]
        out[name] = (summary, pq.read_table(store.links_path(1)))
    return out


def test_spark_counts_cjk_characters(both):
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession()
    assert spark.sql("SELECT levenshtein('王伟', '王玮') AS d").collect()[0].d == 1


def test_both_engines_give_identical_links(both):
    (duck_summary, duck), (spark_summary, spark) = both["duckdb"], both["spark"]
    assert duck.num_rows == 3000 + len(CASES)
    assert duck.schema.equals(spark.schema)
    assert duck.equals(spark)
    for m in store.METHODS:
        assert duck_summary[m] == spark_summary[m], m
    # the sample exercises every stage, so identical links mean identical stages
    assert all(duck_summary[m] > 0 for m in store.METHODS), duck_summary


def test_spark_links_the_crafted_cases_like_duckdb(both):
    links = {r["record_id"]: r for r in both["spark"][1].to_pylist()}
    for case in CASES:
        want = None if case.person_id is None else case.person_id + OFFSET
        assert (links[case.record_id]["method"], links[case.record_id]["person_id"]) == (case.method, want), (
            case.record_id
        )

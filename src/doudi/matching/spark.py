"""The linkage pipeline on PySpark (``--engine spark``, optional extra ``doudi[spark]``).

The same stages as the DuckDB engine (``matching.stages``: the SQL is the common subset of both
dialects) run as Spark SQL, and the probabilistic stage runs Splink 5's Spark backend
(``splink.backends.spark.SparkAPI``) with the same fixed model, so both engines give identical links.
Locally the session is ``local[2]``; on a cluster, ``spark-submit`` sets the master and resources and
``DOUDI_SPARK_MASTER`` may be left empty (docs/linkage.md). Spark writes its links as a Parquet
directory, which the common writer (``links_file.write_links``) turns into the contract's links file.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from doudi.core import store
from doudi.matching import links_file, stages
from doudi.matching.links_file import LinkageError

DEFAULT_MASTER = "local[2]"


def spark_session(master: str | None = None, *, shuffle_partitions: int | None = None):
    """A Spark session for linkage (reuses an active one, e.g. under spark-submit)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise LinkageError("Spark 引擎需要安装可选依赖 doudi[spark]（pyspark）和 Java 17") from exc
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if master is None:
        # under spark-submit (the driver is started by the JVM) the cluster's master applies
        launched = "PYSPARK_GATEWAY_PORT" in os.environ
        master = os.environ.get("DOUDI_SPARK_MASTER", "" if launched else DEFAULT_MASTER)
    builder = SparkSession.builder.appName("doudi-linkage")
    if master:
        builder = builder.master(master)
    partitions = shuffle_partitions or int(os.environ.get("DOUDI_SPARK_PARTITIONS", "4"))
    return (
        builder.config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.maxPlanStringLength", "100000")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", os.environ.get("DOUDI_SPARK_DRIVER_MEMORY", "4g"))
        .config("spark.local.dir", str(store.store_dir() / "tmp" / "spark"))
        .getOrCreate()
    )


class SparkRunner:
    """Runs the stages as Spark SQL over temporary views of persisted DataFrames."""

    dialect = "spark"
    materialize_records = True
    rest_name = "rec"

    def __init__(self, spark) -> None:
        self.spark = spark
        self._persisted: dict[str, Any] = {}

    def table(self, name: str, sql: str) -> None:
        """Computed now and checkpointed: later plans read it as a leaf, without its lineage (chained
        cached plans otherwise grow until printing them exhausts the driver's memory)."""
        df = self.spark.sql(sql).localCheckpoint(eager=True)
        old = self._persisted.pop(name, None)
        df.createOrReplaceTempView(name)
        self._persisted[name] = df
        if old is not None:
            old.unpersist()

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)

    def scalar(self, sql: str) -> Any:
        return self.spark.sql(sql).collect()[0][0]

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        old = self._persisted.pop(name, None)
        if old is not None:
            old.unpersist()

    def explode(self, expr: str) -> str:
        return f"explode({expr})"

    def null_string_list(self) -> str:
        return "CAST(NULL AS ARRAY<STRING>)"

    def splink_api(self):
        from splink.backends.spark import SparkAPI

        return SparkAPI(spark_session=self.spark, break_lineage_method="checkpoint")

    def read_parquet(self, name: str, path: Path | str) -> None:
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def close(self) -> None:
        for name in list(self._persisted):
            self.drop(name)


def _store_uri() -> str:
    """``DOUDI_SPARK_STORE_URI`` (e.g. ``hdfs://nn/doudi/store``, ``s3a://bucket/doudi/store``): where the
    executors read the batch records, when the store is not a path every node sees."""
    return os.environ.get("DOUDI_SPARK_STORE_URI", "").rstrip("/")


def _read_inputs(spark, run: SparkRunner, snapshot: Path) -> None:
    if _store_uri():
        import pyarrow.parquet as pq

        # the snapshot was just exported on the driver: ship it from there (a few hundred MB)
        spark.createDataFrame(pq.read_table(snapshot)).createOrReplaceTempView("src_persons")
    else:
        run.read_parquet("src_persons", snapshot)


def _records_location(batch_id: int) -> str:
    uri = _store_uri()
    return f"{uri}/batches/{batch_id}/records.parquet" if uri else str(store.records_path(batch_id))


def _write(spark, con, batch_id: int) -> None:
    """Spark's ``links`` → the contract's links file, through the common writer."""
    if _store_uri():
        con.register("spark_links", spark.table("links").toArrow())
        try:
            links_file.write_links(con, "spark_links", store.links_path(batch_id))
        finally:
            con.unregister("spark_links")
        return
    scratch = links_file.scratch_dir()
    try:
        spark.table("links").write.mode("overwrite").parquet(str(scratch / "links"))
        source = f"read_parquet({store.sql_path(scratch / 'links' / '*.parquet')})"
        links_file.write_links(con, source, store.links_path(batch_id))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def link_batches(ids: list[int], snapshot: Path, mdl, bar) -> dict[int, dict]:
    """Link each batch on Spark and write its links file (same format as the DuckDB engine)."""
    spark = spark_session()
    if not spark.sparkContext.getCheckpointDir():  # for Splink's checkpoints (a cluster sets its own)
        spark.sparkContext.setCheckpointDir(str(store.store_dir() / "tmp" / "spark-checkpoints"))
    run = SparkRunner(spark)
    con = store.duckdb_connection(threads=2)
    out: dict[int, dict] = {}
    try:
        _read_inputs(spark, run, snapshot)
        stages.prepare_persons(run, "src_persons")
        for b in ids:
            started = time.perf_counter()
            bar.batch(b)
            run.read_parquet("src_records", _records_location(b))
            records = stages.prepare_records(run, "src_records")
            bar.tick("prepare")
            counts = stages.run_stages(run, mdl, records, bar.tick)
            _write(spark, con, b)
            bar.tick("write")
            out[b] = links_file.summary_of(b, counts, records, "spark", mdl, time.perf_counter() - started)
            out[b]["timings"] = dict(bar.timings)
    finally:
        run.close()
        con.close()
        _clear_checkpoints(spark)
    return out


def _clear_checkpoints(spark) -> None:
    """Delete this run's checkpoint files when they are on the local file system."""
    where = spark.sparkContext.getCheckpointDir() or ""
    if where.startswith("file:"):
        path = Path(where.removeprefix("file:"))
        for child in path.glob("rdd-*"):
            shutil.rmtree(child, ignore_errors=True)

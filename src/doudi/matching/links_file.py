"""The links file both engines write (``store/batches/<id>/links.parquet``): its schema, its score, the
writer, the scratch directory for engine intermediates, and the error a batch that cannot be linked
raises. Below both ``engine`` (DuckDB) and ``spark``, so neither imports the other for them."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.utils import timezone

from doudi.core import store


class LinkageError(Exception):
    """A batch cannot be linked (no records file, unknown engine); the message is for operators."""


def score_sql(method: str = "method", weight: str = "match_weight") -> str:
    """Score 0–1: 1 for the deterministic methods, the match probability (6 decimals) for
    probabilistic links, 0 for none. Computed here, once, for both engines."""
    return f"""CAST(CASE WHEN {method} = 'none' THEN 0.0
                    WHEN {method} = 'probabilistic' THEN round(1.0 / (1.0 + pow(2.0, -{weight})), 6)
                    ELSE 1.0 END AS DOUBLE)"""


LINKS_SCHEMA = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("person_id", pa.int64()),
        pa.field("person_key", pa.string()),
        pa.field("method", pa.string(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),
    ]
)


def write_links(con, source: str, dest: Path) -> int:
    """Write a links table (``record_id, line, person_id, person_key, method, match_weight``) in the
    contract's schema (``LINKS_SCHEMA``), ordered by line, atomically; returns the number of rows.
    Streamed through Arrow with a fixed schema, so both engines write the very same file."""
    reader = con.sql(
        f"""
        SELECT CAST(record_id AS VARCHAR) AS record_id, CAST(person_id AS BIGINT) AS person_id,
               CAST(person_key AS VARCHAR) AS person_key, CAST(method AS VARCHAR) AS method,
               {score_sql()} AS score
        FROM {source}
        ORDER BY line, record_id
        """
    ).to_arrow_reader(500_000)
    rows = 0
    with store.atomic_path(dest) as tmp, pq.ParquetWriter(tmp, LINKS_SCHEMA, compression="snappy") as writer:
        for batch in reader:
            rows += batch.num_rows
            writer.write_batch(
                pa.RecordBatch.from_arrays(batch.columns, schema=LINKS_SCHEMA), row_group_size=1_000_000
            )
    return rows


def scratch_dir() -> Path:
    """A scratch directory under the store for engine intermediates."""
    root = store.store_dir() / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"link-{dt.datetime.now():%Y%m%d%H%M%S}-", dir=root))


def summary_of(batch_id: int, counts: dict[str, int], records: int, engine: str, mdl, seconds: float) -> dict:
    return {
        "batch": batch_id,
        "records": records,
        **{m: int(counts.get(m, 0)) for m in store.METHODS},
        "linked": records - int(counts.get("none", 0)),
        "engine": engine,
        "threshold": mdl.threshold,
        "seconds": round(seconds, 2),
        "linked_at": timezone.now().isoformat(timespec="seconds"),
    }

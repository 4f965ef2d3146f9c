"""Registry snapshot for linkage: ``store/registry/persons.parquet`` (STORE-CONTRACT).

Set-based and streamed: PostgreSQL rows come through ``COPY … TO STDOUT`` (CSV) into a temporary
file read by pyarrow; SQLite rows come through the database cursor in chunks of ``CHUNK`` rows, each
turned into an Arrow batch at once. Names are normalised and their pinyin computed once per DISTINCT
name (``names.normalize_and_pinyin``). Uses the request's database connection, so it sees the same
transaction as the caller (tests, commands).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.db import connection
from django.db.models import Field

from doudi.core import store
from doudi.core.names import normalize_and_pinyin
from doudi.registry.models import Person

CHUNK = 100_000
_COLUMNS = ("person_id", "person_key", "id_index", "id_status", "name", "sex", "birth_date", "region_code")
_RAW_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("person_key", pa.string()),
        ("id_index", pa.string()),
        ("id_status", pa.string()),
        ("name", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.string()),
        ("region_code", pa.string()),
    ]
)
SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("person_key", pa.string()),
        ("id_index", pa.string()),
        ("id_status", pa.string()),
        ("name", pa.string()),
        ("name_pinyin", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("region_code", pa.string()),
        ("county_code", pa.string()),
    ]
)


@dataclass(frozen=True)
class SnapshotInfo:
    path: Path
    persons: int
    seconds: float


def _column(name: str) -> str:
    field = Person._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(f"Person.{name} is not a database column")
    return field.column


def _select_sql() -> str:
    meta = Person._meta
    col = {f: _column(f) for f in ("person_key", "id_index", "id_status", "name", "sex")}
    birth = meta.get_field("birth_date").column
    region = meta.get_field("region_code").column
    return (
        f"SELECT {meta.pk.column}, {col['person_key']}, {col['id_index']}, {col['id_status']}, "
        f"{col['name']}, {col['sex']}, CAST({birth} AS TEXT), {region} "
        f"FROM {meta.db_table} ORDER BY {meta.pk.column}"
    )


def _read_postgresql() -> pa.Table:
    sql = f"COPY ({_select_sql()}) TO STDOUT WITH (FORMAT csv)"
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for block in copy:
                tmp.write(block)
        tmp.flush()
        return pacsv.read_csv(
            tmp.name,
            read_options=pacsv.ReadOptions(column_names=list(_COLUMNS), block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types=_RAW_SCHEMA, strings_can_be_null=True, quoted_strings_can_be_null=False
            ),
        )


def _read_cursor() -> pa.Table:
    batches = []
    with connection.cursor() as cursor:
        cursor.execute(_select_sql())
        while rows := cursor.fetchmany(CHUNK):
            columns: list[Sequence[object]] = list(zip(*rows, strict=True))
            columns[6] = [None if v is None else str(v) for v in columns[6]]
            batches.append(pa.RecordBatch.from_arrays(list(columns), schema=_RAW_SCHEMA))
    return pa.Table.from_batches(batches, schema=_RAW_SCHEMA)


def read_persons() -> pa.Table:
    """All registry persons in the snapshot schema (``SCHEMA``)."""
    raw = _read_postgresql() if connection.vendor == "postgresql" else _read_cursor()
    name, pinyin = normalize_and_pinyin(raw["name"])

    def blank_to_null(column: str) -> pa.Array:
        values = raw[column]
        return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)

    region = raw["region_code"]
    return pa.table(
        {
            "person_id": raw["person_id"],
            "person_key": raw["person_key"],
            "id_index": blank_to_null("id_index"),
            "id_status": raw["id_status"],
            "name": name,
            "name_pinyin": pinyin,
            "sex": blank_to_null("sex"),
            "birth_date": pc.cast(blank_to_null("birth_date"), pa.date32()),
            "region_code": region,
            "county_code": pc.utf8_slice_codeunits(region, 0, 6),
        },
        schema=SCHEMA,
    )


def export_snapshot(path: Path | None = None) -> SnapshotInfo:
    """Write the snapshot atomically and return where, how many persons and how long it took."""
    started = time.perf_counter()
    path = Path(path) if path else store.snapshot_path()
    table = read_persons()
    with store.atomic_path(path) as tmp:
        pq.write_table(table, tmp, row_group_size=500_000)
    return SnapshotInfo(path, table.num_rows, time.perf_counter() - started)

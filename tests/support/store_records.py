"""Build batch records in the store format (STORE-CONTRACT) from plain values.

For tests, examples and small fixtures: the same columns, normalisation and blind indexes that intake
writes (``records.parquet``), computed row by row. The benchmark generator builds the same columns
vectorised (``tests.support.synthetic``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from doudi.core import crypto, idnumber, store
from doudi.core.names import name_pinyin, normalize_name

RECORD_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("line", pa.int32()),
        ("id_index", pa.string()),
        ("id_status", pa.string()),
        ("id_repair_indexes", pa.list_(pa.string())),
        ("id_birth_date", pa.date32()),
        ("name", pa.string()),
        ("name_pinyin", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("region_code", pa.string()),
        ("county_code", pa.string()),
        ("extra", pa.string()),
    ]
)


def identity_columns(raw: str | None, *, key: bytes | None = None) -> dict[str, Any]:
    """id_index, id_status, id_repair_indexes and id_birth_date of a number as recorded."""
    check = idnumber.validate(raw)
    if check.problem == idnumber.IdProblem.EMPTY:
        return {"id_index": None, "id_status": "missing", "id_repair_indexes": [], "id_birth_date": None}
    status = ("upgraded15" if check.upgraded_from_15 else "valid") if check.valid else "invalid"
    repairs = []
    if not check.valid and len(check.normalized) == 18:
        repairs = [crypto.blind_index(c, key=key) for c in idnumber.repair_candidates(check.normalized)]
    return {
        "id_index": crypto.blind_index(check.normalized, key=key),
        "id_status": status,
        "id_repair_indexes": repairs,
        "id_birth_date": check.birth_date,
    }


def _region(raw: str | None) -> str | None:
    text = (raw or "").strip()
    if len(text) == 6 and text.isdigit():
        return text + "000000"
    return text if len(text) == 12 and text.isdigit() else None


def record(
    record_id: str,
    *,
    id_number: str | None = None,
    name: str,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    region_code: str | None = None,
    line: int | None = None,
) -> dict[str, Any]:
    """One record row in the contract's columns (``line`` is filled by ``records_table`` if None)."""
    ident = identity_columns(id_number)
    region = _region(region_code)
    number = idnumber.normalize(id_number)
    county = region[:6] if region else (number[:6] if len(number) >= 6 and number[:6].isdigit() else None)
    clean = normalize_name(name)
    return {
        "record_id": record_id,
        "line": line,
        **ident,
        "name": clean,
        "name_pinyin": name_pinyin(clean),
        "sex": sex or None,
        "birth_date": birth_date or ident["id_birth_date"],
        "region_code": region,
        "county_code": county,
        "extra": "{}",
    }


def records_table(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    records = [dict(r) for r in rows]
    for i, r in enumerate(records):
        if r.get("line") is None:
            r["line"] = i + 2  # the header is line 1
    return pa.Table.from_pylist(records, schema=RECORD_SCHEMA)


def write_batch(batch_id: int, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write ``store/batches/<id>/records.parquet`` atomically (as intake does)."""
    path = store.records_path(batch_id)
    table = records_table(rows)
    with store.atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path


def person(
    person_id: int,
    *,
    id_number: str | None = None,
    name: str,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    region_code: str,
    person_key: str | None = None,
) -> dict[str, Any]:
    """One registry person in the snapshot's columns (as ``snapshot.read_persons`` would give)."""
    ident = identity_columns(id_number)
    clean = normalize_name(name)
    region = _region(region_code)
    return {
        "person_id": person_id,
        "person_key": person_key or f"P{person_id:06d}",
        "id_index": ident["id_index"],
        "id_status": ident["id_status"],
        "name": clean,
        "name_pinyin": name_pinyin(clean),
        "sex": sex or None,
        "birth_date": birth_date or ident["id_birth_date"],
        "region_code": region,
        "county_code": region[:6] if region else None,
    }


def persons_table(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    from doudi.matching.snapshot import SCHEMA

    return pa.Table.from_pylist([dict(r) for r in rows], schema=SCHEMA)


def write_snapshot(rows: Iterable[Mapping[str, Any]], path: Path | None = None) -> Path:
    """Write a registry snapshot file directly (tests of the stages without a database)."""
    path = Path(path) if path else store.snapshot_path()
    table = persons_table(rows)
    with store.atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path

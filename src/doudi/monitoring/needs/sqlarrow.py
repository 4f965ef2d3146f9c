"""Raw SQL of the needs pass straight into Arrow, and the JSON values the pass reads extracted by the
database (``json_extract`` on SQLite, ``jsonb`` operators on PostgreSQL) with Python's semantics of the
old per-fact code: a flag is true for JSON ``true``, ``1`` or ``"true"``; a text only when the value is a
JSON string; a number truncated to an integer (booleans count 1 / 0, a numeric text is left to Python).

``read`` runs literals-only SQL (dates and ids the pass writes itself): ``COPY … TO STDOUT`` (CSV) read
by Arrow on PostgreSQL, the cursor in blocks on SQLite. Dates travel as ISO text and are parsed by Arrow;
booleans travel as 0 / 1."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection

BLOCK = 100_000


def pg() -> bool:
    return connection.vendor == "postgresql"


def lit(day: dt.date) -> str:
    return "'" + day.isoformat() + "'"


def ids(values: Iterable[int]) -> str:
    """An ``IN`` list of integers (``(NULL)`` when empty: matches nothing)."""
    text = ", ".join(str(int(v)) for v in values)
    return f"({text or 'NULL'})"


def holds(day: dt.date, start: str = "valid_from", end: str = "valid_to") -> str:
    d = lit(day)
    return f"{start} <= {d} AND ({end} IS NULL OR {end} > {d})"


def json_flag(col: str, key: str) -> str:
    """0 / 1: the key of the JSON object holds true, 1 or "true"."""
    if pg():
        cond = f"({col} -> '{key}') IN ('true'::jsonb, '1'::jsonb, '\"true\"'::jsonb)"
    else:
        cond = f"json_extract({col}, '$.{key}') IN (1, 'true')"
    return f"CASE WHEN {cond} THEN 1 ELSE 0 END"


def json_text(col: str, key: str) -> str:
    """The key's value when it is a JSON string, else NULL."""
    if pg():
        return f"CASE WHEN jsonb_typeof({col} -> '{key}') = 'string' THEN {col} ->> '{key}' END"
    return f"CASE WHEN json_type({col}, '$.{key}') = 'text' THEN json_extract({col}, '$.{key}') END"


def json_int(col: str, key: str) -> str:
    """The key's number truncated to an integer (true 1, false 0), else NULL (see ``json_text``)."""
    if pg():
        return (
            f"CASE jsonb_typeof({col} -> '{key}') WHEN 'number' THEN trunc(({col} ->> '{key}')::numeric)::bigint"
            f" WHEN 'boolean' THEN CASE WHEN {col} -> '{key}' = 'true'::jsonb THEN 1 ELSE 0 END END"
        )
    return (
        f"CASE WHEN json_type({col}, '$.{key}') IN ('integer', 'real', 'true', 'false')"
        f" THEN CAST(json_extract({col}, '$.{key}') AS INTEGER) END"
    )


def read(sql: str, schema: pa.Schema) -> pa.Table:
    """The rows of ``sql`` as a table of ``schema`` (bool columns read from 0 / 1, dates from ISO text)."""
    raw = pa.schema(
        [
            pa.field(
                f.name,
                pa.string()
                if pa.types.is_date(f.type)
                else pa.int64()
                if pa.types.is_boolean(f.type) or pa.types.is_integer(f.type)
                else f.type,
            )
            for f in schema
        ]
    )
    if pg():
        with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as cp,
            ):
                for block in cp:
                    tmp.write(block)
            tmp.flush()
            if tmp.tell() == 0:
                return schema.empty_table()
            table = pacsv.read_csv(
                tmp.name,
                read_options=pacsv.ReadOptions(column_names=raw.names, block_size=1 << 24),
                convert_options=pacsv.ConvertOptions(
                    column_types=raw, strings_can_be_null=True, quoted_strings_can_be_null=False
                ),
            )
    else:
        batches = []
        with connection.cursor() as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(BLOCK):
                cols = zip(*rows, strict=True)
                batches.append(
                    pa.record_batch([pa.array(c, f.type) for c, f in zip(cols, raw, strict=True)], schema=raw)
                )
        table = pa.Table.from_batches(batches, schema=raw)
    return table.cast(schema)

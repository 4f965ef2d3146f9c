"""The set-based writes of the needs pass (R-P1): the new pushes inserted in bulk (``COPY`` on PostgreSQL,
``executemany`` on SQLite) and their chain events written by one ``INSERT … SELECT`` from the pushes
just inserted (summary and data built by the database) — no model instance per row. Called inside the
pass's transaction by ``push_actions.reconcile``."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from django.db import connection

from doudi.accounts.models import Department
from doudi.core.workdays import add_working_days
from doudi.monitoring.models import ChainEvent, NeedPush
from doudi.monitoring.needs import sqlarrow as Q_
from doudi.policy.rules import entitlements as E

BLOCK = 50_000
PUSH_COLUMNS = [
    "household_id",
    "person_id",
    "region_code",
    "department",
    "need",
    "detail",
    "source",
    "due_on",
]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _defaults(model, columns: list[str], now: dt.datetime) -> tuple[list[str], tuple]:
    """The other columns of ``model`` with their defaults (``auto_now*`` → ``now``), prepared once."""
    names, values = [], []
    for f in model._meta.concrete_fields:
        if f.column in columns or f.primary_key:
            continue
        value = now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        names.append(f.column)
        values.append(f.get_db_prep_save(value, connection))
    return names, tuple(values)


def insert_rows(model, columns: list[str], rows: list[tuple], now: dt.datetime) -> None:
    """Insert ``rows`` (values of ``columns``, already prepared for the database) in bulk."""
    extra, tail = _defaults(model, columns, now)
    cols = ", ".join(_q(c) for c in columns + extra)
    table = _q(model._meta.db_table)
    with connection.cursor() as cur:
        if Q_.pg():
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r + tail)
        else:
            marks = ", ".join(["%s"] * (len(columns) + len(extra)))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
            for i in range(0, len(rows), BLOCK):
                cur.executemany(sql, [r + tail for r in rows[i : i + BLOCK]])


def _dept_case(col: str) -> str:
    whens = " ".join(f"WHEN '{d.value}' THEN '{d.label}'" for d in Department)
    return f"CASE {col} {whens} ELSE {col} END"


def push_new(new: pa.Table, *, as_of: dt.date, now: dt.datetime, actor_id: int | None) -> int:
    """Insert the pushes of ``new`` (due needs: household_id, person_id, region_code, department, need,
    deadline_wd) with their answer deadlines, and one chain event each; the number pushed."""
    if new.num_rows == 0:
        return 0
    deadlines = {wd: add_working_days(as_of, wd) for wd in set(new["deadline_wd"].to_pylist())}
    labels = {code: E.BY_CODE[code].label for code in set(new["need"].to_pylist())}
    prep_date = connection.ops.adapt_datefield_value
    due = {wd: prep_date(d) for wd, d in deadlines.items()}
    rows = [
        (hid, pid, region, dept, need, labels[need], NeedPush.Source.RULE.value, due[wd])
        for hid, pid, region, dept, need, wd in zip(
            *(new[c].to_pylist() for c in ("household_id", "person_id", "region_code", "department", "need",
                                           "deadline_wd")),
            strict=True,
        )
    ]  # fmt: skip
    push_table, chain_table = _q(NeedPush._meta.db_table), _q(ChainEvent._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {push_table}")
        floor = cur.fetchone()[0]
    insert_rows(NeedPush, PUSH_COLUMNS, rows, now)
    at = connection.ops.adapt_datetimefield_value(now)
    due_text = "CAST(p.due_on AS TEXT)"
    if Q_.pg():
        data = (
            "jsonb_build_object('push', p.id, 'person', p.person_id, 'need', p.need, 'department', p.department,"
            f" 'due_on', {due_text}, 'source', 'rule')"
        )
    else:
        data = (
            "json_object('push', p.id, 'person', p.person_id, 'need', p.need, 'department', p.department,"
            f" 'due_on', {due_text}, 'source', 'rule')"
        )
    summary = f"'按政策推送至' || {_dept_case('p.department')} || '部门：' || p.detail || '，请于 ' || {due_text} || ' 前答复'"
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {chain_table} (region_code, household_id, at, kind, ref_type, ref_id, summary, data,"
            f" actor_id) SELECT p.region_code, p.household_id, %s, %s, %s, p.id, {summary}, {data}, %s"
            f" FROM {push_table} p WHERE p.id > %s AND p.source = %s AND p.ended_on IS NULL AND p.created_at = %s"
            " ORDER BY p.id",
            [at, ChainEvent.Kind.NEED_PUSH.value, "monitoring.needpush", actor_id, floor,
             NeedPush.Source.RULE.value, at],
        )  # fmt: skip
    return len(rows)

"""Bulk writes of the roster import (``registry.roster``): ``COPY`` on PostgreSQL, ``executemany``
elsewhere, from a writer thread on the importing connection and transaction, so that the next chunk is
checked and encrypted while this one is written. Part of the roster import action."""

from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection

from doudi.registry.models import Person

BACKGROUND_WRITES = True  # inserts run in a writer thread while the next chunk is checked and encrypted


def chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class BulkSql:
    """Bulk inserts and updates, one small code path per database: ``COPY`` on PostgreSQL,
    ``executemany`` elsewhere. Columns not given take the model's default (``auto_now`` → now)."""

    def __init__(self, now: dt.datetime, timings: defaultdict[str, float]):
        self.timings = timings
        self.pg = connection.vendor == "postgresql"
        self.now = now
        self.now_db = Person._meta.get_field("updated_at").get_db_prep_save(now, connection)
        self._next: dict[str, int] = {}
        self._specs: dict = {}
        self._jobs: queue.Queue = queue.Queue(maxsize=8)
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None

    # The writer thread runs inserts on the same connection (same transaction) while the main thread
    # checks and encrypts the next chunk: SQLite and the PostgreSQL server work without the GIL.
    # Every other database access drains it first, so the connection is never used by both at once.

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            cpu = time.thread_time()
            try:
                if self._error is None:
                    job()
            except BaseException as exc:  # handed to the main thread by drain()
                self._error = exc
            finally:
                self.timings["writer thread cpu"] += time.thread_time() - cpu
                self._jobs.task_done()
        self._jobs.task_done()

    def drain(self) -> None:
        if self._writer is not None:
            self._jobs.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def close(self) -> None:
        if self._writer is not None:
            self._jobs.put(None)
            self._writer.join()
            self._writer = None
        self.drain()

    def _submit(self, job) -> None:
        if not BACKGROUND_WRITES:
            return job()
        if self._writer is None:
            self._writer = threading.Thread(target=self._work, name="roster-writer", daemon=True)
            self._writer.start()
        self._jobs.put(job)

    def next_ids(self, model, n: int) -> list[int] | range:
        table = model._meta.db_table
        if not self.pg and table in self._next:
            start = self._next[table]
            self._next[table] = start + n
            return range(start, start + n)
        self.drain()
        with connection.cursor() as cur:
            if self.pg:
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
                )
                return [row[0] for row in cur.fetchall()]
            if table not in self._next:  # SQLite: the IMMEDIATE transaction holds the write lock
                cur.execute(f'SELECT max(id) FROM "{table}"')
                top = cur.fetchone()[0] or 0
                cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                seq = cur.fetchone()
                self._next[table] = max(top, seq[0] if seq else 0) + 1
        start = self._next[table]
        self._next[table] = start + n
        return range(start, start + n)

    def select(self, model, columns: tuple[str, ...], keys: list[str]) -> Iterator[tuple]:
        """Rows of ``columns`` whose first column is one of ``keys`` (plain values, no conversion)."""
        table, cols = model._meta.db_table, ", ".join(f'"{c}"' for c in columns)
        key = columns[0]
        self.drain()
        size = 10_000 if self.pg else min(connection.features.max_query_params or 10_000, 10_000) - 1
        with connection.cursor() as cur:
            for chunk in chunks(keys, size):
                if self.pg:  # a join keeps the index plan for any chunk size (= ANY turns to a scan)
                    sel = ", ".join(f't."{c}"' for c in columns)
                    sql = f'SELECT {sel} FROM unnest(%s::text[]) k(v) JOIN "{table}" t ON t."{key}" = k.v'
                    cur.execute(sql, [chunk])
                else:
                    marks = ", ".join(["%s"] * len(chunk))
                    cur.execute(f'SELECT {cols} FROM "{table}" WHERE "{key}" IN ({marks})', chunk)
                yield from cur.fetchall()

    def _spec(self, model, fields: tuple[str, ...]):
        key = (model, fields)
        if key not in self._specs:
            self.drain()  # preparing values may ask the connection (first use only)
            meta = model._meta
            cols = [meta.get_field(f).column for f in fields]
            consts = []
            for f in meta.concrete_fields:
                if f.column in cols or f.primary_key:
                    continue
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    value = self.now
                elif f.has_default():
                    value = f.get_default()
                elif f.null:
                    value = None
                else:
                    raise RuntimeError(f"roster import: no value for {meta.db_table}.{f.column}")
                cols.append(f.column)
                consts.append(f.get_db_prep_save(value, connection))
            self._specs[key] = (meta.db_table, ", ".join(f'"{c}"' for c in cols), len(cols), tuple(consts))
        return self._specs[key]

    def insert(self, model, fields: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        table, cols, n, consts = self._spec(model, fields)
        raw = connection.connection  # the DB-API connection of this transaction

        def job():
            clock = time.perf_counter()
            cur = raw.cursor()
            try:
                if self.pg:
                    with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as cp:
                        for row in rows:
                            cp.write_row(row + consts)
                else:
                    marks = ", ".join(["?"] * n)
                    data = (row + consts for row in rows) if consts else rows
                    cur.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', data)
            finally:
                cur.close()
            self.timings[f"insert {table}"] += time.perf_counter() - clock

        self._submit(job)

    def update(self, model, fields: tuple[str, ...], rows: list[tuple]) -> None:
        """``rows`` are ``(id, *values)`` in the order of ``fields``."""
        if not rows:
            return
        self.drain()
        meta = model._meta
        table, cols = meta.db_table, [meta.get_field(f).column for f in fields]
        with connection.cursor() as cur:
            if self.pg:
                names = ", ".join(f'"{c}"' for c in cols)
                cur.execute(
                    f'CREATE TEMP TABLE "_roster_upd" AS SELECT "id", {names} FROM "{table}" WITH NO DATA'
                )
                with cur.copy(f'COPY "_roster_upd" ("id", {names}) FROM STDIN') as cp:
                    for row in rows:
                        cp.write_row(row)
                sets = ", ".join(f'"{c}" = u."{c}"' for c in cols)
                cur.execute(f'UPDATE "{table}" t SET {sets} FROM "_roster_upd" u WHERE t."id" = u."id"')
                cur.execute('DROP TABLE "_roster_upd"')
            else:
                sets = ", ".join(f'"{c}" = %s' for c in cols)
                cur.executemany(f'UPDATE "{table}" SET {sets} WHERE "id" = %s', [r[1:] + r[:1] for r in rows])

    def close_rows(self, model, field_name: str, pairs: list[tuple[int, dt.date]]) -> None:
        """Set the end date of open rows: ``pairs`` are ``(row id, end date)``."""
        self.drain()
        by_date = defaultdict(list)
        for row_id, end in pairs:
            by_date[end].append(row_id)
        for end, ids in by_date.items():
            for chunk in chunks(ids, 5000):
                model.unscoped.filter(id__in=chunk).update(**{field_name: end})

"""The department records of an application's members, read from the store for the verification
(核对, CASEWORK R-W20): ``find_records(person_ids, as_of)``.

Which rows: every record linked to one of the persons in a linked batch of a dataset that feeds a
verification item (``verify_rules.ITEMS``/``AUXILIARY``) whose as-of date is on or before ``as_of``
(a batch without an as-of date is left out: it cannot be placed in time). In event datasets
(``verify_rules.EVENT_DATASETS``: deaths, registration changes, marriages) every such row counts; in
the others — registers (vehicles, real estate, businesses) and monthly lists (social insurance,
payroll) — a batch is the department's state on its date, so per person, dataset and providing
department only the rows of the latest batch holding the person are returned (the latest month, the
present holdings), and an older batch's rows about that person are superseded.

How it stays fast (an application's ~5 persons against tens of millions of linked records): each
linked batch has a per-person index (``linked_store``: its linked records sorted by ``person_id`` in
small row groups), so DuckDB reads only the row groups whose ``person_id`` range holds one of the
persons. A batch whose index is missing or stale is read from its links file (filtered by person)
joined to its records file: correct, only slower.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from doudi import linked_store
from doudi.accounts.models import Department
from doudi.casework.verify_rules import EVENT_DATASETS, FoundRecord, dataset_items
from doudi.core import store
from doudi.datasets import DATASETS

QUERY_THREADS = 2  # a request's read, not a batch job: leave the other cores to the web workers
QUERY_MEMORY = "1GB"


def _department(batch: linked_store.StoredBatch) -> str:
    labels = dict(Department.choices)
    if batch.provider in labels:
        return str(labels[batch.provider])
    return DATASETS[batch.dataset].provider_labels


def _in_list(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _read(con, dataset: str, indexed: list, rest: list, ids: Sequence[int]) -> list[dict]:
    """The rows about ``ids`` of the dataset's batches: from the per-person indexes at once, and from
    records + links for the batches without a current index."""
    own = [name for name, _ in linked_store.dataset_columns(dataset)]
    wanted = _in_list(ids)
    out = []
    if indexed:
        files = ", ".join(store.sql_path(b.person_index) for b in indexed)
        out += _rows(
            con,
            f"""SELECT person_id, record_id, batch_id{"".join(", " + c for c in own)}
                FROM read_parquet([{files}]) WHERE person_id IN ({wanted})""",
        )
    casts = "".join(
        f", CAST(r.{name} AS {kind}) AS {name}" for name, kind in linked_store.dataset_columns(dataset)
    )
    for b in rest:
        out += _rows(
            con,
            f"""SELECT l.person_id, r.record_id, CAST({int(b.batch_id)} AS BIGINT) AS batch_id{casts}
                FROM read_parquet({store.sql_path(b.records)}) r
                JOIN (SELECT record_id, person_id FROM read_parquet({store.sql_path(b.links)})
                      WHERE person_id IN ({wanted})) l USING (record_id)""",
        )
    return out


def find_records(
    person_ids: Iterable[int], as_of: dt.date, *, datasets: Iterable[str] | None = None, con=None
) -> list[FoundRecord]:
    """The linked department records of the persons as of ``as_of`` (see the module's docstring for
    which rows), ordered by person, dataset, batch as-of date and record. ``datasets``: only these
    (default: every dataset a verification item reads)."""
    ids = sorted({int(p) for p in person_ids})
    wanted = set(datasets) if datasets is not None else set(dataset_items())
    batches = [
        b
        for b in linked_store.linked_batches()
        if b.dataset in wanted and b.as_of is not None and b.as_of <= as_of
    ]
    if not ids or not batches:
        return []
    by_id = {b.batch_id: b for b in batches}
    by_dataset: dict[str, list[linked_store.StoredBatch]] = {}
    for b in batches:
        by_dataset.setdefault(b.dataset, []).append(b)
    own_con = con is None
    con = con or store.duckdb_connection(memory_limit=QUERY_MEMORY, threads=QUERY_THREADS)
    try:
        found = []
        for dataset, group in sorted(by_dataset.items()):
            indexed, rest = linked_store.split_indexed(group)
            for row in _read(con, dataset, indexed, rest, ids):
                batch = by_id[int(row.pop("batch_id"))]
                found.append(
                    FoundRecord(
                        person_id=int(row.pop("person_id")),
                        dataset=dataset,
                        batch_id=batch.batch_id,
                        as_of=batch.as_of,
                        department=_department(batch),
                        record_id=str(row.pop("record_id")),
                        fields=row,
                    )
                )
    finally:
        if own_con:
            con.close()
    return latest_only(found)


def latest_only(found: Sequence[FoundRecord]) -> list[FoundRecord]:
    """Event datasets: every record; the others: per person, dataset and department, the records of
    the latest batch (as-of date, then batch id) holding the person."""
    latest: dict[tuple, tuple] = {}
    for r in found:
        if r.dataset not in EVENT_DATASETS:
            key = (r.person_id, r.dataset, r.department)
            latest[key] = max(latest.get(key, (dt.date.min, -1)), (r.as_of or dt.date.min, r.batch_id))
    kept = [
        r
        for r in found
        if r.dataset in EVENT_DATASETS
        or latest[(r.person_id, r.dataset, r.department)] == (r.as_of or dt.date.min, r.batch_id)
    ]
    return sorted(
        kept, key=lambda r: (r.person_id, r.dataset, r.as_of or dt.date.min, r.batch_id, r.record_id)
    )

"""The linked batches of the store as their readers see them (the floor of the dataset catalog, below
the pipeline stages and casework): which batches are linked, their dataset, as-of date and providing
department, the DuckDB types of a dataset's columns, and the per-person index of a linked batch.

The per-person index (``store/batches/<id>/by_person.parquet``) holds the batch's records that are
linked to a registry person — ``person_id``, ``record_id``, ``batch_id`` and the dataset's own
columns — sorted by ``person_id`` in small row groups. A reader looking for a few persons then reads
only the row groups whose ``person_id`` range holds them (Parquet statistics), instead of every links
and records file of the store. It is derived from ``records.parquet`` and ``links.parquet`` and
stamped with their sizes and modification times; a stamp that no longer fits (the batch was relinked)
marks it stale, and readers fall back to the two files. Linkage builds it after writing the links
(``build_person_indexes``, called by ``pipeline.steps.link``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from doudi.core import store
from doudi.datasets import DATASETS

INDEX_FILE = "by_person.parquet"
INDEX_ROW_GROUP = 8_192  # small groups: a person's rows sit in one or two of them
_DUCK = {"int": "INTEGER", "date": "DATE", "bool": "BOOLEAN"}


def duck_type(column) -> str:
    if column.type == "decimal":
        return f"DECIMAL(18, {column.scale})"
    return _DUCK.get(column.type, "VARCHAR")


def dataset_columns(dataset: str) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a dataset's own columns."""
    return [(c.key, duck_type(c)) for c in DATASETS[dataset].columns]


# ------------------------------------------------------------------------------------------- batches


@dataclass(frozen=True)
class StoredBatch:
    batch_id: int
    dataset: str
    as_of: dt.date | None
    provider: str = ""  # the providing department (``accounts.Department`` value), when the catalog knows it

    @property
    def records(self) -> Path:
        return store.records_path(self.batch_id)

    @property
    def links(self) -> Path:
        return store.links_path(self.batch_id)

    @property
    def person_index(self) -> Path:
        return person_index_path(self.batch_id)


def _file_meta(path: Path) -> tuple[str | None, dt.date | None]:
    meta = pq.read_schema(path).metadata or {}
    dataset = meta.get(b"doudi.dataset")
    as_of = meta.get(b"doudi.as_of")
    return (
        dataset.decode() if dataset else None,
        dt.date.fromisoformat(as_of.decode()) if as_of else None,
    )


def linked_batches(batch_ids: Iterable[int] | None = None) -> list[StoredBatch]:
    """Batches that have both records and links in the store (all of them, or the given ones), with
    their dataset and as-of date from the store's batch catalog (else from the records file's metadata)."""
    ids = sorted(set(batch_ids)) if batch_ids is not None else store.stored_batch_ids()
    ids = [b for b in ids if store.records_path(b).is_file() and store.links_path(b).is_file()]
    infos = store.batch_infos(ids)
    out = []
    for b in ids:
        info = infos.get(b)
        dataset, as_of = (info.dataset, info.as_of) if info else (None, None)
        if dataset is None or as_of is None:
            file_dataset, file_as_of = _file_meta(store.records_path(b))
            dataset, as_of = dataset or file_dataset, as_of or file_as_of
        if dataset is not None and dataset in DATASETS:
            out.append(StoredBatch(b, dataset, as_of, info.provider if info else ""))
    return out


# ------------------------------------------------------------------------------- per-person index


def person_index_path(batch_id: int | str) -> Path:
    return store.batch_dir(batch_id) / INDEX_FILE


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _stamps(batch: StoredBatch) -> dict[str, str]:
    return {"doudi.records_stamp": _stamp(batch.records), "doudi.links_stamp": _stamp(batch.links)}


def person_index_current(batch: StoredBatch) -> bool:
    """The batch's per-person index exists and was built from its present records and links."""
    path = batch.person_index
    if not path.is_file():
        return False
    try:
        meta = {k.decode(): v.decode() for k, v in (pq.read_schema(path).metadata or {}).items()}
        return all(meta.get(k) == v for k, v in _stamps(batch).items())
    except (OSError, ValueError):  # unreadable or vanished meanwhile: the files answer instead
        return False


def build_person_index(batch: StoredBatch, con=None) -> int:
    """Write the batch's per-person index atomically; returns its number of rows."""
    stamps = _stamps(batch)  # before reading: a relink meanwhile leaves the index stale, never wrong
    own = "".join(f", CAST(r.{name} AS {kind}) AS {name}" for name, kind in dataset_columns(batch.dataset))
    meta = ", ".join(
        f"{store.sql_path(k)}: {store.sql_path(v)}"
        for k, v in {**stamps, "doudi.dataset": batch.dataset, "doudi.as_of": str(batch.as_of or "")}.items()
    )
    own_con = con is None
    con = con or store.duckdb_connection()
    try:
        with store.atomic_path(batch.person_index) as tmp:
            con.execute(
                f"""COPY (
                      SELECT l.person_id, r.record_id, CAST({int(batch.batch_id)} AS BIGINT) AS batch_id{own}
                      FROM read_parquet({store.sql_path(batch.records)}) r
                      JOIN (SELECT record_id, person_id FROM read_parquet({store.sql_path(batch.links)})
                            WHERE person_id IS NOT NULL) l USING (record_id)
                      ORDER BY l.person_id, r.record_id
                    ) TO {store.sql_path(tmp)}
                    (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {INDEX_ROW_GROUP}, KV_METADATA {{{meta}}})"""
            )
        rows = pq.read_metadata(batch.person_index).num_rows
    finally:
        if own_con:
            con.close()
    return rows


def build_person_indexes(batch_ids: Iterable[int], con=None) -> dict[int, int]:
    """The per-person index of each of the given linked batches (rows by batch id); batches without
    records or links are skipped."""
    out = {}
    for b in linked_batches(batch_ids):
        out[b.batch_id] = build_person_index(b, con)
    return out


def split_indexed(batches: Sequence[StoredBatch]) -> tuple[list[StoredBatch], list[StoredBatch]]:
    """(batches with a current per-person index, batches to read from their records and links)."""
    indexed: list[StoredBatch] = []
    rest: list[StoredBatch] = []
    for b in batches:
        (indexed if person_index_current(b) else rest).append(b)
    return indexed, rest

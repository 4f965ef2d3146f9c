"""Linkage reports per batch and per county, region-scoped (R-M11), and their Excel export.

Computed with DuckDB from the store (``records.parquet`` + ``links.parquet``); only counts, no personal
data. A row belongs to the region of its record: the township code when the record has one, else its
county. A user sees the rows within the prefix of their region; records whose region is unknown only
count at province level.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from doudi import datasets
from doudi.accounts.models import Department
from doudi.core import store
from doudi.core.cells import append_row

COUNT_COLUMNS = (
    "records",
    "exact",
    "upgraded15",
    "repaired",
    "demographic",
    "probabilistic",
    "none",
    "invalid",
    "missing",
    "dup_records",
)
COLUMN_ZH = {
    "county": "县（市、区）",
    "records": "记录数",
    **{m: store.METHOD_ZH[m] for m in store.METHODS if m != "none"},
    "none": "未匹配",
    "invalid": "身份证号无效",
    "missing": "身份证号缺失",
    "dup_records": "批次内重复身份证号的记录",
}
UNKNOWN_COUNTY = "（区划不明）"


@dataclass
class BatchReport:
    batch_id: int
    prefix: str
    linked: bool
    total: dict[str, int] = field(default_factory=dict)
    counties: list[dict] = field(default_factory=list)
    dup_numbers: int = 0

    @property
    def matched(self) -> int:
        return self.total.get("records", 0) - self.total.get("none", 0)

    @property
    def match_rate(self) -> float | None:
        n = self.total.get("records", 0)
        return self.matched / n if n and self.linked else None

    @property
    def match_percent(self) -> str:
        rate = self.match_rate
        return "" if rate is None else f"{rate * 100:.1f}%"


def _province_wide(prefix: str) -> bool:
    return len(prefix) <= 2


def batch_report(batch_id: int, prefix: str) -> BatchReport:
    """Counts for one batch within a region prefix ("" or "22": the whole province)."""
    import duckdb

    if prefix and not prefix.isdigit():
        raise ValueError("region prefix must be digits")
    records = store.records_path(batch_id)
    links = store.links_path(batch_id)
    linked = links.is_file()
    method = "l.method" if linked else "NULL"
    join = f"LEFT JOIN read_parquet({store.sql_path(links)}) l USING (record_id)" if linked else ""
    where = "" if _province_wide(prefix) else "WHERE area LIKE ? || '%'"
    params = [] if _province_wide(prefix) else [prefix]
    con = duckdb.connect()
    try:
        con.execute("SET threads = 2")
        con.execute("SET enable_progress_bar = false")
        rows = con.execute(
            f"""
            WITH r AS (
                SELECT record_id, id_index, id_status, county_code,
                       coalesce(region_code, county_code || '000000') AS area
                FROM read_parquet({store.sql_path(records)})
            ),
            d AS (SELECT id_index FROM r WHERE id_index IS NOT NULL GROUP BY id_index HAVING count(*) > 1),
            s AS (
                SELECT r.*, {method} AS method, d.id_index IS NOT NULL AS dup
                FROM r {join} LEFT JOIN d USING (id_index)
                {where}
            )
            SELECT coalesce(county_code, '') AS county, count(*) AS records,
                   count(*) FILTER (WHERE method = 'exact'),
                   count(*) FILTER (WHERE method = 'upgraded15'),
                   count(*) FILTER (WHERE method = 'repaired'),
                   count(*) FILTER (WHERE method = 'demographic'),
                   count(*) FILTER (WHERE method = 'probabilistic'),
                   count(*) FILTER (WHERE method = 'none'),
                   count(*) FILTER (WHERE id_status = 'invalid'),
                   count(*) FILTER (WHERE id_status = 'missing'),
                   count(*) FILTER (WHERE dup)
            FROM s GROUP BY ALL ORDER BY county
            """,
            params,
        ).fetchall()
        dup_numbers = con.execute(
            f"""
            WITH r AS (SELECT id_index, coalesce(region_code, county_code || '000000') AS area
                       FROM read_parquet({store.sql_path(records)}) WHERE id_index IS NOT NULL)
            SELECT count(*) FROM (
                SELECT id_index FROM r GROUP BY id_index
                HAVING count(*) > 1 {"" if _province_wide(prefix) else "AND bool_or(area LIKE ? || '%')"}
            )
            """,
            params,
        ).fetchall()[0][0]
    finally:
        con.close()
    counties = []
    for row in rows:
        counties.append({"county": row[0], **dict(zip(COUNT_COLUMNS, row[1:11], strict=True))})
    total = {c: sum(r[c] for r in counties) for c in COUNT_COLUMNS}
    _name_counties(counties)
    return BatchReport(batch_id, prefix, linked, total, counties, int(dup_numbers))


def _name_counties(counties: list[dict]) -> None:
    from doudi.regions.queries import names_for

    names = names_for({c["county"] + "000000" for c in counties if c["county"]})
    for c in counties:
        c["county_name"] = names.get(c["county"] + "000000", c["county"]) if c["county"] else UNKNOWN_COUNTY


def describe(batch_id: int) -> dict[str, Any]:
    """Display metadata of a batch (dataset, provider, as-of date) from the store's batch catalog;
    empty when the catalog does not know the batch (a store-only batch)."""
    info: dict[str, Any] = dict.fromkeys(("dataset", "provider", "as_of", "dataset_label", "provider_label"))
    info["id"] = batch_id
    known = store.batch_infos([batch_id]).get(batch_id)
    if known is None:
        return info
    ds = datasets.get(known.dataset)
    info.update(
        dataset=known.dataset,
        provider=known.provider,
        as_of=known.as_of,
        dataset_label=ds.label if ds else known.dataset,
        provider_label=dict(Department.choices).get(known.provider, known.provider),
    )
    return info


def stored_batches() -> list[dict]:
    """Stored batches (newest first) with their metadata when the batch catalog knows them. Batch
    metadata is not personal data; the counts inside are scoped by ``batch_report``."""
    out = []
    for b in reversed(store.stored_batch_ids()):
        info = describe(b)
        info["linked"] = store.links_path(b).is_file()
        out.append(info)
    return out


def to_excel(report: BatchReport, title: str = "") -> bytes:
    """The report as an .xlsx workbook: one row per county and a total row."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("比对结果")
    if title:
        append_row(ws, [title])
    header = ["county", *COUNT_COLUMNS]
    append_row(ws, [COLUMN_ZH[c] for c in header])
    for c in report.counties:
        append_row(ws, [c["county_name"], *(c[k] for k in COUNT_COLUMNS)])
    append_row(ws, ["合计", *(report.total.get(k, 0) for k in COUNT_COLUMNS)])
    append_row(ws, [])
    append_row(ws, ["批次内重复出现的身份证号个数", report.dup_numbers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

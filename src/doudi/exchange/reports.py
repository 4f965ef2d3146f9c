"""The error report of a batch as an Excel file: one row per problem — line, column, value (identity
numbers masked, as stored), reason in Chinese."""

from __future__ import annotations

import io

import pyarrow.parquet as pq

from doudi.core.cells import append_row
from doudi.exchange import queries, store
from doudi.exchange.models import Batch

EXCEL_MAX_ROWS = 1_048_575  # one sheet, header included
HEADER = ["行号", "列", "内容", "原因"]


def rejected_xlsx(batch: Batch) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("被拒绝的行")
    append_row(ws, HEADER)
    path = store.rejected_path(batch.pk)
    written = 0
    if path.is_file():
        labels: dict[str, str] = {}
        for rb in pq.ParquetFile(path).iter_batches(batch_size=50_000):
            for r in rb.to_pylist():
                if written >= EXCEL_MAX_ROWS - 1:
                    break
                col = r["column"] or ""
                label = labels.get(col) or labels.setdefault(col, queries.column_label(batch, col))
                reason = r["reason"] + (f"：{r['detail']}" if r.get("detail") else "")
                append_row(ws, [r["line"], label, r["value"] or "", reason])
                written += 1
    if batch.error and not written:
        append_row(ws, [None, "", "", batch.error])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

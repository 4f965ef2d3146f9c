"""One-sheet Excel exports: a bold header row, every row made formula-safe (``cells.safe_row``), the
header frozen — the shape of every list a user exports."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from doudi.core.cells import safe_row


def sheet_bytes(title: str, head: list[str], rows: Iterable[Iterable[Any]]) -> tuple[bytes, int]:
    """The workbook's bytes and the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]  # Excel's limit on a sheet name
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 0
    for row in rows:
        ws.append(safe_row(row))
        n += 1
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), n

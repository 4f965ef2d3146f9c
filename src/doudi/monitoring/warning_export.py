"""The warnings CSV (``doudi warnings export``): one row per warning of the region scope, masked.

Columns, exactly: ``warning_id, indicator, level, status, household_key, person_key, id_number_masked,
region_code, raised_on, deadline``. ``household_key``/``person_key`` are the roster's keys (empty for a
potential case, R-M16); ``id_number_masked`` is the registry's masked number of the warning's person
(``220102********1234``) or the potential case's mask. No plain identity number is ever read.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from doudi.core.audit import record_audit
from doudi.core.cells import safe_row
from doudi.core.scoping import require_scope
from doudi.matching.store import atomic_path
from doudi.monitoring.models import Warning

COLUMNS = ("warning_id", "indicator", "level", "status", "household_key", "person_key", "id_number_masked",
           "region_code", "raised_on", "deadline")  # fmt: skip
CHUNK = 10_000


def rows():
    """The export rows of the current region scope (raises ``ScopeNotSet`` without one), by id."""
    qs = Warning.objects.order_by("id").values_list(
        "id", "indicator", "level", "status", "household__household_key", "person__person_key",
        "person__id_masked", "potential_case__id_masked", "region_code", "raised_on", "deadline",
    )  # fmt: skip
    for wid, ind, level, status, hkey, pkey, pmask, cmask, region, raised, deadline in qs.iterator(
        chunk_size=CHUNK
    ):
        yield (wid, ind, level, status, hkey or "", pkey or "", pmask or cmask or "", region,
               raised.isoformat(), deadline.isoformat())  # fmt: skip


def export_csv(out: Path | str, *, actor) -> int:
    """Write the CSV (UTF-8, header) atomically; the export is audited. Returns the number of rows."""
    scope = require_scope()
    out = Path(out)
    n = 0
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows():
            writer.writerow(safe_row(row))
            n += 1
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="monitoring.warnings_export",
            region_code=(scope.prefix or "22").ljust(12, "0"),
            subject_type="warnings",
            detail=f"导出预警 {n} 条（脱敏）",
        )
    return n

"""The warnings CSV (``doudi warnings export``): one row per warning of the region scope, masked.

A file people open in Excel (UTF-8 with BOM), so every column and value is in Chinese (issue: no raw
codes in what a user reads): 预警编号, 预警原因, 等级, 状态, 户编号, 人员编号, 身份证号（脱敏）, 区划代码,
区划名称, 发出日期, 核查时限. 户编号/人员编号 are the roster's keys (empty for a potential case, R-M16);
the number is the registry's mask of the warning's person (``220102********1234``) or the potential
case's mask. No plain identity number is ever read.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import safe_row
from doudi.core.scoping import require_scope
from doudi.core.store import atomic_path
from doudi.monitoring.models import EarlyWarning, Indicator, WarningLevel
from doudi.regions.queries import names_for

COLUMNS = ("预警编号", "预警原因", "等级", "状态", "户编号", "人员编号", "身份证号（脱敏）", "区划代码", "区划名称",
           "发出日期", "核查时限")  # fmt: skip
INDICATORS, LEVELS, STATUSES = (
    dict(Indicator.choices),
    dict(WarningLevel.choices),
    dict(EarlyWarning.Status.choices),
)
CHUNK = 10_000


def rows():
    """The export rows of the current region scope (raises ``ScopeNotSet`` without one), by id."""
    qs = EarlyWarning.objects.order_by("id").values_list(
        "id", "indicator", "level", "status", "household__household_key", "person__person_key",
        "person__id_masked", "potential_case__id_masked", "region_code", "raised_on", "deadline",
    )  # fmt: skip
    names = names_for(set(EarlyWarning.objects.values_list("region_code", flat=True).distinct()))
    for wid, ind, level, status, hkey, pkey, pmask, cmask, region, raised, deadline in qs.iterator(
        chunk_size=CHUNK
    ):
        yield (wid, INDICATORS.get(ind, ind), LEVELS.get(level, level), STATUSES.get(status, status), hkey or "",
               pkey or "", pmask or cmask or "", region, names.get(region, ""), raised.isoformat(),
               deadline.isoformat())  # fmt: skip


def export_csv(out: Path | str, *, actor) -> int:
    """Write the CSV (UTF-8, header) atomically; the export is audited. Returns the number of rows."""
    scope = require_scope()
    out = Path(out)
    n = 0
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows():
            writer.writerow(safe_row(row))
            n += 1
    with transaction.atomic():
        record_audit(
            actor=actor,
            action=AuditAction.MONITORING_WARNINGS_EXPORT,
            region_code=(scope.prefix or "22").ljust(12, "0"),
            subject_type="warnings",
            detail=f"导出预警 {n} 条（脱敏）",
        )
    return n

"""Linkage report pages: the stored batches, one batch by county, and its Excel export.

Thin adapters over ``reports``; the counts are limited to the user's region (``require_scope``)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from doudi.core import store
from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.core.scoping import require_scope
from doudi.matching import reports

METHOD_COLUMNS = ("exact", "upgraded15", "repaired", "demographic", "probabilistic")


def _report_or_404(batch_id: int) -> reports.BatchReport:
    if not store.records_path(batch_id).is_file():
        raise Http404("批次不存在，或尚未载入记录")
    return reports.batch_report(batch_id, require_scope().prefix)


@require_GET
@scoped_view("registry.read")
def batch_list(request):
    rows = reports.stored_batches()
    return private(render(request, "matching/batches.html", {"rows": rows}), htmx=False)


@require_GET
@scoped_view("registry.read")
def batch_detail(request, batch_id: int):
    report = _report_or_404(batch_id)
    context = {
        "report": report,
        "batch": reports.describe(batch_id),
        "methods": [(m, store.METHOD_ZH[m]) for m in METHOD_COLUMNS],
        "rows": [{**c, "methods": [c[m] for m in METHOD_COLUMNS]} for c in report.counties],
        "total_methods": [report.total.get(m, 0) for m in METHOD_COLUMNS],
    }
    return private(render(request, "matching/batch.html", context), htmx=False)


@require_GET
@scoped_view("registry.read")
def batch_export(request, batch_id: int):
    report = _report_or_404(batch_id)
    data = reports.to_excel(
        report, title=f"批次 {batch_id} 大数据比对结果（{request.user.region.full_name}）"
    )
    return private(xlsx_download(data, f"linkage-batch-{batch_id}.xlsx"), htmx=False)

"""Dashboard pages (DOMAIN R-S1): ``/dashboards/?region=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD`` and its Excel
export. Any region of the user's subtree; anything else is 404. Thin: ``queries`` reads, ``export`` writes."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from doudi.core.access import scoped_view
from doudi.core.http import xlsx_download
from doudi.dashboards import queries
from doudi.dashboards.export import CHILD_LABELS, export_workbook
from doudi.dashboards.figures import INDICATORS


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _overview(request) -> queries.Overview:
    g = request.GET
    return queries.overview(request.user, g.get("region"), _date(g.get("from")), _date(g.get("to")))


@never_cache
@scoped_view("dashboards.read")
def page(request):
    ov = _overview(request)
    context = {
        "ov": ov,
        "region": ov.region,
        "chart": ov.chart(),
        "child_label": CHILD_LABELS.get(ov.child_level or ""),
        "indicators": INDICATORS,
        "tiles": [(k, name, unit, ov.totals[k]) for k, (name, unit) in INDICATORS.items()],
        "range": f"from={ov.date_from.isoformat()}&to={ov.date_to.isoformat()}",
    }
    return render(request, "dashboards/overview.html", context)


@never_cache
@scoped_view("dashboards.read")
def export(request):
    ov = _overview(request)
    data = export_workbook(actor=request.user, ov=ov)
    return xlsx_download(data, f"dashboards-{ov.region.code}-{ov.date_from:%Y%m}-{ov.date_to:%Y%m}.xlsx")

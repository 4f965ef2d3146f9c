"""Supervision pages (DOMAIN R-S1): ``/monitoring/supervision/?region=CODE`` and its Excel export.

Any region of the user's subtree may be asked for; anything else is "not found" (existence is not
leaked). Drill-down links go one level down to the township and stop there; links up stop at the
user's own region.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from doudi.core.access import scoped_view
from doudi.core.http import xlsx_download
from doudi.core.scoping import is_within
from doudi.monitoring.supervision import queries
from doudi.monitoring.supervision.export import export_workbook
from doudi.regions.models import Region
from doudi.regions.queries import ancestors, find_region, regions_by_codes


def _region(request) -> Region:
    own = request.user.region
    code = (request.GET.get("region") or "").strip() or own.code
    if not code.isdigit() or len(code) not in (6, 9, 12):
        raise Http404("区划代码无效")
    region = find_region(code)
    if region is None or not is_within(region.code, own.code):
        raise Http404("该区划不在您的管辖范围内")
    return region


def _crumbs(region: Region, own: Region) -> list[Region]:
    """From the user's region down to ``region`` (nothing above the user's scope)."""
    codes = [c for c in reversed(ancestors(region.code)) if is_within(c, own.code)]
    found = {r.code: r for r in regions_by_codes(codes)}
    return [found[c] for c in codes if c in found]


@never_cache
@scoped_view("registry.read")
def supervision_page(request):
    region = _region(request)
    ov = queries.overview(region, timezone.localdate())
    context = {
        "ov": ov,
        "region": region,
        "crumbs": _crumbs(region, request.user.region),
        "chart": ov.chart(),
        "child_label": {"city": "市（州）", "county": "县（市、区）", "township": "乡镇（街道）"}.get(
            ov.child_level or ""
        ),
    }
    return render(request, "monitoring/supervision.html", context)


@never_cache
@scoped_view("registry.read")
def supervision_export(request):
    region = _region(request)
    ov = queries.overview(region, timezone.localdate())
    data = export_workbook(actor=request.user, ov=ov, link_base=request.build_absolute_uri("/"))
    return xlsx_download(data, f"warning-supervision-{region.code}-{ov.today:%Y%m%d}.xlsx")

"""The public needs pages at ``/public/needs/`` (no login, the same for everyone, cacheable): open needs,
anonymised, filtered by county and category and paginated; the year's fulfilled needs by county with totals.
No field identifies a person (``queries.public_row``)."""

from __future__ import annotations

from django.core.paginator import EmptyPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from doudi.charity import queries, rules
from doudi.core import http

MAX_AGE = 300
public_page = http.public_page("charity/public/not_found.html", MAX_AGE)


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise Http404("bad page")
    return int(raw)


def filters(request: HttpRequest) -> tuple[str, str]:
    county = request.GET.get("county", "")
    category = request.GET.get("category", "")
    if county and not (county.isdigit() and len(county) == 12):
        raise Http404("bad county")
    if category and category not in rules.CATEGORIES:
        raise Http404("bad category")
    return county, category


def year_of(request: HttpRequest) -> int:
    raw = request.GET.get("year")
    if raw is None:
        return timezone.localdate().year
    if not (raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2100):
        raise Http404("bad year")
    return int(raw)


@public_page
def index(request: HttpRequest) -> HttpResponse:
    county, category = filters(request)
    try:
        page = queries.page_of(queries.public_open(county=county, category=category), _page(request))
    except EmptyPage:
        raise Http404("no such page") from None
    ctx = {"page": page, "county": county, "category": category, "counties": queries.public_counties(),
           "categories": rules.CATEGORIES, "query": f"county={county}&category={category}"}  # fmt: skip
    return render(request, "charity/public/index.html", ctx)


@public_page
def fulfilled(request: HttpRequest) -> HttpResponse:
    year = year_of(request)
    years = sorted(set(queries.fulfilled_years()) | {timezone.localdate().year}, reverse=True)
    ctx = {"f": queries.fulfilled_by_region(year), "years": years, "year": year}
    return render(request, "charity/public/fulfilled.html", ctx)

"""The public disclosure pages (CASEWORK §9), mounted at ``/public/``: no login, the same for everyone.

Regions are addressed by their 12-digit division code; anything that is not a Jilin county or township, a
page past the end, or any other path is the same 404. The pages carry no per-user content, no session
cookie, no CSRF token and no inline script or style, and say ``Cache-Control: public`` so that shared
caches may keep them."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from doudi.core import http
from doudi.disclosure import queries, terminations
from doudi.regions.models import Region

MAX_AGE = 300  # five minutes: a withdrawn name or ended notice stays visible in caches at most that long
COMPLAINT_FORMS = ("complaints_public:form", "complaints_public:new", "complaints_public:index")


public_page = http.public_page("disclosure/public/not_found.html", MAX_AGE)


def complaint_form_url() -> str:
    """The public complaint form, where the complaints app provides one ("" otherwise)."""
    for name in COMPLAINT_FORMS:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _region(code: str) -> Region:
    region = queries.public_region(code)
    if region is None:
        raise Http404("not public")
    return region


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or len(raw) > 6:
        raise Http404("bad page")
    return int(raw)


@public_page
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "disclosure/public/index.html", {"cities": queries.index()})


@public_page
def region(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    today = timezone.localdate()
    county = queries.county_of(region)
    ctx = {
        "region": region,
        "county": county,
        "guide": queries.guide(region),
        "standards": queries.standards(region, today),
        "today": today,
        "townships": queries.townships(county) if region.level == "county" else [],
        "notices": queries.notices(region),
        "terminations": terminations.termination_notices(region, today),
        "published": queries.latest_list(region),
        "complaint_url": complaint_form_url(),
    }
    return render(request, "disclosure/public/region.html", ctx)


@public_page
def recipients(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    page = queries.recipients(region, _page(request))
    if page is None:
        raise Http404("no such page")
    return render(request, "disclosure/public/recipients.html", {"region": region, **page})


@public_page
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(code)
    years = queries.stat_years(region)
    year = _year(request, years)
    stats = queries.statistics(region, timezone.localdate(), year)
    ctx = {"region": region, "stats": stats, "years": years}
    return render(request, "disclosure/public/statistics.html", ctx)


def _year(request: HttpRequest, years: list[int]) -> int | None:
    """``?year=`` of a year with published figures, or none (the latest month); anything else is 404."""
    raw = request.GET.get("year")
    if raw is None:
        return None
    if not (raw.isdigit() and len(raw) == 4 and int(raw) in years):
        raise Http404("no such year")
    return int(raw)

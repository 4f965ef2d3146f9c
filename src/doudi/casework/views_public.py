"""The public notice pages (R-PUB2, R-PUB8), mounted at ``/notices/``: no login. One running notice by its
unguessable key, and a township's running notices (the village board's printable page).

What they show is the notice's stored, already masked content and nothing else; an ended notice, one
not started yet, one of an exempt case (R-PUB3) and an unknown key or township are all the same 404.
The pages are the same for everyone, so shared caches may keep them for a few minutes: no session, no
CSRF token, no per-request nonce (the template has no inline script or style)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from doudi.casework import queries
from doudi.casework.models import Notice
from doudi.core import http
from doudi.regions.queries import find_region

MAX_AGE = (
    300  # a notice ends at 24:00; five minutes of cache keeps a taken-down notice visible at most that long
)
NOT_FOUND = "公示不存在或已结束"


public_page = http.public_page("casework/public/not_found.html", MAX_AGE)


def _row(notice: Notice) -> dict:
    c = notice.content or {}
    return {
        "key": notice.public_key,
        "name": c.get("name", ""),
        "place": c.get("place", ""),
        "household_size": c.get("household_size"),
        "tier": c.get("tier", ""),
        "monthly_total": c.get("monthly_total"),
        "summary": c.get("summary", ""),
        "objection": c.get("objection", ""),
        "start_on": notice.start_on,
        "end_on": notice.end_on,
    }


@public_page
def notice(request: HttpRequest, public_key: str) -> HttpResponse:
    try:
        row = queries.public_notice(public_key)
    except Notice.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    return render(request, "casework/public/notice.html", {"n": _row(row), "today": timezone.localdate()})


@public_page
def township(request: HttpRequest, township_code: str) -> HttpResponse:
    region = find_region(township_code) if len(township_code) == 12 and township_code.isdigit() else None
    if region is None or region.level != "township":
        raise Http404(NOT_FOUND)
    rows = [_row(n) for n in queries.public_notices(region.code)]
    objections = list(dict.fromkeys(r["objection"] for r in rows if r["objection"]))
    ctx = {"region": region, "rows": rows, "objections": objections, "today": timezone.localdate()}
    return render(request, "casework/public/township.html", ctx)

"""Response helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def private[R: HttpResponseBase](response: R, *, htmx: bool = True) -> R:
    """A page with personal data: never cached; ``htmx`` pages also vary on ``HX-Request`` (the
    fragment and the full page share a URL)."""
    add_never_cache_headers(response)
    if htmx:
        patch_vary_headers(response, ["HX-Request"])
    return response


def xlsx_download(data: bytes, filename: str) -> HttpResponse:
    """An Excel workbook the browser saves as ``filename`` (ASCII); caching is the caller's (``private``)."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def htmx_redirect(url: str) -> HttpResponse:
    """Send an htmx request to ``url`` as a whole page (an XHR would follow a plain redirect and swap
    the target page into a fragment)."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response

"""Response helpers shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

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


def public_page(
    not_found: str, max_age: int
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page for everyone (no login): GET only; a 404 rendered with ``not_found``; ``Cache-Control: public``
    for ``max_age`` seconds. The shell's middleware reads the session to learn the user (scope, password
    change); the page does not depend on it, so the read is forgotten and the session middleware adds no
    ``Vary: Cookie`` (nor a cookie: nothing was written)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @require_GET
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                response = render(request, not_found, status=404)
            session = getattr(request, "session", None)
            if session is not None and not session.modified:
                session.accessed = False
            patch_cache_control(response, public=True, max_age=max_age)
            return response

        return wrapped

    return decorate

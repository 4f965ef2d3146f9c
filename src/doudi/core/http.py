"""Response helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers


def private[R: HttpResponseBase](response: R, *, htmx: bool = True) -> R:
    """A page with personal data: never cached; ``htmx`` pages also vary on ``HX-Request`` (the
    fragment and the full page share a URL)."""
    add_never_cache_headers(response)
    if htmx:
        patch_vary_headers(response, ["HX-Request"])
    return response

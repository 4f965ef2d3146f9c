"""The main navigation: the entries the apps register (``core.shell``), each shown only to users its
page lets in.

An entry names a URL and the views that mark it as the current page; it declares no permission of its
own. Whether a user may open it is asked of the view itself: ``scoped_view`` attaches its access check
(capability and/or predicate, see ``doudi.core.access``) to the view as ``doudi_access``, and the
navigation calls that same check. To add a page to the menu, register a ``NavEntry`` in the app's
``AppConfig.ready`` and protect its view with ``scoped_view`` (a view without the check is a
configuration error, caught by the tests).
"""

from __future__ import annotations

from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse

from doudi.core.shell import NavEntry, nav_entries


@cache
def _target(url_name: str) -> tuple[str, object]:
    url = reverse(url_name)
    view = resolve(url).func
    check = getattr(view, "doudi_access", None)
    if check is None:
        raise ImproperlyConfigured(f"navigation entry {url_name}: its view has no scoped_view access check")
    return url, check


def may_open(user, url_name: str) -> bool:
    """Whether ``user`` passes the access check of the view behind ``url_name`` (the view's own)."""
    return bool(_target(url_name)[1](user))  # type: ignore[operator]


def entries(user, view_name: str = "", namespace: str = "") -> list[dict]:
    """The entries ``user`` may open: ``label``, ``url``, ``current`` (at most one is current)."""
    shown = [e for e in nav_entries() if may_open(user, e.url_name)]

    def score(e: NavEntry) -> int:
        if view_name in e.current_views:
            return 2
        return 1 if namespace and namespace in e.namespaces else 0

    best = max(shown, key=score, default=None)
    current = best if best is not None and score(best) else None
    return [{"label": e.label, "url": _target(e.url_name)[0], "current": e is current} for e in shown]

"""What each app offers the web shell: its links in the main menu and its panels on the home page.

An app registers them in its ``AppConfig.ready`` (like ``core.init_steps``), so the shell (``doudi.web``)
assembles the menu and the home page without importing any app.

- ``register_nav(order, NavEntry(...))``: a menu link. It declares no permission of its own: the menu asks
  the view behind the URL (``core.access.scoped_view`` attaches its check as ``doudi_access``), so a role is
  only offered what opens for it.
- ``register_panel(order, HomePanel(...))``: a part of the home page. ``context(request)`` returns the
  variables its templates need (merged into the page's context, in panel order), or None to leave the
  panel out; ``template`` is included in the page body, ``head`` (optional) in the page's ``<head>``
  (scripts), ``facts`` (optional) in the welcome card's list of facts.

- ``register_stylesheet(order, static_path)``: a stylesheet every page loads (after the shell's own).
- ``register_topbar(order, template)``: a partial in the top bar of a logged-in user's pages (the
  notification bell), included before the menu.

Everything is shown in ascending ``order`` (then name); registering a name again replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    views: tuple[str, ...] = ()  # view names where the entry is current (default: its own)
    namespaces: tuple[str, ...] = ()  # URL namespaces where it is current, unless a ``views`` entry matches

    @property
    def current_views(self) -> tuple[str, ...]:
        return self.views or (self.url_name,)


@dataclass(frozen=True)
class HomePanel:
    name: str
    template: str
    context: Callable[[Any], dict | None]
    head: str = ""
    facts: str = ""


_nav: dict[str, tuple[int, NavEntry]] = {}
_panels: dict[str, tuple[int, HomePanel]] = {}


def register_nav(order: int, entry: NavEntry) -> None:
    """Add (or replace) the menu link to ``entry.url_name``; idempotent, so ``ready()`` may run twice."""
    _nav[entry.url_name] = (order, entry)


def nav_entries() -> tuple[NavEntry, ...]:
    """The registered menu links, in menu order."""
    return tuple(e for _, e in sorted(_nav.values(), key=lambda oe: (oe[0], oe[1].url_name)))


def register_panel(order: int, panel: HomePanel) -> None:
    """Add (or replace) the home panel ``panel.name``; idempotent."""
    _panels[panel.name] = (order, panel)


def home_panels() -> tuple[HomePanel, ...]:
    """The registered home panels, in page order."""
    return tuple(p for _, p in sorted(_panels.values(), key=lambda op: (op[0], op[1].name)))


_stylesheets: dict[str, int] = {}
_topbar: dict[str, int] = {}


def register_stylesheet(order: int, static_path: str) -> None:
    """Add a stylesheet (a static path) to every page; idempotent."""
    _stylesheets[static_path] = order


def stylesheets() -> tuple[str, ...]:
    return tuple(sorted(_stylesheets, key=lambda p: (_stylesheets[p], p)))


def register_topbar(order: int, template: str) -> None:
    """Add a partial to the top bar of logged-in pages; idempotent."""
    _topbar[template] = order


def topbar_templates() -> tuple[str, ...]:
    return tuple(sorted(_topbar, key=lambda t: (_topbar[t], t)))

"""The main navigation: one list of entries, each shown only to users its page lets in.

An entry names a URL and the views that mark it as the current page; it declares no permission of its
own. Whether a user may open it is asked of the view itself: ``scoped_view`` attaches its access check
(capability and/or predicate, see ``doudi.web.decorators``) to the view as ``doudi_access``, and the
navigation calls that same check. To add a page to the menu, add a ``NavEntry`` here and protect its
view with ``scoped_view`` (a view without the check is a configuration error, caught by the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    views: tuple[str, ...] = ()  # view names where the entry is current (default: its own)
    namespaces: tuple[str, ...] = ()  # URL namespaces where it is current, unless a ``views`` entry matches

    @property
    def current_views(self) -> tuple[str, ...]:
        return self.views or (self.url_name,)


NAV: tuple[NavEntry, ...] = (
    NavEntry("首页", "web:home"),
    NavEntry("家庭查询", "registry:search", namespaces=("registry",)),
    NavEntry("数据质量", "registry:quality"),
    NavEntry("审计日志", "web:audit"),
    NavEntry("区划", "regions:tree", namespaces=("regions",)),
    NavEntry(
        "预警",
        "monitoring:inbox",
        views=("monitoring:inbox", "monitoring:detail", "monitoring:visit", "monitoring:dispose"),
    ),
    NavEntry("需求推送", "monitoring:needs"),
    NavEntry("无法分派记录", "monitoring:unroutable"),
    NavEntry("节假日", "monitoring:calendar"),
    NavEntry("监测督导", "supervision:page", namespaces=("supervision",)),
    NavEntry("政策参数", "policy:parameters", namespaces=("policy",)),
    NavEntry("测算与模拟", "policy_runs:index", namespaces=("policy_runs",)),
    NavEntry("数据报送", "exchange:batches", namespaces=("exchange",)),
    NavEntry("用户管理", "accounts:users", views=("accounts:users", "accounts:create", "accounts:user")),
)


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
    shown = [e for e in NAV if may_open(user, e.url_name)]

    def score(e: NavEntry) -> int:
        if view_name in e.current_views:
            return 2
        return 1 if namespace and namespace in e.namespaces else 0

    best = max(shown, key=score, default=None)
    current = best if best is not None and score(best) else None
    return [{"label": e.label, "url": _target(e.url_name)[0], "current": e is current} for e in shown]

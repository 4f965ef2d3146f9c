"""Region scoping that fails closed (DOMAIN R-S5).

A context variable holds the current scope: a region-code prefix (``22`` province, ``2224`` a
city, ``222401`` a county, ``222401100`` a township, a 12-digit village). ``ScopedManager`` — the
default manager of every region-owned model — filters by it and *raises* when no scope is set.
Scopes are set in one place per entry point: ``ScopeMiddleware`` for pages and the API (from the
logged-in user's region), ``using_scope`` for commands (``--region``) and background jobs, and
``all_regions()`` for system work over the whole province (an alarming name on purpose).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models

LEVEL_PREFIX_LEN = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


class ScopeNotSet(RuntimeError):
    """A region-owned table was read with no region scope set."""


@dataclass(frozen=True)
class Scope:
    prefix: str  # region-code prefix; "" only for all_regions()
    label: str = ""

    def contains(self, region_code: str | None) -> bool:
        return bool(region_code) and str(region_code).startswith(self.prefix)


_current: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("doudi_scope", default=None)


def prefix_of(code: str, level: str | None = None) -> str:
    """The prefix that names a region's subtree, from its 12-digit code (trailing zero groups dropped)."""
    code = str(code).ljust(12, "0")
    if level:
        return code[: LEVEL_PREFIX_LEN[level]]
    for length in (2, 4, 6, 9):
        if not code[length:].strip("0"):
            return code[:length]
    return code


def is_within(code: str, scope_code: str) -> bool:
    """Is region ``code`` inside the subtree of region ``scope_code``?"""
    return str(code).ljust(12, "0").startswith(prefix_of(scope_code))


def current_scope() -> Scope | None:
    return _current.get()


def require_scope() -> Scope:
    scope = _current.get()
    if scope is None:
        raise ScopeNotSet("no region scope is set for this read")
    return scope


@contextlib.contextmanager
def using_scope(scope: Scope | str) -> Iterator[Scope]:
    if isinstance(scope, str):
        scope = Scope(prefix_of(scope) if len(scope) >= 6 else scope, label=scope)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def all_regions() -> contextlib.AbstractContextManager[Scope]:
    """Whole-database scope for system jobs (init, province-wide batch work). Use sparingly."""
    return using_scope(Scope("", label="all"))


class ScopedQuerySet(models.QuerySet):
    pass


class ScopedManager(models.Manager):
    """Default manager of region-owned models: rows of the current scope only; no scope → error."""

    region_field = "region_code"

    def __init__(self, region_field: str = "region_code") -> None:
        super().__init__()
        self.region_field = region_field

    def deconstruct(self):  # keep migrations stable
        return super().deconstruct()

    def get_queryset(self) -> models.QuerySet:
        scope = require_scope()
        qs = super().get_queryset()
        if scope.prefix:
            qs = qs.filter(**{f"{self.region_field}__startswith": scope.prefix})
        return qs


class ScopeMiddleware:
    """Sets the scope from the session user for the whole request and always resets it after.

    Token-authenticated API calls set it later through ``enter_user_scope`` (the API auth), inside
    the same reset, so no scope outlives its request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        scope = user_scope(user) if user is not None and user.is_authenticated else None
        token = _current.set(scope)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


def enter_user_scope(user) -> None:
    """Set the scope for the rest of this request (called by the API token auth)."""
    _current.set(user_scope(user))


def user_scope(user) -> Scope | None:
    """A user's scope is the subtree of their region; a user without a region sees nothing."""
    if not getattr(user, "region_id", None):
        return None
    return Scope(prefix_of(user.region_id), label=user.region_id)

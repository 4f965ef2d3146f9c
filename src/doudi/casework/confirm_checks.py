"""What an app above casework may say against a confirmation: a registry, so that casework never imports
it. ``register(name, fn)`` in the app's ``AppConfig.ready``; ``fn(application) -> str`` returns the reason
the application cannot be confirmed now ("" when nothing stands in the way). ``confirm`` refuses while any
check answers (e.g. complaints: an open notice objection, CASEWORK R-G3)."""

from __future__ import annotations

from collections.abc import Callable

ConfirmCheck = Callable[[object], str]
_checks: dict[str, ConfirmCheck] = {}


def register(name: str, fn: ConfirmCheck) -> None:
    _checks[name] = fn


def blocking(application) -> list[str]:
    return [reason for _, fn in sorted(_checks.items()) if (reason := fn(application))]

"""Policy: the pure rules (``doudi.policy.rules``) plus, elsewhere in this package, their Django store.

Importable without Django configured; ``assess``/``assess_many`` load the rules on first use.
"""

from typing import Any

_LAZY = ("assess", "assess_many", "AssessmentInputError")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from doudi.policy import rules

        return getattr(rules, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(_LAZY)

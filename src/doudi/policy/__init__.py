"""Policy: the pure rules (``doudi.policy.rules``) plus, elsewhere in this package, their Django store.

Importable without Django configured. ``assess``/``assess_many`` (contract ``assessment.md``) load the
rules on first use; when Django is configured and its apps are ready they use the database parameter
store and the division tree (``policy.service``), otherwise the shipped Jilin baseline.
"""

from typing import Any

_LAZY = ("AssessmentInputError",)


def _django_ready() -> bool:
    try:
        from django.apps import apps
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency, but the rules do not need it
        return False
    return bool(settings.configured) and apps.ready


def _defaults(params_provider: Any, region_exists: Any) -> tuple[Any, Any]:
    """The database store and division tree when Django is ready; explicit arguments win."""
    if _django_ready():
        from doudi.policy import params_store

        return params_provider or params_store.provider, region_exists or params_store.region_exists
    return params_provider, region_exists


def assess(data: Any, *, params_provider: Any = None, region_exists: Any = None) -> dict:
    """Assess one household: contract dict in, contract dict out; raises ``AssessmentInputError``."""
    from doudi.policy import rules

    provider, exists = _defaults(params_provider, region_exists)
    return rules.assess(data, params_provider=provider, region_exists=exists)


def assess_many(items: Any, *, params_provider: Any = None, region_exists: Any = None) -> list[dict]:
    """Assess many households (one evaluation); the first invalid item raises with ``.index`` set."""
    from doudi.policy import rules

    provider, exists = _defaults(params_provider, region_exists)
    return rules.assess_many(items, params_provider=provider, region_exists=exists)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from doudi.policy import rules

        return getattr(rules, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["AssessmentInputError", "assess", "assess_many"]

"""Template filters for policy parameters: ``{% load policy_params %}``."""

from __future__ import annotations

from django import template

from doudi.policy.params_store import value_label
from doudi.policy.rules.params import SPECS

register = template.Library()


@register.filter
def param_label(key: str) -> str:
    """``{{ c.key|param_label }}``: a policy parameter's Chinese name."""
    spec = SPECS.get(key)
    return spec.label_zh if spec else key


@register.filter
def param_value(value, key: str) -> str:
    """``{{ c.value|param_value:c.key }}``: a parameter value in Chinese (enum choices, grade maps)."""
    spec = SPECS.get(key)
    return value_label(value, spec.unit if spec else None)

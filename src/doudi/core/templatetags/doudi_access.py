"""``{% load doudi_access %}``: ``{% if user|can:"audit.read" %}`` (a role capability, in any template)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    """``{% if user|can:"audit.read" %}``"""
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))

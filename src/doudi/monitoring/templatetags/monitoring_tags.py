"""Template helpers of the warning loop: the notification bell of the top bar and the household chain."""

from __future__ import annotations

from django import template

register = template.Library()

LEVEL_CLASS = {"red": "lv-red", "orange": "lv-orange", "yellow": "lv-yellow"}


@register.inclusion_tag("monitoring/partials/bell.html", takes_context=True)
def notification_bell(context):
    from doudi.monitoring.loop.queries import unread_count

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"hidden": True}
    return {"unread": unread_count(user)}


@register.inclusion_tag("monitoring/partials/chain_body.html", takes_context=True)
def household_chain(context, household):
    from doudi.monitoring.loop.queries import household_chain as chain

    user = context.get("user")
    if household is None or user is None or not user.is_authenticated:
        return {"items": [], "hidden": True}
    return {"items": chain(household), "household": household}


@register.filter
def level_class(level: str) -> str:
    return LEVEL_CLASS.get(level, "")

"""Tags of the shell's base page: ``{% load doudi_shell %}``: the menu and what the apps add to every page
(``core.shell``)."""

from __future__ import annotations

from django import template

from doudi.core import shell
from doudi.web import nav

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context) -> list[dict]:
    """``{% main_nav as items %}``: the navigation entries the user may open (``doudi.web.nav``)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return nav.entries(
        request.user, getattr(match, "view_name", "") or "", getattr(match, "namespace", "") or ""
    )


@register.simple_tag
def shell_stylesheets() -> tuple[str, ...]:
    """``{% shell_stylesheets as sheets %}``: the stylesheets the apps registered for every page."""
    return shell.stylesheets()


@register.simple_tag
def shell_topbar() -> tuple[str, ...]:
    """``{% shell_topbar as parts %}``: the partials the apps registered for the top bar."""
    return shell.topbar_templates()

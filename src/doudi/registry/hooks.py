"""What ``registry`` offers to the apps above it, without knowing them (a lower floor offers a hook; it
never reaches up): extra sections of the household page.

``register_household_section(name, template, context, order=50)``: ``context(request, household, as_of)``
returns the template's variables, or None to leave the section out (e.g. a role that may not see it).
The page renders the sections in ``order`` (then name), after its own panels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from doudi.registry.models import Household

SectionContext = Callable[[Any, Household, dt.date], dict | None]


@dataclass(frozen=True)
class HouseholdSection:
    name: str
    template: str
    context: SectionContext
    order: int = 50


_sections: dict[str, HouseholdSection] = {}


def register_household_section(name: str, template: str, context: SectionContext, order: int = 50) -> None:
    """Add (or replace) a section of the household page; idempotent, so ``ready()`` may run twice."""
    _sections[name] = HouseholdSection(name, template, context, order)


def household_sections(request, household: Household, as_of: dt.date) -> list[SafeString]:
    """The HTML of the registered sections that have something to show for ``household``, in order."""
    out = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.name)):
        ctx = section.context(request, household, as_of)
        if ctx is not None:
            ctx = {"household": household, "as_of": as_of, **ctx}
            out.append(render_to_string(section.template, ctx, request=request))
    return out

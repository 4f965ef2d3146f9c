"""Decision pages: the "分层分类认定" section of the household page (list + take a decision) and the
decision page. Decisions are region-scoped (``Decision.objects``): outside the scope is a 404.

Viewing: any role that reads the registry sees the tier, member categories and benefit lines; the
criteria, income figures, explanation, input snapshot and parameters are sensitive (R-S5) and shown
to roles with ``registry.reveal``, each view recorded in the audit log. Taking a decision needs
``registry.write``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from doudi.core.access import is_htmx, scoped_view
from doudi.core.dates import as_of_or_today
from doudi.core.http import private
from doudi.policy import actions, display
from doudi.policy import queries as policy_queries
from doudi.policy.models import Decision
from doudi.registry import queries
from doudi.registry.models import Household

DECISIONS_SHOWN = 20


def _household_or_404(pk: int) -> Household:
    try:
        return queries.get_household(pk)
    except Household.DoesNotExist:
        raise Http404("家庭不存在，或不在您的管辖范围内") from None


def _section_context(request, household: Household, as_of: dt.date) -> dict:
    decisions = policy_queries.household_decisions(household, DECISIONS_SHOWN)
    return {
        "household": household,
        "as_of": as_of,
        "today": timezone.localdate(),
        "decisions": [{"d": d, "tier": display.tier_label(d.household_category)} for d in decisions],
        "can_decide": actions.can_take_decision(request.user),
    }


@require_http_methods(["GET", "POST"])
@scoped_view("registry.read")
def household_section(request, pk: int):
    """GET: the section (form + stored decisions). POST: take a decision and show its result."""
    hh = _household_or_404(pk)
    source = request.POST if request.method == "POST" else request.GET
    as_of, error = as_of_or_today(source.get("as_of"))
    decision = None
    if request.method == "POST" and not error:
        if not actions.can_take_decision(request.user):
            raise PermissionDenied("您的角色无权作出认定")
        try:
            decision = actions.take_decision(actor=request.user, household=hh, as_of=as_of)
        except actions.PolicyError as exc:
            error = str(exc)
        if not is_htmx(request):
            if decision is not None:
                return redirect("policy:decision", pk=decision.pk)
            messages.error(request, error)
            return redirect("registry:household", pk=hh.pk)
    context = _section_context(request, hh, as_of)
    context["error"] = error
    if decision is not None:
        # the taker holds registry.write (and so may see the details); taking it is audited
        context.update(display.decision_context(decision, details=request.user.can("registry.reveal")))
        context["just_taken"] = True
    template = "policy/partials/household_assessment_body.html"
    if not is_htmx(request):
        template = "policy/household_assessment_page.html"
    return private(render(request, template, context))


@require_GET
@scoped_view("registry.read")
def decision(request, pk: int):
    try:
        d = policy_queries.get_decision(pk)
    except Decision.DoesNotExist:
        raise Http404("认定结果不存在，或不在您的管辖范围内") from None
    details = request.user.can("registry.reveal")
    if details:
        actions.record_decision_view(actor=request.user, decision=d)
    context = display.decision_context(d, details=details)
    context["household"] = d.household
    return private(render(request, "policy/decision.html", context), htmx=False)

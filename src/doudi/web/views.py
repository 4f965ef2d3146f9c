"""Login, the home page (assembled from the apps' registered panels) and the audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from doudi.accounts.forms import LoginForm
from doudi.core.access import scoped_view
from doudi.core.audit_actions import AuditAction
from doudi.core.audit_labels import action_label, actor_label, subject_label
from doudi.core.middleware import mask_id_runs
from doudi.core.models import AuditEvent
from doudi.core.scoping import require_scope
from doudi.core.shell import home_panels
from doudi.regions.queries import names_for
from doudi.web.forms import AuditFilterForm

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"


RECENT_AUDIT = 8


def recent_audit(user) -> list[dict]:
    """The latest audit events in the user's subtree (the auditor's home page)."""
    prefix = require_scope().prefix
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    if prefix:
        events = events.filter(region_code__startswith=prefix)
    rows = list(events[:RECENT_AUDIT])
    names = names_for({e.region_code for e in rows})
    return [
        {
            "event": e,
            "action_label": action_label(e.action),
            "region_name": names.get(e.region_code, ""),
        }
        for e in rows
    ]


def recent_audit_panel(request) -> dict:
    """The auditor's home panel: the latest audit events of the subtree."""
    user = request.user
    if user.can("audit.read") and user.role == "auditor":
        return {"recent_audit": recent_audit(user)}
    return {}


def charity_panel(request) -> dict:
    """The charity account's home panel: nothing waiting yet, and why."""
    return {"charity": True} if request.user.role == "charity" else {}


@never_cache
@scoped_view
def home(request):
    """The home page: the welcome card, then the panels the apps register (``core.shell``), in order."""
    context: dict = {"region": request.user.region}
    panels = []
    for panel in home_panels():
        extra = panel.context(request)
        if extra is None:
            continue
        context.update(extra)
        panels.append(panel)
    context["panels"] = panels
    return render(request, "web/home.html", context)


@never_cache
@scoped_view("audit.read")
def audit_log(request):
    present = set(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
    # the enumeration's actions that occur, in its order; codes it does not know (old rows) last
    known = [(a.value, a.label) for a in AuditAction if a.value in present]
    unknown = sorted(present - set(AuditAction.values))
    form = AuditFilterForm(request.GET or None, actions=known + [(a, a) for a in unknown])
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    if form.is_bound and form.is_valid() and form.cleaned_data["action"]:
        events = events.filter(action=form.cleaned_data["action"])
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    regions = names_for({e.region_code for e in page})
    rows = [
        {
            "event": e,
            "action_label": action_label(e.action),
            "subject_label": subject_label(e.subject_type),
            "actor_label": actor_label(e.actor_label),
            "region_name": regions.get(e.region_code, e.region_code),
            "detail": mask_id_runs(e.detail or ""),  # rows logged before numbers were hidden
        }
        for e in page
    ]
    return render(request, "web/audit.html", {"form": form, "page_obj": page, "rows": rows})

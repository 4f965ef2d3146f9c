"""Login, the home page (assembled from the apps' registered panels) and the audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from doudi.accounts.forms import LoginForm
from doudi.core import audit_queries
from doudi.core.access import scoped_view
from doudi.core.audit_labels import action_label
from doudi.core.http import private, xlsx_download
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


TABS = {"work": "业务操作记录", "views": "审计/纪检人员访问记录"}


def _audit_query(request):
    """(form, tab, queryset or None) of the audit page and its export."""
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "work"
    data = request.GET.copy()
    for key in ("tab", "page"):
        data.pop(key, None)
    form = AuditFilterForm(data or None, actions=audit_queries.action_choices())
    f = form.audit_filter(page_views=tab == "views")
    return form, tab, (audit_queries.events(f) if f is not None else None)


@never_cache
@require_http_methods(["GET", "POST"])
@scoped_view("audit.read")
def audit_log(request):
    """The audit log: filters, the work audited and the supervisors' own page views in separate tabs,
    the export and the chain check (POST runs it; the result is shown with its time)."""
    form, tab, events = _audit_query(request)
    chain = audit_queries.chain_status() if request.method == "POST" else None
    page = Paginator(events if events is not None else AuditEvent.objects.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = audit_queries.labelled(page, names_for({e.region_code for e in page}))
    region_outside = bool(
        form.is_bound
        and form.is_valid()
        and form.cleaned_data["region"]
        and audit_queries.region_in_scope(form.cleaned_data["region"]) is None
    )
    ctx = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "tab": tab,
        "tabs": TABS,
        "chain": chain,
        "region_outside": region_outside,
    }
    return render(request, "web/audit.html", ctx)


@never_cache
@require_GET
@scoped_view("audit.read")
def audit_export(request):
    """The filtered list as Excel; the export is itself audited."""
    _form, tab, events = _audit_query(request)
    if events is None:
        events = AuditEvent.objects.none()
    data, n = audit_queries.export_book(events, names_for, TABS[tab][:31])
    audit_queries.record_export(actor=request.user, rows=n, page_views=tab == "views")
    return private(xlsx_download(data, "audit-log.xlsx"), htmx=False)

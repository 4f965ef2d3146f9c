"""Login, home page (counts for the user's subtree) and the audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from doudi.core.audit_actions import AuditAction
from doudi.core.audit_labels import action_label, actor_label, subject_label
from doudi.core.middleware import mask_id_runs
from doudi.core.models import AuditEvent
from doudi.regions.queries import names_for
from doudi.registry import queries
from doudi.registry.models import CATEGORY_SHORT, AreaType, Category
from doudi.web.decorators import scoped_view
from doudi.web.forms import AuditFilterForm, LoginForm

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"


def category_table(counts: dict) -> tuple[list[dict], dict]:
    """Rows of the home table (one per category, urban/rural households and persons) and chart data."""
    by_cat = counts["by_category"]
    rows = []
    for cat in Category.values:
        cells = by_cat.get(cat, {})
        row = {"category": cat, "label": CATEGORY_SHORT[cat], "full_label": Category(cat).label}
        for area in AreaType.values:
            c = cells.get(area, {})
            row[f"{area}_households"] = c.get("households", 0)
            row[f"{area}_persons"] = c.get("persons", 0)
        row["households"] = row["urban_households"] + row["rural_households"]
        row["persons"] = row["urban_persons"] + row["rural_persons"]
        rows.append(row)
    chart = {
        "categories": [r["label"] for r in rows],
        "series": [
            {"name": "城市家庭（户）", "stack": "households", "data": [r["urban_households"] for r in rows]},
            {"name": "农村家庭（户）", "stack": "households", "data": [r["rural_households"] for r in rows]},
            {"name": "城市人员（人）", "stack": "persons", "data": [r["urban_persons"] for r in rows]},
            {"name": "农村人员（人）", "stack": "persons", "data": [r["rural_persons"] for r in rows]},
        ],
    }
    return rows, chart


RECENT_AUDIT = 8


def recent_audit(user) -> list[dict]:
    """The latest audit events in the user's subtree (the auditor's home page)."""
    from doudi.core.scoping import require_scope

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


@never_cache
@scoped_view
def home(request):
    from doudi.monitoring.loop.queries import home_todo

    user = request.user
    context = {"region": user.region, "todo": home_todo(user)}
    if user.can("audit.read") and user.role == "auditor":
        context["recent_audit"] = recent_audit(user)
    if user.role == "charity":
        context["charity"] = True
    if request.user.can("registry.read"):
        counts = queries.counts_by_category()
        rows, chart = category_table(counts)
        context.update(counts=counts, rows=rows, chart=chart, has_data=any(r["persons"] for r in rows))
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

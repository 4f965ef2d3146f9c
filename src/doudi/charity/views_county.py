"""The county's (city's, province's) pages: the registry of charities with their users, and the summary of the
needs library by county (the supervision figures, R-S1). Outside the caller's region: 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.charity import actions, queries
from doudi.charity.base import CharityError
from doudi.charity.forms import CharityForm, MemberForm
from doudi.charity.models import Charity
from doudi.core.access import scoped_view
from doudi.core.http import private


@require_http_methods(["GET", "POST"])
@scoped_view("charity.register")
def charities(request):
    form = CharityForm(request.POST or None, areas=queries.area_choices(request.user.region_id))
    if request.method == "POST" and form.is_valid():
        try:
            c = actions.register_charity(actor=request.user, **form.cleaned_data)
        except (CharityError, PermissionError) as exc:
            form.add_error(getattr(exc, "path", None) if getattr(exc, "path", None) in form.fields else None,
                           str(exc))  # fmt: skip
        else:
            messages.success(request, f"已登记慈善组织：{c.name}")
            return redirect("charity:charity", pk=c.pk)
    ctx = {"charities": list(queries.charities()), "form": form}
    return private(render(request, "charity/charities.html", ctx), htmx=False)


def _charity_or_404(pk: int) -> Charity:
    try:
        return queries.get_charity(pk)
    except Charity.DoesNotExist:
        raise Http404("慈善组织不存在，或不在您的管辖范围内") from None


@require_GET
@scoped_view("charity.register")
def charity(request, pk: int):
    c = _charity_or_404(pk)
    ctx = {"c": c, "members": queries.charity_members(c), "areas": queries.names_for(set(c.service_area)),
           "member_form": MemberForm(users=queries.unlinked_charity_users())}  # fmt: skip
    return private(render(request, "charity/charity.html", ctx), htmx=False)


@require_POST
@scoped_view("charity.register")
def add_member(request, pk: int):
    c = _charity_or_404(pk)
    users = queries.unlinked_charity_users()
    form = MemberForm(request.POST, users=users)
    user = next((u for u in users if form.is_valid() and u.pk == form.cleaned_data["user"]), None)
    try:
        if user is None:
            raise CharityError("请选择未关联的慈善组织账号")
        actions.add_member(actor=request.user, charity=c, user=user)
        messages.success(request, f"已关联账号 {user.username}")
    except (CharityError, PermissionError) as exc:
        messages.error(request, str(exc))
    return redirect("charity:charity", pk=c.pk)


@require_GET
@scoped_view("charity.read")
def summary(request):
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else None
    ctx = {"s": queries.summary(year), "year": year, "this_year": timezone.localdate().year}
    return private(render(request, "charity/summary.html", ctx), htmx=False)

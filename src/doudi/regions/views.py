"""Region pages: browse the division tree from the user's own region down; administrators add a
village/community under a township (``regions.actions.add_region``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from doudi.core.access import is_htmx, scoped_view
from doudi.core.scoping import is_within
from doudi.regions import actions, queries
from doudi.regions.forms import AddRegionForm
from doudi.regions.models import CHILD_LEVEL, Level, Region

# Levels under which the page offers the "add" form (the action itself allows any parent level).
ADDABLE_LEVELS = {Level.TOWNSHIP}


def _region_in_scope(request, code: str) -> Region:
    region = queries.find_region(code)
    if region is None or not is_within(region.code, request.user.region_id):
        raise Http404("区划不存在，或不在您的管辖范围内")
    return region


def _children(region: Region):
    return queries.children(region.code).annotate(n_children=Count("children")).order_by("code")


def _block_context(request, region: Region, form: AddRegionForm | None = None, added=None) -> dict:
    can_add = request.user.can("admin") and region.level in ADDABLE_LEVELS
    child_level = CHILD_LEVEL.get(Level(region.level))
    return {
        "region": region,
        "children": _children(region),
        "child_level_label": child_level.label if child_level else "",
        "can_add": can_add,
        "form": form
        if form is not None
        else (AddRegionForm(initial={"code": region.prefix}) if can_add else None),
        "added": added,
    }


def _breadcrumb(request, region: Region) -> list[Region]:
    codes = [c for c in queries.ancestors(region.code) if is_within(c, request.user.region_id)]
    return queries.regions_by_codes(codes)


@require_GET
@scoped_view
def tree(request):
    return region_page(request, request.user.region_id)


@require_GET
@scoped_view
def region_page(request, code: str):
    region = _region_in_scope(request, code)
    context = _block_context(request, region)
    context["breadcrumb"] = _breadcrumb(request, region)
    return render(request, "regions/region.html", context)


@require_GET
@scoped_view
def children(request, code: str):
    region = _region_in_scope(request, code)
    return render(
        request, "regions/partials/children.html", {"region": region, "children": _children(region)}
    )


@require_POST
@scoped_view("admin")
def add(request, code: str):
    parent = _region_in_scope(request, code)
    if parent.level not in ADDABLE_LEVELS:
        raise PermissionDenied("只能在乡镇（街道）下添加村（社区）")
    form = AddRegionForm(request.POST)
    added = None
    if form.is_valid():
        try:
            added = actions.add_region(
                actor=request.user,
                parent_code=parent.code,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
            )
        except actions.RegionError as exc:
            form.add_error(None, str(exc))
    if added and not is_htmx(request):
        return redirect("regions:region", code=parent.code)
    # after a successful addition the block shows a fresh form
    context = _block_context(request, parent, None if added else form, added)
    status = 200 if added else 400
    if is_htmx(request):
        # htmx swaps only 2xx responses by default; the form with its errors is the answer here
        return render(request, "regions/partials/block.html", context)
    context["breadcrumb"] = _breadcrumb(request, parent)
    return render(request, "regions/region.html", context, status=status)

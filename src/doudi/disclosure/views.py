"""The staff pages of disclosure: a county officer edits the office guides of the county and its
townships (R-PUB1) and publishes the month's recipient list (R-PUB5). Scoped: a region outside the
officer's subtree is 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private
from doudi.disclosure import actions, publish_actions, queries
from doudi.disclosure.forms import GuideForm
from doudi.disclosure.guide_defaults import FIELDS
from doudi.regions.models import Region

DENIED = "只有县级民政部门和系统管理员可以维护信息公开内容"


def _may(user) -> bool:
    return user.can("disclosure.write")


def _editable(request: HttpRequest, code: str) -> Region:
    region = queries.public_region(code)
    if region is None or not queries.may_edit(request.user, region):
        raise Http404("区划不存在")
    return region


@scoped_view(allow=_may, denied=DENIED)
def index(request: HttpRequest) -> HttpResponse:
    regions = queries.editable_regions(request.user)
    county = regions[0] if regions else None
    ctx = {"regions": regions, "county": county, "lists": queries.county_lists(county) if county else []}
    return private(render(request, "disclosure/staff/index.html", ctx))


@scoped_view(allow=_may, denied=DENIED)
def edit_guide(request: HttpRequest, code: str) -> HttpResponse:
    region = _editable(request, code)
    stored = queries.stored_guide(region)
    shown = queries.guide(region)
    initial = {f: (getattr(stored, f) if stored else "") or shown[f] for f in FIELDS}
    form = GuideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_guide(actor=request.user, region=region, data=form.cleaned_data)
        except actions.GuideError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{region.name}的办事指南已保存并公开")
            return redirect("disclosure:index")
    return private(render(request, "disclosure/staff/guide_edit.html", {"region": region, "form": form}))


@require_POST
@scoped_view(allow=_may, denied=DENIED)
def publish(request: HttpRequest, code: str) -> HttpResponse:
    region = _editable(request, code)
    if region.level != "county":
        raise Http404("区划不存在")
    try:
        published = publish_actions.publish_month(actor=request.user, county_code=region.code)
    except publish_actions.DisclosureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已发布{published.month:%Y年%m月}救助对象名单：公开{published.listed}户（人），"
            f"依法不予公开{published.exempt}户（人）",
        )
    return redirect("disclosure:index")

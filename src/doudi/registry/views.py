"""Registry pages: household search and export, the household as of a date, audited reveals, and
the identity-number data-quality list. Thin adapters over ``queries``, ``actions`` and ``exports``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import is_htmx, scoped_view
from doudi.core.dates import as_of_or_today
from doudi.core.http import private, xlsx_download
from doudi.core.scoping import require_scope
from doudi.regions.queries import names_for
from doudi.registry import actions, exports, hooks, queries, views_window
from doudi.registry.forms import HouseholdSearchForm
from doudi.registry.models import Household, IdStatus, Person

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
NOT_FOUND = "家庭不存在，或不在您的管辖范围内"


def _search_form(request, data) -> HouseholdSearchForm:
    return HouseholdSearchForm(data, scope_prefix=require_scope().prefix)


ID_IN_URL = "身份证号请在查询表单中输入后提交，不能放在网址中"


@require_http_methods(["GET", "POST"])
@scoped_view("registry.read")
def search(request):
    """The search page. The form is posted, so an identity number never appears in a URL (access
    logs, browser history, the supervisor log); a search without one is redirected to (or, for
    htmx, pushed as) the GET address of its filters, which stays bookmarkable."""
    if request.method == "POST":
        form = _search_form(request, request.POST)
        if form.is_valid() and not form.filters()["id_number"]:
            address = _search_address(form.filters())
            if not is_htmx(request):
                return redirect(address)
            request.GET = QueryDict(address.partition("?")[2])
    else:
        form = _search_form(request, request.GET or None)
        if form.is_bound and request.GET.get("id_number"):
            form.is_valid()
            form.add_error("id_number", ID_IN_URL)
    page, rows = None, []
    if not form.is_bound or form.is_valid():
        qs = queries.search_households(**form.filters())
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = exports.household_rows(list(page))
    context = {"form": form, "page_obj": page, "rows": rows, "filters": form.filters()}
    template = "registry/partials/search_results.html" if is_htmx(request) else "registry/search.html"
    response = private(render(request, template, context))
    if request.method == "POST" and is_htmx(request):
        filters = form.filters() if form.is_valid() else {}
        response["HX-Push-Url"] = request.path if filters.get("id_number") else _search_address(filters)
    return response


def _search_address(filters: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in filters.items() if v and k != "id_number"})
    return reverse("registry:search") + (f"?{query}" if query else "")


@require_POST
@scoped_view("registry.read")
def export(request):
    form = _search_form(request, request.POST)
    if not form.is_valid():
        return render(request, "registry/search.html", {"form": form, "rows": []}, status=400)
    filters = form.filters()
    count = queries.search_households(**filters).count()
    if count > EXPORT_MAX_ROWS:
        form.add_error(None, f"结果超过 {EXPORT_MAX_ROWS:,} 户，请缩小查询范围后再导出")
        return render(request, "registry/search.html", {"form": form, "rows": []}, status=400)
    data = exports.export_households(actor=request.user, filters=filters, count=count)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return private(xlsx_download(data, f"households-{stamp}.xlsx"), htmx=False)


def _household_or_404(pk: int) -> Household:
    try:
        return queries.get_household(pk)
    except Household.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _facts_context(request, household: Household, snapshot, *, revealed: bool) -> dict:
    members = [
        {"member": m, "facts": sorted(m.facts.values(), key=lambda f: f.kind)}
        for m in snapshot.members
        if m.facts
    ]
    household_facts = sorted(snapshot.facts.values(), key=lambda f: f.kind)
    any_sensitive = any(f.sensitive for f in household_facts) or any(
        f.sensitive for m in members for f in m["facts"]
    )
    return {
        "household": household,
        "as_of": snapshot.as_of,
        "member_facts": members,
        "household_facts": household_facts,
        "revealed": revealed,
        "any_sensitive": any_sensitive,
        "can_reveal": request.user.can("registry.reveal"),
    }


def _snapshot_context(request, household: Household, as_of: dt.date, as_of_error: str) -> dict:
    snapshot = queries.household_as_of(household, as_of)
    members = []
    for m in snapshot.members:
        p = m.person
        note = ""
        if p.id_status in (IdStatus.INVALID, IdStatus.MISSING):
            note = queries.describe_id_problem(p)
        elif p.id_status == IdStatus.UPGRADED:
            note = "登记时为15位旧号，已按规则升为18位"
        members.append({"m": m, "p": p, "age": queries.age_on(p.birth_date, as_of), "id_note": note})
    return {
        "household": household,
        "snapshot": snapshot,
        "as_of": as_of,
        "as_of_error": as_of_error,
        "today": timezone.localdate(),
        "members": members,
        **_facts_context(request, household, snapshot, revealed=False),
    }


@require_GET
@scoped_view("registry.read")
def household(request, pk: int):
    hh = _household_or_404(pk)
    as_of, as_of_error = as_of_or_today(request.GET.get("as_of"))
    context = _snapshot_context(request, hh, as_of, as_of_error)
    if is_htmx(request):
        return private(render(request, "registry/partials/snapshot.html", context))
    summary = exports.household_rows([hh], today=timezone.localdate())[0]
    context.update(
        summary=summary,
        category_history=queries.category_history(hh),
        membership_history=queries.membership_history(hh),
        can_write=request.user.can("registry.write"),
        household_sections=hooks.household_sections(request, hh, as_of),
        **views_window.supporter_context(hh, as_of),
    )
    return private(render(request, "registry/household.html", context))


@require_GET
@scoped_view("registry.read")
def household_by_key(request):
    """``/households/key/?k=KEY`` → the household's page: the target of household keys in exported
    workbooks (reports, simulations), which know keys rather than ids. Outside the scope: 404."""
    try:
        hh = queries.get_household_by_key((request.GET.get("k") or "").strip())
    except Household.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    url = reverse("registry:household", args=[hh.pk])
    as_of = (request.GET.get("as_of") or "").strip()
    if as_of:
        url += "?" + urlencode({"as_of": as_of[:10]})
    return redirect(url)


@require_POST
@scoped_view("registry.reveal")
def reveal_id(request, pk: int):
    try:
        person = queries.get_person(pk)
    except Person.DoesNotExist:
        raise Http404("人员不存在，或不在您的管辖范围内") from None
    try:
        number = actions.reveal_id_number(actor=request.user, person=person) if person.id_enc else ""
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from None
    return private(render(request, "registry/partials/id_full.html", {"person": person, "number": number}))


@require_POST
@scoped_view("registry.reveal")
def reveal_facts(request, pk: int):
    hh = _household_or_404(pk)
    as_of, _ = as_of_or_today(request.GET.get("as_of"))
    snapshot = queries.household_as_of(hh, as_of)
    try:
        actions.reveal_sensitive_facts(actor=request.user, household=hh)
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from None
    context = _facts_context(request, hh, snapshot, revealed=True)
    return private(render(request, "registry/partials/facts.html", context))


@require_GET
@scoped_view("registry.read")
def quality(request):
    qs = queries.data_quality_findings().select_related("household")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    regions = names_for({p.region_code for p in page})
    rows = [
        {"p": p, "problem": queries.describe_id_problem(p), "region_name": regions.get(p.region_code, "")}
        for p in page
    ]
    return private(render(request, "registry/quality.html", {"page_obj": page, "rows": rows}), htmx=False)

"""Warning inbox and detail pages, the transition forms (dispatch, recall, reassign, assign, visit, dispose, close) and
visit photos. Thin adapters: forms parse, the ``loop/*_actions`` modules decide and write, ``queries`` read.

Pages, needs, reports, notifications and the holiday calendar: ``views_more``."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import is_htmx, scoped_view
from doudi.core.http import private
from doudi.core.workdays import calendar_warning
from doudi.monitoring.loop import base, disposition_actions, flows, queries, visit_actions, warning_actions
from doudi.monitoring.loop.evidence_display import display_items
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.loop.forms import (
    AssignForm,
    CloseForm,
    DispatchForm,
    DispositionForm,
    InboxFilterForm,
    ReassignForm,
    VisitForm,
)
from doudi.monitoring.models import EarlyWarning, VisitPhoto
from doudi.regions.queries import names_for
from doudi.registry import queries as registry_queries
from doudi.registry.models import Person

PAGE_SIZE = 50
NOT_FOUND = "预警不存在，或不在您的管辖范围内"


def _warning_or_404(pk: int) -> EarlyWarning:
    try:
        return queries.get_warning(pk)
    except EarlyWarning.DoesNotExist:
        raise Http404(NOT_FOUND) from None


@require_GET
@scoped_view("monitoring.read")
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()
    page = queries.InboxPage(queries.inbox(request.user, filters, today), request.GET.get("page"), PAGE_SIZE)
    context = {
        "form": form,
        "filters": filters,
        "page_obj": page,
        "rows": queries.inbox_rows(page.object_list, today),
        "today": today,
        "calendar_warning": calendar_warning(today.year),
        "region_name": names_for({filters.region}).get(filters.region, "") if filters.region else "",
    }
    template = "monitoring/partials/inbox_results.html" if is_htmx(request) else "monitoring/inbox.html"
    return private(render(request, template, context))


def _detail_context(request, warning: EarlyWarning, **forms) -> dict:
    user = request.user
    allowed = set(flows.allowed_transitions(user, warning))
    ctx = {
        "w": warning,
        "allowed": allowed,
        "evidence": display_items(warning.evidence),
        "history": list(queries.warning_history(warning)),
        "visits": list(queries.visits(warning)),
        "reports": list(queries.reports(warning)),
        "disposition": getattr(warning, "disposition", None)
        if warning.status in ("disposed", "closed")
        else None,
        "overdue": warning.is_open and warning.deadline < timezone.localdate(),
        "escalated_to": flows.LEVEL_LABELS[flows.escalated_level(warning.status, warning.escalations)]
        if warning.escalations and warning.is_open
        else "",
        "head": registry_queries.household_head(warning.household_id) if warning.household_id else None,
    }
    if "dispatch" in allowed:
        ctx["dispatch_form"] = forms.get("dispatch_form") or DispatchForm(warning=warning)
    if "reassign" in allowed:
        ctx["reassign_form"] = forms.get("reassign_form") or ReassignForm(warning=warning)
    if "assign" in allowed:
        ctx["assign_form"] = forms.get("assign_form") or AssignForm(
            workers=queries.assignable_workers(warning.township_code)
        )
    if "close" in allowed:
        ctx["close_form"] = forms.get("close_form") or CloseForm()
    return ctx


@require_GET
@scoped_view("monitoring.read")
def detail(request, pk: int):
    warning = _warning_or_404(pk)
    return private(render(request, "monitoring/detail.html", _detail_context(request, warning)), htmx=False)


def _transition(request, pk: int, form_class, form_key: str, run, form_kwargs=None):
    warning = _warning_or_404(pk)
    form = (
        form_class(request.POST, **form_kwargs(warning))
        if callable(form_kwargs)
        else form_class(request.POST)
    )
    if form.is_valid():
        try:
            message = run(warning, form.cleaned_data)
        except FlowDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except base.MonitoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, message)
            return redirect("monitoring:detail", pk=warning.pk)
    ctx = _detail_context(request, warning, **{form_key: form})
    return private(render(request, "monitoring/detail.html", ctx, status=400), htmx=False)


@require_POST
@scoped_view("monitoring.read")
def dispatch(request, pk: int):
    def run(w, d):
        w = warning_actions.dispatch(actor=request.user, warning=w, township_code=d["township"])
        return "已派发至乡镇（街道）"

    return _transition(request, pk, DispatchForm, "dispatch_form", run, form_kwargs=lambda w: {"warning": w})


@require_POST
@scoped_view("monitoring.read")
def recall(request, pk: int):
    warning = _warning_or_404(pk)
    try:
        warning_actions.recall(actor=request.user, warning=warning)
    except FlowDenied as exc:
        raise PermissionDenied(str(exc)) from None
    messages.success(request, "已收回至县级待派发")
    return redirect("monitoring:detail", pk=warning.pk)


@require_POST
@scoped_view("monitoring.read")
def reassign(request, pk: int):
    def run(w, d):
        warning_actions.reassign(actor=request.user, warning=w, township_code=d["township"])
        return "已改派至其他乡镇（街道）"

    return _transition(request, pk, ReassignForm, "reassign_form", run, form_kwargs=lambda w: {"warning": w})


@require_POST
@scoped_view("monitoring.read")
def assign(request, pk: int):
    def run(w, d):
        worker = queries.assignable_workers(w.township_code).filter(pk=d["worker"]).first()
        if worker is None:
            raise base.MonitoringError("只能指派本乡镇（街道）的网格员")
        warning_actions.assign(actor=request.user, warning=w, user=worker)
        return f"已指派网格员{worker.label}"

    return _transition(
        request,
        pk,
        AssignForm,
        "assign_form",
        run,
        form_kwargs=lambda w: {"workers": queries.assignable_workers(w.township_code)},
    )


@require_POST
@scoped_view("monitoring.read")
def close(request, pk: int):
    def run(w, d):
        warning_actions.close(actor=request.user, warning=w, outcome=d["outcome"])
        return "预警已办结"

    return _transition(request, pk, CloseForm, "close_form", run, form_kwargs=None)


def _members(warning: EarlyWarning) -> list[Person]:
    if not warning.household_id:
        return []
    return list(registry_queries.household_members(warning.household_id).order_by("id"))


@require_http_methods(["GET", "POST"])
@scoped_view("monitoring.read")
def visit(request, pk: int):
    warning = _warning_or_404(pk)
    if not flows.allowed(request.user, "verify", warning):
        try:
            flows.check(request.user, "verify", warning)
        except FlowDenied as exc:
            raise PermissionDenied(str(exc)) from None
    members = _members(warning)
    kwargs = {"members": members, "has_household": bool(warning.household_id)}
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                visit_actions.record_visit(
                    actor=request.user,
                    warning=warning,
                    visited_on=form.cleaned_data["visited_on"],
                    visitors=form.visitors(),
                    findings=form.cleaned_data["findings"],
                    hardship_found=form.cleaned_data["hardship_found"],
                    updated_facts=form.updated_facts(),
                    member_changes=form.member_changes(),
                    photos=form.cleaned_data["photos"],
                )
            except FlowDenied as exc:
                raise PermissionDenied(str(exc)) from None
            except base.MonitoringError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "入户核查已提交")
                return redirect("monitoring:detail", pk=warning.pk)
        status = 400
    else:
        form = VisitForm(initial={"visitor1": request.user.label}, **kwargs)
        status = 200
    ctx = {"w": warning, "form": form, "head": next((m for m in members if m.relation == "head"), None)}
    return private(render(request, "monitoring/visit_form.html", ctx, status=status), htmx=False)


def _registered_household(form: DispositionForm, warning: EarlyWarning) -> None:
    """A warning without a household (a potential case): the household registered for it, looked up by
    its key within the user's scope; outside the scope it does not exist."""
    key = (form.cleaned_data.get("household_key") or "").strip()
    if form.cleaned_data["kind"] != "application" or warning.household_id or not key:
        return
    household = registry_queries.find_household_by_key(key)
    if household is None:
        form.add_error("household_key", "未找到该家庭编号，或该家庭不在您的管辖范围内")
    else:
        form.cleaned_data["household_id"] = household.pk


@require_http_methods(["GET", "POST"])
@scoped_view("monitoring.read")
def dispose(request, pk: int):
    warning = _warning_or_404(pk)
    try:
        flows.check(request.user, "dispose", warning)
    except FlowDenied as exc:
        raise PermissionDenied(str(exc)) from None
    status = 200
    if request.method == "POST":
        form = DispositionForm(request.POST)
        if form.is_valid():
            _registered_household(form, warning)
        if form.is_valid():
            try:
                disposition = disposition_actions.dispose(
                    actor=request.user,
                    warning=warning,
                    kind=form.cleaned_data["kind"],
                    detail=form.detail(),
                    note=form.cleaned_data["note"],
                )
            except (FlowDenied, PermissionError) as exc:
                raise PermissionDenied(str(exc)) from None
            except base.MonitoringError as exc:
                form.add_error(None, str(exc))
            else:
                number = disposition.detail.get("number")
                messages.success(
                    request, f"处置已登记，已启动救助申请（{number}）" if number else "处置已登记"
                )
                return redirect("monitoring:detail", pk=warning.pk)
        status = 400
    else:
        form = DispositionForm(initial={"household_key": (request.GET.get("household") or "")[:64]})
    visit_row = queries.visits(warning).order_by("-visited_on").first()
    ctx = {"w": warning, "form": form, "visit": visit_row}
    return private(render(request, "monitoring/dispose_form.html", ctx, status=status), htmx=False)


@require_GET
@scoped_view("monitoring.read")
def photo(request, pk: int):
    """A visit photo, streamed only to a logged-in user whose scope holds it (no public media URL)."""
    try:
        row = queries.get_visit_photo(pk)
    except VisitPhoto.DoesNotExist:
        raise Http404("照片不存在，或不在您的管辖范围内") from None
    content_type = mimetypes.guess_type(row.file.name or "")[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise Http404("照片不存在")
    response = FileResponse(row.file.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return private(response, htmx=False)

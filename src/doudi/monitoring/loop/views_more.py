"""One-by-one answers to need pushes (R-P1; the queue itself is ``monitoring.needs.views``), grassroots reports — staff and public (R-M17) —, in-app
notifications and the holiday calendar (administrators)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core import tracking, workdays
from doudi.core.access import is_htmx, scoped_view
from doudi.core.client_ip import client_address
from doudi.core.http import private
from doudi.monitoring.loop import (
    base,
    calendar_actions,
    disposition_actions,
    notify_actions,
    queries,
    report_actions,
)
from doudi.monitoring.loop.disposition_actions import can_respond
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.loop.forms import (
    CalendarForm,
    NeedResponseForm,
    PublicReportForm,
    ReportForm,
    township_choices,
)
from doudi.monitoring.loop.report_actions import RateLimited
from doudi.regions.queries import names_for
from doudi.registry import queries as registry_queries

PAGE_SIZE = 50


# --- need pushes (departments) ----------------------------------------------------------------------


@require_POST
@scoped_view("needs.respond")
def need_respond(request, pk: int):
    push = queries.needs_for(request.user).filter(pk=pk).first()
    if push is None or not can_respond(request.user, push):
        raise Http404("需求不存在，或不属于本部门")
    form = NeedResponseForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            push = disposition_actions.respond_need(
                actor=request.user,
                push=push,
                status=form.cleaned_data["status"],
                feedback=form.cleaned_data["feedback"],
                amount=form.cleaned_data["amount"],
            )
        except FlowDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except base.MonitoringError as exc:
            error = str(exc)
    else:
        error = "；".join(str(e) for errs in form.errors.values() for e in errs)
    names = names_for({push.region_code})
    row = {"p": push, "region_name": names.get(push.region_code, ""), "form": form, "error": error}
    if is_htmx(request):
        return private(render(request, "monitoring/partials/need_row.html", {"r": row}))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "已答复")
    return redirect("monitoring:needs")


# --- grassroots reports -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@scoped_view("monitoring.report")
def report(request):
    """A grid worker's (or township caseworker's) report from the field."""
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        household = None
        if d["household_key"].strip():
            household = registry_queries.find_household_by_key(d["household_key"].strip())
            if household is None:
                form.add_error("household_key", "未找到该户编号（或不在您的管辖范围内）")
        if not form.errors:
            township = request.user.region_id[:9].ljust(12, "0")
            try:
                rep = report_actions.submit_report(
                    actor_or_none=request.user,
                    region_code=township,
                    household=household,
                    subject_name=d["subject_name"],
                    address=d["address"],
                    description=d["description"],
                    contact=d["contact"],
                )
            except base.MonitoringError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "报告已提交，已进入乡镇（街道）预警待办")
                return redirect("monitoring:detail", pk=rep.warning_id)
    status = 400 if request.method == "POST" else 200
    return private(render(request, "monitoring/report_form.html", {"form": form}, status=status), htmx=False)


def _client_address(request) -> str:
    return client_address(request)  # behind a trusted proxy: the forwarded address


@csrf_protect
@require_http_methods(["GET", "POST"])
def public_report(request):
    """The public's report form: no login, CSRF-protected, at most 5 reports per address and hour."""
    if request.method == "POST":
        form = PublicReportForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                report = report_actions.submit_report(
                    actor_or_none=None,
                    region_code=d["township"],
                    subject_name=d["subject_name"],
                    address=d["address"],
                    description=d["description"],
                    contact=d["contact"],
                    client_address=_client_address(request),
                )
            except RateLimited as exc:
                form.add_error(None, str(exc))
                return private(
                    render(request, "monitoring/public_report.html", {"form": form}, status=429), htmx=False
                )
            except base.MonitoringError as exc:
                form.add_error(None, str(exc))
            else:
                code = tracking.display(report.tracking_code or "")
                return private(render(request, "monitoring/public_thanks.html", {"code": code}), htmx=False)
        return private(
            render(request, "monitoring/public_report.html", {"form": form}, status=400), htmx=False
        )
    return private(render(request, "monitoring/public_report.html", {"form": PublicReportForm()}), htmx=False)


@require_GET
def public_status(request):
    """The public's status lookup by tracking number: the stage and dates only, no personal data."""
    raw = (request.GET.get("code") or "").strip()
    status, error = None, ""
    if raw:
        code = tracking.normalize(raw)
        status = queries.public_report_status(code) if code else None
        if status is None:
            error = "查询码有误或不存在，请核对后重新输入（不区分大小写，可省略横线）"
    ctx = {"status": status, "error": error, "raw": raw[:32], "stages": queries.PUBLIC_STAGES}
    return private(
        render(request, "monitoring/public_status.html", ctx, status=404 if error else 200), htmx=False
    )


@require_GET
def public_townships(request):
    """The township options of a county (htmx, public)."""
    choices = township_choices(request.GET.get("county"))
    return private(render(request, "monitoring/partials/township_options.html", {"choices": choices}))


# --- notifications ----------------------------------------------------------------------------------------


@require_GET
@scoped_view
def notifications(request):
    page = Paginator(queries.notifications(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return private(render(request, "monitoring/notifications.html", {"page_obj": page}), htmx=False)


@require_GET
@scoped_view
def bell(request):
    return private(
        render(request, "monitoring/partials/bell.html", {"unread": queries.unread_count(request.user)})
    )


@require_GET
@scoped_view
def notification_open(request, pk: int):
    note = queries.find_notification(request.user, pk)
    if note is None:
        raise Http404("通知不存在")
    notify_actions.mark_read(user=request.user, ids=[pk])
    link = note.link if url_has_allowed_host_and_scheme(note.link, allowed_hosts=None) and note.link else None
    return HttpResponseRedirect(link or "/monitoring/notifications/")


@require_POST
@scoped_view
def notifications_read(request):
    notify_actions.mark_read(user=request.user)
    messages.success(request, "已全部标为已读")
    return redirect("monitoring:notifications")


# --- holiday calendar (administrators) -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@scoped_view("admin", denied="只有系统管理员可以维护节假日安排")
def calendar(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    form = CalendarForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            try:
                day = dt.date.fromisoformat(request.POST["remove"])
            except ValueError:
                raise Http404("日期无效") from None
            calendar_actions.remove_override(actor=request.user, date=day)
            messages.success(request, f"已删除 {day:%Y-%m-%d} 的安排")
            return redirect(f"{request.path}?year={day.year}")
        if form.is_valid():
            d = form.cleaned_data
            calendar_actions.set_override(
                actor=request.user, date=d["date"], is_workday=d["is_workday"], note=d["note"]
            )
            messages.success(request, f"已保存 {d['date']:%Y-%m-%d} 的安排")
            return redirect(f"{request.path}?year={d['date'].year}")
    rows = queries.workday_overrides(year)
    ctx = {
        "year": year,
        "rows": rows,
        "form": form,
        "covered": workdays.package_covers(year),
        "warning": workdays.calendar_warning(year),
        "years": list(range(today.year - 1, today.year + 3)),
    }
    return private(
        render(request, "monitoring/calendar.html", ctx, status=400 if form.errors else 200), htmx=False
    )

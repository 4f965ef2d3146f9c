"""Staff pages of complaints (htmx, phone-friendly): the queue with deadlines and overdue marks, a new ticket,
the ticket with its actions and history, the Excel export. Outside the caller's region (or a sensitive ticket
the caller may not see): 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.complaints import actions, excel, queries, rules
from doudi.complaints.base import ComplaintError, may_handle
from doudi.complaints.forms import StaffFileForm, StepForm
from doudi.complaints.models import Complaint
from doudi.core import tracking
from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.regions.queries import names_for, township_choices


def _get_or_404(user, pk: int) -> Complaint:
    try:
        return queries.get(user, pk)
    except Complaint.DoesNotExist:
        raise Http404("投诉举报不存在，或不在您的管辖范围内") from None


def townships_of(user) -> list[tuple[str, str]]:
    return township_choices(user.region_id)


@require_GET
@scoped_view("complaints.read")
def index(request):
    which = request.GET.get("show", "open")
    which = which if which in queries.FILTERS else "open"
    q = (request.GET.get("q") or "").strip()[:40]
    qs = queries.complaints(request.user, which, q=q)
    page = queries.rows(qs[:200])
    names = names_for({r["c"].region_code for r in page})
    for r in page:
        r["town"] = names.get(r["c"].region_code, "")
    counts = queries.counts(request.user)
    ctx = {
        "rows": page,
        "total": qs.count(),
        "which": which,
        "q": q,
        "tabs": [{"key": k, "label": v, "count": counts.get(k)} for k, v in queries.FILTERS.items()],
        "can_file": request.user.can("complaints.file"),
        "levels": rules.LEVEL_LABELS,
    }
    template = (
        "complaints/partials/rows.html" if request.headers.get("HX-Request") else "complaints/index.html"
    )
    return private(render(request, template, ctx))


@require_GET
@scoped_view("complaints.read")
def export_xlsx(request):
    which = request.GET.get("show", "all")
    qs = queries.complaints(request.user, which if which in queries.FILTERS else "all")
    data, n = excel.book(qs)
    actions.record_export(actor=request.user, rows=n)
    return xlsx_download(data, "投诉举报清单.xlsx")


@require_http_methods(["GET", "POST"])
@scoped_view("complaints.file")
def new(request):
    towns = townships_of(request.user)
    form = StaffFileForm(request.POST or None, townships=towns)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        app = None
        if d["application_number"]:
            app = queries.application_by_number(d["application_number"])
            if app is None:
                form.add_error("application_number", "未找到该申请，或不在您的管辖范围内")
        if not form.errors:
            try:
                c = actions.file_complaint(
                    actor=request.user, ctype=d["ctype"], channel=d["channel"], township=d["township"],
                    summary=d["summary"], content=d["content"], subject_name=d["subject_name"],
                    subject_staff_name=d["subject_staff_name"], anonymous=d["anonymous"],
                    reporter_name=d["reporter_name"], reporter_id_number=d["reporter_id_number"],
                    reporter_phone=d["reporter_phone"], xinfang=d["xinfang"], application=app,
                    on=d["received_on"],
                )  # fmt: skip
            except ComplaintError as exc:
                form.add_error(exc.path if exc.path in form.fields else None, str(exc))
            else:
                messages.success(request, f"已登记投诉举报 {c.number}")
                if queries.visible(request.user).filter(pk=c.pk).exists():
                    return redirect("complaints:detail", pk=c.pk)
                return redirect("complaints:index")
    return private(render(request, "complaints/new.html", {"form": form}), htmx=False)


@require_GET
@scoped_view("complaints.read")
def detail(request, pk: int):
    c = _get_or_404(request.user, pk)
    actions.record_sensitive_view(actor=request.user, complaint=c)
    why_not = may_handle(request.user, c)
    ctx = {
        "c": c,
        "deadline": queries.deadline(c),
        "steps": queries.steps(c),
        "appeals": queries.appeals_of(c),
        "can_handle": not why_not,
        "why_not": why_not,
        "events": {e: rules.EVENTS[e].label for e in rules.EVENTS if rules.allowed(e, c.state)},
        "staff": queries.staff_choices(request.user, c)
        if not why_not and c.state in ("accepted", "in_progress")
        else [],
        "form": StepForm(),
        "town": names_for({c.region_code}).get(c.region_code, ""),
        "can_reveal": request.user.can("complaints.reveal") and not why_not,
        "tracking": tracking.display(c.tracking_code) if c.tracking_code and not why_not else "",
    }
    return private(render(request, "complaints/detail.html", ctx), htmx=False)


@require_POST
@scoped_view("complaints.write")
def step(request, pk: int, event: str):
    c = _get_or_404(request.user, pk)
    form = StepForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    try:
        if event == "extend":
            actions.extend_xinfang(actor=request.user, complaint=c, reason=d.get("note") or "")
        elif event == "appeal":
            a = actions.appeal(actor=request.user, original=c, reason=d.get("note") or "")
            messages.success(request, f"已登记复查申请 {a.number}，由上一级办理")
        else:
            handler = None
            if d.get("handler"):
                handler = next(
                    (u for u in queries.staff_choices(request.user, c) if u.pk == d["handler"]), None
                )
                if handler is None:
                    raise ComplaintError("所选人员不能办理该投诉举报（不在范围内或须回避）", "handler")
            actions.move(
                actor=request.user, complaint=c, event=event, note=d.get("note") or "", handler=handler,
                finding=d.get("finding") or "", decision=d.get("decision") or "",
                decision_note=d.get("decision_note") or "", root_cause=d.get("root_cause") or "",
                reply=d.get("reply") or "", reply_method=d.get("reply_method") or "",
            )  # fmt: skip
            messages.success(request, f"已{rules.EVENTS[event].label}" if event in rules.EVENTS else "已办理")
    except PermissionError as exc:
        messages.error(request, str(exc))
    except ComplaintError as exc:
        messages.error(request, str(exc))
    return redirect("complaints:detail", pk=c.pk)


@require_POST
@scoped_view("complaints.reveal")
def reveal(request, pk: int):
    c = _get_or_404(request.user, pk)
    try:
        got = actions.reveal_reporter(actor=request.user, complaint=c)
    except ComplaintError as exc:
        messages.error(request, str(exc))
        return redirect("complaints:detail", pk=c.pk)
    return private(render(request, "complaints/partials/reveal.html", {"got": got}))

"""The public's complaint form and status lookup (no login, CSRF-protected, rate-limited per address): a
tracking number is given on filing; the lookup needs the number and its check field (the phone's last four
digits or a chosen PIN) and shows the stage, dates, the decision and the reply — nothing else, and the same
"not found" whether the number exists or not."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from doudi.complaints import actions, queries
from doudi.complaints.base import ComplaintError
from doudi.complaints.forms import LookupForm, PublicForm, township_choices
from doudi.core import tracking
from doudi.core.client_ip import client_address
from doudi.core.http import private


def _page(request, template: str, ctx: dict, status: int = 200):
    return private(render(request, template, ctx, status=status), htmx=False)


@require_http_methods(["GET", "POST"])
def form(request):
    if request.method != "POST":
        return _page(request, "complaints/public_form.html", {"form": PublicForm()})
    f = PublicForm(request.POST)
    if f.is_valid():
        d = f.cleaned_data
        try:
            c = actions.file_complaint(
                actor=None, ctype=d["ctype"], township=d["township"], summary=d["summary"], content=d["content"],
                subject_name=d["subject_name"], anonymous=d["anonymous"], reporter_name=d["reporter_name"],
                reporter_phone=d["reporter_phone"], check_pin=d["check_pin"], client_address=client_address(request),
            )  # fmt: skip
        except actions.RateLimited as exc:
            f.add_error(None, str(exc))
            return _page(request, "complaints/public_form.html", {"form": f}, 429)
        except ComplaintError as exc:
            f.add_error(None, str(exc))
        else:
            ctx = {"code": tracking.display(c.tracking_code or ""), "by_phone": bool(d["reporter_phone"]),
                   "due": c.resolve_due}  # fmt: skip
            return _page(request, "complaints/public_thanks.html", ctx)
    return _page(request, "complaints/public_form.html", {"form": f}, 400)


@require_GET
def townships(request):
    return private(render(request, "complaints/partials/township_options.html",
                          {"choices": township_choices(request.GET.get("county"))}))  # fmt: skip


@require_http_methods(["GET", "POST"])
def status(request):
    """POST (CSRF) so that the check field never sits in a URL or a log."""
    if request.method != "POST":
        return _page(
            request, "complaints/public_status.html", {"form": LookupForm(), "stages": queries.PUBLIC_STAGES}
        )
    f = LookupForm(request.POST)
    found, error, appealed = None, "", ""
    if f.is_valid():
        code = tracking.normalize(f.cleaned_data["code"])
        found = queries.public_status(code, f.cleaned_data["check"]) if code else None
        if found is not None and request.POST.get("appeal_reason"):
            original = queries.public_ticket(found["_pk"])
            try:
                a = actions.appeal(actor=None, original=original, reason=request.POST["appeal_reason"],
                                   client_address=client_address(request))  # fmt: skip
                appealed = a.number
                found = queries.public_status(code, f.cleaned_data["check"])
            except ComplaintError as exc:
                error = str(exc)
    if found is None and not error:
        error = "查询码或验证信息有误，请核对后重新输入"
    ctx = {"form": f, "status": found, "error": error, "appealed": appealed, "stages": queries.PUBLIC_STAGES}
    return _page(request, "complaints/public_status.html", ctx, 404 if found is None else 200)

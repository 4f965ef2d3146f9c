"""Staff pages of the needs library (htmx, phone-friendly): the township's and county's needs with their due
dates, a new need, the need with consent, story approval, claims and deliveries to confirm, the Excel export
and the evidence files. Outside the caller's region: 404."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.charity import actions, claim_actions, excel, queries, rules
from doudi.charity.actions import StoryRefused
from doudi.charity.base import CharityError, charity_of
from doudi.charity.forms import ApproveForm, ConsentForm, NeedForm, NewNeedForm, ReasonForm
from doudi.charity.models import Delivery, Need
from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download


def need_or_404(pk: int) -> Need:
    try:
        return queries.get_need(pk)
    except Need.DoesNotExist:
        raise Http404("帮扶需求不存在，或不在您的管辖范围内") from None


def delivery_or_404(pk: int) -> Delivery:
    try:
        return queries.get_delivery(pk)
    except Delivery.DoesNotExist:
        raise Http404("交付记录不存在，或不在您的管辖范围内") from None


@require_GET
@scoped_view("charity.read")
def index(request):
    which = request.GET.get("show", "live")
    which = which if which in queries.STAFF_FILTERS else "live"
    q = (request.GET.get("q") or "").strip()[:40]
    qs = queries.staff_needs(which, q=q, category=request.GET.get("category", ""))
    counts = queries.staff_counts()
    ctx = {
        "rows": queries.rows(qs[:200]),
        "total": qs.count(),
        "which": which,
        "q": q,
        "tabs": [{"key": k, "label": v, "count": counts.get(k)} for k, v in queries.STAFF_FILTERS.items()],
        "can_propose": request.user.can("charity.propose"),
        "can_register": request.user.can("charity.register"),
    }
    template = (
        "charity/partials/need_rows.html" if request.headers.get("HX-Request") else "charity/index.html"
    )
    return private(render(request, template, ctx))


@require_GET
@scoped_view("charity.read")
def export_xlsx(request):
    which = request.GET.get("show", "all")
    qs = queries.staff_needs(which if which in queries.STAFF_FILTERS else "all")
    data, n = excel.needs_book(qs)
    actions.record_export(actor=request.user, rows=n)
    return private(xlsx_download(data, "charity-needs.xlsx"), htmx=False)


@require_http_methods(["GET", "POST"])
@scoped_view("charity.propose")
def new(request):
    household = None
    key = (request.POST.get("household_key") or request.GET.get("household") or "").strip()
    if key:
        household = queries.household_by_key(key)
    members = queries.members_of(household.pk) if household else []
    form = NewNeedForm(request.POST or None, members=members,
                       initial={"household_key": key, "due_on": timezone.localdate() + dt.timedelta(days=30)})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ref = queries.origin_record(d["origin"], d["origin_ref"])
        if d["origin_ref"] and ref is None:
            form.add_error("origin_ref", "未找到该记录，或不在您的管辖范围内")
        if household is None and ref is not None and getattr(ref, "household_id", None):
            household = ref.household
        if household is None and not form.errors:
            form.add_error("household_key", "未找到该家庭，或不在您的管辖范围内")
        if not form.errors:
            person = next((p for p in members if p.pk == d.get("person")), None)
            try:
                need = actions.create_need(
                    actor=request.user, household=household, category=d["category"], title=d["title"],
                    description=d["description"], measure=d["measure"], target=d["target"], unit=d["unit"],
                    due_on=d["due_on"], origin=d["origin"], origin_ref=ref, person=person,
                    public_story=d["public_story"],
                )  # fmt: skip
            except (CharityError, PermissionError) as exc:
                form.add_error(getattr(exc, "path", None) if getattr(exc, "path", None) in form.fields else None,
                               str(exc))  # fmt: skip
            else:
                messages.success(request, f"已登记帮扶需求 {need.public_number}，请登记家庭同意后提交审核")
                return redirect("charity:need", pk=need.pk)
    return private(render(request, "charity/new.html", {"form": form, "household": household}), htmx=False)


def _need_context(request, need: Need, **extra) -> dict:
    user = request.user
    story_initial = {"title": need.title, "public_story": need.public_story}
    edit_initial = {k: getattr(need, k) for k in NeedForm.base_fields}
    return {
        "need": need,
        "due": queries.due_label(need),
        "town": queries.rows([need])[0]["town"],
        "members": queries.members_of(need.household_id),
        "claims": queries.claims_of(need),
        "deliveries": queries.deliveries_of(need),
        "steps": queries.steps(need),
        "can_propose": user.can("charity.propose"),
        "can_approve": user.can("charity.approve"),
        "can_confirm": user.can("charity.confirm"),
        "editable": need.state in rules.EDITABLE,
        "consent_form": ConsentForm(),
        "edit_form": NeedForm(initial=edit_initial),
        "approve_form": ApproveForm(initial=story_initial),
        "reason_form": ReasonForm(),
        **extra,
    }


@require_GET
@scoped_view("charity.read")
def need(request, pk: int):
    n = need_or_404(pk)
    return private(render(request, "charity/need.html", _need_context(request, n)), htmx=False)


STEPS = ("consent", "edit", "submit", "approve", "send_back", "withdraw", "close")


@require_POST
@scoped_view("charity.read")
def need_step(request, pk: int, step: str):
    n = need_or_404(pk)
    if step not in STEPS:
        raise Http404("no such step")
    extra: dict = {}
    try:
        if step == "consent":
            cf = ConsentForm(request.POST)
            if not cf.is_valid():
                raise CharityError("请填写同意人、同意日期和方式")
            d = cf.cleaned_data
            actions.record_consent(actor=request.user, need=n, by=d["consent_by"], on=d["consent_on"],
                                   method=d["consent_method"])  # fmt: skip
        elif step == "edit":
            nf = NeedForm(request.POST)
            if not nf.is_valid():
                extra["edit_form"] = nf
                raise CharityError("请检查填写的内容")
            actions.update_need(actor=request.user, need=n, **nf.cleaned_data)
        elif step == "submit":
            actions.submit(actor=request.user, need=n)
        elif step == "approve":
            af = ApproveForm(request.POST)
            af.is_valid()
            d = af.cleaned_data
            extra["approve_form"] = af
            actions.approve(actor=request.user, need=n, title=d.get("title", ""),
                            public_story=d.get("public_story", ""))  # fmt: skip
        else:
            reason = (request.POST.get("reason") or "").strip()
            fn = {"send_back": actions.send_back, "close": actions.close}.get(step)
            if fn is not None:
                fn(actor=request.user, need=n, reason=reason)
            else:
                actions.withdraw_consent(actor=request.user, need=n, note=reason)
    except StoryRefused as exc:
        extra.update({"story_error": str(exc), "suggestion": exc.suggestion,
                      "title_suggestion": exc.title_suggestion})  # fmt: skip
    except (CharityError, PermissionError) as exc:
        extra["step_error"] = str(exc)
    else:
        messages.success(request, "已办理")
        return redirect("charity:need", pk=n.pk)
    n = need_or_404(pk)
    return private(
        render(request, "charity/need.html", _need_context(request, n, **extra), status=422), htmx=False
    )


@require_POST
@scoped_view("charity.confirm")
def delivery_step(request, pk: int, step: str):
    d = delivery_or_404(pk)
    try:
        if step == "confirm":
            claim_actions.confirm_delivery(actor=request.user, delivery=d)
            messages.success(request, "已确认收到，帮扶已记入家庭救助链")
        elif step == "reject":
            claim_actions.reject_delivery(
                actor=request.user, delivery=d, reason=request.POST.get("reason", "")
            )
            messages.success(request, "已退回该交付")
        else:
            raise Http404("no such step")
    except Delivery.DoesNotExist:
        raise Http404("交付记录不存在") from None
    except (CharityError, PermissionError) as exc:
        messages.error(request, str(exc))
    return redirect("charity:need", pk=d.need_id)


@require_GET
def evidence(request, pk: int):
    """The evidence file, to staff of the need's region and to the charity that recorded it."""
    if not request.user.is_authenticated:
        raise Http404("文件不存在")
    d = queries.evidence_for(request.user, pk, charity_of(request.user))
    if d is None or not d.evidence:
        raise Http404("文件不存在")
    content_type = mimetypes.guess_type(d.evidence.name or "")[0] or "application/octet-stream"
    response = FileResponse(d.evidence.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return private(response, htmx=False)

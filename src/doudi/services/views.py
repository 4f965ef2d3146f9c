"""Service-order pages (htmx, phone-friendly): the list with its deadlines, a new order (from a person, a
warning, an application or a case), the order page with the steps each role may take, the provider's
visits of the day and the visit form (phone), visit confirmation and photos. Outside the caller's scope — a
provider's staff: outside their own organisation's orders — 404."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.registry.models import Person
from doudi.services import actions, excel, export_actions, queries
from doudi.services.base import ServicesError, township_of
from doudi.services.forms import (
    CancelForm,
    CompleteForm,
    ConfirmForm,
    DeclineForm,
    DisputeForm,
    OrderForm,
    PlanForm,
    VisitForm,
)
from doudi.services.models import ServiceOrder, ServiceVisit

reader = scoped_view(allow=queries.may_read, denied="您的角色无权查看救助服务")


def _order_or_404(user, pk: int) -> ServiceOrder:
    try:
        return queries.get_order(user, pk)
    except ServiceOrder.DoesNotExist:
        raise Http404("服务工单不存在，或不在您的管辖范围内") from None


def _visit_or_404(user, pk: int) -> ServiceVisit:
    try:
        return queries.get_visit(user, pk)
    except ServiceVisit.DoesNotExist:
        raise Http404("服务记录不存在，或不在您的管辖范围内") from None


def _errors(form) -> str:
    return "；".join(f"{form.fields[k].label}：{v[0]}" if k in form.fields else v[0]
                    for k, v in form.errors.items()) or "请检查填写的内容"  # fmt: skip


@require_GET
@reader
def orders(request):
    which = request.GET.get("show", "open")
    which = which if which in queries.FILTERS else "open"
    q = (request.GET.get("q") or "").strip()[:40]
    qs = queries.orders(request.user, which, q=q)
    counts = queries.counts(request.user)
    ctx = {
        "rows": queries.rows(qs[:200]),
        "total": qs.count(),
        "which": which,
        "q": q,
        "tabs": [{"key": k, "label": v, "count": counts.get(k)} for k, v in queries.FILTERS.items()],
        "can_order": request.user.can("services.order"),
        "provider": queries.is_provider(request.user),
        "can_export": request.user.can("services.read"),
    }
    hx = request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    return private(
        render(request, "services/partials/order_rows.html" if hx else "services/orders.html", ctx)
    )


@require_GET
@scoped_view("services.read")
def orders_xlsx(request):
    """The list as shown (tab and search), every row, with masked names and identity numbers; audited."""
    which = request.GET.get("show", "open")
    which = which if which in queries.FILTERS else "open"
    q = (request.GET.get("q") or "").strip()[:40]
    data, n = excel.orders_book(
        queries.export_orders(request.user, which, q=q), f"救助服务工单（{queries.FILTERS[which]}）"
    )
    export_actions.record_orders_export(actor=request.user, which=which, q=q, rows=n)
    return private(
        xlsx_download(data, f"services-orders-{which}-{timezone.localdate():%Y%m%d}.xlsx"), htmx=False
    )


ORIGIN_PARAMS = ("warning", "application", "case")


@require_http_methods(["GET", "POST"])
@scoped_view("services.order")
def new(request):
    user = request.user
    today = timezone.localdate()
    origin = next((k for k in ORIGIN_PARAMS if request.GET.get(k, "").isdigit()), "")
    origin_id = int(request.GET[origin]) if origin else None
    person = None
    if (request.GET.get("person") or "").isdigit():
        try:
            person = queries.orderable_person(user, int(request.GET["person"]))
        except Person.DoesNotExist:
            raise Http404("该人员不存在，或不在您的管辖范围内") from None
    q = (request.GET.get("q") or "").strip()[:20]
    ctx: dict = {"q": q, "person": person, "origin": origin, "origin_id": origin_id,
                 "found": queries.persons_search(q) if q and person is None else []}  # fmt: skip
    if person is None and origin and origin_id and not q:
        ctx["found"] = queries.origin_persons(origin, origin_id)
    if person is not None:
        township = township_of(person.household.region_code) if person.household_id else ""
        offers = queries.offers(township, today) if township else []
        form = OrderForm(request.POST or None, offers=offers,
                         initial={"starts_on": today, "origin": origin, "origin_id": origin_id})  # fmt: skip
        ctx.update({"form": form, "offers": offers, "checks": [
            {"name": o["service_type"].name, "provider": o["provider"].name,
             "verdict": queries.eligibility(person, o["service_type"], today)} for o in offers]})  # fmt: skip
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            chosen = next(o for o in offers if f"{o['service_type'].pk}:{o['provider'].pk}" == d["offer"])
            try:
                order = actions.place_order(
                    actor=user, person=person, service_type=chosen["service_type"], provider=chosen["provider"],
                    starts_on=d["starts_on"], ends_on=d["ends_on"], frequency=d["frequency"],
                    visits_per_period=d["visits_per_period"], note=d["note"] or "",
                    origin=d.get("origin") or "", origin_id=d.get("origin_id"),
                )  # fmt: skip
            except ServicesError as exc:  # the origin fields are hidden: their errors go on top
                visible = exc.path in form.fields and exc.path not in ("origin", "origin_id")
                form.add_error(exc.path if visible else None, str(exc))
            else:
                messages.success(request, f"已下达服务工单 {order.number}")
                return redirect(reverse("services:order", args=[order.pk]))
    return private(render(request, "services/new.html", ctx))


@require_GET
@reader
def order(request, pk: int):
    o = _order_or_404(request.user, pk)
    user = request.user
    today = timezone.localdate()
    S = ServiceOrder.State
    mine = queries.is_provider(user)
    township_user = user.can("services.order") and not mine
    plans = queries.plans(o, today)
    nxt = next((p["on"] for p in plans if p["status"] == "due"), None)
    missed = [p for p in plans if p["status"] == "missed"]
    done = [p for p in plans if p["status"] == "done"][-4:]
    due = [p for p in plans if p["status"] == "due"][:8]
    shown = sorted(missed + done + due, key=lambda p: p["on"])
    visits = list(queries.visits(o))
    open_visits = [v for v in visits if v.state != "confirmed"]
    recent = [v for v in visits if v.state == "confirmed"][:10]
    ctx = {
        "o": o,
        "deadline": queries.deadline(o, today, nxt),
        "plans": shown,
        "plans_hidden": len(plans) - len(shown),
        "missed": len(missed),
        "visits": sorted(open_visits + recent, key=lambda v: (v.visited_on, v.pk), reverse=True),
        "visits_hidden": len(visits) - len(open_visits) - len(recent),
        "visits_total": len(visits),
        "township": queries.township_name(o.region_code),
        "unit": o.service_type.get_unit_display(),
        "may_accept": mine and o.state == S.PLACED,
        "may_plan": mine and o.state == S.ACCEPTED,
        "may_visit": mine and o.state == S.ACCEPTED,
        "may_confirm": user.can("services.confirm"),
        "may_complete": township_user and o.state == S.ACCEPTED,
        "may_cancel": township_user and o.state in (S.PLACED, S.ACCEPTED),
        "decline_form": DeclineForm(auto_id="decline_%s"),
        "plan_form": PlanForm(
            auto_id="plan_%s",
            initial={"dates": "\n".join(p["on"].isoformat() for p in plans if p["status"] == "due")},
        ),  # fmt: skip
        "confirm_form": ConfirmForm(auto_id=False),
        "dispute_form": DisputeForm(auto_id=False),
        "complete_form": CompleteForm(auto_id="complete_%s"),
        "cancel_form": CancelForm(auto_id="cancel_%s"),
    }
    return private(render(request, "services/order.html", ctx))


STEPS = {
    "accept": None,
    "decline": DeclineForm,
    "plan": PlanForm,
    "complete": CompleteForm,
    "cancel": CancelForm,
}


@require_POST
@reader
def order_step(request, pk: int, step: str):
    o = _order_or_404(request.user, pk)
    if step not in STEPS:
        raise Http404("没有这个环节")
    form_class = STEPS[step]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(reverse("services:order", args=[o.pk]))
    d = form.cleaned_data if form is not None else {}
    user = request.user
    try:
        if step == "accept":
            actions.accept(actor=user, order=o)
            messages.success(request, "已接单，已按频次生成计划服务日期")
        elif step == "decline":
            actions.decline(actor=user, order=o, reason=d["reason"])
            messages.success(request, "已拒单，乡镇（街道）将另选机构")
        elif step == "plan":
            n = actions.plan(actor=user, order=o, dates=d["dates"])
            messages.success(request, f"已安排服务日期（新增{n}个）")
        elif step == "complete":
            actions.complete(actor=user, order=o, satisfaction=d["satisfaction"], note=d["note"] or "")
            messages.success(request, "工单已办结")
        else:
            actions.cancel(actor=user, order=o, reason=d["reason"])
            messages.success(request, "工单已撤销")
    except ServicesError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("services:order", args=[o.pk]))


@require_http_methods(["GET", "POST"])
@scoped_view("services.provide")
def visit(request, pk: int):
    o = _order_or_404(request.user, pk)
    today = timezone.localdate()
    form = VisitForm(request.POST or None, request.FILES or None,
                     initial={"visited_on": request.GET.get("on") or today, "worker": request.user.display_name
                              if hasattr(request.user, "display_name") else ""})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_visit(
                actor=request.user, order=o, visited_on=d["visited_on"], start_time=d["start_time"],
                minutes=d["minutes"], worker=d["worker"], notes=d["notes"] or "", photo=d["photo"],
            )  # fmt: skip
        except ServicesError as exc:
            form.add_error(exc.path if exc.path in form.fields else None, str(exc))
        else:
            messages.success(request, "服务记录已登记，待乡镇（街道）或网格员确认")
            return redirect(reverse("services:order", args=[o.pk]))
    return private(render(request, "services/visit.html", {"o": o, "form": form}))


@require_POST
@scoped_view("services.confirm")
def visit_step(request, pk: int, step: str):
    v = _visit_or_404(request.user, pk)
    form = {"confirm": ConfirmForm, "dispute": DisputeForm}.get(step)
    if form is None:
        raise Http404("没有这个环节")
    f = form(request.POST)
    if not f.is_valid():
        messages.error(request, _errors(f))
    else:
        try:
            if step == "confirm":
                actions.confirm_visit(actor=request.user, visit=v, family_confirmer=f.cleaned_data["family_confirmer"],
                                      method=f.cleaned_data["method"])  # fmt: skip
                messages.success(request, "服务记录已确认")
            else:
                actions.dispute_visit(actor=request.user, visit=v, reason=f.cleaned_data["reason"])
                messages.success(request, "已登记异议，该次服务不予结算")
        except ServicesError as exc:
            messages.error(request, str(exc))
    return redirect(reverse("services:order", args=[v.order_id]))


@require_GET
@reader
def photo(request, pk: int):
    v = _visit_or_404(request.user, pk)
    if not v.photo:
        raise Http404("没有照片")
    content_type = mimetypes.guess_type(v.photo.name or "")[0] or ""
    if not content_type.startswith("image/"):
        raise Http404("没有照片")
    response = FileResponse(v.photo.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return private(response, htmx=False)


@require_GET
@scoped_view("services.provide")
def today(request):
    plans = list(queries.today_plans(request.user))
    return private(render(request, "services/today.html", {"plans": plans, "today": timezone.localdate()}))

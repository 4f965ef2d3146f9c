"""One-off payment pages (一次性发放, R-PAY9): the scope's decisions; a county (or higher) proposes a
region-wide decision with a rule id, an amount and a selection — never typed rows; the page shows how
many cases the selection takes before approval; another person approves (the proposer cannot), then
"apply" writes the lines on the month's draft rosters. Outside the scope: 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private
from doudi.core.scoping import prefix_of
from doudi.payments import oneoff_actions, queries
from doudi.payments.base import PaymentsConflict, PaymentsError, parse_month
from doudi.payments.forms import OneOffForm
from doudi.payments.models import OneOffDecision
from doudi.regions.queries import children, names_for
from doudi.registry.models import CATEGORY_NAMES, AreaType

AREA_LABELS = {"": "城乡不限", **dict(AreaType.choices)}


def _decision_or_404(pk: int) -> OneOffDecision:
    try:
        return queries.get_oneoff(pk)
    except OneOffDecision.DoesNotExist:
        raise Http404("一次性发放决定不存在，或不在您的管辖范围内") from None


def _selection_text(d: OneOffDecision) -> str:
    sel = d.selection or {}
    tiers = "、".join(CATEGORY_NAMES.get(t, "") for t in sel.get("tiers", []))
    prefix = sel.get("region_prefix") or ""
    region = names_for({prefix.ljust(12, "0")}).get(prefix.ljust(12, "0"), "") if prefix else ""
    return f"{region or '本级全辖区'}，{tiers}，{AREA_LABELS.get(sel.get('area_type') or '', '')}"


@require_GET
@scoped_view("payments.read")
def oneoffs(request):
    rows = [{"d": d, "selection": _selection_text(d)} for d in queries.oneoff_rows()]
    ctx = {"rows": rows, "can_propose": request.user.can("payments.approve")}
    return private(render(request, "payments/oneoff/list.html", ctx))


@require_GET
@scoped_view("payments.read")
def oneoff(request, pk: int):
    d = _decision_or_404(pk)
    user = request.user
    approver = user.can("payments.approve")
    ctx = {
        "d": d,
        "selection": _selection_text(d),
        "preview": queries.oneoff_preview(d),
        "totals": queries.oneoff_totals(d),
        "may_approve": d.state == "proposed" and approver and d.proposed_by_id != user.pk,
        "own_decision": d.state == "proposed" and d.proposed_by_id == user.pk,
        "may_apply": d.state in ("approved", "applied") and approver,
    }
    return private(render(request, "payments/oneoff/detail.html", ctx))


@require_http_methods(["GET", "POST"])
@scoped_view("payments.approve")
def oneoff_new(request):
    code = request.user.region_id
    regions = [(prefix_of(r.code), r.name) for r in children(code).order_by("code")]
    form = OneOffForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decision = oneoff_actions.propose(
                actor=request.user,
                title=d["title"],
                rule=d["rule"],
                month=parse_month(d["month"]),
                programme=d["programme"],
                amount=d["amount"],
                per_person=d["per_person"],
                selection={
                    "tiers": d["tiers"],
                    "area_type": d["area_type"] or "",
                    "region_prefix": d["region_prefix"] or "",
                },
            )
        except PaymentsError as exc:
            field = (exc.path or "").removeprefix("selection.")
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            messages.success(request, "一次性发放决定已提出，须由另一人审批")
            return redirect(reverse("payments:oneoff", args=[decision.pk]))
    return private(render(request, "payments/oneoff/form.html", {"form": form}))


@require_POST
@scoped_view("payments.approve")
def oneoff_step(request, pk: int, step: str):
    d = _decision_or_404(pk)
    try:
        if step == "approve":
            oneoff_actions.approve(actor=request.user, decision=d)
            messages.success(request, "已审批")
        elif step == "apply":
            n = oneoff_actions.apply(actor=request.user, decision=d)
            messages.success(request, f"已在草稿花名册生成 {n} 条发放明细")
        else:
            raise Http404("没有这个环节")
    except PaymentsConflict as exc:
        messages.warning(request, str(exc))
    except PaymentsError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("payments:oneoff", args=[d.pk]))

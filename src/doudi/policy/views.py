"""Policy pages: parameters in force with their history, parameter change proposals and their review.
Thin adapters over ``params_store``, ``simulation`` (the what-if preview) and ``actions``. Decisions: ``decision_views``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private
from doudi.policy import actions, display, params_store, queries, simulation
from doudi.policy.forms import ParametersFilterForm, ProposalForm, ReviewForm
from doudi.policy.models import ParameterProposal
from doudi.policy.rules.params import SPECS
from doudi.regions.queries import find_region, names_for

PROPOSALS_SHOWN = 50


@require_GET
@scoped_view
def parameters(request):
    """Parameters in force for a region (default: the user's) on a date (default: today)."""
    form = ParametersFilterForm(request.GET or None)
    region_code, on = request.user.region_id, timezone.localdate()
    if form.is_bound and form.is_valid():
        region_code = (form.cleaned_data["region"] or region_code).ljust(12, "0")
        on = form.cleaned_data["date"] or on
    region = find_region(region_code)
    error = ""
    if region is None:
        error = f"区划 {region_code} 不存在，已显示您所在区划的参数"
        region = request.user.region
    rows = params_store.parameters_in_force(region.code, on)
    key = request.GET.get("key", "")
    history = params_store.history(region.code, key) if key in SPECS else None
    context = {
        "form": form,
        "region": region,
        "on": on,
        "rows": rows,
        "error": error,
        "history_key": key if history is not None else "",
        "history_label": SPECS[key].label_zh if history is not None else "",
        "history": history,
        "unverified_count": sum(1 for r in rows if r["unverified"]),
        "floor_count": sum(1 for r in rows if r["floor"]),
        "can_propose": actions.can_propose(request.user),
        "pending": queries.pending_proposal_count(),
    }
    return private(render(request, "policy/parameters.html", context), htmx=False)


@require_GET
@scoped_view
def proposals(request):
    status = request.GET.get("status", "")
    rows = list(queries.proposals(status)[:PROPOSALS_SHOWN])
    names = names_for({p.region_code for p in rows})
    context = {
        "rows": [{"p": p, "region_name": names.get(p.region_code, p.region_code)} for p in rows],
        "status": status,
        "statuses": ParameterProposal.Status.choices,
        "can_propose": actions.can_propose(request.user),
    }
    return private(render(request, "policy/proposals.html", context), htmx=False)


@require_http_methods(["GET", "POST"])
@scoped_view
def propose(request):
    user = request.user
    if not actions.can_propose(user):
        raise PermissionDenied("只有县级民政部门可以提出参数调整申请")
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        change, reason = form.change(), form.cleaned_data["reason"]
        try:
            cleaned = actions.validate_proposal(
                actor=user, region_code=user.region_id, changes=[change], reason=reason
            )
            preview, note = simulation.proposal_preview(user.region_id, cleaned, actor=user)
            proposal = actions.propose_parameter_change(
                actor=user,
                region_code=user.region_id,
                changes=[change],
                reason=reason,
                preview=preview,
                preview_note=note,
            )
        except actions.PolicyError as exc:
            form.add_error(None, str(exc))
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from None
        else:
            messages.success(request, f"参数调整申请第 {proposal.pk} 号已提交，等待上级审核")
            return redirect("policy:proposal", pk=proposal.pk)
    context = {"form": form, "region": user.region}
    return private(render(request, "policy/propose.html", context), htmx=False)


def _proposal_or_404(pk: int) -> ParameterProposal:
    try:
        return queries.get_proposal(pk)
    except ParameterProposal.DoesNotExist:
        raise Http404("申请不存在，或不在您的管辖范围内") from None


@require_GET
@scoped_view
def proposal(request, pk: int):
    p = _proposal_or_404(pk)
    user = request.user
    reviewable = (
        p.status == ParameterProposal.Status.PENDING
        and actions.can_review(user, p)
        and user.pk != p.proposed_by_id
    )
    context = {
        "p": p,
        "region_name": names_for({p.region_code}).get(p.region_code, p.region_code),
        "changes": display.change_rows(p),
        "preview": display.preview_view(p.preview),
        "preview_note": (p.preview_note or simulation.PREVIEW_MISSING) if p.preview is None else "",
        "reviewable": reviewable,
        "review_form": ReviewForm(),
    }
    return private(render(request, "policy/proposal.html", context), htmx=False)


@require_POST
@scoped_view
def review(request, pk: int):
    p = _proposal_or_404(pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择批准或驳回")
        return redirect("policy:proposal", pk=p.pk)
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "approve":
            actions.approve_proposal(actor=request.user, proposal=p, note=note)
            messages.success(request, "已批准，新参数已生效（按生效日期执行）")
        else:
            actions.reject_proposal(actor=request.user, proposal=p, note=note)
            messages.success(request, "已驳回，参数未作改动")
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from None
    except actions.PolicyError as exc:
        messages.error(request, str(exc))
    return redirect("policy:proposal", pk=p.pk)

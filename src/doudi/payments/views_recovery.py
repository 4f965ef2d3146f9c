"""Recovery pages (追回, R-PAY8): the scope's claims with state, cause, months, amount and recovered; a
claim proposed from a household's page (township or county); the county's decision where one is needed
(staff error, write-off — never by the proposer); repayments. Outside the scope: 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.casework import queries as casework_queries
from doudi.core.access import scoped_view
from doudi.core.http import private
from doudi.payments import queries, recovery_actions
from doudi.payments.base import PaymentsConflict, PaymentsError
from doudi.payments.forms import ClaimForm, DecideForm, RepayForm
from doudi.payments.models import RecoveryClaim
from doudi.regions.queries import names_for
from doudi.registry.models import Household
from doudi.registry.queries import get_household

MODE_LABELS = recovery_actions.MODES


def _claim_or_404(pk: int) -> RecoveryClaim:
    try:
        return queries.get_claim(pk)
    except RecoveryClaim.DoesNotExist:
        raise Http404("追回记录不存在，或不在您的管辖范围内") from None


def _row(c: RecoveryClaim, names: dict[str, str]) -> dict:
    return {
        "c": c,
        "region": names.get(c.region_code, ""),
        "months": "、".join(c.months),
        "mode": MODE_LABELS.get(c.settle_mode, "—"),
        "left": c.amount - c.recovered,
    }


@require_GET
@scoped_view("payments.read")
def claims(request):
    state = request.GET.get("state", "")
    if state and state not in RecoveryClaim.State.values:
        state = ""
    rows = queries.claim_rows(state)
    names = names_for({c.region_code for c in rows})
    counts = queries.claim_counts()
    ctx = {
        "rows": [_row(c, names) for c in rows],
        "state": state,
        "states": [("", "全部", sum(counts.values()))]
        + [(k, v, counts.get(k, 0)) for k, v in RecoveryClaim.State.choices],
        "can_approve": request.user.can("payments.approve"),
    }
    return private(render(request, "payments/recovery/list.html", ctx))


@require_GET
@scoped_view("payments.read")
def claim(request, pk: int):
    c = _claim_or_404(pk)
    user = request.user
    ctx = {
        "row": _row(c, names_for({c.region_code})),
        "lines": queries.claim_lines(c),
        "may_decide": c.state == "proposed" and user.can("payments.approve") and c.proposed_by_id != user.pk,
        "own_claim": c.state == "proposed" and c.proposed_by_id == user.pk,
        "may_repay": c.state == "open" and user.can("payments.write"),
        "decide_form": DecideForm(),
        "repay_form": RepayForm(),
    }
    return private(render(request, "payments/recovery/detail.html", ctx))


@require_http_methods(["GET", "POST"])
@scoped_view("payments.write")
def claim_new(request, household_pk: int):
    try:
        household = get_household(household_pk)
    except Household.DoesNotExist:
        raise Http404("家庭不存在，或不在您的管辖范围内") from None
    cases = casework_queries.household_cases(household.pk)
    initial = {"case": request.GET.get("case")} if request.GET.get("case") else None
    form = ClaimForm(request.POST or None, cases=cases, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = next(c for c in cases if c.pk == d["case"])
        try:
            c = recovery_actions.propose(
                actor=request.user,
                case=case,
                cause=d["cause"],
                months=d["months"],
                amount=d["amount"],
                mode=d["mode"],
                note=d["note"] or "",
            )
        except PaymentsError as exc:
            form.add_error(exc.path if exc.path in form.fields else None, str(exc))
        else:
            text = "追回已登记，待县级民政部门决定" if c.state == "proposed" else "追回已登记"
            messages.success(request, text)
            return redirect(reverse("payments:claim", args=[c.pk]))
    ctx = {"form": form, "household": household, "has_cases": bool(cases)}
    return private(render(request, "payments/recovery/form.html", ctx))


@require_POST
@scoped_view("payments.approve")
def claim_decide(request, pk: int):
    c = _claim_or_404(pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择决定并填写决定意见")
        return redirect(reverse("payments:claim", args=[c.pk]))
    try:
        c = recovery_actions.decide(
            actor=request.user, claim=c, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"]
        )
        messages.success(request, f"已决定：{c.get_state_display()}")
    except PaymentsConflict as exc:
        messages.warning(request, str(exc))
    except PaymentsError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("payments:claim", args=[c.pk]))


@require_POST
@scoped_view("payments.write")
def claim_repay(request, pk: int):
    c = _claim_or_404(pk)
    form = RepayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退回金额")
        return redirect(reverse("payments:claim", args=[c.pk]))
    d = form.cleaned_data
    try:
        c = recovery_actions.record_repayment(
            actor=request.user, claim=c, amount=d["amount"], on=d["on"], note=d["note"] or ""
        )
        messages.success(request, f"已登记退回 {d['amount']} 元（{c.get_state_display()}）")
    except PaymentsConflict as exc:
        messages.warning(request, str(exc))
    except PaymentsError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("payments:claim", args=[c.pk]))

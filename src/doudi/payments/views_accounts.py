"""Account pages (R-PAY1, R-PAY6): the township's accounts to fix, a household's new account, "fixed",
and the audited reveal of a full number."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private
from doudi.payments import account_actions, queries, serialize
from doudi.payments.base import PaymentsError
from doudi.payments.forms import AccountForm, FixForm
from doudi.payments.models import RecipientAccount
from doudi.registry.models import Household
from doudi.registry.queries import get_household, household_members


def _account_or_404(pk: int) -> RecipientAccount:
    try:
        return queries.get_account(pk)
    except RecipientAccount.DoesNotExist:
        raise Http404("收款账户不存在，或不在您的管辖范围内") from None


@require_GET
@scoped_view("payments.read")
def accounts(request):
    rows = [{"a": a, "masked": account_actions.masked(a)} for a in queries.accounts_to_fix()[:500]]
    ctx = {"rows": rows, "fix_form": FixForm(), "can_write": request.user.can("payments.write")}
    return private(render(request, "payments/accounts.html", ctx))


@require_http_methods(["GET", "POST"])
@scoped_view("payments.write")
def account_new(request, household_pk: int):
    try:
        household = get_household(household_pk)
    except Household.DoesNotExist:
        raise Http404("家庭不存在，或不在您的管辖范围内") from None
    members = list(household_members(household.pk))
    form = AccountForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = next((p for p in members if p.pk == d.get("person")), None)
        try:
            account_actions.set_account(
                actor=request.user,
                household=household,
                person=person,
                kind=d["kind"],
                holder_name=d["holder_name"],
                holder_relation=d["holder_relation"],
                holder_reason=d["holder_reason"],
                number=d["number"],
                bank_name=d["bank_name"],
                institutional=d["institutional"],
            )
        except PaymentsError as exc:
            form.add_error(exc.path if exc.path in form.fields else None, str(exc))
        else:
            messages.success(request, "收款账户已登记")
            return redirect(reverse("registry:household", args=[household.pk]) + "#household-payments")
    current = [serialize.account(a) for a in queries.household_accounts(household.pk)]
    return private(
        render(
            request, "payments/account_form.html", {"form": form, "household": household, "current": current}
        )
    )


@require_POST
@scoped_view("payments.write")
def account_fixed(request, pk: int):
    account = _account_or_404(pk)
    form = FixForm(request.POST)
    try:
        account_actions.mark_fixed(actor=request.user, account=account, note=form.data.get("note", ""))
        messages.success(request, "已标记为处理完毕；发放失败的款项将在下一期补发")
    except PaymentsError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("payments:accounts"))


@require_POST
@scoped_view("payments.write")
def account_reveal(request, pk: int):
    account = _account_or_404(pk)
    try:
        number = account_actions.reveal(
            actor=request.user, account=account, reason=request.POST.get("reason", "")
        )
    except PaymentsError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("payments:accounts"))
    ctx = {"a": account, "number": number}
    return private(render(request, "payments/account_reveal.html", ctx))

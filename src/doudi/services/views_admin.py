"""The county's pages: the service catalogue, providers (and the accounts of their staff), contracts; the
monthly settlements with their lines, the visits not paid, the confirmation and the Excel export."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.regions.queries import township_choices
from doudi.services import catalogue_actions, excel, queries, rules, settlement_actions
from doudi.services.base import ServicesError
from doudi.services.forms import ContractForm, ProviderForm, ServiceTypeForm, SettleForm, StaffForm
from doudi.services.models import ServiceType, Settlement


def _err(request, exc: ServicesError) -> None:
    messages.error(request, str(exc))


@require_http_methods(["GET", "POST"])
@scoped_view("services.catalogue")
def catalogue(request):
    user = request.user
    types = list(queries.catalogue(user))
    providers = list(queries.providers(user))
    towns = township_choices(user.region_id)
    what = request.POST.get("what", "")
    type_form = ServiceTypeForm(request.POST if what == "type" else None, auto_id="type_%s")
    provider_form = ProviderForm(request.POST if what == "provider" else None, auto_id="provider_%s")
    staff_form = StaffForm(request.POST if what == "staff" else None, providers=providers, auto_id="staff_%s")
    own_types = [t for t in types if t.active]
    contract_form = ContractForm(request.POST if what == "contract" else None, providers=providers,
                                 townships=towns, types=own_types, auto_id="contract_%s")  # fmt: skip
    if request.method == "POST":
        try:
            if what == "type" and type_form.is_valid():
                d = type_form.cleaned_data
                catalogue_actions.add_service_type(actor=user, name=d["name"], unit=d["unit"],
                                                   unit_price=d["unit_price"], tags=d["tags"],
                                                   description=d["description"] or "")  # fmt: skip
                messages.success(request, f"已添加服务项目“{d['name']}”")
                return redirect(reverse("services:catalogue"))
            if what == "provider" and provider_form.is_valid():
                catalogue_actions.register_provider(actor=user, **provider_form.cleaned_data)
                messages.success(request, "已登记服务机构")
                return redirect(reverse("services:catalogue"))
            if what == "staff" and staff_form.is_valid():
                d = staff_form.cleaned_data
                account = queries.provider_user(user, d["username"])
                if account is None:
                    raise ServicesError("没有这个“服务机构”角色的账号，或不在您的辖区内", "username")
                provider = next(p for p in providers if p.pk == d["provider"])
                catalogue_actions.link_staff(actor=user, provider=provider, user=account)
                messages.success(request, f"已将账号 {account.username} 关联到 {provider.name}")
                return redirect(reverse("services:catalogue"))
            if what == "contract" and contract_form.is_valid():
                d = contract_form.cleaned_data
                provider = next(p for p in providers if p.pk == d["provider"])
                catalogue_actions.create_contract(
                    actor=user, provider=provider, number=d["number"], valid_from=d["valid_from"],
                    valid_to=d["valid_to"], townships=d["townships"], items=contract_form.items(),
                )  # fmt: skip
                messages.success(request, f"已登记服务合同 {d['number']}")
                return redirect(reverse("services:catalogue"))
            if what == "type_active":
                return _type_active(request)
            if what in ("type", "provider", "staff", "contract"):
                messages.error(request, "请检查填写的内容")
        except ServicesError as exc:
            _err(request, exc)
    ctx = {
        "types": types,
        "tag_labels": rules.TAGS,
        "providers": providers,
        "contracts": list(queries.contracts(user)),
        "town_names": dict(towns),
        "today": timezone.localdate(),
        "type_form": type_form,
        "provider_form": provider_form,
        "staff_form": staff_form,
        "contract_form": contract_form,
        "may_contract": user.role == "county_officer",
        "own_region": user.region_id,
    }
    return private(render(request, "services/catalogue.html", ctx))


def _type_active(request):
    """Deactivate (no new orders or contracts; orders already placed go on) or reactivate a service type
    of the caller's own level, after the page's confirmation step."""
    pk, active = request.POST.get("service_type", ""), request.POST.get("active")
    if not pk.isdigit() or active not in ("0", "1"):
        raise Http404("服务项目不存在")
    try:
        st = queries.get_service_type(request.user, int(pk))
    except ServiceType.DoesNotExist:
        raise Http404("服务项目不存在，或不在您的管辖范围内") from None
    catalogue_actions.set_service_type_active(actor=request.user, service_type=st, active=active == "1")
    messages.success(request, f"已重新启用服务项目“{st.name}”" if active == "1" else
                     f"已停用服务项目“{st.name}”：不能再下单或签入新合同，已下达的工单不受影响")  # fmt: skip
    return redirect(reverse("services:catalogue") + "#catalogue-types")


def _settlement_or_404(user, pk: int) -> Settlement:
    try:
        return queries.get_settlement(user, pk)
    except Settlement.DoesNotExist:
        raise Http404("结算单不存在，或不在您的管辖范围内") from None


@require_http_methods(["GET", "POST"])
@scoped_view("services.read")
def settlements(request):
    user = request.user
    contracts = list(queries.contracts(user)) if user.can("services.settle") else []
    last = (timezone.localdate().replace(day=1) - timezone.timedelta(days=1)).strftime("%Y-%m")
    form = SettleForm(request.POST or None, contracts=contracts, initial={"month": last})
    if request.method == "POST":
        if not user.can("services.settle"):
            raise Http404("没有这个页面")
        if form.is_valid():
            contract = next(c for c in contracts if c.pk == form.cleaned_data["contract"])
            try:
                s = settlement_actions.settle(actor=user, contract=contract, month=form.cleaned_data["month"])
            except ServicesError as exc:
                _err(request, exc)
            else:
                messages.success(request, f"已计算{s.month:%Y年%m月}结算：{s.total} 元")
                return redirect(reverse("services:settlement", args=[s.pk]))
    rows = list(queries.settlements(user)[:200])
    for s in rows:
        s.confirm_from = rules.month_bounds(s.month)[1]  # type: ignore[attr-defined]
    return private(
        render(
            request,
            "services/settlements.html",
            {"rows": rows, "form": form, "may_settle": user.can("services.settle")},
        )
    )


@require_GET
@scoped_view("services.read")
def settlement(request, pk: int):
    s = _settlement_or_404(request.user, pk)
    end = rules.month_bounds(s.month)[1]
    ctx = {
        "s": s,
        "lines": queries.settlement_lines(s),
        "unpaid": queries.unpaid_visits(s)[:500],
        "may_settle": request.user.can("services.settle") and s.state == Settlement.State.DRAFT,
        "month_over": end <= timezone.localdate(),
        "month_end": end,
    }
    return private(render(request, "services/settlement.html", ctx))


@require_POST
@scoped_view("services.settle")
def settlement_step(request, pk: int, step: str):
    s = _settlement_or_404(request.user, pk)
    try:
        if step == "recompute":
            settlement_actions.settle(actor=request.user, contract=s.contract, month=s.month)
            messages.success(request, "已重新计算")
        elif step == "confirm":
            settlement_actions.confirm(actor=request.user, settlement=s)
            messages.success(request, "结算已确认")
        else:
            raise Http404("没有这个环节")
    except ServicesError as exc:
        _err(request, exc)
    return redirect(reverse("services:settlement", args=[s.pk]))


@require_GET
@scoped_view("services.read")
def settlement_xlsx(request, pk: int):
    s = _settlement_or_404(request.user, pk)
    data, n = excel.settlement_book(s)
    settlement_actions.record_export(actor=request.user, settlement=s, rows=n)
    return private(xlsx_download(data, f"services-settlement-{s.month:%Y-%m}.xlsx"), htmx=False)

"""The charity's pages (phone-friendly): the needs library of its service area (anonymised; filters by county,
category, amount and due date; paginated), a need with the claim form, its claims with their lock expiry, the
pledge and the delivery with evidence. A need outside the service area, or a claim of another charity: 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import EmptyPage
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.charity import claim_actions, queries
from doudi.charity.base import CharityError, charity_of
from doudi.charity.forms import ClaimForm, DeliveryForm, LibraryFilter
from doudi.charity.models import Claim, Need
from doudi.core.access import scoped_view
from doudi.core.http import private

CLAIM_STEPS = ("pledge", "cancel", "deliver")


def _charity(request):
    charity = charity_of(request.user)
    if charity is None:
        raise Http404("您的账号未关联有效的慈善组织")
    return charity


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) <= 6 and int(raw) > 0 else 1


@require_GET
@scoped_view("charity.claim")
def library(request):
    charity = _charity(request)
    f = LibraryFilter(request.GET or None, counties=queries.library_counties(charity))
    d = f.cleaned_data if f.is_valid() else {}
    qs = queries.library(charity, county=d.get("county") or "", category=d.get("category") or "",
                         min_amount=d.get("min_amount"), max_amount=d.get("max_amount"),
                         due_before=d.get("due_before"))  # fmt: skip
    try:
        page = queries.page_of(qs, _page_number(request))
    except EmptyPage:
        raise Http404("no such page") from None
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {"charity": charity, "form": f, "page": page, "query": params.urlencode()}
    template = (
        "charity/partials/library_rows.html" if request.headers.get("HX-Request") else "charity/library.html"
    )
    return private(render(request, template, ctx))


def _need_or_404(charity, number: str) -> Need:
    try:
        return queries.charity_need(charity, number)
    except Need.DoesNotExist:
        raise Http404("帮扶需求不存在，或不在本组织服务区域内") from None


@require_http_methods(["GET", "POST"])
@scoped_view("charity.claim")
def need_public(request, number: str):
    charity = _charity(request)
    n = _need_or_404(charity, number)
    form = ClaimForm(request.POST or None, initial={"amount": n.remaining})
    if request.method == "POST" and form.is_valid():
        try:
            c = claim_actions.claim(actor=request.user, need=n, amount=form.cleaned_data["amount"])
        except Need.DoesNotExist:
            raise Http404("帮扶需求不存在") from None
        except (CharityError, PermissionError) as exc:
            form.add_error("amount", str(exc))
        else:
            messages.success(request, f"已认领，锁定至 {c.locked_until:%Y-%m-%d}，请在此前认捐")
            return redirect("charity:claim", pk=c.pk)
        n = _need_or_404(charity, number)
    row = queries.public_rows([n])[0]
    ctx = {"charity": charity, "need": row, "open": n.state in ("published", "partly_claimed"), "form": form}
    return private(
        render(request, "charity/need_public.html", ctx, status=422 if form.errors else 200), htmx=False
    )


@require_GET
@scoped_view("charity.claim")
def claims(request):
    charity = _charity(request)
    which = "all" if request.GET.get("show") == "all" else "open"
    items = list(queries.my_claims(charity, which)[:200])
    rows = [{"c": c, "need": queries.public_rows([c.need])[0]} for c in items]
    return private(render(request, "charity/claims.html", {"charity": charity, "rows": rows, "which": which}))


def _claim_or_404(charity, pk: int) -> Claim:
    try:
        return queries.my_claim(charity, pk)
    except Claim.DoesNotExist:
        raise Http404("认领记录不存在") from None


@require_GET
@scoped_view("charity.claim")
def claim(request, pk: int):
    return _claim_page(request, pk)


def _claim_page(request, pk: int, form=None, error: str = "", status: int = 200):
    charity = _charity(request)
    c = _claim_or_404(charity, pk)
    ctx = {"charity": charity, "c": c, "need": queries.public_rows([c.need])[0],
           "deliveries": queries.claim_deliveries(c), "form": form or DeliveryForm(initial={"amount": c.amount}),
           "error": error}  # fmt: skip
    return private(render(request, "charity/claim.html", ctx, status=status), htmx=False)


@require_POST
@scoped_view("charity.claim")
def claim_step(request, pk: int, step: str):
    charity = _charity(request)
    c = _claim_or_404(charity, pk)
    if step not in CLAIM_STEPS:
        raise Http404("no such step")
    form = None
    try:
        if step == "pledge":
            c = claim_actions.pledge(actor=request.user, claim=c)
            messages.success(request, f"已认捐，请在 {c.locked_until:%Y-%m-%d} 前交付并登记")
        elif step == "cancel":
            claim_actions.cancel(actor=request.user, claim=c, reason=request.POST.get("reason", ""))
            messages.success(request, "已放弃认领")
        else:
            form = DeliveryForm(request.POST, request.FILES)
            if not form.is_valid():
                raise CharityError("请检查交付信息")
            d = form.cleaned_data
            claim_actions.record_delivery(actor=request.user, claim=c, kind=d["kind"], amount=d["amount"],
                                          description=d["description"], delivered_on=d["delivered_on"],
                                          evidence=d.get("evidence"))  # fmt: skip
            messages.success(request, "已登记交付，等待乡镇（街道）确认收到")
    except Claim.DoesNotExist:
        raise Http404("认领记录不存在") from None
    except (CharityError, PermissionError) as exc:
        return _claim_page(request, pk, form=form, error=str(exc), status=422)
    return redirect("charity:claim", pk=c.pk)

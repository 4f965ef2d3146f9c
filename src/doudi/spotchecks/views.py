"""Staff pages of spot checks (phone-friendly): the rounds, the draw form, a round with its items (deadlines,
overdue marked), an item with assign / finding / correction, the Excel export. Outside the caller's region:
404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.regions.queries import names_for
from doudi.spotchecks import actions, excel, queries, rules
from doudi.spotchecks.actions import SpotCheckError
from doudi.spotchecks.forms import CorrectionForm, DrawForm, FindingForm
from doudi.spotchecks.models import Item, Round

NOT_FOUND = "抽查不存在，或不在您的管辖范围内"


def _round(user, pk: int) -> Round:
    try:
        return queries.get_round(user, pk)
    except Round.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _item(user, pk: int) -> Item:
    try:
        return queries.get_item(user, pk)
    except (Item.DoesNotExist, Round.DoesNotExist):
        raise Http404(NOT_FOUND) from None


@require_GET
@scoped_view("spotchecks.read")
def index(request):
    page = list(queries.rounds(request.user)[:200])
    counts = queries.round_counts([r.pk for r in page])
    names = names_for({r.region_code for r in page})
    rows = [{"r": r, "c": counts.get(r.pk, {}), "region": names.get(r.region_code, "")} for r in page]
    ctx = {"rows": rows, "can_draw": request.user.can("spotchecks.draw")}
    return private(render(request, "spotchecks/index.html", ctx), htmx=False)


@require_http_methods(["GET", "POST"])
@scoped_view("spotchecks.draw")
def draw(request):
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rnd = actions.draw_round(
                actor=request.user, year=d["year"], quarter=d["quarter"], kinds=d["kinds"],
                share=float(d["share"]) if d["share"] is not None else None, min_count=d["min_count"],
            )  # fmt: skip
        except (SpotCheckError, PermissionError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已抽取 {queries.items(rnd).count()} 件")
            return redirect("spotchecks:detail", pk=rnd.pk)
    return private(render(request, "spotchecks/draw.html", {"form": form}), htmx=False)


@require_GET
@scoped_view("spotchecks.read")
def detail(request, pk: int):
    rnd = _round(request.user, pk)
    page = queries.rows(queries.items(rnd))
    names = names_for({r["i"].region_code for r in page})
    for r in page:
        r["town"] = names.get(r["i"].region_code, "")
    ctx = {
        "rnd": rnd,
        "rows": page,
        "summary": queries.summary(request.user, round_pk=rnd.pk)[0],
        "categories": rules.CATEGORIES,
        "history": queries.round_steps(rnd),
        "region": names_for({rnd.region_code}).get(rnd.region_code, ""),
    }
    return private(render(request, "spotchecks/detail.html", ctx), htmx=False)


@require_GET
@scoped_view("spotchecks.read")
def export_xlsx(request, pk: int):
    rnd = _round(request.user, pk)
    data, n = excel.book(rnd)
    actions.record_export(actor=request.user, rnd=rnd, rows=n)
    return private(xlsx_download(data, f"spotcheck-{rnd.pk}.xlsx"), htmx=False)


def _item_ctx(request, item: Item, **forms) -> dict:
    why = actions.why_not(request.user, item.round)
    return {
        "i": item,
        "deadline": queries.deadline(item),
        "steps": queries.steps(item),
        "town": names_for({item.region_code}).get(item.region_code, ""),
        "can_act": not why and item.state not in rules.CLOSED,
        "staff": queries.assignees(item.round) if not why else [],
        "finding_form": forms.get("finding_form") or FindingForm(),
        "correction_form": forms.get("correction_form") or CorrectionForm(),
    }


@require_GET
@scoped_view("spotchecks.read")
def item(request, pk: int):
    it = _item(request.user, pk)
    return private(render(request, "spotchecks/item.html", _item_ctx(request, it)), htmx=False)


@require_POST
@scoped_view("spotchecks.write")
def item_step(request, pk: int, what: str):
    it = _item(request.user, pk)
    forms_: dict = {}
    try:
        if what == "assign":
            who = queries.assignee(it.round, int(request.POST.get("assignee") or 0))
            if who is None:
                raise SpotCheckError("所选人员不在本次抽查的范围内", "assignee")
            actions.assign(actor=request.user, item=it, assignee=who)
            messages.success(request, "已指派核查人员")
        elif what == "finding":
            form = forms_["finding_form"] = FindingForm(request.POST)
            if not form.is_valid():
                raise SpotCheckError("请检查填写内容")
            d = form.cleaned_data
            actions.record_finding(actor=request.user, item=it, result=d["result"], category=d["category"],
                                   note=d["note"])  # fmt: skip
            messages.success(request, "已登记核查结论")
        elif what == "correction":
            cform = forms_["correction_form"] = CorrectionForm(request.POST)
            if not cform.is_valid():
                raise SpotCheckError("请检查填写内容")
            d = cform.cleaned_data
            actions.record_correction(actor=request.user, item=it, correction=d["correction"],
                                      on=d["corrected_on"])  # fmt: skip
            messages.success(request, "已登记整改")
        else:
            raise Http404(NOT_FOUND)
    except (SpotCheckError, PermissionError) as exc:
        messages.error(request, str(exc))
        ctx = _item_ctx(request, _item(request.user, pk), **forms_)
        return private(render(request, "spotchecks/item.html", ctx, status=422), htmx=False)
    return redirect("spotchecks:item", pk=it.pk)

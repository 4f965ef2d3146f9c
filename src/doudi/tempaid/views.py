"""Temporary-assistance pages (htmx, phone-friendly): the list with its deadlines, a new case, the case
page with its actions, the township fund (balance, ledger, monthly reconciliation, top-ups), public
emergencies, and Excel exports. Outside the caller's region: 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.regions.queries import children, find_region, names_for, township_choices
from doudi.tempaid import actions, decision_actions, excel, fund_actions, params, queries
from doudi.tempaid.base import AUTHORITY_LABELS, TempAidError
from doudi.tempaid.forms import (
    AllocateForm,
    ApplyForm,
    ApproveForm,
    DeliberationForm,
    EmergencyForm,
    MonthForm,
    NoteForm,
    PayFirstForm,
    RefuseForm,
    StepForm,
)
from doudi.tempaid.models import ContingencyFund, TempAidCase, TopUpRequest
from doudi.tempaid.views_context import more_context


def _case_or_404(pk: int) -> TempAidCase:
    try:
        return queries.get_case(pk)
    except TempAidCase.DoesNotExist:
        raise Http404("临时救助案件不存在，或不在您的管辖范围内") from None


def _fund_or_404(pk: int) -> ContingencyFund:
    try:
        return queries.get_fund(pk)
    except ContingencyFund.DoesNotExist:
        raise Http404("备用金不存在，或不在您的管辖范围内") from None


def townships_of(user) -> list[tuple[str, str]]:
    return township_choices(user.region_id)


@require_GET
@scoped_view("tempaid.read")
def index(request):
    which = request.GET.get("show", "open")
    which = which if which in queries.FILTERS else "open"
    q = (request.GET.get("q") or "").strip()[:40]
    qs = queries.cases(which, q=q)
    page = queries.rows(qs[:200])
    names = names_for({r["c"].region_code for r in page})
    for r in page:
        r["town"] = names.get(r["c"].region_code, "")
    counts = queries.counts()
    ctx = {
        "rows": page,
        "total": qs.count(),
        "which": which,
        "q": q,
        "tabs": [{"key": k, "label": v, "count": counts.get(k)} for k, v in queries.FILTERS.items()],
        "can_apply": request.user.can("tempaid.apply"),
    }
    template = (
        "tempaid/partials/case_rows.html"
        if request.headers.get("HX-Request") == "true"
        else "tempaid/index.html"
    )
    return private(render(request, template, ctx))


@require_GET
@scoped_view("tempaid.read")
def export_xlsx(request):
    which = request.GET.get("show", "all")
    qs = queries.cases(which if which in queries.FILTERS else "all")
    data, n = excel.cases_book(qs)
    actions.record_export(actor=request.user, what="cases", rows=n)
    return private(xlsx_download(data, "tempaid-cases.xlsx"), htmx=False)


@require_http_methods(["GET", "POST"])
@scoped_view("tempaid.apply")
def new(request):
    towns = townships_of(request.user)
    form = ApplyForm(request.POST or None, townships=towns)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = actions.apply(
                actor=request.user,
                township=d["township"],
                aid_type=d["aid_type"],
                degree=d["degree"],
                event=d["event"],
                event_date=d["event_date"],
                applicant_name=d["applicant_name"],
                id_number=d["id_number"] or "",
                hukou_place=d["hukou_place"] or "",
                phone=d["phone"] or "",
                area_type=d["area_type"],
                expenditure=d["expenditure"] or 0,
                reimbursed=d["reimbursed"] or 0,
                form=d["form"],
                referral_to=d["referral_to"] or "",
            )
        except TempAidError as exc:
            form.add_error(exc.path if exc.path in form.fields else None, str(exc))
        else:
            messages.success(request, f"已受理，编号 {case.number}")
            return redirect(reverse("tempaid:case", args=[case.pk]))
    return private(render(request, "tempaid/new.html", {"form": form, "no_township": not towns}))


@require_GET
@scoped_view("tempaid.read")
def case(request, pk: int):
    c = _case_or_404(pk)
    user = request.user
    today = timezone.localdate()
    S = TempAidCase.State
    writer = user.can("tempaid.write")
    open_ = c.state in queries.OPEN
    ctx = {
        "c": c,
        "region_name": names_for({c.region_code}).get(c.region_code, ""),
        "deadline": queries.deadline(c, today),
        "steps": queries.steps(c),
        "deliberations": queries.deliberations(c),
        "missing": actions.missing_steps(c) if c.state in (S.ACCEPTED, S.PAID_FIRST) else [],
        "pay_first_cap": actions.pay_first_cap(c, today) if c.state == S.ACCEPTED else 0,
        "authority_labels": AUTHORITY_LABELS,
        "caps": actions.caps(c),
        "authority": AUTHORITY_LABELS.get(actions.required_authority(c, c.proposed_amount), ""),
        "may_pay_first": writer
        and c.state == S.ACCEPTED
        and c.aid_type == "emergency"
        and c.form != "referral",
        "may_step": user.can("tempaid.apply") and c.state in (S.ACCEPTED, S.PAID_FIRST),
        "may_approve": writer and c.state in (S.READY, S.DELIBERATION, S.NOTICE),
        "may_deliberate": user.can("tempaid.approve") and c.state in (S.READY, S.NOTICE, S.DELIBERATION),
        "may_refuse": writer and open_,
        "may_followup": user.can("tempaid.apply") and c.state == S.APPROVED and not c.followup_done,
        "may_reveal": writer and bool(c.id_masked),
        "backfill_wd": params.days("deadline.temp_aid_backfill_wd", region_code=c.region_code, on=today),
        "pay_form": PayFirstForm(
            auto_id="pay_%s",
            initial={
                "amount": min(c.proposed_amount, actions.pay_first_cap(c, today))
                if c.state == S.ACCEPTED
                else 0
            },
        ),
        "step_form": StepForm(auto_id="step_%s", kinds=actions.open_steps(c)),
        "approve_form": ApproveForm(auto_id="approve_%s", initial={"amount": c.proposed_amount}),
        "refuse_form": RefuseForm(auto_id="refuse_%s"),
        "note_form": NoteForm(auto_id="followup_%s"),
        "deliberation_form": DeliberationForm(
            auto_id="delib_%s", initial={"held_on": today, "amount": c.proposed_amount}
        ),
    }
    ctx.update(more_context(c, user, today))
    return private(render(request, "tempaid/case.html", ctx))


@require_POST
@scoped_view("tempaid.apply")
def case_step(request, pk: int, step: str):
    c = _case_or_404(pk)
    user = request.user
    forms = {"pay_first": PayFirstForm, "record": StepForm, "approve": ApproveForm, "refuse": RefuseForm,
             "followup": NoteForm, "deliberation": DeliberationForm, "submit": NoteForm}  # fmt: skip
    if step not in forms:
        raise Http404("没有这个环节")
    form = forms[step](request.POST)
    if step == "submit":
        form = NoteForm({"note": request.POST.get("note") or "提交一事一议"})
    if not form.is_valid():
        messages.error(
            request,
            "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items() if k in form.fields)
            or "请检查填写的内容",
        )
        return redirect(reverse("tempaid:case", args=[c.pk]))
    d = form.cleaned_data
    try:
        if step == "pay_first":
            c, topup = actions.pay_first(actor=user, case=c, amount=d["amount"], note=d.get("note") or "")
            if topup is not None:
                messages.warning(request, f"备用金余额不足，未发放；已向县级申请追加 {topup.amount} 元")
            else:
                messages.success(
                    request,
                    f"已先行救助 {c.paid_first_amount} 元（备用金支付），请于 {c.backfill_due:%Y-%m-%d} 前补齐手续",
                )
        elif step == "record":
            c = actions.record_step(actor=user, case=c, kind=d["kind"], note=d["note"])
            messages.success(request, "已登记" + ("，手续已齐全，待审批" if c.state == "ready" else ""))
        elif step == "approve":
            c = actions.approve(actor=user, case=c, amount=d["amount"], note=d.get("note") or "")
            messages.success(request, f"已批准临时救助 {c.approved_amount} 元")
        elif step == "refuse":
            actions.refuse(actor=user, case=c, reason=d["reason"])
            messages.success(request, "已作出不予救助决定")
        elif step == "followup":
            actions.followup_done(actor=user, case=c, note=d["note"])
            messages.success(request, "已登记后续筛查结果")
        elif step == "submit":
            actions.to_deliberation(actor=user, case=c, note=d["note"])
            messages.success(request, "已提交“一事一议”")
        elif step == "deliberation":
            decision_actions.record_deliberation(
                actor=user, case=c, held_on=d["held_on"], participants=d["participants"],
                departments=d["departments"], decision=d["decision"], amount=d.get("amount") or 0,
                payer=d.get("payer") or "", note=d.get("note") or "",
            )  # fmt: skip
            messages.success(request, "已登记“一事一议”记录")
    except TempAidError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("tempaid:case", args=[c.pk]))


@require_POST
@scoped_view("tempaid.write")
def reveal(request, pk: int):
    c = _case_or_404(pk)
    try:
        number = actions.reveal_id(actor=request.user, case=c)
    except TempAidError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("tempaid:case", args=[c.pk]))
    return private(render(request, "tempaid/partials/reveal.html", {"number": number}))


@require_GET
@scoped_view("tempaid.read")
def funds(request):
    user = request.user
    form = AllocateForm(townships=townships_of(user)) if user.can("tempaid.approve") else None
    ctx = {"funds": queries.funds(), "names": names_for(set(queries.funds().values_list("region_code", flat=True))),
           "topups": queries.topups().filter(state=TopUpRequest.State.REQUESTED)[:50], "form": form}  # fmt: skip
    return private(render(request, "tempaid/funds.html", ctx))


@require_POST
@scoped_view("tempaid.approve")
def fund_allocate(request):
    form = AllocateForm(request.POST, townships=townships_of(request.user))
    if form.is_valid():
        d = form.cleaned_data
        try:
            fund = fund_actions.allocate(actor=request.user, township=d["township"], year=d["year"],
                                         amount=d["amount"], on=timezone.localdate())  # fmt: skip
            messages.success(request, f"已核拨，余额 {fund.balance} 元")
            return redirect(reverse("tempaid:fund", args=[fund.pk]))
        except TempAidError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "请检查填写的内容")
    return redirect(reverse("tempaid:funds"))


@require_GET
@scoped_view("tempaid.read")
def fund(request, pk: int):
    f = _fund_or_404(pk)
    ctx = {
        "f": f,
        "name": names_for({f.region_code}).get(f.region_code, ""),
        "ledger": queries.ledger(f)[:200],
        "months": fund_actions.month_rows(f),
        "topups": queries.topups(f)[:50],
        "month_form": MonthForm(initial={"month": timezone.localdate().strftime("%Y-%m")}),
        "may_reconcile": request.user.can("tempaid.write"),
        "may_grant": request.user.can("tempaid.approve"),
    }
    return private(render(request, "tempaid/fund.html", ctx))


@require_GET
@scoped_view("tempaid.read")
def fund_xlsx(request, pk: int):
    f = _fund_or_404(pk)
    data, n = excel.ledger_book(f, queries.ledger(f))
    actions.record_export(actor=request.user, what="ledger", rows=n)
    return private(xlsx_download(data, f"tempaid-fund-{f.region_code}-{f.year}.xlsx"), htmx=False)


@require_POST
@scoped_view("tempaid.write")
def fund_reconcile(request, pk: int):
    f = _fund_or_404(pk)
    from doudi.payments.base import PaymentsError, parse_month

    try:
        month = parse_month(request.POST.get("month", ""))
        rec = fund_actions.reconcile_month(actor=request.user, fund=f, month=month)
        messages.success(
            request,
            f"已对账：期末余额 {rec.closing} 元"
            + ("，与台账一致" if rec.matches else "，与台账不一致，请核查"),
        )
    except (TempAidError, PaymentsError) as exc:
        messages.error(request, str(exc))
    return redirect(reverse("tempaid:fund", args=[f.pk]))


@require_POST
@scoped_view("tempaid.approve")
def topup_grant(request, pk: int):
    try:
        req = queries.get_topup(pk)
    except TopUpRequest.DoesNotExist:
        raise Http404("追加申请不存在") from None
    try:
        fund_actions.grant_topup(actor=request.user, request=req, on=timezone.localdate())
        messages.success(request, f"已追加 {req.amount} 元")
    except TempAidError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("tempaid:fund", args=[req.fund_id]))


@require_http_methods(["GET", "POST"])
@scoped_view("tempaid.read")
def emergencies(request):
    user = request.user
    form = None
    if user.can("tempaid.declare"):
        region = find_region(user.region_id)
        options = [(region.code, region.name)] if region else []
        options += [(r.code, r.name) for r in children(user.region_id).order_by("code")]
        form = EmergencyForm(request.POST or None, regions=options)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                e = decision_actions.declare_emergency(actor=user, **d)
                messages.success(request, f"已宣布：{e.title}")
                return redirect(reverse("tempaid:emergencies"))
            except TempAidError as exc:
                form.add_error(None, str(exc))
    elif request.method == "POST":
        raise Http404
    rows = list(queries.emergencies())
    ctx = {"rows": rows, "names": names_for({e.region_code for e in rows}), "form": form}
    return private(render(request, "tempaid/emergencies.html", ctx))

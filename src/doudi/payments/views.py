"""Payments pages: thin adapters over ``queries`` (reads) and the ``*_actions`` modules (writes).

The work page shows each role its part of R-PAY4: the township the lines to check before the send-by
day, held and dropped lines with their reasons, the accounts to fix and the lock; the county the rosters
to approve, release, send and reconcile (bank file, return file) and the fund summaries; the city and
the province the summaries. A roster outside the user's scope does not exist for them (404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.payments import bank_actions, excel, fund_actions, queries, read_actions, roster_actions
from doudi.payments.base import PaymentsConflict, PaymentsError, month_start, parse_month
from doudi.payments.forms import MonthForm, ReturnForm, SendForm, UnlockForm
from doudi.payments.models import Roster, RosterLine
from doudi.regions.queries import names_for
from doudi.registry.models import CATEGORY_NAMES

NEXT_STEP = {
    "draft": ("lock", "锁定（核对完毕）"),
    "locked": ("approve", "审批"),
    "approved": ("release", "拨付"),
    "released": ("send", "报送银行"),
    "sent": ("reconcile", "对账（银行回盘已全部导入）"),
    "reconciled": ("close", "关闭"),
}


def _roster_or_404(pk: int) -> Roster:
    try:
        return queries.get_roster(pk)
    except Roster.DoesNotExist:
        raise Http404("花名册不存在，或不在您的管辖范围内") from None


def _row(r: Roster, user) -> dict:
    step = NEXT_STEP.get(r.state)
    today = timezone.localdate()
    due = queries.send_by(r)
    return {
        "r": r,
        "send_by": due,
        "overdue": r.state in ("draft", "locked", "approved", "released") and due < today,
        "next": step if step and roster_actions.may(user, step[0], r) else None,
    }


@require_GET
@scoped_view("payments.read")
def index(request):
    user = request.user
    role = getattr(user, "role", "")
    rosters = [_row(r, user) for r in queries.open_rosters()]
    ctx = {
        "role": role,
        "counts": queries.counts(),
        "rosters": rosters,
        "recent": queries.recent_rosters(20),
        "township": role == "township_caseworker",
        "county": role == "county_officer",
    }
    if role == "township_caseworker":
        to_check = list(queries.lines_to_check(100))
        due: dict[int, object] = {}
        for ln in to_check:  # the send-by day of each line's roster (deadline on the work list)
            ln.send_by = due.setdefault(ln.roster_id, queries.send_by(ln.roster))
        ctx["to_check"] = to_check
        ctx["held"] = queries.held_and_dropped(100)
        ctx["to_fix"] = queries.accounts_to_fix()[:100]
    if role == "county_officer":
        ctx["held"] = queries.held_and_dropped(100)
        ctx["funds"] = queries.funds()
    return private(render(request, "payments/index.html", ctx))


@require_GET
@scoped_view("payments.read")
def roster(request, pk: int):
    r = _roster_or_404(pk)
    user = request.user
    status = request.GET.get("status", "")
    page = Paginator(queries.roster_lines(r, status), 100).get_page(request.GET.get("page") or 1)
    counts = queries.line_counts(r)
    labels = dict(Roster.State.choices)
    ctx = {
        "row": _row(r, user),
        "r": r,
        "history": [
            {"e": e, "to": labels.get(e.to_state, ""), "unlock": e.to_state == "draft"}
            for e in queries.roster_events(r)
        ],
        "page": page,
        "status": status,
        "amounts": queries.line_amounts(r),
        "returns": queries.bank_returns(r)[:10],
        "may_unlock": r.state == "locked" and roster_actions.may(user, "unlock", r),
        "may_bank": r.state in bank_actions.FILE_STATES and roster_actions.may(user, "send", r),
        "may_return": r.state in ("sent", "reconciled") and roster_actions.may(user, "reconcile", r),
        "unlock_form": UnlockForm(),
        "send_form": SendForm(),
        "return_form": ReturnForm(),
        "statuses": [("", "全部", sum(counts.values()))]
        + [(k, v, counts.get(k, 0)) for k, v in RosterLine.Status.choices],
    }
    return private(render(request, "payments/roster.html", ctx))


@require_POST
@scoped_view("payments.write")
def roster_step(request, pk: int, step: str):
    r = _roster_or_404(pk)
    user = request.user
    version = request.POST.get("version")
    kw = {"actor": user, "roster": r, "expected_version": int(version) if (version or "").isdigit() else None}
    try:
        if step == "unlock":
            roster_actions.unlock(reason=request.POST.get("reason", ""), **kw)
        elif step == "send":
            data = bank_actions.bankfile.rows(r)
            roster_actions.send(
                external_ref=request.POST.get("external_ref", ""),
                checksum=bank_actions.bankfile.checksum(data),
                **kw,
            )
        elif step in roster_actions.STEPS:
            roster_actions.STEPS[step](**kw)
        else:
            raise Http404("没有这个环节")
        messages.success(request, f"花名册已{roster_actions.STEP_LABELS.get(step, '')}")
    except PaymentsConflict as exc:
        messages.warning(request, str(exc))
    except PaymentsError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("payments:roster", args=[r.pk]))


@require_GET
@scoped_view("payments.read")
def roster_xlsx(request, pk: int):
    r = _roster_or_404(pk)
    lines = queries.roster_lines(r)
    read_actions.audit_export(
        actor=request.user, region_code=r.region_code, subject_type="roster", subject_id=r.pk, detail="xlsx"
    )
    return private(xlsx_download(excel.roster_book(r, lines), f"roster-{r.pk}.xlsx"), htmx=False)


@require_GET
@scoped_view("payments.approve")
def bank_file(request, pk: int, fmt: str):
    r = _roster_or_404(pk)
    try:
        content, name, _digest = bank_actions.bank_file(actor=request.user, roster=r, fmt=fmt)
    except PaymentsError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("payments:roster", args=[r.pk]))
    if fmt == "xlsx":
        return private(xlsx_download(content, name), htmx=False)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return private(response, htmx=False)


@require_POST
@scoped_view("payments.approve")
def bank_return(request, pk: int):
    r = _roster_or_404(pk)
    form = ReturnForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择银行回盘文件")
        return redirect(reverse("payments:roster", args=[r.pk]))
    upload = form.cleaned_data["file"]
    try:
        ret = bank_actions.import_return(
            actor=request.user, roster=r, content=upload.read(), file_name=upload.name
        )
    except PaymentsError as exc:
        messages.error(request, str(exc))
    else:
        text = f"回盘已导入：到账 {ret.paid} 条，失败 {ret.failed} 条"
        if ret.problems:
            text += f"；{len(ret.problems)} 行未能处理（见下方回盘记录）"
        messages.success(request, text)
    return redirect(reverse("payments:roster", args=[r.pk]) + "#returns")


def _summary_ctx(request) -> dict:
    months = queries.summary_months()
    form = MonthForm(request.GET or None)
    month = months[0] if months else month_start(timezone.localdate())
    if form.is_bound and form.is_valid():
        try:
            month = parse_month(form.cleaned_data["month"])
        except PaymentsError as exc:
            form.add_error("month", str(exc))
    rows = list(queries.summaries(month))
    names = names_for({s.region_code for s in rows})
    return {"form": form, "month": month, "months": months, "rows": rows, "names": names}


@require_GET
@scoped_view("payments.read")
def summaries(request):
    ctx = _summary_ctx(request)
    region = request.user.region_id
    chart = queries.chart_rows(region)
    tiers = sorted({c["tier"] for c in chart})
    months = sorted({c["month"] for c in chart})
    by = {(c["month"], c["tier"]): int(c["paid"] or 0) for c in chart}
    ctx["chart"] = {
        "months": [m.strftime("%Y-%m") for m in months],
        "series": [
            {"name": CATEGORY_NAMES.get(t, t), "data": [by.get((m, t), 0) for m in months]} for t in tiers
        ],
    }
    ctx["chart_table"] = [{"month": m, "cells": [by.get((m, t), 0) for t in tiers]} for m in months]
    ctx["chart_tiers"] = [CATEGORY_NAMES.get(t, t) for t in tiers]
    ctx["display"] = [
        {
            "s": s,
            "region": ctx["names"].get(s.region_code, s.region_code),
            "level": excel.LEVEL_LABELS.get(s.level, ""),
            "tier": CATEGORY_NAMES.get(s.tier, s.tier),
        }
        for s in ctx["rows"]
    ]
    ctx["may_build"] = request.user.can("payments.approve")
    return private(render(request, "payments/summaries.html", ctx))


@require_POST
@scoped_view("payments.approve")
def build_summaries(request):
    try:
        month = parse_month(request.POST.get("month", ""))
        n = fund_actions.build_summaries(actor=request.user, month=month)
        messages.success(request, f"已生成 {n} 行发放汇总")
    except PaymentsError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("payments:summaries") + f"?month={request.POST.get('month', '')}")


@require_GET
@scoped_view("payments.read")
def summaries_xlsx(request):
    ctx = _summary_ctx(request)
    read_actions.audit_export(
        actor=request.user,
        region_code=request.user.region_id,
        subject_type="monthly_summary",
        subject_id=ctx["month"].strftime("%Y-%m"),
        detail="xlsx",
    )
    data = excel.summary_book(ctx["rows"], ctx["names"])
    return private(xlsx_download(data, f"summaries-{ctx['month']:%Y-%m}.xlsx"), htmx=False)

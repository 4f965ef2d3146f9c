"""The department portal (R-P1, seed §17), mounted under /monitoring/needs/: the queue by tab with the
deadline and referral details on each row, one-by-one answers (htmx), the audited reveal of an identity
number, a result file for bulk answers, the Excel export of a tab, the chart, and the department's
queries (status by identity number, the list of persons owed). A need of another department or region
is 404."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from doudi.core.access import is_htmx, scoped_view
from doudi.core.audit import record_read
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import append_row
from doudi.core.http import private, xlsx_download
from doudi.monitoring.loop import disposition_actions
from doudi.monitoring.loop.base import MonitoringError
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.loop.forms import NeedResponseForm
from doudi.monitoring.loop.report_actions import RateLimited
from doudi.monitoring.needs import answer_actions, queries, query_actions
from doudi.regions.queries import names_for

PAGE_SIZE = 50
MAX_UPLOAD = 5 * 1024 * 1024
EXPORT_COLUMNS = ("需求编号", "救助项目", "姓名", "身份证号（脱敏）", "区划", "推送日期", "答复时限", "状态",
                  "是否逾期", "答复说明", "救助金额", "撤回原因")  # fmt: skip


class _CountedPaginator(Paginator):
    """A paginator given its count (the tab counts are read in one scan already)."""

    def __init__(self, object_list, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def _dept_only(user) -> bool:
    return queries.is_department_user(user)


def _rows(pushes, today):
    names = names_for({p.region_code for p in pushes})
    details = queries.referral_details(pushes, today)
    return [
        {
            "p": p,
            "label": queries.need_label(p.need),
            "region_name": names.get(p.region_code, p.region_code),
            "ref": details.get(p.pk, {}),
            "overdue": p.status == "pushed" and p.due_on is not None and p.due_on < today,
            "form": NeedResponseForm(),
        }
        for p in pushes
    ]


@require_GET
@scoped_view("needs.respond", allow=_dept_only, denied="只有部门用户可以查看需求推送")
def queue(request):
    tab = request.GET.get("tab", "new")
    if tab not in queries.TABS:
        tab = "new"
    today = timezone.localdate()
    counts = queries.tab_counts(request.user, today)
    paginator = _CountedPaginator(queries.queue_pages(request.user, tab, today), PAGE_SIZE, counts[tab])
    page = paginator.get_page(request.GET.get("page"))
    ctx = {
        "tab": tab,
        "tabs": [(k, v, counts[k]) for k, v in queries.TABS.items()],
        "page_obj": page,
        "rows": _rows(list(page), today),
        "department": queries.dept_label(request.user.department),
    }  # fmt: skip
    return private(render(request, "monitoring/needs/queue.html", ctx))


def _need_or_404(request, pk: int):
    push = queries.get_need(request.user, pk)
    if push is None:
        raise Http404("需求不存在，或不属于本部门、本辖区")
    return push


@require_POST
@scoped_view("needs.respond", allow=_dept_only)
def answer(request, pk: int):
    push = _need_or_404(request, pk)
    form = NeedResponseForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            disposition_actions.respond_need(
                actor=request.user,
                push=push,
                status=form.cleaned_data["status"],
                feedback=form.cleaned_data["feedback"],
                amount=form.cleaned_data["amount"],
            )
        except FlowDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except MonitoringError as exc:
            error = str(exc)
    else:
        error = "；".join(str(e) for errs in form.errors.values() for e in errs)
    if is_htmx(request):
        row = _rows([_need_or_404(request, pk)], timezone.localdate())[0]
        row["error"] = error
        return private(render(request, "monitoring/needs/row.html", {"r": row}))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "已答复")
    return redirect("monitoring:needs")


@require_POST
@scoped_view("needs.respond", allow=_dept_only)
def reveal(request, pk: int):
    push = _need_or_404(request, pk)
    try:
        number = answer_actions.reveal_id(actor=request.user, push=push)
    except FlowDenied:
        raise Http404("需求不存在，或不属于本部门、本辖区") from None
    return private(HttpResponse(f'<span class="mono" id="id-full-{pk}">{number}</span>'))


@require_http_methods(["GET", "POST"])
@scoped_view("needs.respond", allow=_dept_only)
def upload(request):
    result = None
    if request.method == "POST":
        f = request.FILES.get("file")
        if f is None:
            messages.error(request, "请选择结果文件（Excel 或 CSV）")
        elif f.size > MAX_UPLOAD:
            messages.error(request, "文件不能超过 5 MB")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "answers"
                with path.open("wb") as out:
                    for chunk in f.chunks():
                        out.write(chunk)
                try:
                    result = answer_actions.answer_file(actor=request.user, path=path, file_name=f.name)
                except MonitoringError as exc:
                    messages.error(request, str(exc))
    return private(render(request, "monitoring/needs/upload.html", {"result": result}))


@require_GET
@scoped_view("needs.respond", allow=_dept_only)
def export(request):
    tab = request.GET.get("tab", "new")
    if tab not in queries.TABS:
        tab = "new"
    today = timezone.localdate()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(queries.TABS[tab])
    ws.append(list(EXPORT_COLUMNS))
    status = dict(queries.S.choices)
    n = 0
    for pk, need, name, masked, region, created, due_on, st, fb, amount, reason in (
        queries.queue(request.user, tab, today)
        .values_list("pk", "need", "person__name", "person__id_masked", "region_code", "created_at", "due_on",
                     "status", "feedback", "amount", "withdraw_reason")
        .iterator(chunk_size=5000)
    ):  # fmt: skip
        late = st == "pushed" and due_on is not None and due_on < today
        append_row(ws, [pk, queries.need_label(need), name or "", masked or "", region,
                        timezone.localtime(created).date().isoformat(), due_on.isoformat() if due_on else "",
                        status.get(st, st), "是" if late else "否", fb, "" if amount is None else str(amount), reason])  # fmt: skip
        n += 1
    buf = io.BytesIO()
    wb.save(buf)
    with transaction.atomic():
        record_read(
            actor=request.user,
            action=AuditAction.NEEDS_EXPORT,
            region_code=request.user.region_id,
            subject_type="need_push",
            subject_id=tab,
            detail=f"导出需求推送清单（{queries.TABS[tab]}）{n} 条（身份证号脱敏）",
        )
    return private(xlsx_download(buf.getvalue(), f"needs-{tab}.xlsx"))


def _chart_reader(user) -> bool:
    return queries.is_department_user(user) or user.can("monitoring.read")


@require_GET
@scoped_view(allow=_chart_reader, denied="您无权查看需求推送统计")
def chart(request):
    data = queries.chart(request.user)
    names = names_for(set(data["by_region"]))
    depts = [(queries.dept_label(k), *v) for k, v in sorted(data["by_department"].items())]
    regions = [(names.get(k, k), *v) for k, v in sorted(data["by_region"].items())]
    payload = {
        "departments": [d[0] for d in depts],
        "regions": [r[0] for r in regions],
        "by_department": [list(d[1:]) for d in depts],
        "by_region": [list(r[1:]) for r in regions],
    }
    ctx = {"depts": depts, "regions": regions, "payload": payload}
    return private(render(request, "monitoring/needs/chart.html", ctx))


@require_http_methods(["GET", "POST"])
@scoped_view("needs.respond", allow=_dept_only)
def status_query(request):
    purposes = query_actions.purposes(request.user)
    answer_ = None
    error = ""
    if request.method == "POST":
        try:
            answer_ = query_actions.status_by_id(
                actor=request.user,
                id_number=request.POST.get("id_number", ""),
                purpose=request.POST.get("purpose", ""),
            )
        except (MonitoringError, RateLimited, FlowDenied) as exc:
            error = str(exc)
    ctx = {"purposes": purposes, "answer": answer_, "error": error}
    return private(render(request, "monitoring/needs/status_query.html", ctx))


@require_GET
@scoped_view("needs.respond", allow=_dept_only)
def owed_list(request):
    purposes = query_actions.purposes(request.user)
    purpose = request.GET.get("purpose", "")
    period = request.GET.get("period", "")
    if purpose and period:
        try:
            query_actions.check_query(request.user, purpose)
            excel = request.GET.get("format") == "xlsx"
            build = query_actions.owed_xlsx if excel else query_actions.owed_csv
            data, n = build(request.user, purpose, period)
            fmt = "Excel" if excel else "CSV"
            query_actions.audit_owed(actor=request.user, purpose=purpose, period=period, rows=n, fmt=fmt)
        except (MonitoringError, RateLimited, FlowDenied) as exc:
            messages.error(request, str(exc))
        else:
            if excel:
                return private(xlsx_download(data, f"owed-{purpose}-{period}.xlsx"))
            response = HttpResponse(data, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="owed-{purpose}-{period}.csv"'
            return private(response)
    ctx = {"purposes": purposes, "today": timezone.localdate()}
    return private(render(request, "monitoring/needs/owed.html", ctx))

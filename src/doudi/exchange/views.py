"""Batch pages: department users upload their own department's data types and follow the load;
everyone who may see batches gets the list, the counts by outcome, the rejected rows and the
error report (.xlsx). Thin adapters over ``actions``, ``queries`` and ``reports``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.exchange import actions, hooks, intake, queries, reports, upload_actions
from doudi.exchange.forms import UploadForm
from doudi.exchange.models import Batch

PAGE_SIZE = 50
REJECTED_SHOWN = 200
NOT_FOUND = "数据批次不存在，或您无权查看"


def _viewer(request):
    if not queries.may_view(request.user):
        raise PermissionDenied("您的角色无权查看部门数据批次")
    return request.user


def _batch_or_404(request, pk: int) -> Batch:
    try:
        return queries.get_batch(_viewer(request), pk)
    except Batch.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _list_context(request, form=None) -> dict:
    user = _viewer(request)
    page = Paginator(queries.visible_batches(user), PAGE_SIZE).get_page(request.GET.get("page"))
    sendable = queries.sendable_datasets(user)
    if form is None and sendable:
        form = UploadForm(datasets=sendable)
    return {"page_obj": page, "form": form, "sendable": sendable}


@require_GET
@scoped_view(allow=queries.may_view, denied="您的角色无权查看部门数据批次")
def batches(request):
    return private(render(request, "exchange/batches.html", _list_context(request)))


def _may_send(user) -> bool:
    return bool(queries.sendable_datasets(user))


@require_http_methods(["GET", "POST"])
@scoped_view(allow=_may_send, denied="只有部门用户可以报送数据")
def upload(request):
    """GET: the batch page with the upload form; POST: receive the file."""
    if request.method == "GET":
        return private(render(request, "exchange/batches.html", _list_context(request)))
    user = request.user
    sendable = queries.sendable_datasets(user)
    form = UploadForm(request.POST, request.FILES, datasets=sendable)
    if not form.is_valid():
        return private(render(request, "exchange/batches.html", _list_context(request, form), status=400))
    data = form.cleaned_data
    try:
        receipt, queued = upload_actions.accept_upload(
            user=user, upload=data["file"], dataset=data["dataset"], as_of=data["as_of"]
        )
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from None
    except actions.ExchangeError as exc:
        form.add_error(None, str(exc))
        return private(render(request, "exchange/batches.html", _list_context(request, form), status=400))
    except intake.IntakeFileError as exc:
        messages.error(request, f"文件被拒绝：{exc}")
        failed = getattr(exc, "batch_id", None)
        return redirect("exchange:batch", failed) if failed else redirect("exchange:batches")
    b = receipt.batch
    if not receipt.created:
        if not queries.visible_batches(user).filter(pk=b.pk).exists():
            messages.info(request, f"该文件已由其他单位报送（批次 {b.pk}），未重复导入。")
            return redirect("exchange:batches")
        messages.info(request, f"该文件已报送过（批次 {b.pk}），未重复导入。")
    elif queued:
        messages.success(request, f"已接收（批次 {b.pk}），正在后台载入，本页会显示进度。")
    else:
        messages.success(
            request, f"已载入：读取 {b.rows_read} 行，载入 {b.rows_loaded} 行，拒绝 {b.rows_rejected} 行。"
        )
    return redirect("exchange:batch", b.pk)


@require_GET
@scoped_view
def batch(request, pk: int):
    b = _batch_or_404(request, pk)
    rows = queries.rejected_rows(b, limit=REJECTED_SHOWN) if b.status != Batch.Status.RECEIVED else []
    for r in rows:
        r["label"] = queries.column_label(b, r["column"])
    context = {
        "b": b,
        "rows": rows,
        "shown": len(rows),
        "reasons": sorted(b.rejected_by_reason.items(), key=lambda kv: -kv[1]),
        "id_status": (b.summary or {}).get("id_status", {}),
        "extra_columns": (b.summary or {}).get("extra_columns", []),
        "sections": hooks.batch_sections(b),
    }
    return private(render(request, "exchange/batch.html", context))


@require_GET
@scoped_view
def progress(request, pk: int):
    """The progress panel, polled by htmx while the batch loads; when it is done the page reloads
    (``HX-Refresh``) and polling stops."""
    b = _batch_or_404(request, pk)
    response = render(request, "exchange/partials/progress.html", {"b": b})
    if b.finished:
        response["HX-Refresh"] = "true"
    return private(response)


@require_GET
@scoped_view
def errors_xlsx(request, pk: int):
    b = _batch_or_404(request, pk)
    return private(xlsx_download(reports.rejected_xlsx(b), f"batch-{b.pk}-errors.xlsx"))

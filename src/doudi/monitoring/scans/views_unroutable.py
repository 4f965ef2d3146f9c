"""The province officer's list of department records that no region routes (``monitoring.routing``):
``/monitoring/unroutable/`` and its Excel export. The rows belong to the province (``region_code``
220000000000), so the scoped manager shows them to province-level users only; other roles get 403."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from doudi.accounts.models import Role
from doudi.core.access import scoped_view
from doudi.core.audit import record_read
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import append_row
from doudi.core.http import private, xlsx_download
from doudi.datasets import DATASETS
from doudi.monitoring.loop.base import MonitoringError
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.scans import scan_queries, unroutable_actions
from doudi.monitoring.scans.routing import PROVINCE
from doudi.regions.queries import county_choices, names_for

PAGE_SIZE = 50
COLUMNS = ("批次", "记录编号", "数据类型", "困难线索", "姓名", "身份证号（脱敏）", "报送的区划代码",
           "身份证号所属县代码", "无法分派原因", "线索日期", "扫描数据日期")  # fmt: skip


def _province_only(user) -> None:
    if user.role != Role.PROVINCE:
        raise PermissionDenied("只有省级民政可以查看无法分派到区划的部门记录")


def _records(request):
    qs = scan_queries.unroutable_records()
    dataset = request.GET.get("dataset", "")
    if dataset in DATASETS:
        qs = qs.filter(dataset=dataset)
    return qs, dataset


def _label(dataset: str) -> str:
    ds = DATASETS.get(dataset)
    return ds.label if ds else "其他部门数据"


@require_GET
@scoped_view(
    "monitoring.read",
    allow=lambda user: user.role == Role.PROVINCE,
    denied="只有省级民政可以查看无法分派到区划的部门记录",
)
def unroutable(request):
    _province_only(request.user)
    qs, dataset = _records(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    names = names_for({r.routed_to for r in page if r.routed_to})
    rows = [
        {"r": r, "dataset_label": _label(r.dataset), "routed_name": names.get(r.routed_to, "")} for r in page
    ]
    present = scan_queries.unroutable_datasets()
    ctx = {
        "page_obj": page,
        "rows": rows,
        "dataset": dataset,
        "datasets": [(k, _label(k)) for k in present],
        "total": qs.count(),
        "counties": county_choices(),
    }
    return private(render(request, "monitoring/unroutable.html", ctx))


@require_GET
@scoped_view("monitoring.read")
def unroutable_export(request):
    _province_only(request.user)
    qs, dataset = _records(request)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("无法分派的记录")
    ws.append(list(COLUMNS))
    n = 0
    for r in qs.iterator(chunk_size=5000):
        append_row(  # values come from department files: never a live formula
            ws,
            ["" if v is None else v for v in (r.batch_id, r.record_id, _label(r.dataset), r.detail, r.name, r.id_masked,
                                r.given_region, r.id_county, r.reason,
                                r.event_date.isoformat() if r.event_date else "", r.found_on.isoformat())]
        )  # fmt: skip
        n += 1
    buf = io.BytesIO()
    wb.save(buf)
    with transaction.atomic():
        record_read(
            actor=request.user,
            action=AuditAction.MONITORING_UNROUTABLE_EXPORT,
            region_code=PROVINCE,
            subject_type="unroutable_records",
            subject_id=dataset or "all",
            detail=f"导出无法分派到区划的部门记录 {n} 条（身份证号脱敏）",
        )
    return private(xlsx_download(buf.getvalue(), "unroutable-records.xlsx"))


@require_POST
@scoped_view("monitoring.read")
def unroutable_transfer(request, pk: int):
    _province_only(request.user)
    record = scan_queries.find_unroutable(pk)
    if record is None:
        raise Http404("记录不存在")
    try:
        case = unroutable_actions.transfer(
            actor=request.user, record=record, county_code=request.POST.get("county", "")
        )
    except FlowDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except MonitoringError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已转交，{case.name or '该人员'}列为所在县（市、区）的潜在救助对象待派发")
    return redirect("monitoring:unroutable")

"""``/api/v1/batches``: department data pushed by API (the third door beside the web page and the
command line), and the batch list and details, scoped like every read.

* ``POST /batches`` (multipart: ``file``, ``dataset``, ``as_of``) — only a department user's token,
  only for their own department's types (403 otherwise). 201 with the loaded batch's summary; 202
  when a large file is loading in the background (poll ``GET /batches/{id}``); 200 with
  ``already_received`` when this file was sent before (409 when another office sent it); 422 when
  the file is refused as a whole.
* ``GET /batches``, ``GET /batches/{id}``, ``GET /batches/{id}/rejected`` — a department user sees
  their department's batches, civil-affairs staff those of their region; others are 404.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.errors import AuthorizationError
from ninja.files import UploadedFile

from doudi import datasets
from doudi.core.api_auth import api_auth, auth_user
from doudi.core.api_errors import ApiInputError
from doudi.core.dates import parse_date
from doudi.core.scoping import current_scope
from doudi.exchange import actions, intake, queries, upload_actions
from doudi.exchange.models import Batch
from doudi.exchange.schemas import BatchListOut, BatchOut, RefusedOut, RejectedListOut, UploadOut, batch_out

router = Router(tags=["部门数据交换"], auth=api_auth())

MAX_LIMIT = 200
MAX_OFFSET = 2**62  # offset + limit stays a database integer


def _viewer(request: HttpRequest):
    user = auth_user(request)
    if current_scope() is None:
        raise AuthorizationError(403, "账号未设置管辖区划，无法访问数据批次")
    if not queries.may_view(user):
        raise AuthorizationError(403, "无权查看部门数据批次")
    return user


def _as_of(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError:
        raise ApiInputError("数据截至日期格式应为 YYYY-MM-DD", "as_of") from None


@router.post(
    "",
    response={200: UploadOut, 201: UploadOut, 202: UploadOut, 409: RefusedOut, 422: RefusedOut},
    summary="报送一个部门数据文件（部门用户）",
)
def upload(request: HttpRequest, file: File[UploadedFile], dataset: Form[str], as_of: Form[str]):
    user = auth_user(request)
    if datasets.get(dataset) is None:
        raise ApiInputError(f"未知的数据类型：{dataset}（可选：{', '.join(datasets.DATASETS)}）", "dataset")
    when = _as_of(as_of)
    try:
        receipt, queued = upload_actions.accept_upload(user=user, upload=file, dataset=dataset, as_of=when)
    except PermissionError as exc:
        raise AuthorizationError(403, str(exc)) from None
    except actions.ExchangeError as exc:
        raise ApiInputError(str(exc), "file") from None
    except intake.IntakeFileError as exc:
        return Status(
            422, {"error": f"文件被拒绝：{exc}", "path": "file", "batch": getattr(exc, "batch_id", None)}
        )
    if not receipt.created and not queries.visible_batches(user).filter(pk=receipt.batch.pk).exists():
        msg = f"该文件已由其他单位报送（批次 {receipt.batch.pk}），未重复导入"
        return Status(409, {"error": msg, "path": "file", "batch": receipt.batch.pk})
    status = 202 if queued else 201 if receipt.created else 200
    return Status(status, batch_out(receipt.batch, already_received=not receipt.created, queued=queued))


@router.get("", response=BatchListOut, summary="数据批次列表（新的在前）")
def list_batches(
    request: HttpRequest,
    dataset: Query[str | None] = None,
    status: Query[str | None] = None,
    limit: Query[int] = 50,
    offset: Query[int] = 0,
):
    user = _viewer(request)
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise ApiInputError(f"limit 应在 1–{MAX_LIMIT} 之间，offset 应在 0–{MAX_OFFSET} 之间", "limit")
    qs = queries.visible_batches(user)
    if dataset:
        qs = qs.filter(dataset=dataset)
    if status:
        qs = qs.filter(status=status)
    page = list(qs[offset : offset + limit])
    return {"count": qs.count(), "items": [batch_out(b) for b in page]}


@router.get("/{batch_id}", response=BatchOut, summary="一个数据批次")
def get_batch(request: HttpRequest, batch_id: int):
    return batch_out(queries.get_batch(_viewer(request), batch_id))


@router.get("/{batch_id}/rejected", response=RejectedListOut, summary="被拒绝的行（行号、列、原因）")
def rejected(request: HttpRequest, batch_id: int, limit: Query[int] = 200, offset: Query[int] = 0):
    batch: Batch = queries.get_batch(_viewer(request), batch_id)
    if not 1 <= limit <= 1000 or not 0 <= offset <= MAX_OFFSET:
        raise ApiInputError(f"limit 应在 1–1000 之间，offset 应在 0–{MAX_OFFSET} 之间", "limit")
    rows = queries.rejected_rows(batch, offset=offset, limit=limit)
    return {"count": queries.rejected_count(batch), "items": rows}

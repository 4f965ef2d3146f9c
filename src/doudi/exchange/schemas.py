"""Output shapes of the batch API (``/api/v1/batches``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from doudi.exchange.models import Batch


class BatchOut(Schema):
    id: int
    dataset: str
    dataset_label: str
    provider: str
    provider_label: str
    as_of: dt.date
    file_name: str
    status: str
    status_label: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rejected_by_reason: dict[str, int]
    id_status: dict[str, int]
    progress: int
    stage: str
    error: str
    region_code: str
    created_at: dt.datetime
    loaded_at: dt.datetime | None
    linked_at: dt.datetime | None
    link_summary: dict[str, Any]


class UploadOut(BatchOut):
    already_received: bool  # the same file of this type was sent before: this is the earlier batch
    queued: bool  # loading in the background; poll GET /batches/{id}


class RefusedOut(Schema):
    error: str
    path: str
    batch: int | None  # the batch recorded as failed


class BatchListOut(Schema):
    count: int
    items: list[BatchOut]


class RejectedRowOut(Schema):
    line: int
    column: str
    value: str | None
    reason: str
    detail: str | None


class RejectedListOut(Schema):
    count: int
    items: list[RejectedRowOut]


def batch_out(b: Batch, **extra) -> dict:
    return {
        "id": b.pk,
        "dataset": b.dataset,
        "dataset_label": b.get_dataset_display(),
        "provider": b.provider,
        "provider_label": b.get_provider_display(),
        "as_of": b.as_of,
        "file_name": b.file_name,
        "status": b.status,
        "status_label": b.get_status_display(),
        "rows_read": b.rows_read,
        "rows_loaded": b.rows_loaded,
        "rows_rejected": b.rows_rejected,
        "rejected_by_reason": b.rejected_by_reason,
        "id_status": (b.summary or {}).get("id_status", {}),
        "progress": b.progress,
        "stage": b.stage,
        "error": b.error,
        "region_code": b.region_code,
        "created_at": b.created_at,
        "loaded_at": b.loaded_at,
        "linked_at": b.linked_at,
        "link_summary": b.link_summary,
        **extra,
    }

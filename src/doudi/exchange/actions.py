"""Every write to a department batch (DOMAIN R-M10): receive, load, fail, mark linked — each in a
transaction with its audit event. Pages, the API, the command and the background task call these.

Lifecycle: ``receive`` records the file (content hash; the same file of the same type already
received → that batch is returned, nothing is loaded twice) → ``load`` validates it into a temporary
store directory and, in ONE transaction, marks the batch loaded and renames the directory into
place; any failure marks the batch failed and leaves no records file → once linkage has written its
links, the pipeline calls ``mark_linked(batch=..., summary=...)``. Progress reports of a running load (``report_progress``)
are operational counters, not recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus, default_task_backend
from django.utils import timezone

from doudi import datasets
from doudi.accounts.models import Department, Role
from doudi.core import tabular
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.exchange import intake, store
from doudi.exchange.models import Batch

log = logging.getLogger(__name__)

PROVINCE = "220000000000"
STALE_AFTER = dt.timedelta(minutes=30)  # a "received" batch without a progress report for this long died
AS_OF_MIN = dt.date(2000, 1, 1)
START_GRACE = dt.timedelta(seconds=15)  # between receive and the load taking its lock
Status = Batch.Status


class ExchangeError(ValueError):
    """A request refused before anything is written (unknown type, department not allowed…)."""


@dataclass
class Receipt:
    batch: Batch
    created: bool  # False: this file was already received (``batch`` is the earlier one)


def dataset_for(dataset: str, provider: str) -> datasets.Dataset:
    """The declaration, if ``provider`` (a Department value) may send ``dataset``."""
    ds = datasets.get(dataset)
    if ds is None:
        known = ", ".join(datasets.DATASETS)
        raise ExchangeError(f"未知的数据类型：{dataset}（可选：{known}）")
    if provider not in ds.providers:
        label = dict(Department.choices).get(provider, provider)
        raise ExchangeError(f"{label}不能报送“{ds.label}”数据（应由{ds.provider_labels}报送）")
    return ds


def may_send(user, dataset: str) -> bool:
    """Only department users send data, and only their own department's types."""
    ds = datasets.get(dataset)
    return bool(ds and user.is_active and user.role == Role.DEPARTMENT and user.department in ds.providers)


def _actor_user(actor):
    return actor if getattr(actor, "pk", None) else None


def _audit(actor, action: str, batch: Batch, detail: str, after: dict | None = None) -> None:
    record_audit(
        actor=actor,
        action=action,
        region_code=batch.region_code,
        subject_type="exchange_batch",
        subject_id=batch.pk,
        after=after,
        detail=detail,
    )


def receive(
    *,
    actor,
    path: Path | str,
    dataset: str,
    provider: str,
    as_of: dt.date,
    region_code: str = PROVINCE,
    file_name: str | None = None,
) -> Receipt:
    """Record a file as a batch of ``dataset`` from ``provider`` (nothing is read but its bytes)."""
    path = Path(path)
    ds = dataset_for(dataset, provider)
    if as_of > timezone.localdate():
        raise ExchangeError(f"数据截至日期 {as_of} 晚于今天，请填写数据实际截至的日期")
    if as_of < AS_OF_MIN:
        raise ExchangeError(f"数据截至日期 {as_of} 过早，应不早于 {AS_OF_MIN}")
    try:
        digest, size = tabular.file_digest(path), path.stat().st_size
    except OSError as exc:
        raise ExchangeError(f"文件不存在或无法读取：{path.name}") from exc
    name = (file_name or path.name)[:255]
    earlier = _earlier(actor, ds.key, digest)
    if earlier is not None:
        return Receipt(earlier, False)
    try:
        with transaction.atomic():
            batch = Batch.unscoped.create(
                region_code=region_code.ljust(12, "0"),
                dataset=ds.key,
                provider=provider,
                as_of=as_of,
                file_name=name,
                content_hash=digest,
                file_size=size,
                created_by=_actor_user(actor),
                heartbeat_at=timezone.now(),
            )
            _audit(actor, AuditAction.EXCHANGE_BATCH_RECEIVED, batch, f"接收{ds.label}数据 {name}",
                   {"dataset": ds.key, "provider": provider, "as_of": as_of, "file": name, "sha256": digest})  # fmt: skip
    except IntegrityError:  # the same file arrived at the same moment through another door
        earlier = (
            Batch.unscoped.filter(dataset=ds.key, content_hash=digest).exclude(status=Status.FAILED).first()
        )
        if earlier is None:
            raise
        return Receipt(earlier, False)
    return Receipt(batch, True)


def _earlier(actor, dataset: str, digest: str) -> Batch | None:
    """The batch that already holds this file; a load that died long ago is marked failed first."""
    earlier = (
        Batch.unscoped.filter(dataset=dataset, content_hash=digest).exclude(status=Status.FAILED).first()
    )
    if earlier is None or earlier.status != Status.RECEIVED:
        return earlier
    if store.loader_alive(earlier.pk):
        return earlier  # a process is loading it now
    age = timezone.now() - (earlier.heartbeat_at or earlier.created_at)
    if age < START_GRACE or (age < STALE_AFTER and _queued(earlier)):
        return earlier  # just received, or waiting for the worker
    fail(actor=actor, batch=earlier, reason="导入中断（载入进程已停止），已清理，可重新报送")
    store.discard_leftovers(earlier.pk)
    return None


def _queued(batch: Batch) -> bool:
    """Whether the batch's background load is still waiting for a worker (not started)."""
    if not batch.task_id:
        return False
    try:
        return default_task_backend.get_result(batch.task_id).status == TaskResultStatus.READY
    except Exception:  # a backend that keeps no results: trust the heartbeat
        return True


def report_progress(batch_id: int, fraction: float, stage: str) -> None:
    """Progress of a running load, for the page polling it (no audit: not a change of state)."""
    Batch.unscoped.filter(pk=batch_id, status=Status.RECEIVED).update(
        progress=max(0, min(100, int(fraction * 100))), stage=stage[:32], heartbeat_at=timezone.now()
    )


def attach_task(batch: Batch, task_id: str) -> None:
    """Remember the background task loading the batch (no audit: bookkeeping)."""
    Batch.unscoped.filter(pk=batch.pk).update(task_id=str(task_id)[:64])
    batch.task_id = str(task_id)[:64]


def load(
    *,
    actor,
    batch: Batch,
    path: Path | str,
    progress: intake.Progress | None = None,
    workers: int | None = None,
    today: dt.date | None = None,
) -> Batch:
    """Validate and load a received batch. Raises ``intake.IntakeFileError`` (batch marked failed)
    when the file is refused as a whole; any other error also marks it failed and is re-raised."""
    if batch.status != Status.RECEIVED:
        raise ExchangeError(f"批次 {batch.pk} 的状态为“{batch.get_status_display()}”，不能再次载入")
    ds = dataset_for(batch.dataset, batch.provider)
    tmp, final = store.temp_dir(batch.pk), store.batch_dir(batch.pk)

    def on_progress(fraction: float, stage: str) -> None:
        report_progress(batch.pk, fraction * 0.98, stage)
        if progress:
            progress(fraction, stage)

    renamed = False
    try:
        with store.loading(batch.pk):  # the lock tells a running load from one killed mid-way
            result = intake.run(
                path, ds, tmp, file_name=batch.file_name, today=today or timezone.localdate(),
                progress=on_progress, workers=workers,
            )  # fmt: skip
            if result.content_hash != batch.content_hash:
                raise intake.IntakeFileError("文件在接收之后被改动过，请重新报送")
            with transaction.atomic():
                locked = Batch.unscoped.select_for_update().get(pk=batch.pk)
                if locked.status != Status.RECEIVED:
                    raise ExchangeError(f"批次 {batch.pk} 已被其他进程处理")
                locked.status = Status.LOADED
                locked.rows_read = result.rows_read
                locked.rows_loaded = result.rows_loaded
                locked.rows_rejected = result.rows_rejected
                locked.rejected_by_reason = result.rejected_by_reason
                locked.summary = result.summary()
                locked.progress, locked.stage = 100, "完成"
                locked.loaded_at = timezone.now()
                locked.save()
                _audit(actor, AuditAction.EXCHANGE_BATCH_LOADED, locked, f"载入{ds.label}数据 {locked.file_name}",
                       {"rows_read": result.rows_read, "rows_loaded": result.rows_loaded,
                        "rows_rejected": result.rows_rejected, "rejected_by_reason": result.rejected_by_reason})  # fmt: skip
                if final.exists():  # left by a crash after an earlier rename: never a loaded batch's
                    shutil.rmtree(final)
                os.replace(tmp, final)  # last step before the commit
                renamed = True
    except store.LoadingElsewhere as exc:
        raise ExchangeError(str(exc)) from exc
    except intake.IntakeFileError as exc:
        _discard(tmp, final if renamed else None)
        fail(actor=actor, batch=batch, reason=str(exc))
        exc.batch_id = batch.pk  # type: ignore[attr-defined]  # the failed batch, for the caller to show
        raise
    except BaseException as exc:
        _discard(tmp, final if renamed else None)
        reason = (
            str(exc) if isinstance(exc, ExchangeError) else f"导入失败，已全部撤销（{type(exc).__name__}）"
        )
        try:
            fail(actor=actor, batch=batch, reason=reason)
        except Exception:  # the database itself may be what failed; the original error matters
            log.exception("could not mark batch %s failed", batch.pk)
        raise
    batch.refresh_from_db()
    return batch


def _discard(*paths: Path | None) -> None:
    for p in paths:
        if p is not None:
            shutil.rmtree(p, ignore_errors=True)


def fail(*, actor, batch: Batch, reason: str) -> Batch:
    """Mark a batch that is not loaded as failed; its store directory, if any, is removed."""
    with transaction.atomic():
        locked = Batch.unscoped.select_for_update().get(pk=batch.pk)
        if locked.status in (Status.LOADED, Status.LINKED):
            raise ExchangeError(f"批次 {batch.pk} 已载入，不能标记为失败")
        locked.status = Status.FAILED
        locked.error = reason[:2000]
        locked.progress, locked.stage = 0, ""
        locked.save(update_fields=["status", "error", "progress", "stage"])
        _audit(actor, AuditAction.EXCHANGE_BATCH_FAILED, locked, reason[:500])
    _discard(store.batch_dir(batch.pk))
    batch.status, batch.error = locked.status, locked.error
    return locked


def mark_linked(*, batch: Batch | int, summary: dict[str, Any], actor="matching") -> Batch:
    """Called by the pipeline when the batch's links are written: counts by method (any JSON). Linking
    again replaces the summary (matching re-runs are idempotent)."""
    pk = batch.pk if isinstance(batch, Batch) else int(batch)
    with transaction.atomic():
        locked = Batch.unscoped.select_for_update().get(pk=pk)
        if locked.status not in (Status.LOADED, Status.LINKED):
            raise ExchangeError(f"批次 {pk} 的状态为“{locked.get_status_display()}”，不能记录比对结果")
        locked.status = Status.LINKED
        locked.linked_at = timezone.now()
        locked.link_summary = summary
        locked.save(update_fields=["status", "linked_at", "link_summary"])
        _audit(
            actor,
            AuditAction.EXCHANGE_BATCH_LINKED,
            locked,
            f"比对完成 {locked.file_name}",
            {"summary": summary},
        )
    if isinstance(batch, Batch):
        batch.status, batch.linked_at, batch.link_summary = locked.status, locked.linked_at, summary
    return locked


def import_file(
    *,
    actor,
    path: Path | str,
    dataset: str,
    provider: str,
    as_of: dt.date,
    region_code: str = PROVINCE,
    file_name: str | None = None,
    progress: intake.Progress | None = None,
    workers: int | None = None,
) -> Receipt:
    """Receive and, when new, load at once (the command line and small uploads)."""
    receipt = receive(
        actor=actor, path=path, dataset=dataset, provider=provider, as_of=as_of,
        region_code=region_code, file_name=file_name,
    )  # fmt: skip
    if receipt.created:
        receipt.batch = load(actor=actor, batch=receipt.batch, path=path, progress=progress, workers=workers)
    return receipt

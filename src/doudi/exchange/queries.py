"""Reads of department batches, always through the scoped manager (R-S5).

Who sees what: a department user sees the batches of their own department within their region
scope; civil-affairs staff (every role that may read the registry: township to province, auditors,
administrators) see all batches of their scope; anyone else sees none. A batch outside that is
simply not found.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from doudi import datasets
from doudi.accounts.models import Role
from doudi.core.store import BatchInfo
from doudi.exchange import intake, store
from doudi.exchange.models import Batch


def may_view(user) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.DEPARTMENT:
        return bool(user.department)
    return user.can("registry.read")


def visible_batches(user) -> QuerySet[Batch]:
    """The batches ``user`` may see, newest first (needs the request's region scope)."""
    qs = Batch.objects.all()
    if not may_view(user):
        return qs.none()
    if user.role == Role.DEPARTMENT:
        qs = qs.filter(provider=user.department)
    return qs.select_related("created_by").order_by("-id")


def get_batch(user, pk: int) -> Batch:
    """Raises ``Batch.DoesNotExist`` when there is no such batch or ``user`` may not see it."""
    return visible_batches(user).get(pk=pk)


def sendable_datasets(user) -> list[datasets.Dataset]:
    """The dataset types ``user`` may upload: a department user's own; nobody else's."""
    if not user.is_active or user.role != Role.DEPARTMENT:
        return []
    return datasets.for_department(user.department)


def rejected_rows(batch: Batch, *, offset: int = 0, limit: int | None = 200) -> list[dict]:
    """Rejected rows of a loaded batch, by line: line, column, value (masked), reason, detail."""
    return intake.read_rejected(store.rejected_path(batch.pk), offset=offset, limit=limit)


def rejected_count(batch: Batch) -> int:
    """Problems recorded for the batch (a row may have several)."""
    path = store.rejected_path(batch.pk)
    if not path.is_file():
        return 0
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def column_label(batch: Batch, column: str) -> str:
    """“姓名（name）” for a declared column; an extra column's own header otherwise."""
    ds = batch.declaration
    if ds and column:
        try:
            c = ds.column(column)
        except KeyError:
            return column
        return f"{c.label}（{c.key}）"
    return column


# --- system reads (whole province, no request scope) --------------------------------------------------


def batch_infos(batch_ids: Sequence[int]) -> list[BatchInfo]:
    """The store's batch catalog (``core.store.register_batch_catalog``): the metadata of the given
    batches that readers of the store need. Batch metadata is not personal data; unscoped, for the
    system jobs that read the whole store."""
    rows = Batch.unscoped.filter(pk__in=list(batch_ids)).values_list(
        "pk", "dataset", "as_of", "provider", "region_code"
    )
    return [
        BatchInfo(pk, ds, as_of, provider or "", region or "") for pk, ds, as_of, provider, region in rows
    ]


def pending_batch_ids() -> list[int]:
    """Loaded batches not linked yet, in id order (unscoped: the pipeline's catch-up)."""
    return list(Batch.unscoped.filter(status=Batch.Status.LOADED).order_by("pk").values_list("pk", flat=True))


def batch_status(batch_id: int) -> str | None:
    """The status of a batch, or None when there is no such batch (unscoped)."""
    return Batch.unscoped.filter(pk=batch_id).values_list("status", flat=True).first()

"""What matching needs from ``doudi.exchange`` (batch metadata, the pending list, ``mark_linked``),
guarded so that matching works on a store of batches before — or without — that app."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from doudi.matching import store


def exchange_installed() -> bool:
    return apps.is_installed("doudi.exchange")


def _batch_model():
    from doudi.exchange.models import Batch

    return Batch


def _manager():
    model = _batch_model()
    return getattr(model, "unscoped", None) or model._default_manager


def get_batch(batch_id: int):
    """The exchange ``Batch`` row, or None (no exchange app, or a store-only batch)."""
    if not exchange_installed():
        return None
    model = _batch_model()
    try:
        return _manager().get(pk=batch_id)
    except model.DoesNotExist:
        return None


def pending_batch_ids() -> list[int]:
    """Loaded batches not linked yet (exchange status "loaded"); without the exchange app, stored
    batches that have records but no links file."""
    if exchange_installed():
        return list(_manager().filter(status="loaded").order_by("pk").values_list("pk", flat=True))
    return [b for b in store.stored_batch_ids() if not store.links_path(b).exists()]


def mark_linked(batch_id: int, summary: dict[str, Any]) -> bool:
    """Record the link summary on the batch through ``exchange.actions.mark_linked``; False when there
    is no such batch row to mark."""
    batch = get_batch(batch_id)
    if batch is None:
        return False
    from doudi.exchange import actions

    actions.mark_linked(batch=batch, summary=summary)
    return True


def describe(batch_id: int) -> dict[str, Any]:
    """Display metadata of a batch (dataset, provider, as-of date, file) — empty without exchange."""
    fields = ("dataset", "provider", "as_of", "file_name", "status", "linked_at", "region_code")
    info: dict[str, Any] = dict.fromkeys((*fields, "dataset_label", "provider_label"))
    info["id"] = batch_id
    batch = get_batch(batch_id)
    if batch is None:
        return info
    info.update({f: getattr(batch, f, None) for f in fields})
    for f in ("provider", "dataset"):
        display = getattr(batch, f"get_{f}_display", None)
        if callable(display):
            info[f"{f}_label"] = display()
    info["id"] = batch_id
    return info

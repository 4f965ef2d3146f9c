"""Where batches live (STORE-CONTRACT): ``store/batches/<id>/records.parquet`` and ``rejected.parquet``.

Uploaded files wait for their load in ``<data dir>/incoming``, outside the store: they hold plain
identity numbers, which the store never does. A load writes into a temporary directory next to the
batch directory and renames it into place (``exchange.actions.load``).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings

from doudi.exchange.intake import RECORDS, REJECTED


def store_dir() -> Path:
    return Path(settings.DOUDI_STORE_DIR)


def batches_dir() -> Path:
    return store_dir() / "batches"


def batch_dir(batch_id: int) -> Path:
    return batches_dir() / str(batch_id)


def records_path(batch_id: int) -> Path:
    return batch_dir(batch_id) / RECORDS


def rejected_path(batch_id: int) -> Path:
    return batch_dir(batch_id) / REJECTED


def temp_dir(batch_id: int) -> Path:
    """A fresh directory beside the final one (same file system, so the rename is atomic)."""
    return batches_dir() / f".tmp-{batch_id}-{secrets.token_hex(4)}"


def incoming_dir() -> Path:
    path = Path(settings.DATA_DIR) / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def incoming_path(file_name: str) -> Path:
    """A new path for an uploaded file (its suffix kept, its name not trusted)."""
    suffix = Path(file_name).suffix.lower()[:10]
    if not suffix.replace(".", "").isalnum():
        suffix = ""
    return incoming_dir() / f"{secrets.token_hex(8)}{suffix}"

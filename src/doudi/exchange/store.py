"""Where batches live (STORE-CONTRACT): ``store/batches/<id>/records.parquet`` and ``rejected.parquet``.

Uploaded files wait for their load in ``<data dir>/incoming``, outside the store: they hold plain
identity numbers, which the store never does. A load writes into a temporary directory next to the
batch directory and renames it into place (``exchange.actions.load``). The loading process holds a
lock file (``loading``), so a load killed with ``kill -9`` is recognised at once as interrupted, and
its temporary directory and upload are removed (``discard_leftovers``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from doudi.core import store as layout
from doudi.core.store import batch_dir, records_path  # noqa: F401 - the shared layout, part of this module's API
from doudi.exchange.intake import REJECTED

INCOMING_MAX_AGE = 24 * 3600  # an upload no batch claimed (its request died) is removed after a day


def batches_dir() -> Path:
    return layout.store_dir() / "batches"


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


# ------------------------------------------------------------------ interrupted loads (kill -9, power)


def _lock_path(batch_id: int) -> Path:
    return batches_dir() / f".loading-{batch_id}.lock"


@contextlib.contextmanager
def loading(batch_id: int) -> Iterator[None]:
    """Held by the process loading a batch: an exclusive ``flock`` the kernel releases when the
    process dies in any way, so ``loader_alive`` tells a running load from an interrupted one."""
    path = _lock_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LoadingElsewhere(batch_id) from exc
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


class LoadingElsewhere(RuntimeError):
    def __init__(self, batch_id: int):
        super().__init__(f"批次 {batch_id} 正在被其他进程载入")


def loader_alive(batch_id: int) -> bool:
    """Whether a process is loading the batch now (holds its lock)."""
    path = _lock_path(batch_id)
    try:
        fh = path.open("r")
    except FileNotFoundError:
        return False
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def claim_incoming(path: Path, batch_id: int) -> Path:
    """Name an uploaded file after its batch, so an interrupted batch's upload can be found."""
    target = path.with_name(f"{batch_id}-{path.name}")
    os.replace(path, target)
    return target


def discard_leftovers(batch_id: int) -> None:
    """What a load killed mid-way leaves: its temporary store directory and its uploaded file
    (plain identity numbers), and any unclaimed upload older than a day."""
    for tmp in batches_dir().glob(f".tmp-{batch_id}-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    _lock_path(batch_id).unlink(missing_ok=True)
    incoming = incoming_dir()
    for f in incoming.glob(f"{batch_id}-*"):
        f.unlink(missing_ok=True)
    old = time.time() - INCOMING_MAX_AGE
    for f in incoming.iterdir():
        with contextlib.suppress(OSError):
            if not f.name.split("-", 1)[0].isdigit() and f.stat().st_mtime < old:
                f.unlink()

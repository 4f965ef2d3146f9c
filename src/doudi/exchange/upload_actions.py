"""A department user's upload from the page or the API: saved outside the store, received, then loaded
now (a small file) or queued for the background load (``tasks``). Apart from ``actions`` because it
decides between the two, and the background task itself calls ``actions``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from doudi import datasets
from doudi.accounts.models import Role
from doudi.core import tabular
from doudi.exchange import hooks, store, tasks
from doudi.exchange.actions import ExchangeError, Receipt, load, may_send, receive


def accept_upload(*, user, upload, dataset: str, as_of: dt.date) -> tuple[Receipt, bool]:
    """A department user's upload (web page or API): saved outside the store, received, then loaded
    now (small file) or by the background task (large file, ``tasks.inline_upload``). Returns the
    receipt and whether the load was queued. Raises ``PermissionError`` when the user may not send
    this type, ``ExchangeError`` for a bad request and ``intake.IntakeFileError`` (batch failed) when
    the file is refused as a whole."""
    if not may_send(user, dataset):
        if user.role != Role.DEPARTMENT:
            raise PermissionError("只有部门用户可以报送数据")
        ds = datasets.get(dataset)
        if ds is None:
            raise ExchangeError(f"未知的数据类型：{dataset}")
        raise PermissionError(f"本部门不能报送“{ds.label}”数据（应由{ds.provider_labels}报送）")
    if not user.region_id:
        raise PermissionError("账号未设置管辖区划，不能报送数据")
    path: Path | None
    path = store.incoming_path(upload.name or "upload")
    try:
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        receipt = receive(
            actor=user, path=path, dataset=dataset, provider=user.department, as_of=as_of,
            region_code=user.region_id, file_name=upload.name or path.name,
        )  # fmt: skip
        if not receipt.created:
            return receipt, False
        path = store.claim_incoming(path, receipt.batch.pk)  # found again if the load is interrupted
        inline = tasks.inline_upload(path.stat().st_size, tabular.sniff(path))
        if not inline and tasks.start_load(receipt.batch, path):
            path = None  # the task owns (and deletes) the file now
            return receipt, True
        receipt.batch = load(actor=user, batch=receipt.batch, path=path)
        hooks.announce_upload(receipt.batch)  # taken further in the background (``doudi match run`` by hand)
        return receipt, False
    finally:
        if path is not None:
            path.unlink(missing_ok=True)

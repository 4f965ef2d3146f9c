"""A department import killed mid-way (kill -9) is recognised as unfinished at once: the same file
sent again loads cleanly, and the dead load's temporary folder and plaintext upload are removed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from doudi.exchange import actions, store
from doudi.exchange.models import Batch

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def _import(path):
    with all_regions():
        return actions.import_file(actor="test", path=path, dataset="disability", provider="disabled_federation",
                                   as_of=AS_OF, workers=1)  # fmt: skip


def _dead_batch(path, *, ago: dt.timedelta) -> Batch:
    """What kill -9 leaves: a received batch, its temp folder and its upload in incoming/."""
    with all_regions():
        dead = actions.receive(actor="test", path=path, dataset="disability", provider="disabled_federation",
                               as_of=AS_OF).batch  # fmt: skip
    Batch.unscoped.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - ago)
    tmp = store.batches_dir() / f".tmp-{dead.pk}-dead"
    tmp.mkdir(parents=True)
    (tmp / "records.parquet").write_bytes(b"partial")
    (store.incoming_dir() / f"{dead.pk}-0123456789abcdef.csv").write_bytes(path.read_bytes())
    return dead


def test_a_killed_load_is_rerun_at_once_and_its_leftovers_removed(disability_csv):
    dead = _dead_batch(disability_csv, ago=dt.timedelta(minutes=1))  # well within the old 30 minutes
    again = _import(disability_csv)
    assert again.created and again.batch.status == "loaded" and again.batch.rows_loaded > 0
    dead.refresh_from_db()
    assert dead.status == "failed" and "中断" in dead.error
    assert not list(store.batches_dir().glob(f".tmp-{dead.pk}-*"))
    assert not list(store.incoming_dir().iterdir())


def test_a_load_in_progress_is_not_taken_for_a_dead_one(disability_csv):
    dead = _dead_batch(disability_csv, ago=dt.timedelta(minutes=1))
    with store.loading(dead.pk):
        again = _import(disability_csv)
    assert not again.created and again.batch.pk == dead.pk


def test_the_lock_is_released_when_the_loading_process_is_killed(tmp_path, settings):
    """A real kill -9: the child takes the lock and is killed; the lock is free afterwards."""
    settings.DOUDI_STORE_DIR = tmp_path / "store"
    lock = store.batches_dir() / ".loading-7.lock"
    lock.parent.mkdir(parents=True)
    code = textwrap.dedent(f"""
        import fcntl, sys, time
        fh = open({str(lock)!r}, "a+")
        fcntl.flock(fh, fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "locked"
        assert store.loader_alive(7)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert not store.loader_alive(7)


def test_an_upload_is_named_after_its_batch_and_removed_once_loaded(client, make_user, disability_csv):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import YANJI

    client.force_login(make_user("department_user", YANJI, department="disabled_federation"))
    client.post("/exchange/upload/", {"file": SimpleUploadedFile("d.csv", disability_csv.read_bytes()),
                                      "dataset": "disability", "as_of": "2025-01-31"})  # fmt: skip
    assert Batch.unscoped.get().status == "loaded"
    assert not list(store.incoming_dir().iterdir())

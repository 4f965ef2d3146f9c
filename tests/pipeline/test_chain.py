"""A batch pushed through the API is linked and scanned with no one at a terminal (load → link →
monitoring scan, each a background task), and ``doudi match run`` scans what it linked."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from doudi.core.scoping import all_regions
from doudi.exchange.models import Batch

from ..conftest import YANJI

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def headers(dept_user):
    from doudi.accounts.actions import create_token

    user = dept_user("disabled_federation", YANJI)
    with all_regions():
        return {"Authorization": f"Bearer {create_token(actor='test', user=user, name='t')}"}


def _push(client, headers, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    r = client.post("/api/v1/batches", {"file": upload, "dataset": "disability", "as_of": "2025-01-31"},
                    headers=headers)  # fmt: skip
    assert r.status_code == 201, r.content
    return json.loads(r.content)["id"]


def test_an_api_push_is_linked_then_scanned_in_the_background(
    client, headers, disability_csv, households, settings, django_capture_on_commit_callbacks
):
    from doudi.monitoring.scans import scan

    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = _push(client, headers, disability_csv)
    batch = Batch.unscoped.get(pk=batch_id)
    assert batch.status == "linked", batch.status
    assert batch.link_summary["records"] == 3 and batch.link_summary["linked"] >= 1
    with all_regions():
        assert batch_id in scan.scanned_batches() and batch_id not in scan.pending_batches()


def test_without_a_worker_the_push_waits_on_the_queue(
    client, headers, disability_csv, households, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        batch_id = _push(client, headers, disability_csv)
    assert Batch.unscoped.get(pk=batch_id).status == "loaded"
    waiting = DBTaskResult.objects.filter(task_path="doudi.pipeline.tasks.link_batch_task", status="READY")
    assert [r.args_kwargs["args"] for r in waiting] == [[batch_id]]


def test_match_run_scans_what_it_linked_unless_told_not_to(disability_csv, households):
    from doudi.exchange import actions
    from doudi.monitoring.scans import scan

    with all_regions():
        batch = actions.import_file(actor="test", path=disability_csv, dataset="disability",
                                    provider="disabled_federation", as_of=dt.date(2025, 1, 31),
                                    workers=1).batch  # fmt: skip
    out = io.StringIO()
    call_command("match", "run", "--batch", str(batch.pk), "--no-scan", stdout=out)
    assert "scan:" not in out.getvalue()
    with all_regions():
        assert scan.pending_batches() == [batch.pk]
    out = io.StringIO()
    call_command("match", "run", "--batch", str(batch.pk), stdout=out)
    assert f"scan: batch {batch.pk}" in out.getvalue() and "new: " in out.getvalue()
    with all_regions():
        assert scan.pending_batches() == []

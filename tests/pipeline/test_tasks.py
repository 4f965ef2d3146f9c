"""The pipeline's own tasks and hooks: a loaded batch is linked, marked linked and scanned through
``pipeline.tasks``; exchange tells the pipeline about an upload by a signal and shows the scan through
a registered section, never importing what comes after it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from doudi.core import store
from doudi.core.scoping import all_regions
from doudi.exchange import actions, hooks
from doudi.exchange.models import Batch
from doudi.monitoring.scans import scan
from doudi.pipeline import steps, tasks
from tests.support import store_records

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _loaded(path) -> Batch:
    with all_regions():
        return actions.import_file(actor="test", path=path, dataset="disability", provider="disabled_federation",
                                   as_of=dt.date(2025, 1, 31), workers=1).batch  # fmt: skip


def test_the_link_task_links_marks_and_queues_the_scan(
    disability_csv, households, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    batch = _loaded(disability_csv)
    assert batch.status == "loaded" and steps.pending_linkage() == [batch.pk]
    with django_capture_on_commit_callbacks(execute=True):
        out = tasks.link_batch_task.call(batch.pk)
    assert out == {"batch": batch.pk, "records": 3, "linked": out["linked"]} and out["linked"] >= 1
    batch.refresh_from_db()
    assert batch.status == "linked" and batch.link_summary["records"] == 3
    assert steps.pending_linkage() == []
    with all_regions():
        assert batch.pk in scan.scanned_batches() and scan.pending_batches() == []


def test_the_scan_waits_for_the_commit_of_the_linking(
    disability_csv, households, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    batch = _loaded(disability_csv)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.link_batch_task.call(batch.pk)
    with all_regions():
        assert scan.pending_batches() == [batch.pk]  # linked, its scan queued on commit only
    assert len(callbacks) == 1
    callbacks[0]()
    with all_regions():
        assert scan.pending_batches() == []


def test_the_link_task_skips_a_batch_that_is_not_loaded(tmp_path):
    with all_regions():
        batch = Batch.unscoped.create(region_code="220000000000", dataset="disability",
                                      provider="disabled_federation", as_of=dt.date(2025, 1, 31), file_name="x.csv",
                                      content_hash="f" * 64, status="failed")  # fmt: skip
    assert tasks.link_batch_task.call(batch.pk) == {"batch": batch.pk, "skipped": "status failed"}


def test_a_store_only_batch_is_linked_with_no_row_to_mark(households):
    """Batches written straight into the store (tests, benchmarks) have no exchange row: they are
    linked, nothing is marked."""
    store_records.write_batch(3, [store_records.record("a", name="甲")])
    with all_regions():
        result = steps.link([3])
    assert result["batches"][3]["records"] == 1 and store.links_path(3).is_file()
    assert not Batch.unscoped.exists()


def test_exchange_offers_hooks_the_pipeline_takes():
    assert hooks.upload_loaded.has_listeners(Batch)
    assert "scan" in hooks._sections


def test_an_announced_upload_is_queued_for_linking(
    disability_csv, households, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    batch = _loaded(disability_csv)
    with django_capture_on_commit_callbacks(execute=True):
        hooks.announce_upload(batch)
    waiting = DBTaskResult.objects.filter(task_path="doudi.pipeline.tasks.link_batch_task", status="READY")
    assert [r.args_kwargs["args"] for r in waiting] == [[batch.pk]]
    failed = Batch(pk=batch.pk + 1, status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        hooks.announce_upload(failed)  # only a loaded batch goes further
    assert DBTaskResult.objects.filter(task_path="doudi.pipeline.tasks.link_batch_task").count() == 1


def test_the_batch_page_shows_the_scan_section_once_linked(disability_csv, households, client, make_user):
    batch = _loaded(disability_csv)
    client.force_login(make_user("province_officer", "220000000000"))
    page = client.get(f"/exchange/{batch.pk}/").content.decode()
    assert 'id="batch-scan"' not in page  # loaded, not linked: no scan to speak of
    call_command("match", "run", "--batch", str(batch.pk), "--no-scan", stdout=None)
    page = client.get(f"/exchange/{batch.pk}/").content.decode()
    assert 'id="batch-scan"' in page and 'id="scan-pending"' in page
    call_command("match", "run", "--all-pending", stdout=None)
    page = client.get(f"/exchange/{batch.pk}/").content.decode()
    assert 'id="batch-scan"' in page and 'id="scan-pending"' not in page and "新潜在救助对象" in page

"""Batch lifecycle and its guarantees: received → loaded → linked, idempotent re-sending, failures
that leave no partial batch, audit events, the background task."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.exchange import actions, intake, store, tasks
from doudi.exchange.models import Batch

from .conftest import AS_OF, header_of, row_of, write_csv

pytestmark = pytest.mark.django_db


def _import(path, **kw):
    args = {
        "actor": "test",
        "path": path,
        "dataset": "disability",
        "provider": "disabled_federation",
        "as_of": AS_OF,
    }
    with all_regions():
        return actions.import_file(**(args | kw), workers=1)


def test_import_loads_the_store_and_records_the_batch(disability_csv):
    receipt = _import(disability_csv)
    b = receipt.batch
    assert receipt.created and b.status == "loaded" and b.region_code == "220000000000"
    assert (b.rows_read, b.rows_loaded, b.rows_rejected) == (5, 3, 2)
    assert b.rejected_by_reason == {"残疾等级应在 1–4 之间": 1, "记录编号重复": 1}
    assert b.summary["id_status"] == {"valid": 1, "upgraded15": 1, "invalid": 1}
    assert store.records_path(b.pk).is_file() and store.rejected_path(b.pk).is_file()
    assert len(b.content_hash) == 64 and b.loaded_at and b.progress == 100
    with all_regions():
        actions_logged = list(
            AuditEvent.unscoped.filter(subject_type="exchange_batch")
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions_logged == ["exchange.batch_received", "exchange.batch_loaded"]
    assert not [p for p in store.batches_dir().iterdir() if p.name.startswith(".tmp")]


def test_the_same_file_twice_is_not_loaded_twice(disability_csv, tmp_path):
    first = _import(disability_csv).batch
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(disability_csv.read_bytes())
    again = _import(copy)
    assert not again.created and again.batch.pk == first.pk
    assert Batch.unscoped.count() == 1
    other = _import(copy, dataset="disability", as_of=dt.date(2025, 2, 28))
    assert other.batch.pk == first.pk  # same content, same type: already received whatever the date


def test_a_refused_file_leaves_a_failed_batch_and_no_records(tmp_path):
    path = write_csv(tmp_path / "f.csv", ["record_id", "name"], [["R1", "张三"]])
    with pytest.raises(intake.IntakeFileError) as err:
        _import(path)
    b = Batch.unscoped.get()
    assert err.value.batch_id == b.pk
    assert b.status == "failed" and "缺少必需的列" in b.error
    assert not store.batch_dir(b.pk).exists()
    # a failed attempt does not block sending the (same) file again
    with pytest.raises(intake.IntakeFileError):
        _import(path)
    assert Batch.unscoped.filter(status="failed").count() == 2


def test_a_crash_during_the_load_leaves_a_failed_batch_and_no_files(disability_csv, monkeypatch):
    real = intake.run

    def crash(path, ds, out_dir, **kw):
        real(path, ds, out_dir, **kw)  # the files are written…
        raise KeyboardInterrupt  # …and then the process is interrupted

    monkeypatch.setattr(intake, "run", crash)
    with pytest.raises(KeyboardInterrupt):
        _import(disability_csv)
    b = Batch.unscoped.get()
    assert b.status == "failed" and "KeyboardInterrupt" in b.error
    assert not store.batch_dir(b.pk).exists()
    assert not any(store.batches_dir().iterdir())
    monkeypatch.setattr(intake, "run", real)
    assert _import(disability_csv).batch.status == "loaded"  # and it can be sent again


def test_a_crash_in_the_final_transaction_removes_the_renamed_directory(disability_csv, monkeypatch):
    from doudi.exchange import actions as mod

    def boom(**kw):
        if kw["action"] == "exchange.batch_loaded":
            raise RuntimeError("database gone")
        return real_audit(**kw)

    real_audit = mod.record_audit
    monkeypatch.setattr(mod, "record_audit", boom)
    with pytest.raises(RuntimeError):
        _import(disability_csv)
    b = Batch.unscoped.get()
    assert b.status == "failed" and not store.batch_dir(b.pk).exists()


def test_a_stale_received_batch_is_failed_when_the_file_comes_again(disability_csv):
    with all_regions():
        stuck = actions.receive(actor="test", path=disability_csv, dataset="disability",
                                provider="disabled_federation", as_of=AS_OF).batch  # fmt: skip
    again = _import(disability_csv)
    assert again.batch.pk == stuck.pk and not again.created  # still loading: the same batch
    Batch.unscoped.filter(pk=stuck.pk).update(heartbeat_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    fresh = _import(disability_csv)
    assert fresh.created and fresh.batch.status == "loaded"
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "中断" in stuck.error


def test_mark_linked_records_the_summary_and_can_be_repeated(disability_csv):
    b = _import(disability_csv).batch
    with all_regions():
        actions.mark_linked(batch=b, summary={"exact": 2, "none": 1})
        actions.mark_linked(batch=b.pk, summary={"exact": 3, "none": 0})
    b.refresh_from_db()
    assert b.status == "linked" and b.link_summary == {"exact": 3, "none": 0} and b.linked_at
    with all_regions():
        assert AuditEvent.unscoped.filter(action="exchange.batch_linked").count() == 2


def test_mark_linked_refuses_a_batch_that_is_not_loaded(tmp_path):
    path = write_csv(tmp_path / "f.csv", ["x"], [["1"]])
    with pytest.raises(intake.IntakeFileError):
        _import(path)
    with all_regions(), pytest.raises(actions.ExchangeError):
        actions.mark_linked(batch=Batch.unscoped.get(), summary={})


def test_a_department_may_only_send_its_own_types(disability_csv):
    with pytest.raises(actions.ExchangeError, match="不能报送"):
        _import(disability_csv, dataset="student")
    with pytest.raises(actions.ExchangeError, match="未知的数据类型"):
        _import(disability_csv, dataset="nope")
    assert not Batch.unscoped.exists()


def test_the_background_task_loads_and_deletes_the_incoming_file(disability_csv, settings, dept_user):
    user = dept_user("disabled_federation", "222401000000")
    incoming = store.incoming_path("x.csv")
    incoming.write_bytes(disability_csv.read_bytes())
    with all_regions():
        b = actions.receive(actor=user, path=incoming, dataset="disability", provider="disabled_federation",
                            as_of=AS_OF, region_code=user.region_id).batch  # fmt: skip
    assert tasks.start_load(b, incoming)  # the database queue of django-tasks-db
    b.refresh_from_db()
    assert b.task_id and b.status == "received" and incoming.exists()
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get(id=b.task_id)
    assert queued.args_kwargs["args"] == [b.pk, str(incoming)]
    # what the worker (``doudi db_worker``) does with it; the worker itself closes the connection,
    # which a test transaction cannot survive
    assert tasks.load_batch.call(*queued.args_kwargs["args"]) == {"batch": b.pk, "status": "loaded"}
    b.refresh_from_db()
    assert b.status == "loaded" and b.rows_loaded == 3 and not incoming.exists()


def test_the_rule_for_inline_loads(settings):
    assert tasks.inline_upload(5 * 2**20) and not tasks.inline_upload(5 * 2**20 + 1)
    settings.DOUDI_EXCHANGE_INLINE_BYTES = 10
    assert not tasks.inline_upload(11)


def test_rows_of_another_type_in_the_same_file_are_a_different_batch(tmp_path):
    from doudi import datasets

    ds = datasets.get("death")
    path = write_csv(tmp_path / "d.csv", header_of(ds), [row_of(ds, "R1")])
    a = _import(path, dataset="death", provider="public_security").batch
    b = _import(path, dataset="death", provider="civil_affairs").batch
    assert a.pk == b.pk  # same type and content: one batch, whoever sends it again
    assert os.path.getsize(path) == a.file_size

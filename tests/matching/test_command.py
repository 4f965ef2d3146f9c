"""``doudi match run`` / ``doudi match export`` (exchange contract, "Cross-comparison")."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from doudi.core import store
from doudi.core.models import AuditEvent
from tests.support import store_records

from .conftest import CASES, crafted_persons, crafted_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def crafted_store(store_dir, monkeypatch):
    """The crafted batch as batch 7; the run links against the crafted snapshot (no registry rows)."""
    from doudi.matching import engine, snapshot

    path = store_records.write_snapshot(crafted_persons(), store_dir / "crafted-persons.parquet")
    store_records.write_batch(7, crafted_records())

    def fake_export(path_=None):
        return snapshot.SnapshotInfo(path, len(crafted_persons()), 0.0)

    monkeypatch.setattr(snapshot, "export_snapshot", fake_export)
    return engine


def _call(*args) -> list[str]:
    out = io.StringIO()
    call_command("match", *args, stdout=out)
    return out.getvalue().splitlines()


def test_run_prints_counts_by_method(crafted_store):
    lines = _call("run", "--batch", "7")
    assert lines[0] == "batch: 7"
    assert f"records: {len(CASES)}" in lines
    counts = dict(line.split(": ") for line in lines[1:])
    for method in store.METHODS:
        assert int(counts[method]) == sum(c.method == method for c in CASES), method


def test_all_pending_with_nothing_pending(crafted_store):
    assert _call("run", "--all-pending") == ["没有待比对的批次"]


def test_export_writes_the_contract_columns(crafted_store, tmp_path):
    _call("run", "--batch", "7")
    out = tmp_path / "links.csv"
    lines = _call("export", "--batch", "7", "--out", str(out))
    assert lines == [f"rows: {len(CASES)}", f"out: {out}"]
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["record_id", "person_key", "method", "score"]
    by_id = {r["record_id"]: r for r in rows}
    for case in CASES:
        row = by_id[case.record_id]
        assert row["method"] == case.method
        assert row["person_key"] == (f"P{case.person_id:06d}" if case.person_id else "")
    assert float(by_id["exact"]["score"]) == 1.0 and float(by_id["nobody"]["score"]) == 0.0
    assert 0.9 <= float(by_id["homophone"]["score"]) < 1.0
    assert AuditEvent.unscoped.filter(action="matching.export", subject_id="7").count() == 1


def test_usage_errors_exit_2(crafted_store, tmp_path):
    for args in (
        ("run",),
        ("run", "--batch", "99"),
        ("export", "--batch", "7"),
        ("export", "--batch", "7", "--out", str(tmp_path / "x.csv")),
    ):
        with pytest.raises(CommandError) as err:
            _call(*args)
        assert err.value.returncode == 2, args

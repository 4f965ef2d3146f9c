"""Merging into open warnings (R-M13), idempotent re-runs, closed warnings, incremental scans."""

from __future__ import annotations

import pytest

from doudi.core.models import AuditEvent
from doudi.core.workdays import add_working_days
from doudi.monitoring.models import ChainEvent, EarlyWarning

from .conftest import AS_OF, TODAY, D, make_family, open_warnings, run_all, run_batch, write_batch

pytestmark = pytest.mark.django_db

ADULT = D(1980, 3, 3)
CERTIFIED = D(2025, 7, 1)


def two_member_family():
    return make_family("H", members=[("甲", ADULT, True, "head", {}), ("乙", ADULT, False, "spouse", {})])


def severe(person, certified=CERTIFIED):
    return {"person": person, "disability_kind": "physical", "disability_grade": 1, "certified_on": certified}


def test_rerun_changes_nothing(scan_env):
    fam = two_member_family()
    write_batch(1, "disability", [severe(fam.members[0])])
    first = run_all()
    assert first.total("new") == 1
    [w] = open_warnings()
    events = ChainEvent.unscoped.count()
    second = run_all()
    assert (second.total("new"), second.total("merged"), second.total("unchanged")) == (0, 0, 1)
    w2 = EarlyWarning.unscoped.get(pk=w.pk)
    assert w2.evidence == w.evidence and w2.merged_count == 1
    assert ChainEvent.unscoped.count() == events
    # one audit event per scan
    assert AuditEvent.unscoped.filter(action="monitoring.scan").count() == 2


def test_new_evidence_merges_into_the_open_warning(scan_env):
    fam = two_member_family()
    write_batch(1, "disability", [severe(fam.members[0])])
    run_all()
    write_batch(2, "disability", [severe(fam.members[1])])
    result = run_all()
    assert (result.total("new"), result.total("merged")) == (0, 1)
    [w] = open_warnings("W-DIS")
    assert w.merged_count == 2
    assert sorted((e["batch_id"], e["record_id"]) for e in w.evidence) == [(1, "R1-1"), (2, "R2-1")]
    assert ChainEvent.unscoped.filter(household=fam.household, ref_id=w.pk).count() == 2


def test_a_repeated_fact_counts_once(scan_env):
    """A department sending the same state again (next month's full extract) adds no evidence."""
    fam = two_member_family()
    write_batch(1, "disability", [severe(fam.members[0])])
    run_all()
    write_batch(2, "disability", [severe(fam.members[0])])
    result = run_all()
    assert result.total("merged") == 0 and result.total("new") == 0
    assert len(open_warnings()[0].evidence) == 1


def test_merge_raises_the_level_and_shortens_the_deadline(scan_env):
    fam = two_member_family()
    write_batch(1, "disaster", [{"person": fam.members[0], "event": "洪涝", "occurred_on": D(2025, 7, 1),
                                 "dwelling_damage": "minor"}])  # fmt: skip
    run_all()
    [w] = open_warnings("W-DSR")
    assert w.level == "orange" and w.deadline == add_working_days(TODAY, 7)
    write_batch(2, "disaster", [{"person": fam.members[1], "event": "台风", "occurred_on": D(2025, 7, 20),
                                 "dwelling_damage": "collapsed"}])  # fmt: skip
    run_all()
    w.refresh_from_db()
    assert w.level == "red" and w.deadline == add_working_days(TODAY, 3) and w.merged_count == 2


def test_closed_warning_is_not_raised_again_for_the_same_facts(scan_env):
    fam = two_member_family()
    write_batch(1, "disability", [severe(fam.members[0])])
    run_all()
    EarlyWarning.unscoped.update(is_open=False, status="closed", closed_on=D(2025, 8, 10))
    assert run_all().total("new") == 0
    # a new fact after the closing raises a new warning
    write_batch(2, "disability", [severe(fam.members[1], certified=D(2025, 8, 20))])
    result = run_all(D(2025, 9, 1))
    assert result.total("new") == 1
    [w] = open_warnings("W-DIS")
    assert [e["record_id"] for e in w.evidence] == ["R2-1"]


def test_incremental_scan_counts_only_its_batch(scan_env):
    fam = two_member_family()
    other = make_family("H2")
    write_batch(1, "disability", [severe(fam.members[0])])
    write_batch(2, "disaster", [{"person": other.head, "event": "洪涝", "occurred_on": D(2025, 7, 1),
                                 "dwelling_damage": "minor"}])  # fmt: skip
    result = run_batch(2)
    assert result.batches == [2] and not result.full
    assert [w.indicator for w in open_warnings()] == ["W-DSR"]
    # the full scan picks up the rest; the incremental one is pending no more
    from doudi.monitoring.scans.scan import pending_batches

    assert pending_batches() == [1]
    assert [w.indicator for w in open_warnings()] == ["W-DSR"]
    run_all()
    assert sorted(w.indicator for w in open_warnings()) == ["W-DIS", "W-DSR"]


def test_incremental_scan_sums_earlier_batches(scan_env):
    """W-ILL's 3-month sum reads earlier batches; the hit needs evidence from the scanned batch."""
    from decimal import Decimal

    fam = make_family("H", income={"total": 24000, "months": 12})
    row = {"person": fam.head, "total_expense": Decimal(20000), "out_of_pocket": Decimal(7000)}
    write_batch(1, "medical_expense", [{**row, "period_start": D(2025, 6, 1), "period_end": D(2025, 6, 30)}],
                as_of=D(2025, 7, 5))  # fmt: skip
    assert run_batch(1).total("new") == 0  # 7,000 < 12,000
    write_batch(2, "medical_expense", [{**row, "period_start": D(2025, 7, 1), "period_end": D(2025, 7, 31)}])
    assert run_batch(2).total("new") == 1
    [w] = open_warnings("W-ILL")
    assert {e["batch_id"] for e in w.evidence} == {1, 2}


def test_scan_of_an_unlinked_batch_is_refused(scan_env):
    from doudi.monitoring.scans.scan import ScanError

    with pytest.raises(ScanError, match="尚未比对"):
        run_batch(99)


def test_deadline_is_working_days_by_level(scan_env):
    fam = make_family("H", members=[("甲", ADULT, True, "head", {"employment": {"employed": False}})])
    write_batch(1, "unemployment", [{"person": fam.head, "registered_on": D(2025, 6, 1)}])
    run_all()
    [w] = open_warnings("W-JOB")
    assert w.level == "red" and w.deadline == add_working_days(TODAY, 3)
    assert AS_OF < TODAY < w.deadline


def test_the_background_task_scans_a_linked_batch(scan_env, settings, django_capture_on_commit_callbacks):
    """The web path: linking a batch queues its incremental scan once the transaction commits."""
    from django.db import transaction

    from doudi.pipeline.tasks import enqueue_scan

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    fam = two_member_family()
    write_batch(1, "disability", [severe(fam.members[0])])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_scan(1)
        assert open_warnings() == []  # not before the commit
    assert [w.indicator for w in open_warnings()] == ["W-DIS"]


def test_batches_older_than_the_lookback_are_not_read(scan_env):
    fam = two_member_family()
    write_batch(1, "disability", [severe(fam.members[0], certified=D(2024, 5, 1))], as_of=D(2024, 6, 1))
    assert run_all(AS_OF).total("new") == 0  # 14 months before the scan date
    assert run_all(D(2024, 7, 1)).total("new") == 1

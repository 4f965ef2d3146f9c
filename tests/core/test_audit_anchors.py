"""The audit chain is keyed with a secret outside the database and anchored in a signed file, so a
database writer can neither recompute it nor cut its end off unnoticed."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from doudi.core import audit_anchor
from doudi.core.audit import _content, record_audit, verify_chain
from doudi.core.crypto import sm3_hex
from doudi.core.models import AuditEvent, AuditHead

from .test_audit import _drop_guard, _events

pytestmark = pytest.mark.django_db


def _rewrite_with_plain_sm3(after: dict) -> None:
    """The attack: change an event, then recompute every hash with the old (unkeyed) function and
    fix the head — everything the database holds agrees again."""
    _drop_guard()
    ids = list(AuditEvent.unscoped.order_by("id").values_list("id", flat=True))
    AuditEvent.unscoped.filter(id=ids[1]).update(after=after)
    prev = "0" * 64
    for ev in AuditEvent.unscoped.order_by("id"):
        h = sm3_hex(prev.encode() + _content(ev))
        AuditEvent.unscoped.filter(id=ev.id).update(prev_hash=prev, hash=h)
        prev = h
    AuditHead.objects.filter(id=1).update(last_hash=prev)


def test_a_chain_recomputed_without_the_key_is_caught():
    _events(4)
    assert verify_chain().ok
    _rewrite_with_plain_sm3({"i": 99})
    report = verify_chain()
    assert not report.ok and "审计密钥" in report.reason
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_removing_the_newest_events_behind_an_anchor_is_caught():
    _events(5)
    call_command("audit", "checkpoint")  # the head (5 events) anchored outside the database
    _drop_guard()
    ids = list(AuditEvent.unscoped.order_by("id").values_list("id", flat=True))
    AuditEvent.unscoped.filter(id__in=ids[3:]).delete()
    kept = AuditEvent.unscoped.get(id=ids[2])
    AuditHead.objects.filter(id=1).update(last_hash=kept.hash, count=3)  # the head adjusted to match
    report = verify_chain()
    assert not report.ok and "锚点" in report.reason
    with pytest.raises(CommandError, match="锚点"):
        call_command("audit", "verify")


def test_no_anchor_before_the_commit(settings):
    settings.DOUDI_AUDIT_ANCHOR_EVERY = 3
    with transaction.atomic():
        for i in range(7):
            record_audit(actor="test", action="test.event", region_code="222401000000", after={"i": i})
        assert [a.kind for a in audit_anchor.read()] == ["genesis"]  # not before the commit


def test_anchors_after_commit(settings, django_capture_on_commit_callbacks):
    settings.DOUDI_AUDIT_ANCHOR_EVERY = 3
    with django_capture_on_commit_callbacks(execute=True):
        _events(7)
    anchors = audit_anchor.read()
    assert [(a.kind, a.count) for a in anchors] == [("genesis", 0), ("checkpoint", 3), ("checkpoint", 6)]
    assert verify_chain().ok


def test_an_altered_anchor_line_is_caught():
    _events(2)
    call_command("audit", "checkpoint")
    path = audit_anchor.path()
    lines = path.read_text().splitlines()
    data = json.loads(lines[-1])
    data["count"] = 1
    path.write_text("\n".join([*lines[:-1], json.dumps(data)]) + "\n")
    report = verify_chain()
    assert not report.ok and "签名不符" in report.reason


def test_an_upgraded_installation_keeps_verifying_its_unkeyed_events(settings, tmp_path):
    """Events chained before the key (plain SM3) verify as such; the genesis anchor says how many."""
    _events(3)
    _rewrite_with_plain_sm3({"i": 1})  # stands for the rows an older version wrote
    settings.DOUDI_AUDIT_ANCHORS = tmp_path / "fresh-anchors.log"  # the upgrade: no anchor file yet
    audit_anchor.reset_cache()
    with transaction.atomic():
        record_audit(actor="test", action="test.event", region_code="222401000000", after={"i": 3})
    assert [(a.kind, a.count) for a in audit_anchor.read()] == [("genesis", 3)]
    report = verify_chain()
    assert report.ok and report.checked == 4

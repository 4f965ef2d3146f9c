"""R-S5: the audit log is append-only and hash-chained; tampering is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from doudi.core.audit import record_audit, verify_chain
from doudi.core.models import AuditEvent


def _events(n):
    with transaction.atomic():
        for i in range(n):
            record_audit(actor="test", action="test.event", region_code="222401000000", after={"i": i})


@pytest.mark.django_db
def test_chain_verifies():
    _events(5)
    report = verify_chain()
    assert report.ok and report.checked == 5


@pytest.mark.django_db(transaction=True)
def test_record_audit_needs_a_transaction():
    with pytest.raises(RuntimeError):
        record_audit(actor="test", action="x", region_code="22")


@pytest.mark.django_db
def test_database_refuses_update_and_delete():
    _events(1)
    for sql in ("UPDATE core_auditevent SET detail = 'x'", "DELETE FROM core_auditevent"):
        with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cur:  # noqa: B017
            cur.execute(sql)  # (the driver's own error class)
    assert AuditEvent.unscoped.count() == 1


def _drop_guard():
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER core_auditevent_no_update")
            cur.execute("DROP TRIGGER core_auditevent_no_delete")
        else:
            cur.execute("DROP TRIGGER core_auditevent_append_only ON core_auditevent")


@pytest.mark.django_db
def test_altered_row_is_the_first_broken_link():
    _events(6)
    _drop_guard()  # an attacker with database access
    ids = list(AuditEvent.unscoped.order_by("id").values_list("id", flat=True))
    AuditEvent.unscoped.filter(id=ids[3]).update(after={"i": 99})
    report = verify_chain()
    assert not report.ok and report.broken_at == ids[3] and report.checked == 3
    with pytest.raises(CommandError, match=f"event {ids[3]}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_removed_row_is_detected():
    _events(6)
    _drop_guard()
    ids = list(AuditEvent.unscoped.order_by("id").values_list("id", flat=True))
    AuditEvent.unscoped.filter(id=ids[2]).delete()
    report = verify_chain()
    assert not report.ok and report.broken_at == ids[3]


@pytest.mark.django_db
def test_removed_last_row_is_detected():
    _events(3)
    _drop_guard()
    AuditEvent.unscoped.order_by("-id").first().delete()
    assert not verify_chain().ok

"""Auditors are read-only supervisors: every request they make is logged."""

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions

from ..conftest import PROVINCE, YANJI


def test_auditor_requests_are_logged_and_others_are_not(client, make_user, households):
    auditor = make_user("auditor", PROVINCE)
    officer = make_user("county_officer", YANJI)
    client.force_login(officer)
    client.get("/households/")
    client.force_login(auditor)
    client.get("/households/", {"name": "金明哲"})
    with all_regions():
        rows = list(AuditEvent.objects.filter(action="audit.supervisor_access"))
    assert len(rows) == 1
    assert rows[0].actor_id == auditor.pk and "金明哲" in rows[0].detail

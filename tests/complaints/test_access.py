"""Who sees and who handles: sensitive reports only for the supervising level and auditors, never the named
staff or their township (R-G7); recusal of related staff (R-G8); region scope (404 outside)."""

from __future__ import annotations

import pytest

from doudi.complaints import actions, queries
from doudi.complaints.base import ComplaintError, may_handle
from doudi.complaints.models import Complaint
from doudi.core.scoping import all_regions, using_scope
from tests.complaints.conftest import DAY, file, move
from tests.conftest import NANGUAN_T1, PROVINCE, YANBIAN, YANJI, YANJI_T1

pytestmark = pytest.mark.django_db


def _sees(user, c, scope) -> bool:
    with using_scope(scope):
        try:
            queries.get(user, c.pk)
        except Complaint.DoesNotExist:
            return False
        return True


def test_report_against_township_staff_is_hidden_from_the_township(people):
    t = people["township"]
    r = file(None, ctype="report", summary="举报街道工作人员优亲厚友", subject_staff=t, reporter_name="",
             anonymous=True, reporter_phone="", check_pin="2468")  # fmt: skip
    assert (r.sensitive, r.handler_level) == (True, "county")
    assert not _sees(t, r, YANJI_T1)  # the named staff
    assert not _sees(people["township2"], r, YANJI_T1)  # their township
    assert _sees(people["county"], r, YANJI)
    assert _sees(people["auditor"], r, YANBIAN)
    with using_scope(YANJI_T1):
        assert r.pk not in {c.pk for c in queries.complaints(people["township2"], "all")}


def test_report_against_county_staff_goes_to_the_city(people):
    r = file(people["city"], ctype="report", summary="举报县民政局工作人员", subject_staff=people["county"])
    assert r.handler_level == "city"
    assert not _sees(people["county"], r, YANJI)
    assert _sees(people["city"], r, YANBIAN)
    assert may_handle(people["county"], r)  # cannot act either


def test_related_staff_are_recused(people, walk):
    t, t2 = people["township"], people["township2"]
    with all_regions():
        actions.declare_relation(actor=t2, user=t, household=walk.household, relation="sibling", on=DAY)
    c = file(t2, ctype="decision", household=walk.household, summary="对不予确认决定不服")
    assert "近亲属" in may_handle(t, c)
    move(t2, c, "accept")
    with pytest.raises(ComplaintError, match="近亲属"):
        move(t2, c, "assign", handler=t)
    with using_scope(YANJI_T1):
        assert t.pk not in {u.pk for u in queries.staff_choices(t2, c)}
        assert t2.pk in {u.pk for u in queries.staff_choices(t2, c)}
    with pytest.raises(PermissionError, match="近亲属"):
        move(t, c, "assign", handler=t)


def test_region_scope(people, client):
    c = file(people["township"])
    assert not _sees(people["other_township"], c, NANGUAN_T1)
    client.force_login(people["other_township"])
    assert client.get(f"/complaints/{c.pk}/").status_code == 404
    client.force_login(people["township"])
    page = client.get(f"/complaints/{c.pk}/")
    assert page.status_code == 200 and "窗口工作人员态度生硬" in page.content.decode()
    assert "13904331234" not in page.content.decode() and "139****1234" in page.content.decode()
    with using_scope(PROVINCE):
        assert [x.pk for x in queries.complaints(None, "all")] == [c.pk]


def test_staff_pages_list_deadlines_and_export(people, client):
    file(people["township"])
    client.force_login(people["township"])
    page = client.get("/complaints/?show=open").content.decode()
    assert "受理期限 2026-12-14" in page and "服务投诉" in page
    r = client.get("/complaints/export.xlsx?show=all")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "编号" and rows[1][3].startswith("服务投诉") and rows[1][8] == "139****1234"
    client.force_login(people["other_county"])
    assert "窗口工作人员" not in client.get("/complaints/?show=all").content.decode()


def test_reading_a_sensitive_report_is_logged(people, client):
    from doudi.core.audit_actions import AuditAction
    from doudi.core.models import AuditEvent

    r = file(people["county"], ctype="report", summary="举报某户隐瞒收入", subject_name="王某")
    c = file(people["county"])
    client.force_login(people["county"])
    assert client.get(f"/complaints/{r.pk}/").status_code == 200
    assert client.get(f"/complaints/{c.pk}/").status_code == 200
    with all_regions():
        reads = AuditEvent.objects.filter(action=AuditAction.COMPLAINTS_SENSITIVE_READ)
        assert list(reads.values_list("subject_id", flat=True)) == [str(r.pk)]

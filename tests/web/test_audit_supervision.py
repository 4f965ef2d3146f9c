"""The audit log as a supervision tool (issue 14 item 6, R-S5): filters by person (identity number
through the blind index), actor, region, action and date; supervisors' page views apart from the work
audited; the export audited; the chain check shown with its result."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

import doudi
from doudi.core import idnumber
from doudi.core.audit_actions import AuditAction
from doudi.core.audit_labels import SUBJECT_LABELS
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, PROVINCE, YANJI, YANJI_T1, YANJI_T2
from tests.core.test_audit import _drop_guard

from .conftest import JIN_ID15, JIN_ID18

pytestmark = pytest.mark.django_db

WANG_ID18 = idnumber.make(
    "220102", dt.date(1960, 1, 15), 100, male=True
)  # 王建国, 南关区 (tests/conftest.py)
AUDIT = reverse("web:audit")


def _events(response) -> list[AuditEvent]:
    return [r["event"] for r in response.context["rows"]]


@pytest.fixture
def reveals(login, make_user, households, person):
    """延吉 caseworkers reveal 金明哲's (twice) and 李春花's numbers; a 南关 one reveals 王建国's."""
    yj = make_user("township_caseworker", YANJI_T1)
    assert login(yj).post(reverse("registry:reveal_id", args=[person("P-YJ1-1").pk])).status_code == 200
    login(yj).post(reverse("registry:reveal_id", args=[person("P-YJ1-1").pk]))
    yj2 = make_user("township_caseworker", YANJI_T2)
    assert login(yj2).post(reverse("registry:reveal_id", args=[person("P-YJ2-1").pk])).status_code == 200
    ng = make_user("township_caseworker", "220102001000")
    login(ng).post(reverse("registry:reveal_id", args=[person("P-NG1-1").pk]))
    return yj, ng


def test_person_filter_by_identity_number_through_the_blind_index(login, make_user, reveals, person):
    jin, li = person("P-YJ1-1"), person("P-YJ2-1")
    client = login(make_user("auditor", YANJI))
    for number in (JIN_ID18, JIN_ID15):  # the legacy 15-digit form finds the same person
        events = _events(client.get(AUDIT, {"id_number": number}))
        assert events
        assert {(e.subject_type, e.subject_id) for e in events} <= {
            ("person", str(jin.pk)),
            ("household", str(jin.household_id)),
        }
        assert any(e.action == "registry.reveal_id" and e.subject_id == str(jin.pk) for e in events)
        assert not any(e.subject_id == str(li.pk) and e.subject_type == "person" for e in events)
    # the number typed never appears in full on the page
    assert JIN_ID18 not in client.get(AUDIT, {"id_number": JIN_ID18}).content.decode().replace(
        f'value="{JIN_ID18}"', ""
    )


def test_a_number_outside_the_scope_finds_nothing(login, make_user, reveals):
    county = login(make_user("auditor", YANJI))
    assert _events(county.get(AUDIT, {"id_number": WANG_ID18})) == []
    province = login(make_user("auditor", PROVINCE))
    assert any(
        e.action == "registry.reveal_id" for e in _events(province.get(AUDIT, {"id_number": WANG_ID18}))
    )


def test_actor_region_action_and_date_filters(login, make_user, reveals):
    yj, _ = reveals
    client = login(make_user("auditor", YANJI))
    by_actor = _events(client.get(AUDIT, {"actor": yj.username}))
    assert len(by_actor) == 2 and {e.actor_id for e in by_actor} == {yj.pk}

    by_region = _events(client.get(AUDIT, {"region": YANJI_T1[:9]}))
    assert by_region and all(e.region_code.startswith(YANJI_T1[:9]) for e in by_region)
    with all_regions():
        assert (
            AuditEvent.objects.filter(region_code__startswith="222401")
            .exclude(region_code__startswith=YANJI_T1[:9])
            .exists()
        )  # the filter did narrow
    outside = client.get(AUDIT, {"region": NANGUAN})
    assert _events(outside) == [] and "不在您的管辖范围内" in outside.content.decode()

    by_action = _events(client.get(AUDIT, {"action": "registry.reveal_id"}))
    assert len(by_action) == 3 and {e.action for e in by_action} == {"registry.reveal_id"}

    today = timezone.localdate()
    assert (
        len(_events(client.get(AUDIT, {"action": "registry.reveal_id", "since": today, "until": today}))) == 3
    )
    assert _events(client.get(AUDIT, {"since": today + dt.timedelta(days=1)})) == []
    assert _events(client.get(AUDIT, {"until": today - dt.timedelta(days=1)})) == []


def test_county_auditor_never_sees_a_neighbours_rows(login, make_user, reveals):
    client = login(make_user("auditor", YANJI))
    for params in ({}, {"action": "registry.reveal_id"}, {"tab": "views"}):
        events = _events(client.get(AUDIT, params))
        assert all(e.region_code.startswith("222401") for e in events)
    book = load_workbook(io.BytesIO(client.get(reverse("web:audit_export")).content))
    assert "南关" not in str([list(r) for r in book.active.iter_rows(values_only=True)])


def test_page_views_are_kept_apart_from_the_work_audited(login, make_user, reveals):
    client = login(make_user("auditor", YANJI))
    client.get("/households/")
    client.get(AUDIT)
    work = _events(client.get(AUDIT))
    assert work and "audit.supervisor_access" not in {e.action for e in work}
    views = client.get(AUDIT, {"tab": "views"})
    rows = _events(views)
    assert rows and {e.action for e in rows} == {"audit.supervisor_access"}
    html = views.content.decode()
    assert "/households/" in html and "审计/纪检人员访问" in html
    # the work log's action choice does not offer page views; it offers every other action by its name
    form = client.get(AUDIT).context["form"]
    offered = dict(form.fields["action"].choices)
    assert "audit.supervisor_access" not in offered
    for action in AuditAction:
        if action.value != "audit.supervisor_access":
            assert offered[action.value] == action.label


def test_export_is_the_filtered_list_in_chinese_and_is_audited(login, make_user, reveals):
    auditor = make_user("auditor", YANJI)
    client = login(auditor)
    response = client.get(reverse("web:audit_export"), {"action": "registry.reveal_id"})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "时间"
    assert len(rows) == 4 and {r[3] for r in rows[1:]} == {"查看完整身份证号"}
    assert all("registry." not in str(c) for r in rows for c in r if c)
    with all_regions():
        logged = AuditEvent.objects.filter(action="audit.export")
        assert logged.count() == 1
        ev = logged.get()
    assert ev.actor_id == auditor.pk and "3 条" in ev.detail
    # and the export shows in the work log by its Chinese name
    assert "导出审计日志" in client.get(AUDIT).content.decode()


def test_chain_check_shows_its_result_and_a_tampered_row(login, make_user, reveals):
    client = login(make_user("auditor", PROVINCE))
    html = client.post(AUDIT).content.decode()
    assert "校验结果：正常" in html and "校验时间" in html
    _drop_guard()  # an attacker with database access
    with all_regions():
        target = AuditEvent.objects.order_by("id")[2]
        AuditEvent.unscoped.filter(id=target.id).update(detail="改过")
    html = client.post(AUDIT).content.decode()
    assert "校验结果：异常" in html and f"编号 {target.id}" in html and "被篡改" in html


def test_no_codes_on_either_tab(login, make_user, reveals):
    client = login(make_user("auditor", YANJI))
    client.get("/households/")
    for params in ({}, {"tab": "views"}):
        visible = re.sub(r"<[^>]+>", " ", client.get(AUDIT, params).content.decode())
        assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", visible.replace("doudi audit verify", "")), params
        for code in ("person", "household", "request", "system"):  # ("test" is the fixtures' actor)
            assert not re.search(rf"(?<![\w/]){code}(?![\w/])", visible), (params, code)


def test_every_subject_type_the_source_records_has_a_chinese_name():
    used: set[str] = set()
    for path in Path(doudi.__file__).parent.rglob("*.py"):
        used |= set(re.findall(r'subject_type="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert {"person", "complaint", "roster"} <= used
    assert sorted(used - set(SUBJECT_LABELS)) == []

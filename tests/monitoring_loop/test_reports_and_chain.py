"""R-M17 grassroots reports (grid worker and the public form) and the household chain (一户一条救助链)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions, using_scope
from doudi.monitoring.loop import base, disposition_actions, report_actions, warning_actions
from doudi.monitoring.models import EarlyWarning, GrassrootsReport, Notification
from tests.conftest import YANJI, YANJI_T1, YANJI_T2

pytestmark = pytest.mark.django_db

FORM = {
    "county": YANJI,
    "township": YANJI_T2,
    "address": "北山街道某小区3栋",
    "subject_name": "",
    "description": "独居老人生病无人照顾，家里很困难",
    "contact": "",
}


def test_public_form_needs_no_login_and_reaches_the_township(client, staff):
    page = client.get("/report/")
    assert page.status_code == 200 and "反映困难群众情况" in page.content.decode()
    options = client.get("/report/townships/", {"county": YANJI}).content.decode()
    assert "进学街道" in options and "北山街道" in options
    response = client.post("/report/", FORM, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and "感谢您的反映" in response.content.decode()
    report = GrassrootsReport.unscoped.get()
    w = report.warning
    assert (w.indicator, w.status, w.township_code, w.region_code) == (
        "W-RPT",
        "dispatched",
        YANJI_T2,
        YANJI_T2,
    )
    assert report.reporter is None and report.client_hash and "10.1.2.3" not in report.client_hash
    assert Notification.objects.filter(user=staff["t2"]).exists()
    assert not Notification.objects.filter(user=staff["t1"]).exists()
    # in the township's inbox, not in the other's
    client.force_login(staff["t2"])
    assert f'data-warning="{w.pk}"' in client.get("/monitoring/warnings/").content.decode()
    detail = client.get(f"/monitoring/warnings/{w.pk}/").content.decode()
    assert "群众报告" in detail and "独居老人生病无人照顾" in detail and "北山街道某小区3栋" in detail
    assert 'id="assign-form"' in detail
    assert "tl-warning" in detail  # its history comes from the audit trail (no household chain)
    client.force_login(staff["t1"])
    assert client.get(f"/monitoring/warnings/{w.pk}/").status_code == 404


def test_public_form_is_csrf_protected(staff):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    assert c.post("/report/", FORM).status_code == 403
    page = c.get("/report/")
    token = page.cookies["csrftoken"].value
    assert c.post("/report/", {**FORM, "csrfmiddlewaretoken": token}).status_code == 200


def test_public_form_is_rate_limited_per_address(client, staff):
    for _ in range(5):
        assert client.post("/report/", FORM, REMOTE_ADDR="10.9.9.9").status_code == 200
    limited = client.post("/report/", FORM, REMOTE_ADDR="10.9.9.9")
    assert limited.status_code == 429 and "一小时后再试" in limited.content.decode()
    assert client.post("/report/", FORM, REMOTE_ADDR="10.9.9.10").status_code == 200
    assert GrassrootsReport.unscoped.count() == 6


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"township": ""}, "请选择乡镇"),
        ({"township": "220102001000"}, "不属于该县"),
        ({"description": "难"}, "至少"),
        ({"address": ""}, "必填"),
    ],
)
def test_public_form_errors_are_chinese(client, staff, change, message):
    response = client.post("/report/", {**FORM, **change})
    assert response.status_code == 400 and message in response.content.decode()
    assert not EarlyWarning.unscoped.exists()


def test_grid_worker_report_of_a_registered_household(client, staff, households):
    client.force_login(staff["grid1"])
    assert client.get("/monitoring/report/").status_code == 200
    r = client.post(
        "/monitoring/report/",
        {"household_key": "H-YJ1", "address": "进学街道", "description": "户主突发脑梗住院"},
    )
    assert r.status_code == 302
    report = GrassrootsReport.unscoped.get()
    assert report.reporter == staff["grid1"] and report.household == households["H-YJ1"]
    assert report.warning.household == households["H-YJ1"] and report.warning.township_code == YANJI_T1
    # a household of another township is not found from here
    r = client.post(
        "/monitoring/report/", {"household_key": "H-YJ2", "address": "x", "description": "情况很困难啊"}
    )
    assert r.status_code == 400 and "未找到该户编号" in r.content.decode()


def test_a_report_for_another_township_is_refused(staff, households):
    with using_scope(staff["grid1"].region_id), pytest.raises(base.MonitoringError, match="所在乡镇"):
        report_actions.submit_report(
            actor_or_none=staff["grid1"], region_code=YANJI_T2, description="邻居家困难需要帮助"
        )


def test_the_chain_merges_events_decisions_and_categories_in_order(raise_on, loop, staff, households):
    from doudi.monitoring.loop.queries import household_chain
    from doudi.policy.actions import load_baseline_parameters
    from doudi.registry import actions as registry_actions

    with all_regions():
        load_baseline_parameters(actor="test")
    hh = households["H-YJ1"]
    w = loop.to("assigned", raise_on("H-YJ1"))
    loop.visit(
        w, updated_facts=[{"scope": "household", "id": None, "kind": "income", "value": {"total": "6000"}}]
    )
    w.refresh_from_db()
    loop.dispose(w, "referral", {"departments": ["medical_insurance"]})
    from doudi.monitoring.models import NeedPush

    push = NeedPush.unscoped.get(warning=w)
    with using_scope(staff["medical"].region_id):
        disposition_actions.respond_need(
            actor=staff["medical"], push=push, status="given", amount="500", feedback="已救助"
        )
    with using_scope(staff["t1"].region_id):
        warning_actions.close(actor=staff["t1"], warning=w, outcome="医保已救助")
    # a decision taken elsewhere (not through a disposition) and a category change also show
    from doudi.policy.actions import take_decision

    with using_scope(staff["t1"].region_id):
        take_decision(actor=staff["t1"], household=hh, as_of=dt.date.today())
        spouse = hh.current_members.get(relation="spouse")
        registry_actions.set_category(
            actor="test", person=spouse, category="TEKUN", since=dt.date.today(), source="caseworker"
        )
        items = household_chain(hh)
    kinds = [i.kind for i in items]
    assert kinds[:2] == ["category", "category"]  # both members in DIBAO since 2024-03-01
    loop_kinds = [k for k in kinds if k not in ("category", "decision")]
    assert loop_kinds == [
        "warning",
        "dispatch",
        "dispatch",
        "visit",
        "disposition",
        "need_push",
        "feedback",
        "closed",
    ]
    assert "decision" in kinds[kinds.index("closed") :]
    assert any("纳入特困人员" in i.summary for i in items) and any("低保对象终止" in i.summary for i in items)
    assert [i.at for i in items] == sorted(i.at for i in items)


def test_public_form_refuses_control_characters_in_the_name(client, staff):
    """The name check of every door (core.cells.clean_name) holds for the public form too."""
    assert (
        client.post("/report/", {**FORM, "subject_name": "王\x00五"}, REMOTE_ADDR="10.1.2.9").status_code
        == 400
    )
    response = client.post("/report/", {**FORM, "subject_name": "王\x1b五"}, REMOTE_ADDR="10.1.2.9")
    assert "控制字符" in response.content.decode() and not GrassrootsReport.unscoped.exists()
    client.post("/report/", {**FORM, "subject_name": "王\u200b五\u202e"}, REMOTE_ADDR="10.1.2.9")
    assert GrassrootsReport.unscoped.get().subject_name == "王五"

"""The pages and the API of the loop: inbox, detail and its forms, scope (404 across townships),
the department's need inbox and API, notifications, and CSP-clean markup."""

from __future__ import annotations

import pytest

from doudi.core.scoping import all_regions
from doudi.monitoring.models import EarlyWarning, NeedPush, Notification
from tests.conftest import YANJI_T1
from tests.web.conftest import assert_csp_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_inbox_lists_the_todo_with_overdue_in_red(raise_on, staff, as_user):
    w = raise_on(level="red")
    page = as_user(staff["county"]).get("/monitoring/warnings/")
    assert page.status_code == 200
    assert_csp_clean(page)
    html = page.content.decode()
    assert f'data-warning="{w.pk}"' in html and "row-overdue" in html  # raised in 2025: long overdue
    assert "已逾期" in html
    # filters
    assert (
        f'data-warning="{w.pk}"'
        not in as_user(staff["county"]).get("/monitoring/warnings/", {"indicator": "W-DIS"}).content.decode()
    )
    filtered = as_user(staff["county"]).get("/monitoring/warnings/", {"level": "red", "overdue": "on"})
    assert f'data-warning="{w.pk}"' in filtered.content.decode()
    assert '<option value="red" selected>' in filtered.content.decode()
    assert 'id="id_overdue" checked' in filtered.content.decode()
    fragment = as_user(staff["county"]).get(
        "/monitoring/warnings/", {"level": "red"}, headers={"HX-Request": "true"}
    )
    assert b"<html" not in fragment.content and f'data-warning="{w.pk}"'.encode() in fragment.content


def test_inbox_runs_a_fixed_number_of_queries(raise_on, staff, as_user, django_assert_max_num_queries):
    for indicator in ("W-ILL", "W-DIS", "W-EDU", "W-JOB", "W-INC", "W-EXP"):
        for key in ("H-YJ1", "H-YJ2"):
            raise_on(key, indicator=indicator)
    client = as_user(staff["county"])
    client.get("/monitoring/warnings/")
    with django_assert_max_num_queries(12):
        page = client.get("/monitoring/warnings/")
    assert page.content.decode().count("data-warning=") == 12


def test_a_township_never_sees_another_townships_warnings(raise_on, loop, staff, as_user, client):
    w = loop.dispatch(raise_on("H-YJ1"))
    assert (
        f'data-warning="{w.pk}"'
        in as_user(staff["t1"]).get("/monitoring/warnings/?view=all").content.decode()
    )
    for who in ("t2", "grid2", "ng_t1", "ng_county"):
        c = as_user(staff[who])
        assert f'data-warning="{w.pk}"' not in c.get("/monitoring/warnings/?view=all").content.decode()
        assert c.get(f"/monitoring/warnings/{w.pk}/").status_code == 404
        assert (
            c.post(f"/monitoring/warnings/{w.pk}/assign/", {"worker": staff["grid1"].pk}).status_code == 404
        )
    # the API, same rule
    from doudi.accounts.actions import create_token

    with all_regions():
        token_t2 = create_token(actor="test", user=staff["t2"], name="t")
        token_t1 = create_token(actor="test", user=staff["t1"], name="t")
    h2 = {"Authorization": f"Bearer {token_t2}"}
    assert client.get(f"/api/v1/warnings/{w.pk}", headers=h2).status_code == 404
    assert client.get("/api/v1/warnings", headers=h2).json()["count"] == 0
    h1 = {"Authorization": f"Bearer {token_t1}"}
    assert client.get(f"/api/v1/warnings/{w.pk}", headers=h1).json()["status"] == "dispatched"


def test_detail_shows_masked_evidence_and_only_allowed_forms(raise_on, staff, as_user):
    w = raise_on(
        evidence=[
            {
                "source": "公安",
                "batch_id": 3,
                "record_id": "x1",
                "detail": "身份证 222401195003011001 联系电话 13912345678",
            }
        ]
    )
    county = as_user(staff["county"]).get(f"/monitoring/warnings/{w.pk}/")
    assert county.status_code == 200
    assert_csp_clean(county)
    html = county.content.decode()
    assert "222401195003011001" not in html and "222401********1001" in html
    assert "13912345678" not in html and "139****5678" in html
    assert 'id="dispatch-form"' in html and 'id="assign-form"' not in html
    html = as_user(staff["auditor"]).get(f"/monitoring/warnings/{w.pk}/").content.decode()
    assert 'id="warning-actions"' not in html


def test_the_loop_through_the_pages(raise_on, staff, as_user, settings, tmp_path):
    from .test_visit import tiny_png

    settings.MEDIA_ROOT = tmp_path
    w = raise_on("H-YJ1")
    c = as_user(staff["county"])
    assert c.post(f"/monitoring/warnings/{w.pk}/dispatch/", {"township": ""}).status_code == 400
    assert c.post(f"/monitoring/warnings/{w.pk}/dispatch/", {"township": YANJI_T1}).status_code == 302
    c = as_user(staff["t1"])
    assert c.post(f"/monitoring/warnings/{w.pk}/assign/", {"worker": staff["grid1"].pk}).status_code == 302
    c = as_user(staff["grid1"])
    form = c.get(f"/monitoring/warnings/{w.pk}/visit/")
    assert form.status_code == 200
    assert_csp_clean(form)
    assert "金明哲" in form.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with all_regions():
        head = w.household.current_members.get(relation="head")
    bad = c.post(
        f"/monitoring/warnings/{w.pk}/visit/",
        {
            "visited_on": "2025-06-03",
            "visitor1": "张网格",
            "visitor2": "",
            "hardship_found": "yes",
            "findings": "x",
        },
    )
    assert bad.status_code == 400 and "核查人员二" in bad.content.decode()
    ok = c.post(
        f"/monitoring/warnings/{w.pk}/visit/",
        {
            "visited_on": "2025-06-03",
            "visitor1": "张网格",
            "visitor2": "李协理",
            "hardship_found": "yes",
            "findings": "老人住院",
            f"m{head.pk}_illness": "yes",
            f"m{head.pk}_disease": "肺癌",
            "photos": [SimpleUploadedFile("a.png", tiny_png(), content_type="image/png")],
        },
    )
    assert ok.status_code == 302, ok.content.decode()
    c = as_user(staff["t1"])
    form = c.get(f"/monitoring/warnings/{w.pk}/dispose/")
    assert form.status_code == 200
    assert_csp_clean(form)
    missing = c.post(f"/monitoring/warnings/{w.pk}/dispose/", {"kind": "application"})
    assert missing.status_code == 400 and "同意" in missing.content.decode()
    assert (
        c.post(
            f"/monitoring/warnings/{w.pk}/dispose/",
            {"kind": "referral", "departments": ["medical_insurance"]},
        ).status_code
        == 302
    )
    assert (
        c.post(f"/monitoring/warnings/{w.pk}/close/", {"outcome": "已转医保部门落实医疗救助"}).status_code
        == 302
    )
    w.refresh_from_db()
    assert w.status == EarlyWarning.Status.CLOSED
    detail = c.get(f"/monitoring/warnings/{w.pk}/").content.decode()
    assert "办结情况：已转医保部门落实医疗救助" in detail and "/monitoring/photos/" in detail


def test_grid_worker_cannot_open_forms_of_others(raise_on, loop, staff, as_user):
    w = loop.to("assigned", raise_on())
    assert as_user(staff["grid1b"]).get(f"/monitoring/warnings/{w.pk}/visit/").status_code == 403
    assert as_user(staff["grid1"]).get(f"/monitoring/warnings/{w.pk}/dispose/").status_code == 403


def _referred(raise_on, loop):
    w = loop.to("verified", raise_on())
    loop.dispose(w, "referral", {"departments": ["medical_insurance", "education"]})
    return {p.department: p for p in NeedPush.unscoped.filter(warning=w)}


def test_department_need_page_shows_only_its_department(raise_on, loop, staff, as_user):
    pushes = _referred(raise_on, loop)
    c = as_user(staff["medical"])
    page = c.get("/monitoring/needs/")
    assert page.status_code == 200
    assert_csp_clean(page)
    html = page.content.decode()
    assert f'data-need="{pushes["medical_insurance"].pk}"' in html
    assert f'data-need="{pushes["education"].pk}"' not in html
    assert (
        c.post(f"/monitoring/needs/{pushes['education'].pk}/respond/", {"status": "accepted"}).status_code
        == 404
    )
    r = c.post(
        f"/monitoring/needs/{pushes['medical_insurance'].pk}/respond/",
        {"status": "given", "amount": "800", "feedback": "已救助"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "已救助" in r.content.decode()
    assert NeedPush.unscoped.get(pk=pushes["medical_insurance"].pk).status == "given"
    # staff have no need inbox
    assert as_user(staff["t1"]).get("/monitoring/needs/").status_code == 403


def test_need_api_for_department_tokens(raise_on, loop, staff, client):
    from doudi.accounts.actions import create_token

    pushes = _referred(raise_on, loop)
    with all_regions():
        token = create_token(actor="test", user=staff["medical"], name="医保接口")
        staff_token = create_token(actor="test", user=staff["t1"], name="x")
    h = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/needs", headers=h).json()
    assert [i["id"] for i in listed["items"]] == [pushes["medical_insurance"].pk]
    assert listed["items"][0]["status"] == "pushed"
    url = f"/api/v1/needs/{pushes['medical_insurance'].pk}/respond"
    bad = client.post(url, {"status": "declined"}, content_type="application/json", headers=h)
    assert bad.status_code == 409 and "理由" in bad.json()["error"]
    ok = client.post(
        url,
        {"status": "given", "amount": "1200.5", "feedback": "住院救助"},
        content_type="application/json",
        headers=h,
    )
    assert (
        ok.status_code == 200
        and ok.json()["status"] == "given"
        and ok.json()["amount"] in ("1200.50", 1200.5)
    )
    other = client.post(
        f"/api/v1/needs/{pushes['education'].pk}/respond",
        {"status": "accepted"},
        content_type="application/json",
        headers=h,
    )
    assert other.status_code == 404
    denied = client.get("/api/v1/needs", headers={"Authorization": f"Bearer {staff_token}"})
    assert denied.status_code == 403 and "答复需求推送" in denied.json()["error"]


def test_notifications_bell_and_list(raise_on, staff, as_user):
    w = raise_on()
    c = as_user(staff["county"])
    home = c.get("/").content.decode()
    assert 'id="bell"' in home and 'class="bell-count">1<' in home
    bell = c.get("/monitoring/notifications/bell/", headers={"HX-Request": "true"})
    assert b'class="bell-count">1<' in bell.content
    page = c.get("/monitoring/notifications/")
    assert_csp_clean(page)
    note = Notification.objects.get(user=staff["county"])
    opened = c.get(f"/monitoring/notifications/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/monitoring/warnings/{w.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert as_user(staff["t1"]).get(f"/monitoring/notifications/{note.pk}/").status_code == 404


def test_household_page_shows_the_chain(raise_on, loop, staff, as_user):
    w = loop.to("disposed", raise_on("H-YJ1"))
    page = as_user(staff["t1"]).get(f"/households/{w.household_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="household-chain"' in html and "一户一条救助链" in html
    assert (
        html.index("纳入低保对象") < html.index("因病预警") < html.index("派发至") < html.index("入户核查（")
    )

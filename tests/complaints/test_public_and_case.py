"""The public form (no login, CSRF, rate limit) and the lookup by tracking number + check field that reveals
nothing else; a notice objection stops confirmation and a ticket before confirmation requires the county's
visit (R-G3); the API (scoped, 404 outside)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from doudi.casework import confirm_checks
from doudi.casework.base import CaseworkError
from doudi.complaints.models import Complaint
from doudi.core.scoping import all_regions
from tests.complaints.conftest import DAY, file, move
from tests.conftest import YANJI, YANJI_T1
from tests.payments.test_api import call  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

FORM = {"county": YANJI, "township": YANJI_T1, "ctype": "payment", "summary": "低保金两个月没有到账",
        "content": "十月和十一月的低保金都没有到账，银行说没有收到", "reporter_name": "崔永浩",
        "reporter_phone": "13604335678"}  # fmt: skip


def _post(client, data, **kw):
    return client.post("/complaint/", data, REMOTE_ADDR=kw.get("ip", "10.1.1.1"))


def test_public_files_and_tracks_a_complaint(people):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/complaint/", FORM).status_code == 403  # CSRF
    page = client.get("/complaint/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    r = client.post("/complaint/", {**FORM, "csrfmiddlewaretoken": token})
    assert r.status_code == 200
    code = re.search(r'id="tracking-code">([^<]+)<', r.content.decode()).group(1)
    with all_regions():
        c = Complaint.unscoped.get()
    assert (c.channel, c.ctype, c.region_code, c.reporter_phone_masked) == (
        "online",
        "payment",
        YANJI_T1,
        "136****5678",
    )
    assert c.reporter_phone_enc and b"13604335678" not in bytes(c.reporter_phone_enc)
    wrong = client.post("/complaint/status/", {"code": code, "check": "0000", "csrfmiddlewaretoken": token})
    other = client.post("/complaint/status/", {"code": "ABCD-EFGH-JKM", "check": "5678",
                                               "csrfmiddlewaretoken": token})  # fmt: skip
    assert wrong.status_code == other.status_code == 404
    assert "低保金" not in wrong.content.decode() and c.number not in wrong.content.decode()
    ok = client.post(
        "/complaint/status/", {"code": code.lower(), "check": "5678", "csrfmiddlewaretoken": token}
    )
    body = ok.content.decode()
    assert ok.status_code == 200 and "已收到" in body and c.number in body
    assert "崔永浩" not in body and "十月和十一月" not in body  # nothing else


def test_public_form_is_rate_limited(people, client):
    for _ in range(5):
        assert _post(client, FORM).status_code == 200
    assert _post(client, FORM).status_code == 429
    assert _post(client, FORM, ip="10.2.2.2").status_code == 200


def test_public_needs_a_way_to_check(people, client):
    r = _post(client, {**FORM, "reporter_phone": "", "anonymous": "on", "reporter_name": ""})
    assert r.status_code == 400 and "查询密码" in r.content.decode()
    r = _post(
        client, {**FORM, "reporter_phone": "", "anonymous": "on", "reporter_name": "", "check_pin": "4321"}
    )
    assert r.status_code == 200
    with all_regions():
        assert Complaint.unscoped.get().anonymous


def test_notice_objection_stops_confirmation(people, walk):
    app = walk.to_notice()
    assert app.state == "in_notice"
    c = file(None, ctype="notice_objection", application=app, summary="该户有经营性车辆",
             reporter_name="", anonymous=True, reporter_phone="13800001111")  # fmt: skip
    assert c.channel == "notice_board" and c.region_code == app.region_code
    app.refresh_from_db()
    assert app.complaint_before_confirmation  # the county must visit
    assert "公示异议" in confirm_checks.blocking(app)[0]
    move(people["township"], c, "accept")
    app.refresh_from_db()
    assert app.state == "notice_objected"  # casework's own step: re-investigation or appraisal, a new notice


def test_report_before_confirmation_requires_the_county_visit(people, walk):
    from doudi.casework import decision_actions

    app = walk.to_authority()
    assert app.state == "awaiting_confirmation" and not app.complaint_before_confirmation
    file(people["township"], ctype="report", application=app, summary="举报该户子女有稳定收入")
    app.refresh_from_db()
    assert app.complaint_before_confirmation
    with all_regions(), pytest.raises(CaseworkError, match="县级入户调查"):
        decision_actions.confirm(actor=people["county"], application=app, on=DAY)
    app.county_visit_done = True  # the visit recorded: the open notice-objection check is the only other stop
    assert confirm_checks.blocking(app) == []
    o = file(people["township"], ctype="notice_objection", application=app, summary="对公示有异议")
    assert confirm_checks.blocking(app)
    with all_regions():
        Complaint.unscoped.filter(pk=o.pk).update(state="closed")
    assert confirm_checks.blocking(app) == []


def test_api_scoped(people, call):  # noqa: F811
    t = call(people["township"])
    r = t.post("/api/v1/complaints", {"ctype": "service", "channel": "h12345", "summary": "12345转办：办事拖延",
                                      "content": "申请材料交了一个月没有消息", "township": YANJI_T1,
                                      "reporter_name": "金英爱", "reporter_phone": "13504339876"})  # fmt: skip
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert "13504339876" not in r.content.decode()
    assert t.post(f"/api/v1/complaints/{cid}/events", {"event": "approve"}).status_code == 409
    assert t.post(f"/api/v1/complaints/{cid}/events", {"event": "accept"}).json()["state"] == "accepted"
    items = t.get("/api/v1/complaints", show="all").json()["items"]
    assert [i["number"] for i in items] == [r.json()["number"]] and items[0]["deadline"]["status"]
    other = call(people["other_township"])
    assert other.get(f"/api/v1/complaints/{cid}").status_code == 404
    assert other.get("/api/v1/complaints", show="all").json()["count"] == 0
    bad = t.post("/api/v1/complaints", {"ctype": "nonsense", "summary": "x", "content": "xxxxxx", "township": YANJI_T1,
                                        "anonymous": True})  # fmt: skip
    assert bad.status_code == 422


def test_data_change_request_opens_the_change_review(people, walk):
    from doudi.casework.lifecycle_models import CaseReview
    from tests.casework.conftest import D

    app = walk.event(walk.to_authority(), "confirm", D(2026, 11, 13), who="county")
    assert app.state == "confirmed"
    c = file(
        people["township"],
        ctype="data_change",
        household=walk.household,
        summary="女儿已出嫁迁出，申请更正家庭人口",
    )
    move(people["township"], c, "accept")
    with all_regions():
        review = CaseReview.unscoped.get(case__household=walk.household)
    assert review.kind == "change" and c.number in review.change_detail


def test_a_report_about_a_receiving_household_opens_its_change_review(people, walk):
    from doudi.casework.lifecycle_models import CaseReview
    from tests.casework.conftest import D

    walk.event(walk.to_authority(), "confirm", D(2026, 11, 13), who="county")
    c = file(
        people["township"], ctype="report", household=walk.household, summary="举报该户有经营性收入未申报"
    )
    with all_regions():
        assert not CaseReview.unscoped.filter(
            case__household=walk.household
        ).exists()  # not before acceptance
    move(people["county"], c, "accept")  # reports are handled by the county (R-G7)
    with all_regions():
        review = CaseReview.unscoped.get(case__household=walk.household)
        steps = list(c.steps.filter(event="case_effect").values_list("note", flat=True))
    assert review.kind == "change" and c.number in review.change_detail
    assert steps and "变化复核" in steps[0]

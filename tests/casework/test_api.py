"""The casework API of contracts/casework.md carrying one application from the window to confirmation
alone (authorizations and commitment included), paper files with past dates, the refusals in the
contract's shape (409 state/version, 422 input with a path, 404 outside the scope), a new household in
the body, the letters' PDFs, the OpenAPI documentation and the audit of every write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from doudi.casework.models import Application, Step
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.registry.actions import reveal_id_number
from tests.api.conftest import Caller, body
from tests.conftest import NANGUAN_T1, YANJI_T1

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/api/v1/applications"
INVESTIGATORS = ["朴志勇", "金美兰"]


@pytest.fixture
def caller(client):
    from doudi.accounts.actions import create_token

    def make(user) -> Caller:
        with all_regions():
            return Caller(client, create_token(actor="test", user=user, name="test"))

    return make


@pytest.fixture
def township(staff, caller):
    return caller(staff["township"])


@pytest.fixture
def county(staff, caller):
    return caller(staff["county"])


def event(who: Caller, app_id: int, name: str, on: dt.date | str | None = None, **fields):
    data = {"event": name, **fields}
    if on is not None:
        data["on"] = str(on)
    return who.post(f"{URL}/{app_id}/events", data)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return body(response)


def authorize_all(who: Caller, app_id: int, people, on: str = "2026-11-02") -> None:
    for p in people:
        ok(
            who.post(
                f"{URL}/{app_id}/authorizations", {"person_id": p.pk, "method": "paper", "signed_on": on}
            ),
            201,
        )
    ok(who.post(f"{URL}/{app_id}/commitment", {"on": on, "method": "paper"}))


def full_ids(staff, people) -> list[str]:
    with all_regions():
        return [reveal_id_number(actor=staff["county"], person=p) for p in people]


def test_a_paper_file_goes_from_the_window_to_confirmation_through_the_api(walk, staff, township, county):
    household, people = walk.household, walk.people
    created = ok(
        township.post(URL, {"household_id": household.pk, "channel": "window", "on": "2026-11-02"}), 201
    )
    app_id = created["id"]
    assert created["state"] == "submitted" and created["received_on"] == "2026-11-02"
    assert created["household_id"] == household.pk and created["channel"] == "window"
    assert created["history"][0] == {**created["history"][0], "state": "submitted", "on": "2026-11-02"}
    assert created["history"][0]["level"] == "township"  # every step records the actor's level (R-W17)
    # acceptance waits for every authorization and the commitment
    refused = event(township, app_id, "accept", "2026-11-02")
    assert refused.status_code == 422 and body(refused)["path"] == "materials"
    authorize_all(township, app_id, people)
    app = ok(event(township, app_id, "accept", "2026-11-02"))
    assert app["state"] == "accepted" and app["accepted_on"] == "2026-11-02"
    assert {d["rule"] for d in app["deadlines"]} >= {"R-W13", "R-W20", "R-W22"}
    assert all({"rule", "what", "due", "done_on"} <= set(d) for d in app["deadlines"])
    app = ok(event(township, app_id, "record_verification", "2026-11-03", result="pass"))
    assert app["state"] == "verified_pass"
    app = ok(
        event(
            township,
            app_id,
            "record_investigation",
            "2026-11-04",
            investigators=INVESTIGATORS,
            findings="家中两位老人，收入仅靠少量养老金",
            housing_rating="poor",
            labour_capacity={str(p.pk): "none" for p in people},
        )
    )
    assert app["state"] == "assessed"
    # a paper result carries no item rows: the score may disagree with the income test (R-W23a)
    note = "核对结果为纸质报告，收入核算低于标准，综合评分据入户调查情况说明"
    app = ok(event(township, app_id, "propose", "2026-11-05", version=app["version"], note=note))
    assert app["state"] == "prelim_opinion"
    proposal = app["proposal"]
    assert proposal["household_category"] == "DIBAO" and proposal["monthly_total"] > 0
    assert proposal["decision_id"]
    app = ok(event(township, app_id, "start_notice", "2026-11-05"))
    assert app["state"] == "in_notice"
    early = event(township, app_id, "end_notice", "2026-11-11")
    assert early.status_code == 409 and "公示期未满" in body(early)["error"]
    app = ok(event(township, app_id, "end_notice", "2026-11-12"))
    assert app["state"] == "awaiting_confirmation"
    # the township may not confirm where the region has not delegated it
    assert event(township, app_id, "confirm", "2026-11-13").status_code == 403
    app = ok(event(county, app_id, "confirm", "2026-11-13"))
    assert app["state"] == "confirmed"
    assert [(h["state"], h["on"]) for h in app["history"]] == [
        ("submitted", "2026-11-02"),
        ("accepted", "2026-11-02"),
        ("verified_pass", "2026-11-03"),
        ("assessed", "2026-11-04"),
        ("prelim_opinion", "2026-11-05"),
        ("in_notice", "2026-11-05"),
        ("awaiting_confirmation", "2026-11-12"),
        ("confirmed", "2026-11-13"),
    ]
    assert app["history"][-1]["rule"] == "R-W24" and app["history"][-1]["actor"]
    assert all({"state", "on", "actor", "rule"} <= set(h) for h in app["history"])
    kinds = [letter["kind"] for letter in app["letters"]]
    assert kinds == ["受理回执", "公示", "确认通知书"]
    assert all(letter["issued_on"] and letter["url"].endswith(".pdf") for letter in app["letters"])
    # the detail is the same answer; the case is the household's
    assert ok(township.get(f"{URL}/{app_id}")) == app
    cases = ok(township.get(f"/api/v1/households/{household.pk}/cases"))
    assert len(cases) == 1
    assert set(cases[0]) >= {
        "id",
        "tier",
        "state",
        "since",
        "until",
        "monthly_total",
        "review_class",
        "next_review",
        "decision_id",
    }
    assert cases[0]["tier"] == "DIBAO" and cases[0]["state"] == "active" and cases[0]["since"] == "2026-11-13"
    assert cases[0]["monthly_total"] == proposal["monthly_total"]
    # the confirmation letter downloads as the PDF issued, with no full identity number
    url = app["letters"][-1]["url"]
    pdf = township.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert bytes(pdf.content).startswith(b"%PDF")
    for number in full_ids(staff, people):
        assert number not in str(app) and number not in str(cases) and number not in str(created)
    # every write is audited
    with all_regions():
        actions = list(
            AuditEvent.objects.filter(subject_type="application", subject_id=str(app_id)).values_list(
                "action", flat=True
            )
        )
    assert actions.count("casework.move") == 7 and "casework.open" in actions
    assert actions.count("casework.authorization") == len(people) + 1


def test_conflicts_are_409_in_the_error_shape(walk, township):
    app = walk.authorize(walk.open())
    wrong_state = event(township, app.pk, "end_notice", "2026-11-02")
    assert wrong_state.status_code == 409
    assert set(body(wrong_state)) == {"error", "path"} and "不能" in body(wrong_state)["error"]
    stale = event(township, app.pk, "accept", "2026-11-02", version=app.version - 1)
    assert stale.status_code == 409 and body(stale)["path"] == "version"
    assert Application.unscoped.get(pk=app.pk).state == "submitted"
    # the same household cannot have two open applications (R-W1)
    again = township.post(URL, {"household_id": walk.household.pk, "channel": "window"})
    assert again.status_code == 409 and "一户一次申请" in body(again)["error"]


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"event": "accept", "on": "2099-01-01"}, "on", "不能晚于今天"),
        ({"event": "accept", "on": "2026-10-30"}, "on", "不能早于"),
        ({"event": "accept", "on": "2026-13-01"}, "on", "日期格式"),
        ({"event": "fly"}, "event", "未知的办理事项"),
        ({"on": "2026-11-03"}, "event", "缺少必填项"),
        ({"event": "accept", "version": "x"}, "version", "整数"),
    ],
)
def test_invalid_event_input_is_422_with_a_chinese_message_and_the_field(walk, township, data, path, message):
    app = walk.authorize(walk.open(on=D(2026, 11, 2)))
    response = township.post(f"{URL}/{app.pk}/events", data)
    assert response.status_code == 422, response.content.decode()
    answer = body(response)
    assert answer["path"] == path and message in answer["error"]
    assert Application.unscoped.get(pk=app.pk).state == "submitted"


def test_an_investigation_needs_two_investigators(walk, township):
    app = walk.authorize(walk.open())
    ok(event(township, app.pk, "accept", "2026-11-02"))
    response = event(
        township, app.pk, "record_investigation", "2026-11-03", investigators=["朴志勇"], findings="x"
    )
    assert response.status_code == 422 and body(response)["path"] == "investigators"
    assert "两名以上调查人员" in body(response)["error"]


def test_a_paper_file_is_entered_with_its_past_dates(walk, township):
    created = ok(
        township.post(URL, {"household_id": walk.household.pk, "channel": "window", "on": "2026-03-02"}), 201
    )
    authorize_all(township, created["id"], walk.people, on="2026-03-02")
    app = ok(event(township, created["id"], "accept", "2026-03-03"))
    assert app["accepted_on"] == "2026-03-03"
    total = next(d for d in app["deadlines"] if d["rule"] == "R-W13")
    assert total["due"] == "2026-04-15"  # 30 working days from 3 March 2026 (清明 on 6 April)
    with all_regions():
        step = Step.objects.get(application_id=created["id"], event="accept")
    assert step.on == D(2026, 3, 3) and timezone.localtime(step.at).date() == timezone.localdate()


def test_return_lists_the_missing_materials_once(walk, township):
    app = walk.open()
    answer = ok(event(township, app.pk, "return", "2026-11-03", missing=["近6个月银行流水"]))
    assert answer["state"] == "returned" and answer["letters"][-1]["kind"].startswith("补正材料告知书")
    answer = ok(event(township, app.pk, "resubmit", "2026-11-05"))
    assert answer["state"] == "submitted"
    answer = ok(event(township, app.pk, "withdraw", "2026-11-06", reason="家庭收入已改善"))
    assert answer["state"] == "withdrawn"
    assert event(township, app.pk, "withdraw", "2026-11-06", reason="再撤一次").status_code == 409


def test_the_future_is_refused_at_opening(walk, township):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = township.post(
        URL, {"household_id": walk.household.pk, "channel": "window", "on": str(tomorrow)}
    )
    assert response.status_code == 422 and body(response)["path"] == "on"
    response = township.post(URL, {"household_id": walk.household.pk, "channel": "by_pigeon"})
    assert response.status_code == 422 and body(response)["path"] == "channel"
    response = township.post(URL, {"channel": "window"})
    assert response.status_code == 422 and body(response)["path"] == "household_id"


def test_warning_channel_requires_the_family_s_consent(walk, township):
    data = {"household_id": walk.household.pk, "channel": "warning"}
    response = township.post(URL, data)
    assert (
        response.status_code == 422
        and body(response)["path"] == "consent"
        and "R-W19c" in body(response)["error"]
    )
    consent = {"given_by": "崔永浩", "given_on": "2026-11-02", "method": "paper"}
    created = ok(
        township.post(URL, {**data, "consent": consent, "on": "2026-11-02", "near_relative": True}), 201
    )
    assert created["channel"] == "warning" and created["state"] == "submitted"
    stored = Application.unscoped.get(pk=created["id"])
    assert stored.consent["given_by"] == "崔永浩" and stored.near_relative  # the county must visit (R-W23)


def new_household(**member_overrides) -> dict:
    from doudi.core import idnumber

    head = idnumber.make("222401", D(1958, 4, 2), 410, male=True)
    child = idnumber.make("222401", D(2012, 6, 1), 411, male=False)
    second = {"name": "崔美玲", "id_number": child, "relation": "child", "birth_date": "2012-06-01"}
    second.update(member_overrides)
    return {
        "region_code": YANJI_T1,
        "area_type": "urban",
        "address": "进学街道新兴小区3号楼2单元501",
        "members": [{"name": "崔永浩", "id_number": head, "relation": "head", "sex": "M"}, second],
    }


def test_a_new_household_is_registered_with_its_application(staff, township):
    created = ok(
        township.post(URL, {"household": new_household(), "channel": "window", "on": "2026-11-02"}), 201
    )
    assert created["state"] == "submitted" and created["household_id"]
    with all_regions():
        from doudi.registry.models import Household

        household = Household.objects.get(pk=created["household_id"])
    assert household.region_code == YANJI_T1
    assert new_household()["members"][0]["id_number"] not in str(created)


def test_a_new_household_s_problems_name_the_member_row(staff, township):
    response = township.post(
        URL, {"household": new_household(id_number="222401201206014110"), "channel": "window"}
    )
    assert response.status_code == 422
    assert body(response)["path"] == "household.members[1].id_number"
    response = township.post(URL, {"household": {"region_code": YANJI_T1}, "channel": "window"})
    assert response.status_code == 422 and body(response)["path"].startswith("household.")
    # a region outside the caller's subtree is refused, nothing written
    response = township.post(
        URL, {"household": {**new_household(), "region_code": NANGUAN_T1}, "channel": "window"}
    )
    assert response.status_code == 422 and body(response)["path"] == "household.region_code"
    assert not Application.unscoped.exists()


def test_outside_the_scope_is_404_never_403(walk, staff, caller):
    app = walk.open()
    other = caller(staff["other_township"])
    for response in (
        other.get(f"{URL}/{app.pk}"),
        event(other, app.pk, "accept"),
        other.post(f"{URL}/{app.pk}/commitment", {"on": "2026-11-02"}),
        other.get(f"/api/v1/households/{walk.household.pk}/cases"),
        other.post(URL, {"household_id": walk.household.pk, "channel": "window"}),
    ):
        assert response.status_code == 404 and set(body(response)) >= {"error"}
    missing = other.get(f"{URL}/999999")
    assert missing.status_code == 404 and body(missing) == body(other.get(f"{URL}/{app.pk}"))


def test_authorizations_are_checked_and_audited(walk, township):
    app = walk.open()
    stranger = township.post(
        f"{URL}/{app.pk}/authorizations", {"person_id": 999999, "method": "paper", "signed_on": "2026-11-02"}
    )
    assert stranger.status_code == 422 and body(stranger)["path"] == "person_id"
    bad = township.post(
        f"{URL}/{app.pk}/authorizations",
        {"person_id": walk.people[0].pk, "method": "carrier_pigeon", "signed_on": "2026-11-02"},
    )
    assert bad.status_code == 422 and body(bad)["path"] == "method"
    future = township.post(f"{URL}/{app.pk}/commitment", {"on": "2099-01-01"})
    assert future.status_code == 422 and body(future)["path"] == "on"
    answer = ok(
        township.post(
            f"{URL}/{app.pk}/authorizations",
            {"person_id": walk.people[0].pk, "method": "electronic", "signed_on": "2026-11-02"},
        ),
        201,
    )
    assert answer["application"]["id"] == app.pk and answer["person_id"] == walk.people[0].pk
    assert answer["method"] == "electronic"


def test_notice_objection_and_refusal_through_the_api(walk, township, county):
    app = walk.to_notice()
    answer = ok(event(township, app.pk, "object", "2026-11-06", text="邻居反映其子女有稳定收入"))
    assert answer["state"] == "notice_objected"
    assert event(township, app.pk, "object", "2026-11-06", text="再次").status_code == 409
    blank = event(township, app.pk, "withdraw", "2026-11-07")
    assert blank.status_code == 422 and body(blank)["path"] == "reason"
    wrong = event(
        township, app.pk, "record_investigation", "2026-11-07", investigators=INVESTIGATORS, findings={"x": 1}
    )
    assert wrong.status_code == 422 and body(wrong)["path"] == "findings"


def test_refuse_needs_reasons_and_issues_the_letter(walk, township, county):
    app = walk.to_authority()
    answer = ok(event(county, app.pk, "refuse", "2026-11-13", reasons=["家庭人均收入高于当地低保标准"]))
    assert answer["state"] == "refused" and answer["letters"][-1]["kind"] == "不予确认告知书"
    assert township.get(answer["letters"][-1]["url"]).status_code == 200


def test_openapi_documents_the_casework_endpoints_in_chinese(township):
    schema = ok(township.get("/api/v1/openapi.json"))
    paths = schema["paths"]
    expected = {
        ("/api/v1/applications", "post"),
        ("/api/v1/applications/{application_id}", "get"),
        ("/api/v1/applications/{application_id}/events", "post"),
        ("/api/v1/applications/{application_id}/authorizations", "post"),
        ("/api/v1/applications/{application_id}/commitment", "post"),
        ("/api/v1/households/{household_id}/cases", "get"),
    }
    for path, method in expected:
        op = paths[path][method]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), (path, op["summary"])
        assert op.get("description"), path
    events = paths["/api/v1/applications/{application_id}/events"]["post"]
    text = events["description"] + str(schema["components"]["schemas"].get("EventIn", ""))
    for name in ("accept", "return", "resubmit", "withdraw", "record_verification", "record_investigation",
                 "propose", "start_notice", "object", "end_notice", "confirm", "refuse", "investigators",
                 "missing", "reasons"):  # fmt: skip
        assert name in text, name
    assert "requestBody" in paths["/api/v1/applications"]["post"]


def test_a_labour_capacity_of_someone_unknown_is_422(walk, township):
    app = walk.authorize(walk.open())
    ok(event(township, app.pk, "accept", "2026-11-02"))
    for capacity in ({"崔永浩": "none"}, ["none"]):
        response = event(
            township,
            app.pk,
            "record_investigation",
            "2026-11-03",
            investigators=INVESTIGATORS,
            findings="两位老人",
            labour_capacity=capacity,
        )
        assert response.status_code == 422 and body(response)["path"] == "labour_capacity", response.content

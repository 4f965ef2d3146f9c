"""The whole warning loop through /api/v1 only: list, dispatch, assign, visit (with a photo),
dispose, close — the same actions, permission checks and audit as the pages; outside scope is 404."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.monitoring.models import ChainEvent, NeedPush, Visit
from tests.conftest import YANJI_T1

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def api(client, staff):
    from doudi.accounts.actions import create_token

    tokens = {}

    class Api:
        def _h(self, who):
            if who not in tokens:
                with all_regions():
                    tokens[who] = create_token(actor="test", user=staff[who], name="app")
            return {"Authorization": f"Bearer {tokens[who]}"}

        def get(self, who, url, **params):
            return client.get(f"/api/v1{url}", params or None, headers=self._h(who))

        def post(self, who, url, body):
            return client.post(
                f"/api/v1{url}", json.dumps(body), content_type="application/json", headers=self._h(who)
            )

        def multipart(self, who, url, data):
            return client.post(f"/api/v1{url}", data, headers=self._h(who))

    return Api()


def _visit(**kw):
    body = {
        "visited_on": "2025-06-03",
        "visitors": ["张网格", "李协理"],
        "findings": "老人住院，家中开支大",
        "hardship_found": True,
    }
    body.update(kw)
    return body


def test_the_whole_loop_through_the_api(api, raise_on, staff):
    w = raise_on("H-YJ1")
    url = f"/warnings/{w.pk}"

    # the county sees it waiting for dispatch, with what it may do
    todo = api.get("county", "/warnings", view="todo").json()
    assert [i["id"] for i in todo["items"]] == [w.pk]
    item = todo["items"][0]
    assert item["allowed_actions"] == ["dispatch"] and item["household_key"] == "H-YJ1"
    assert item["head_name"] == "金明哲" and item["status"] == "raised" and item["status_label"]
    options = api.get("county", f"{url}/options").json()
    assert YANJI_T1 in [o["value"] for o in options["townships"]]

    # a township caseworker cannot dispatch; the county can
    assert api.post("t1", f"{url}/dispatch", {"township_code": YANJI_T1}).status_code == 403
    r = api.post("county", f"{url}/dispatch", {"township_code": YANJI_T1})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "dispatched" and r.json()["township_code"] == YANJI_T1

    # the township assigns its grid worker (not another township's)
    options = api.get("t1", f"{url}/options").json()
    assert str(staff["grid1"].pk) in [o["value"] for o in options["workers"]]
    assert str(staff["grid2"].pk) not in [o["value"] for o in options["workers"]]
    bad = api.post("t1", f"{url}/assign", {"worker_id": staff["grid2"].pk})
    assert bad.status_code == 422 and "本乡镇" in bad.json()["error"]
    r = api.post("t1", f"{url}/assign", {"worker_id": staff["grid1"].pk})
    assert r.status_code == 200 and r.json()["assigned_to_id"] == staff["grid1"].pk

    # the grid worker sees the visit due, and records it with facts and a photo
    mine = api.get("grid1", "/warnings", view="todo").json()
    assert [i["id"] for i in mine["items"]] == [w.pk] and mine["items"][0]["allowed_actions"] == ["verify"]
    assert api.get("grid1b", "/warnings", view="todo").json()["count"] == 0
    members = {o["label"]: int(o["value"]) for o in api.get("grid1", f"{url}/options").json()["members"]}
    data = _visit(
        updated_facts=[
            {"scope": "person", "id": members["金明哲"], "kind": "serious_illness", "value": {"flag": True}}
        ]
    )
    one_visitor = api.multipart(
        "grid1", f"{url}/visit", {"data": json.dumps(_visit(visitors=["张网格", "张网格"]))}
    )
    assert one_visitor.status_code == 422 and "至少两人" in one_visitor.json()["error"]
    r = api.multipart(
        "grid1",
        f"{url}/visit",
        {"data": json.dumps(data), "photos": [SimpleUploadedFile("p.png", PNG, content_type="image/png")]},
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "verified" and len(out["visits"]) == 1 and len(out["visits"][0]["photo_ids"]) == 1
    with all_regions():
        assert Visit.objects.get(warning_id=w.pk).updated_facts[0]["kind"] == "serious_illness"

    # the grid worker cannot dispose; the township refers to the medical insurance bureau
    assert api.post("grid1", f"{url}/dispose", {"kind": "no_hardship"}).status_code == 403
    missing = api.post("t1", f"{url}/dispose", {"kind": "referral"})
    assert missing.status_code == 422 and "转介部门" in missing.json()["error"]
    r = api.post("t1", f"{url}/dispose", {"kind": "referral", "departments": ["medical_insurance"]})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "disposed" and r.json()["disposition"] == "referral"
    with all_regions():
        assert NeedPush.objects.filter(warning_id=w.pk, department="medical_insurance").exists()

    # and closes it
    r = api.post("t1", f"{url}/close", {"outcome": "已转介医保部门，医疗救助到位"})
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["closed_on"]
    assert api.post("t1", f"{url}/close", {"outcome": "again"}).status_code == 403
    assert api.get("county", "/warnings", view="closed").json()["items"][0]["id"] == w.pk

    # every step is audited and on the household's chain, as through the pages
    with all_regions():
        actions = set(
            AuditEvent.objects.filter(subject_type="warning", subject_id=str(w.pk)).values_list(
                "action", flat=True
            )
        )
        kinds = set(ChainEvent.objects.filter(household_id=w.household_id).values_list("kind", flat=True))
    assert {
        "monitoring.dispatch",
        "monitoring.assign",
        "monitoring.visit",
        "monitoring.dispose",
        "monitoring.close",
    } <= actions
    assert {"dispatch", "visit", "disposition", "closed"} <= kinds


def test_outside_scope_is_not_found_for_every_endpoint(api, raise_on, staff):
    w = raise_on("H-YJ1")
    url = f"/warnings/{w.pk}"
    for who in ("ng_county", "ng_t1"):
        assert api.get(who, url).status_code == 404
        assert api.get(who, f"{url}/options").status_code == 404
        assert api.post(who, f"{url}/dispatch", {"township_code": YANJI_T1}).status_code == 404
        assert api.post(who, f"{url}/assign", {"worker_id": staff["grid1"].pk}).status_code == 404
        assert api.multipart(who, f"{url}/visit", {"data": json.dumps(_visit())}).status_code == 404
        assert api.post(who, f"{url}/dispose", {"kind": "no_hardship"}).status_code == 404
        assert api.post(who, f"{url}/close", {"outcome": "x"}).status_code == 404
        assert api.get(who, "/warnings", view="all").json()["count"] == 0
    with all_regions():
        assert not AuditEvent.objects.filter(action="monitoring.dispatch").exists()


def test_list_filters_and_refuses_bad_values(api, raise_on):
    red = raise_on("H-YJ1", indicator="W-ILL", level="red")
    raise_on("H-YJ2", indicator="W-EXP", level="yellow")
    assert [i["id"] for i in api.get("county", "/warnings", level="red").json()["items"]] == [red.pk]
    assert api.get("county", "/warnings", indicator="W-EXP").json()["count"] == 1
    assert api.get("county", "/warnings", view="nope").status_code == 422
    assert api.get("county", "/warnings", level="purple").status_code == 422


def test_the_loop_is_in_the_openapi_docs(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for action in ("dispatch", "assign", "visit", "dispose", "close"):
        assert f"/api/v1/warnings/{{warning_id}}/{action}" in paths


def test_visit_data_must_be_json(api, raise_on, loop):
    w = loop.assign(loop.dispatch(raise_on("H-YJ1")))
    bad = api.multipart("grid1", f"/warnings/{w.pk}/visit", {"data": "{not json"})
    assert bad.status_code == 422 and bad.json()["path"] == "data"
    short = api.multipart("grid1", f"/warnings/{w.pk}/visit", {"data": '{"visitors": ["甲"]}'})
    assert short.status_code == 422 and short.json()["path"].startswith("data.")


def test_the_county_recalls_and_reassigns_through_the_api(api, raise_on):
    from tests.conftest import YANJI_T2

    w = raise_on("H-YJ1")
    url = f"/warnings/{w.pk}"
    assert api.post("county", f"{url}/dispatch", {"township_code": YANJI_T1}).status_code == 200
    assert api.post("t1", f"{url}/recall", {}).status_code == 403  # the township cannot recall
    assert api.post("ng_county", f"{url}/recall", {}).status_code == 404  # another county: not found
    r = api.post("county", f"{url}/recall", {})
    assert r.status_code == 200 and r.json()["status"] == "raised" and r.json()["township_code"] == ""
    assert api.post("county", f"{url}/dispatch", {"township_code": YANJI_T1}).status_code == 200
    # a household's warning stays with the township the household lives in
    moved = api.post("county", f"{url}/reassign", {"township_code": YANJI_T2})
    assert moved.status_code == 403 and "所在乡镇" in moved.json()["error"]
    with all_regions():
        assert AuditEvent.objects.filter(action="monitoring.recall", subject_id=str(w.pk)).count() == 1

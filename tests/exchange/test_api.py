"""``/api/v1/batches``: department users push their own types; everyone sees only their scope."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.exchange.models import Batch

from ..conftest import NANGUAN, YANJI
from .conftest import header_of, row_of, write_csv

pytestmark = pytest.mark.django_db
URL = "/api/v1/batches"


@pytest.fixture
def token_of(token_for):
    return lambda user: {"Authorization": f"Bearer {token_for(user)}"}


def _post(client, headers, path, dataset="disability", as_of="2025-01-31"):
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    return client.post(URL, {"file": upload, "dataset": dataset, "as_of": as_of}, headers=headers)


@pytest.fixture
def token_for(db):
    from doudi.accounts.actions import create_token
    from doudi.core.scoping import all_regions

    def make(user):
        with all_regions():
            return create_token(actor="test", user=user, name="t")

    return make


def test_a_department_user_uploads_its_own_type(client, dept_user, token_of, disability_csv):
    user = dept_user("disabled_federation", YANJI)
    r = _post(client, token_of(user), disability_csv)
    assert r.status_code == 201, r.content
    body = json.loads(r.content)
    assert body["status"] == "loaded" and body["dataset_label"] == "残疾人信息"
    assert (body["rows_read"], body["rows_loaded"], body["rows_rejected"]) == (5, 3, 2)
    assert body["rejected_by_reason"] == {"残疾等级应在 1–4 之间": 1, "记录编号重复": 1}
    assert body["region_code"] == YANJI and body["already_received"] is False
    again = _post(client, token_of(user), disability_csv)
    assert again.status_code == 200 and json.loads(again.content)["already_received"] is True
    assert json.loads(again.content)["id"] == body["id"] and Batch.unscoped.count() == 1
    rej = client.get(f"{URL}/{body['id']}/rejected", headers=token_of(user))
    items = json.loads(rej.content)["items"]
    assert [(i["line"], i["column"]) for i in items] == [(5, "disability_grade"), (6, "record_id")]


def test_another_departments_type_is_forbidden(client, dept_user, token_of, tmp_path):
    from doudi import datasets

    ds = datasets.get("student")
    path = write_csv(tmp_path / "s.csv", header_of(ds), [row_of(ds, "S1")])
    r = _post(client, token_of(dept_user("disabled_federation", YANJI)), path, dataset="student")
    assert r.status_code == 403 and "不能报送" in json.loads(r.content)["error"]
    assert not Batch.unscoped.exists()


def test_only_department_users_upload(client, make_user, token_of, disability_csv):
    county = make_user("county_officer", YANJI)
    r = _post(client, token_of(county), disability_csv)
    assert r.status_code == 403 and "只有部门用户" in json.loads(r.content)["error"]
    assert client.post(URL, {"dataset": "disability"}).status_code == 401


def test_bad_requests_are_422(client, dept_user, token_of, disability_csv, tmp_path):
    h = token_of(dept_user("disabled_federation", YANJI))
    assert _post(client, h, disability_csv, dataset="nope").status_code == 422
    r = _post(client, h, disability_csv, as_of="31.01.2025")
    assert r.status_code == 422 and json.loads(r.content)["path"] == "as_of"
    bad = write_csv(tmp_path / "bad.csv", ["record_id", "name"], [["1", "张三"]])
    r = _post(client, h, bad)
    body = json.loads(r.content)
    assert r.status_code == 422 and "缺少必需的列" in body["error"] and body["batch"]
    assert Batch.unscoped.get(pk=body["batch"]).status == "failed"


def test_a_large_upload_is_queued(client, dept_user, token_of, disability_csv, settings):
    settings.DOUDI_EXCHANGE_INLINE_BYTES = 10
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    r = _post(client, token_of(dept_user("disabled_federation", YANJI)), disability_csv)
    body = json.loads(r.content)
    assert r.status_code == 202 and body["queued"] is True
    b = Batch.unscoped.get(pk=body["id"])
    assert b.status == "loaded" and b.task_id  # the immediate backend ran it already


def test_lists_are_scoped_by_department_and_region(
    client, dept_user, make_user, token_of, disability_csv, tmp_path
):
    from doudi import datasets

    yanji_dis = dept_user("disabled_federation", YANJI)
    nanguan_dis = dept_user("disabled_federation", NANGUAN)
    yanji_hrss = dept_user("hrss", YANJI)
    ds = datasets.get("unemployment")
    mine = json.loads(_post(client, token_of(yanji_dis), disability_csv).content)["id"]
    theirs = json.loads(_post(client, token_of(yanji_hrss), write_csv(tmp_path / "u.csv", header_of(ds), [row_of(ds, "U1")]), dataset="unemployment").content)["id"]  # fmt: skip

    def ids(user):
        r = client.get(URL, headers=token_of(user))
        assert r.status_code == 200
        return [b["id"] for b in json.loads(r.content)["items"]]

    assert ids(yanji_dis) == [mine]
    assert ids(yanji_hrss) == [theirs]
    assert ids(nanguan_dis) == []  # own department, other region
    assert ids(make_user("county_officer", YANJI)) == [theirs, mine]
    assert ids(make_user("county_officer", NANGUAN)) == []
    assert ids(make_user("province_officer", "220000000000")) == [theirs, mine]
    assert client.get(f"{URL}/{theirs}", headers=token_of(yanji_dis)).status_code == 404
    assert client.get(f"{URL}/{mine}", headers=token_of(yanji_dis)).status_code == 200
    assert client.get(f"{URL}/{mine}/rejected", headers=token_of(yanji_hrss)).status_code == 404
    assert client.get(URL, headers=token_of(make_user("charity", YANJI))).status_code == 403


def test_a_file_another_office_sent_is_not_shown(client, dept_user, token_of, tmp_path):
    from doudi import datasets

    ds = datasets.get("death")
    path = write_csv(tmp_path / "d.csv", header_of(ds), [row_of(ds, "D1")])
    first = _post(client, token_of(dept_user("public_security", YANJI)), path, dataset="death")
    assert first.status_code == 201
    again = _post(client, token_of(dept_user("civil_affairs", NANGUAN)), path, dataset="death")
    body = json.loads(again.content)
    assert again.status_code == 409 and "其他单位" in body["error"] and "file_name" not in body
    assert Batch.unscoped.count() == 1

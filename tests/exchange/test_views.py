"""The batch pages: upload (own department's types only), list, detail with counts and rejected
rows, live progress, and the error report download."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from doudi.exchange.models import Batch

from ..conftest import NANGUAN, YANJI
from ..web.conftest import assert_csp_clean
from .conftest import ID_B, ID_C, header_of, row_of, write_csv

pytestmark = pytest.mark.django_db


def _upload(client, path, dataset="disability", as_of="2025-01-31"):
    f = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post("/exchange/upload/", {"file": f, "dataset": dataset, "as_of": as_of})


def test_upload_page_offers_only_the_departments_own_types(client, dept_user):
    client.force_login(dept_user("hrss", YANJI))
    r = client.get("/exchange/")
    html = r.content.decode()
    assert r.status_code == 200 and 'value="unemployment"' in html and 'value="social_insurance"' in html
    assert 'value="disability"' not in html and 'value="student"' not in html
    assert_csp_clean(r)


def test_upload_loads_and_shows_counts_rejected_rows_and_the_report(client, dept_user, disability_csv):
    client.force_login(dept_user("disabled_federation", YANJI))
    r = _upload(client, disability_csv)
    b = Batch.unscoped.get()
    assert r.status_code == 302 and r["Location"] == f"/exchange/{b.pk}/"
    page = client.get(f"/exchange/{b.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "已载入" in html
    assert "记录编号重复" in html and "残疾等级应在 1–4 之间" in html and "与第 2 行相同" in html
    assert ID_C not in html  # the rejected row's number is not shown
    assert_csp_clean(page)
    report = client.get(f"/exchange/{b.pk}/errors.xlsx")
    assert report.status_code == 200 and report["Content-Disposition"].endswith('errors.xlsx"')
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "内容", "原因")
    assert rows[1] == (5, "残疾等级（disability_grade）", "7", "残疾等级应在 1–4 之间")
    assert rows[2] == (6, "记录编号（record_id）", "R1", "记录编号重复：与第 2 行相同")
    again = _upload(client, disability_csv)
    assert again.status_code == 302 and Batch.unscoped.count() == 1


def test_the_error_report_masks_identity_numbers(client, dept_user, tmp_path):
    from doudi import datasets

    ds = datasets.get("disability")
    rows = [row_of(ds, "R1", ID_B, name="名" * 70), row_of(ds, "R2", "x" * 70)]
    path = write_csv(tmp_path / "f.csv", header_of(ds), rows)
    client.force_login(dept_user("disabled_federation", YANJI))
    _upload(client, path)
    b = Batch.unscoped.get()
    report = client.get(f"/exchange/{b.pk}/errors.xlsx")
    values = [
        r[2] for r in load_workbook(io.BytesIO(report.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert ("x" * 6 + "*" * 60 + "x" * 4) in values  # an over-long id_number cell, masked like a number
    assert not any(ID_B in str(v) for v in values)


def test_a_department_user_cannot_upload_another_departments_type(client, dept_user, tmp_path):
    from doudi import datasets

    ds = datasets.get("student")
    path = write_csv(tmp_path / "s.csv", header_of(ds), [row_of(ds, "S1")])
    client.force_login(dept_user("disabled_federation", YANJI))
    r = _upload(client, path, dataset="student")
    assert r.status_code == 400 and "本部门不能报送该类数据" in r.content.decode()
    assert not Batch.unscoped.exists()


def test_staff_cannot_upload_but_see_their_regions_batches(client, dept_user, make_user, disability_csv):
    client.force_login(dept_user("disabled_federation", YANJI))
    _upload(client, disability_csv)
    b = Batch.unscoped.get()
    client.force_login(make_user("county_officer", YANJI))
    page = client.get("/exchange/")
    assert page.status_code == 200 and f'href="/exchange/{b.pk}/"' in page.content.decode()
    assert "上传并校验" not in page.content.decode()
    assert _upload(client, disability_csv).status_code == 403
    client.force_login(make_user("county_officer", NANGUAN))
    assert client.get(f"/exchange/{b.pk}/").status_code == 404
    assert f'href="/exchange/{b.pk}/"' not in client.get("/exchange/").content.decode()


def test_another_department_cannot_see_the_batch(client, dept_user, disability_csv):
    client.force_login(dept_user("disabled_federation", YANJI))
    _upload(client, disability_csv)
    b = Batch.unscoped.get()
    client.force_login(dept_user("hrss", YANJI))
    assert client.get(f"/exchange/{b.pk}/").status_code == 404
    assert client.get(f"/exchange/{b.pk}/errors.xlsx").status_code == 404
    assert f"/exchange/{b.pk}/" not in client.get("/exchange/").content.decode()


def test_a_large_upload_shows_live_progress_then_refreshes(
    client, dept_user, disability_csv, settings, monkeypatch
):
    settings.DOUDI_EXCHANGE_INLINE_BYTES = 10
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # queued, not run
    user = dept_user("disabled_federation", YANJI)
    client.force_login(user)
    r = _upload(client, disability_csv)
    b = Batch.unscoped.get()
    assert r.status_code == 302 and b.status == "received" and b.task_id
    page = client.get(f"/exchange/{b.pk}/").content.decode()
    assert (
        f'hx-get="/exchange/{b.pk}/progress/"' in page
        and 'hx-trigger="every 2s"' in page
        and "<progress" in page
    )
    partial = client.get(f"/exchange/{b.pk}/progress/")
    assert partial.status_code == 200 and "HX-Refresh" not in partial.headers
    from doudi.exchange import tasks

    incoming = next(p for p in (settings.DATA_DIR / "incoming").iterdir())
    tasks.load_batch.call(b.pk, str(incoming))  # what the worker does
    done = client.get(f"/exchange/{b.pk}/progress/")
    assert done["HX-Refresh"] == "true" and "hx-get" not in done.content.decode()


def test_a_refused_file_shows_its_reason(client, dept_user, tmp_path):
    client.force_login(dept_user("disabled_federation", YANJI))
    r = _upload(client, write_csv(tmp_path / "x.csv", ["a", "b"], [["1", "2"]]))
    b = Batch.unscoped.get()
    assert r["Location"] == f"/exchange/{b.pk}/"
    html = client.get(r["Location"]).content.decode()
    assert "导入失败" in html and "缺少必需的列" in html


def test_anonymous_and_unscoped_users(client):
    assert client.get("/exchange/").status_code == 302

"""The population-change and public-payroll types (exchange contract: ``household_registration`` from
公安, ``marriage`` from 民政, ``public_payroll`` from 财政/人社) through the three doors — command line,
upload page, API — with their bad rows reported in Chinese, and linked to registry persons."""

from __future__ import annotations

import datetime as dt
import io
import json

import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from doudi import datasets
from doudi.core import store
from doudi.core.scoping import all_regions
from doudi.exchange.models import Batch

from ..conftest import YANJI
from .conftest import ID_A, ID_B, header_of, row_of, write_csv

pytestmark = pytest.mark.django_db


def _file(tmp_path, key: str, rows: list[dict]):
    ds = datasets.get(key)
    return write_csv(tmp_path / f"{key}.csv", header_of(ds), [row_of(ds, **r) for r in rows])


@pytest.fixture
def registration_csv(tmp_path):
    return _file(tmp_path, "household_registration", [
        {"record_id": "R1", "id_number": ID_A, "event": "move_out", "event_on": "2024-12-01",
         "household_number": "220001", "to_region_code": "220102"},
        {"record_id": "R2", "id_number": ID_B, "name": "李春花", "event": "出生登记", "event_on": "2025-01-02",
         "household_number": "220001", "to_region_code": ""},
        {"record_id": "R3", "id_number": ID_B, "event": "moved", "event_on": "2025-01-02"},
        {"record_id": "R4", "id_number": ID_B, "event": "birth", "event_on": "2099-01-02"},
    ])  # fmt: skip


def test_command_line_loads_registration_events_and_reports_bad_rows(registration_csv):
    out = io.StringIO()
    call_command("exchange", "import", "--dataset", "household_registration", "--provider", "公安",
                 "--as-of", "2025-01-31", str(registration_csv), "--workers", "1", stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    b = Batch.unscoped.get()
    assert lines[-1] == f"batch: {b.pk}" and lines[:3] == ["rows read: 4", "loaded: 2", "rejected: 2"]
    assert "rejected 变动类型取值无效: 1" in lines and "rejected 变动日期晚于今天: 1" in lines
    records = pq.read_table(store.records_path(b.pk)).to_pylist()
    assert [(r["event"], r["event_on"], r["household_number"]) for r in records] == [
        ("move_out", dt.date(2024, 12, 1), "220001"),
        ("birth", dt.date(2025, 1, 2), "220001"),
    ]


def test_marriage_is_civil_affairs_only_and_masks_the_spouses_number(tmp_path):
    path = _file(tmp_path, "marriage", [
        {"record_id": "M1", "id_number": ID_A, "event": "married", "event_on": "2024-10-01",
         "spouse_id_number": ID_B, "spouse_name": "李春花"},
        {"record_id": "M2", "id_number": ID_A, "event": "离婚登记", "event_on": "2024-11-01"},
        {"record_id": "M3", "id_number": ID_A, "event": "married", "event_on": "2024-02-30"},
    ])  # fmt: skip
    out = io.StringIO()
    call_command("exchange", "import", "--dataset", "marriage", "--provider", "民政", "--as-of", "2025-01-31",
                 str(path), "--workers", "1", stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    assert (
        lines[:3] == ["rows read: 3", "loaded: 2", "rejected: 1"]
        and "rejected 登记日期不是有效日期: 1" in lines
    )
    b = Batch.unscoped.get()
    records = pq.read_table(store.records_path(b.pk)).to_pylist()
    assert [r["event"] for r in records] == ["married", "divorced"]
    assert ID_B not in (records[0]["spouse_id_number"] or "") and records[0]["spouse_id_number"].endswith(
        ID_B[-4:]
    )
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="不能报送"):
        call_command("exchange", "import", "--dataset", "marriage", "--provider", "公安", "--as-of",
                     "2025-01-31", str(path), stdout=io.StringIO())  # fmt: skip


def test_upload_page_offers_public_payroll_to_finance_and_reports_bad_rows(client, dept_user, tmp_path):
    client.force_login(dept_user("finance", YANJI))
    html = client.get("/exchange/").content.decode()
    assert 'value="public_payroll"' in html and 'value="disability"' not in html
    path = _file(tmp_path, "public_payroll", [
        {"record_id": "P1", "employer": "延吉市某局", "month": "2025-01", "gross_pay": "5200.00"},
        {"record_id": "P2", "employer": "", "month": "2025-01", "gross_pay": "5200.00"},
        {"record_id": "P3", "employer": "延吉市某局", "month": "2025-01", "gross_pay": "-1"},
    ])  # fmt: skip
    r = client.post("/exchange/upload/", {"file": SimpleUploadedFile(path.name, path.read_bytes()),
                                          "dataset": "public_payroll", "as_of": "2025-01-31"})  # fmt: skip
    b = Batch.unscoped.get()
    assert r.status_code == 302 and (b.rows_loaded, b.rows_rejected) == (1, 2)
    page = client.get(f"/exchange/{b.pk}/").content.decode()
    assert "财政供养人员工资" in page and "工作单位为空" in page and "应发工资不能为负数" in page


def test_api_takes_household_registration_from_public_security(client, dept_user, registration_csv):
    from doudi.accounts.actions import create_token

    user = dept_user("public_security", YANJI)
    with all_regions():
        token = create_token(actor="test", user=user, name="t")
    upload = SimpleUploadedFile(registration_csv.name, registration_csv.read_bytes(), content_type="text/csv")
    r = client.post("/api/v1/batches", {"file": upload, "dataset": "household_registration", "as_of": "2025-01-31"},
                    headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert r.status_code == 201, r.content
    body = json.loads(r.content)
    assert body["dataset_label"] == "户籍变动" and (body["rows_loaded"], body["rows_rejected"]) == (2, 2)
    assert body["rejected_by_reason"] == {"变动类型取值无效": 1, "变动日期晚于今天": 1}


@pytest.mark.parametrize("key", ["household_registration", "marriage", "public_payroll"])
def test_the_new_types_link_to_registry_persons(key, households, tmp_path):
    from doudi.exchange import actions

    ds = datasets.get(key)
    path = write_csv(
        tmp_path / f"{key}.csv", header_of(ds), [row_of(ds, "X1", ID_A), row_of(ds, "X2", ID_A[:-1] + "0")]
    )
    provider = ds.providers[0]
    with all_regions():
        batch = actions.import_file(actor="test", path=path, dataset=key, provider=provider,
                                    as_of=dt.date(2025, 1, 31), workers=1).batch  # fmt: skip
    call_command("match", "run", "--batch", str(batch.pk), "--no-scan", stdout=io.StringIO())
    out = tmp_path / "links.csv"
    call_command("match", "export", "--batch", str(batch.pk), "--out", str(out), stdout=io.StringIO())
    rows = out.read_text(encoding="utf-8-sig").splitlines()[1:]
    linked = {r.split(",")[0]: r.split(",")[1] for r in rows}
    assert linked["X1"] == "P-YJ1-1"

"""Linkage report pages: counts by county, scoped to the user's region, and the Excel export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from doudi.matching import engine, reports
from tests.support import store_records

from .conftest import CASES, T1, crafted_persons, crafted_records

pytestmark = pytest.mark.django_db

YANJI, NANGUAN, PROVINCE = "222401000000", "220102000000", "220000000000"


def _area(case) -> str:
    region = case.fields.get("region_code")
    if region:
        return region.ljust(12, "0")
    number = (case.fields.get("id_number") or "").translate(
        str.maketrans("０１２３４５６７８９", "0123456789")
    )
    return number[:6].ljust(12, "0") if number else ""


@pytest.fixture
def linked(store_dir):
    snapshot = store_records.write_snapshot(crafted_persons(), store_dir / "p.parquet")
    store_records.write_batch(7, crafted_records())
    engine.run_linkage([7], snapshot=snapshot)
    store_records.write_batch(8, crafted_records()[:4])  # loaded, not linked yet
    return 7


def test_report_counts_by_county_within_the_prefix(linked, regions):
    yanji = reports.batch_report(7, "222401")
    assert yanji.total["records"] == sum(_area(c).startswith("222401") for c in CASES)
    assert [c["county"] for c in yanji.counties] == ["222401"]
    assert yanji.counties[0]["county_name"] == "延吉市"
    province = reports.batch_report(7, "22")
    assert province.total["records"] == len(CASES)
    assert province.total["none"] == sum(c.method == "none" for c in CASES)
    assert province.total["exact"] == sum(c.method == "exact" for c in CASES)
    assert province.total["invalid"] == 3 and province.total["missing"] > 0
    # 王伟's number three times (18 digits, full-width, 15-digit legacy)
    assert province.dup_numbers == 1 and province.total["dup_records"] == 3
    township = reports.batch_report(7, "222401001")
    assert township.total["records"] == sum(_area(c).startswith("222401001") for c in CASES)
    with pytest.raises(ValueError):
        reports.batch_report(7, "22' OR 1=1 --")


@pytest.mark.parametrize(
    "region,seen,unseen",
    [
        (YANJI, ["222401"], ["220102"]),
        (NANGUAN, ["220102"], ["222401"]),
        (PROVINCE, ["222401", "220102"], []),
    ],
)
def test_batch_page_shows_only_the_users_counties(linked, make_user, client, region, seen, unseen):
    role = "province_officer" if region == PROVINCE else "county_officer"
    client.force_login(make_user(role, region))
    html = client.get(reverse("matching:batch", args=[7])).content.decode()
    for county in seen:
        assert f'data-county="{county}"' in html
    for county in unseen:
        assert f'data-county="{county}"' not in html


def test_township_user_sees_the_township_records_only(linked, make_user, client):
    client.force_login(make_user("township_caseworker", T1))
    response = client.get(reverse("matching:batch", args=[7]))
    assert response.status_code == 200
    expected = sum(_area(c) == T1 for c in CASES)
    assert response.context["report"].total["records"] == expected


def test_list_export_and_unlinked_batch(linked, make_user, client):
    client.force_login(make_user("county_officer", YANJI))
    listing = client.get(reverse("matching:batches")).content.decode()
    assert reverse("matching:batch", args=[7]) in listing and reverse("matching:batch", args=[8]) in listing
    assert "尚未比对" in client.get(reverse("matching:batch", args=[8])).content.decode()
    response = client.get(reverse("matching:export", args=[7]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("县（市、区）", "记录数")
    assert rows[2][0] == "延吉市"
    total = next(r for r in rows if r and r[0] == "合计")
    assert total[1] == sum(_area(c).startswith("222401") for c in CASES)


def test_access_rules(linked, make_user, client):
    assert client.get(reverse("matching:batch", args=[7])).status_code == 302  # login first
    client.force_login(make_user("department_user", PROVINCE, department="medical_insurance"))
    assert client.get(reverse("matching:batch", args=[7])).status_code == 403
    client.force_login(make_user("county_officer", YANJI))
    assert client.get(reverse("matching:batch", args=[404])).status_code == 404

"""Control characters in names are refused at every door; zero-width and bidi marks are removed;
no export answers 500 on what is stored."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from doudi.core.cells import NAME_CONTROL_REASON
from doudi.core.scoping import all_regions
from doudi.registry.actions import RegistryError
from doudi.registry.models import Person
from tests.conftest import YANJI, YANJI_T1
from tests.exchange.conftest import header_of, row_of, write_csv
from tests.registry.test_roster_import import base_rows, load
from tests.registry.test_roster_import import write_csv as write_roster

pytestmark = pytest.mark.django_db


def test_roster_import_refuses_nul_and_strips_invisible_marks(regions, tmp_path):
    rows = base_rows()
    rows[0][3] = "金\x00明哲"
    rows[1][3] = "朴\u200b英\u202e子"
    rep = load(write_roster(tmp_path / "r.csv", rows))
    assert rep.rejected == 1 and rep.errors[0]["reason"] == NAME_CONTROL_REASON
    with all_regions():
        assert Person.unscoped.get(person_key="P2").name == "朴英子"
        assert not Person.unscoped.filter(person_key="P1").exists()


def test_the_registry_action_refuses_control_characters(households):
    from doudi.registry import actions

    with all_regions(), pytest.raises(RegistryError, match="控制字符"):
        actions.add_person_to_household(
            actor="test", household=households["H-YJ1"], person_key="P-X", name="李\x07四", id_number="",
            relation="child", since=dt.date(2024, 1, 1),
        )  # fmt: skip


def test_department_intake_refuses_nul_names_and_its_report_still_opens(client, make_user, tmp_path):
    from doudi import datasets
    from doudi.exchange.models import Batch

    ds = datasets.get("disability")
    rows = [row_of(ds, "R1", name="金\x00明哲"), row_of(ds, "R2", name="李\u200b春花\u202e")]
    path = write_csv(tmp_path / "f.csv", header_of(ds), rows)
    client.force_login(make_user("department_user", YANJI, department="disabled_federation"))
    client.post("/exchange/upload/", {"file": SimpleUploadedFile("f.csv", path.read_bytes()),
                                      "dataset": "disability", "as_of": "2025-01-31"})  # fmt: skip
    b = Batch.unscoped.get()
    assert (b.rows_loaded, b.rows_rejected) == (1, 1), b.error
    assert b.rejected_by_reason == {NAME_CONTROL_REASON: 1}
    report = client.get(f"/exchange/{b.pk}/errors.xlsx")
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[1][3] == NAME_CONTROL_REASON and rows[1][2] == "金明哲"  # the NUL dropped in the file


def test_household_export_never_fails_on_stored_control_characters(client, make_user, regions):
    """A name stored before the check existed (or written by SQL) still exports."""
    from doudi.registry import actions

    with all_regions():
        hh = actions.create_household(
            actor="test",
            household_key="H-C",
            region_code=YANJI_T1,
            area_type="urban",
            since=dt.date(2024, 1, 1),
        )
        p = actions.add_person_to_household(
            actor="test", household=hh, person_key="P-C", name="王五", id_number="", relation="head",
            since=dt.date(2024, 1, 1),
        )  # fmt: skip
        Person.unscoped.filter(pk=p.pk).update(name="王\x07五\x1b")  # (PostgreSQL refuses NUL itself)
    client.force_login(make_user("county_officer", YANJI))
    response = client.post(reverse("registry:export"), {})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["家庭查询结果"].iter_rows(values_only=True))
    assert rows[1][1] == "王五"

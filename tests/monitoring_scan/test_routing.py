"""One bad record is reported, never fatal to a batch (issue 9 item 1; DOMAIN R-M10, R-M16).

Department data is full of persons registered in another province, obsolete county codes and empty
or malformed region codes. Every dataset type goes through intake → linkage → scan with such rows;
unmatched records with hardship signals are routed by the best region available (the record's, the
identity number's county, the provider's) or listed for the province officer; a failed scan is
finished by re-running."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.core import idnumber
from doudi.core.scoping import all_regions
from doudi.datasets import DATASETS
from doudi.monitoring.models import EarlyWarning, PotentialCase, UnroutableRecord

from .conftest import T1, D, run_all, write_batch

pytestmark = pytest.mark.django_db

BEIJING = idnumber.make("110101", D(1970, 2, 2), 61, male=True)  # registered in another province
OBSOLETE = idnumber.make("220381", D(1965, 3, 3), 62, male=False)  # 公主岭 under 四平, abolished in 2020
YANJI = idnumber.make("222401", D(1980, 4, 4), 63, male=True)
YANJI_B = idnumber.make("222401", D(1981, 5, 5), 64, male=False)
NANGUAN = idnumber.make("220102", D(1975, 6, 6), 65, male=True)
JIN = idnumber.make("222401", D(1950, 3, 1), 100, male=True)  # 金明哲 of tests/conftest.py ``households``

# (record_id, id_number, name, region_code)
BAD_ROWS = [
    ("out-province", BEIJING, "赵外省", ""),
    ("obsolete", OBSOLETE, "钱旧县", ""),
    ("malformed", YANJI, "孙乱码", "abc-延吉"),
    ("short", YANJI_B, "李短码", "22240100100"),
    (
        "other-province-region",
        BEIJING[:17] + "0" if BEIJING[17] != "0" else BEIJING[:17] + "1",
        "周外码",
        "110101001000",
    ),
    ("registry-bad-region", JIN, "金明哲", "垃圾"),
    ("no-number", "", "吴无号", ""),
    ("good", NANGUAN, "郑正常", "220102001000"),
]
OVERRIDES = {
    "disability_kind": "physical",
    "disability_grade": "1",
    "dwelling_damage": "collapsed",
    "total_expense": "40000",
    "out_of_pocket": "30000",
    "contribution_base": "0",
    "month": "2025-07",
}


def _value(c) -> str:
    if c.key in OVERRIDES:
        return OVERRIDES[c.key]
    if c.type == "enum":
        return next(iter(c.choices))
    if c.type == "date":
        return "2025-07-01"
    if c.type in ("int", "decimal"):
        return str(c.minimum if c.minimum is not None else 1)
    if c.type == "bool":
        return "是"
    if c.type == "month":
        return "2025-07"
    return "测试"


def import_bad_batch(tmp_path, dataset: str, *, region_code: str = "220000000000"):
    """A file of ``dataset`` with every kind of bad identity number and region, loaded by the intake."""
    from doudi.exchange import actions

    ds = DATASETS[dataset]
    own = list(ds.columns)
    path = tmp_path / f"{dataset}-{region_code}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "id_number", "name", "region_code", *(c.key for c in own)])
        for rid, number, name, region in BAD_ROWS:
            w.writerow([rid, number, name, region, *(_value(c) for c in own)])
    with all_regions():
        receipt = actions.import_file(
            actor="test", path=path, dataset=dataset, provider=ds.providers[0], as_of=D(2025, 8, 1),
            region_code=region_code, workers=1,
        )  # fmt: skip
    assert receipt.batch.status == "loaded", receipt.batch.error
    assert receipt.batch.rows_loaded == len(BAD_ROWS), receipt.batch.rejected_by_reason
    return receipt.batch


def match_run(*args) -> list[str]:
    out = io.StringIO()
    with all_regions():
        call_command("match", "run", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_every_dataset_type_links_and_scans_bad_records(dataset, scan_env, households, tmp_path):
    from doudi.exchange.models import Batch

    batch = import_bad_batch(tmp_path, dataset)
    lines = match_run("--batch", str(batch.pk))  # linkage, then the scan: never an exception
    assert Batch.unscoped.get(pk=batch.pk).status == "linked"
    assert any(line.startswith("records unroutable: ") for line in lines)
    from doudi.monitoring.scans import scan

    assert batch.pk not in scan.pending_batches()  # the batch is fully processed
    if dataset in ("disability", "medical_expense", "disaster"):
        # discovery datasets: the out-of-province and obsolete-county persons are listed, the rest routed
        listed = {u.record_id for u in UnroutableRecord.unscoped.all()}
        assert listed == {"out-province", "obsolete", "other-province-region"}
        assert "records unroutable: 3" in lines and "records routed by id county: 2" in lines
        regions = sorted(c.region_code for c in PotentialCase.unscoped.all())
        assert regions == ["220102001000", "222401000000", "222401000000"]
        assert all(w.region_code.startswith("22") for w in EarlyWarning.unscoped.all())


def test_the_linkage_report_of_a_bad_batch_opens(scan_env, households, tmp_path):
    from doudi.matching import reports

    batch = import_bad_batch(tmp_path, "death")
    match_run("--batch", str(batch.pk), "--no-scan")
    report = reports.batch_report(batch.pk, "22")
    assert report.total["records"] == len(BAD_ROWS)


def outsider(rid, number, region, **cols):
    return {"person": None, "record_id": rid, "id_number": number, "name": "赵大", "region_code": region,
            "disability_kind": "physical", "disability_grade": 1, "certified_on": D(2025, 7, 1), **cols}  # fmt: skip


def test_routing_order_record_then_number_then_provider(scan_env):
    from doudi.exchange.models import Batch

    # the providing department sits in 进学街道: its records without a better region go there
    Batch.unscoped.create(pk=7, region_code=T1, dataset="disability", provider="disabled_federation",
                          as_of=D(2025, 8, 1), file_name="d.csv", content_hash="x" * 64, status="linked")  # fmt: skip
    write_batch(7, "disability", [
        outsider("a", YANJI, "220102001000"),  # the record's own township wins
        outsider("b", YANJI_B, "not-a-code"),  # the number's county (延吉市)
        outsider("c", BEIJING, None),  # another province, no region: the provider's township
    ], masked=True)  # fmt: skip
    result = run_all()
    regions = sorted(c.region_code for c in PotentialCase.unscoped.all())
    assert regions == ["220102001000", "222401000000", T1]
    assert result.potential["routed_by_id"] == 1 and result.potential["routed_by_provider"] == 1
    assert result.potential["unroutable"] == 0 and not UnroutableRecord.unscoped.exists()
    assert result.summary()["routing"] == {
        "routed_by_id": 1, "routed_by_provider": 1, "unroutable": 0, "skipped_no_id": 0,
    }  # fmt: skip


def test_unroutable_records_are_listed_once(scan_env):
    write_batch(3, "disability", [outsider("x", BEIJING, ""), outsider("y", OBSOLETE, "999")], masked=True)
    result = run_all()
    assert result.potential["unroutable"] == 2 and result.potential["new"] == 0
    rows = {u.record_id: u for u in UnroutableRecord.unscoped.all()}
    assert set(rows) == {"x", "y"} and all(u.region_code == "220000000000" for u in rows.values())
    assert rows["x"].id_masked == BEIJING[:6] + "********" + BEIJING[-4:] and BEIJING not in str(
        rows["x"].__dict__
    )
    assert "外省" in rows["x"].reason and "已撤销" in rows["y"].reason
    again = run_all()  # idempotent: listed once, nothing raised
    assert again.potential["unroutable"] == 2 and again.potential["unroutable_listed"] == 0
    assert UnroutableRecord.unscoped.count() == 2 and not PotentialCase.unscoped.exists()


def test_a_person_routed_by_another_record_is_not_unroutable(scan_env):
    write_batch(4, "disability", [outsider("x", BEIJING, "")], masked=True)
    write_batch(5, "disaster", [
        {"person": None, "record_id": "z", "id_number": BEIJING, "name": "赵大", "region_code": T1,
         "event": "洪涝", "occurred_on": D(2025, 7, 10), "dwelling_damage": "severe"},
    ], masked=True)  # fmt: skip
    run_all()
    [case] = PotentialCase.unscoped.all()
    assert case.region_code == T1 and len(case.signals) == 2
    assert not UnroutableRecord.unscoped.exists()


def test_a_failed_scan_is_finished_by_rerunning(scan_env, households, tmp_path, monkeypatch):
    from doudi.monitoring.scans import discovery, scan

    batch = import_bad_batch(tmp_path, "disability")
    real = discovery.find
    monkeypatch.setattr(discovery, "find", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(CommandError, match="监测预警扫描未完成"):
        match_run("--batch", str(batch.pk))
    assert batch.pk in scan.pending_batches() and not EarlyWarning.unscoped.exists()  # nothing half written
    monkeypatch.setattr(discovery, "find", real)
    lines = match_run("--all-pending")  # nothing left to link: the pending scan is completed
    assert "records unroutable: 3" in lines and scan.pending_batches() == []
    cases = PotentialCase.unscoped.count()
    assert match_run("--all-pending") == ["没有待比对的批次"]  # and done once
    assert PotentialCase.unscoped.count() == cases


def test_indicator_parameters_of_a_region_outside_the_tree_fall_back():
    from doudi.monitoring.scans import params

    for code in ("110101001000", "abc", "", "222499000000"):
        row = params.resolve(code, "urban", D(2025, 8, 1))
        assert row["dl_red"] > 0 and row["new_on"] is True


def test_the_province_officer_sees_and_exports_the_unroutable_list(scan_env, client, make_user, households,
                                                                   tmp_path):  # fmt: skip
    from openpyxl import load_workbook

    batch = import_bad_batch(tmp_path, "disability")
    match_run("--batch", str(batch.pk))
    client.force_login(make_user("province_officer", "220000000000"))
    home = client.get("/monitoring/unroutable/")
    assert home.status_code == 200
    page = home.content.decode()
    assert "赵外省" in page and "钱旧县" in page and BEIJING not in page
    assert BEIJING[:6] + "********" + BEIJING[-4:] in page and "身份证号所属地在外省" in page
    assert 'href="/monitoring/unroutable/"' in page  # in the province officer's navigation
    export = client.get("/monitoring/unroutable/export/")
    assert export.status_code == 200
    ws = load_workbook(io.BytesIO(export.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "批次" and len(rows) == 4 and BEIJING not in str(rows)
    # the batch page counts the routing of its scan
    batch_page = client.get(f"/exchange/{batch.pk}/").content.decode()
    assert "按身份证号所属县分派" in batch_page and "无法分派" in batch_page


@pytest.mark.parametrize(
    "role,region", [("county_officer", "222401000000"), ("city_officer", "222400000000")]
)
def test_other_roles_may_not_open_the_unroutable_list(scan_env, client, make_user, role, region):
    write_batch(3, "disability", [outsider("x", BEIJING, "")], masked=True)
    run_all()
    client.force_login(make_user(role, region))
    assert client.get("/monitoring/unroutable/").status_code == 403
    assert client.get("/monitoring/unroutable/export/").status_code == 403
    assert 'href="/monitoring/unroutable/"' not in client.get("/monitoring/warnings/").content.decode()


def test_a_malformed_region_does_not_pass_for_a_county_in_the_store(scan_env, households, tmp_path):
    import pyarrow.parquet as pq

    from doudi.core import store

    batch = import_bad_batch(tmp_path, "death")
    table = pq.read_table(store.records_path(batch.pk), columns=["record_id", "county_code"]).to_pylist()
    county = {r["record_id"]: r["county_code"] for r in table}
    assert county["malformed"] == "222401"  # from the number, not "abc-延"
    assert county["registry-bad-region"] == "222401" and county["good"] == "220102"
    assert county["other-province-region"] == "110101"  # the region the record names


def test_the_next_background_scan_finishes_a_batch_whose_scan_failed(scan_env):
    from doudi.monitoring.scans import scan
    from doudi.pipeline.tasks import scan_batch_task

    write_batch(1, "disability", [outsider("x", YANJI, T1)], masked=True)  # its scan never completed
    write_batch(2, "disability", [outsider("y", YANJI_B, T1)], masked=True)
    assert scan.pending_batches() == [1, 2]
    scan_batch_task.call(2)
    assert scan.pending_batches() == [] and PotentialCase.unscoped.count() == 2


def test_the_province_transfers_an_unroutable_person_to_a_county(scan_env, client, make_user):
    write_batch(3, "disability", [outsider("x", BEIJING, "")], masked=True)
    write_batch(4, "disaster", [
        {"person": None, "record_id": "z", "id_number": BEIJING, "name": "赵大", "region_code": "",
         "event": "洪涝", "occurred_on": D(2025, 7, 10), "dwelling_damage": "severe"},
    ], masked=True)  # fmt: skip
    run_all()
    assert UnroutableRecord.unscoped.count() == 2
    county = make_user("county_officer", "222401000000")
    client.force_login(county)
    first = UnroutableRecord.unscoped.order_by("id").first()
    assert (
        client.post(f"/monitoring/unroutable/{first.pk}/transfer/", {"county": "222401000000"}).status_code
        == 403
    )
    client.force_login(make_user("province_officer", "220000000000"))
    page = client.get("/monitoring/unroutable/").content.decode()
    assert 'class="action-form transfer-form"' in page and "延吉市" in page
    response = client.post(f"/monitoring/unroutable/{first.pk}/transfer/", {"county": "222401000000"})
    assert response.status_code == 302
    [case] = PotentialCase.unscoped.all()
    assert case.region_code == "222401000000" and case.id_index and len(case.signals) == 2
    [w] = EarlyWarning.unscoped.filter(potential_case=case)
    assert (w.status, w.region_code) == ("raised", "222401000000")  # the county dispatches it
    assert set(UnroutableRecord.unscoped.values_list("routed_to", flat=True)) == {"222401000000"}
    assert "已转交延吉市" in client.get("/monitoring/unroutable/").content.decode()
    client.post(f"/monitoring/unroutable/{first.pk}/transfer/", {"county": "222401000000"})  # refused, no dup
    assert PotentialCase.unscoped.count() == 1 and EarlyWarning.unscoped.count() == 1
    run_all()  # a later scan does not list the person again
    assert UnroutableRecord.unscoped.count() == 2 and PotentialCase.unscoped.count() == 1

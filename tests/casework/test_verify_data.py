"""The verification read (``verify_data.find_records``) against a store of linked batches: batches
written as intake and matching write them (the scan tests' ``write_batch``) and one loaded and linked
end to end through the exchange and the pipeline; the records found go through the rules into a report."""

from __future__ import annotations

import csv
import datetime as dt
import os
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from doudi import linked_store
from doudi.casework import verify_data
from doudi.casework.verify_rules import ITEMS, compare, overall
from doudi.core.scoping import all_regions
from doudi.datasets import DATASETS
from tests.monitoring_scan.conftest import make_family, store_dir, write_batch  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
D = dt.date
AS_OF = D(2025, 8, 1)


@pytest.fixture
def family(regions, store_dir):  # noqa: F811 - the fixture imported above
    return make_family(
        "H-V1",
        members=[("金明哲", D(1960, 3, 1), True, "head", {}), ("朴英子", D(1962, 7, 9), False, "spouse", {})],
    )


def index(*batch_ids: int) -> None:
    linked_store.build_person_indexes(batch_ids)


def by_item(rows, person, item):
    (r,) = [r for r in rows if r.person_id == person.pk and r.item == item]
    return r


def test_the_items_read_datasets_of_the_catalog():
    for item in ITEMS:
        assert set(item.datasets) <= set(DATASETS), item.key


def test_vehicle_found_with_source_and_as_of_then_mismatch_and_fail(family):
    head, spouse = family.members
    write_batch(901, "vehicle", [{"person": head, "vehicle_type": "小型轿车", "registered_on": D(2019, 5, 6)},
                                 {"person": None, "vehicle_type": "货车"}], as_of=D(2025, 6, 30))  # fmt: skip
    index(901)
    found = verify_data.find_records([head.pk, spouse.pk], AS_OF)
    assert len(found) == 1
    (f,) = found
    assert (f.person_id, f.dataset, f.batch_id, f.as_of) == (head.pk, "vehicle", 901, D(2025, 6, 30))
    assert f.department == "公安" and f.fields["vehicle_type"] == "小型轿车"
    assert f.fields["registered_on"] == D(2019, 5, 6)
    rows = compare(None, {}, found, persons=[head.pk, spouse.pk])
    v = by_item(rows, head, "vehicles")
    assert (v.result, v.found, v.department, v.as_of) == (
        "mismatch", "小型轿车 1 辆（登记于 2019-05-06）", "公安", D(2025, 6, 30),
    )  # fmt: skip
    assert by_item(rows, spouse, "vehicles").result == "no_data"
    out = overall(rows)
    assert out.result == "fail" and "机动车" in out.reasons[0]


def test_person_without_linked_records_has_no_data_and_off_list_items_are_commitment(family):
    head, spouse = family.members
    write_batch(
        902, "real_estate", [{"person": head, "property_type": "residential", "floor_area": Decimal("60")}]
    )
    index(902)
    found = verify_data.find_records([spouse.pk], AS_OF)
    assert found == []
    items = ["death", "vehicles", "household_registration"]
    rows = compare(items, {}, found, persons=[spouse.pk])
    assert {r.result for r in rows if r.item in items} == {"no_data"}
    assert by_item(rows, spouse, "real_estate").result == "commitment"
    assert by_item(rows, spouse, "real_estate").result_label == "承诺确认"


def test_batches_after_the_date_are_ignored_and_the_latest_register_wins(family):
    head, _ = family.members
    two = [{"person": head, "property_type": "residential", "floor_area": Decimal("50")},
           {"person": head, "property_type": "residential", "floor_area": Decimal("70")}]  # fmt: skip
    write_batch(903, "real_estate", two, as_of=D(2025, 3, 31))
    write_batch(904, "real_estate", two[:1], as_of=D(2025, 6, 30))
    write_batch(905, "real_estate", [*two, two[0]], as_of=D(2025, 9, 30))
    index(903, 904, 905)
    assert [f.batch_id for f in verify_data.find_records([head.pk], D(2025, 4, 1))] == [903, 903]
    assert [f.batch_id for f in verify_data.find_records([head.pk], AS_OF)] == [904]
    assert [f.batch_id for f in verify_data.find_records([head.pk], D(2025, 10, 1))] == [905] * 3
    rows = compare(None, {(head.pk, "real_estate"): 1}, verify_data.find_records([head.pk], AS_OF))
    assert by_item(rows, head, "real_estate").result == "match"
    assert overall(rows).result == "pass"


def test_events_all_count_death_found(family):
    head, spouse = family.members
    write_batch(906, "death", [{"person": spouse, "died_on": D(2025, 5, 2)}], as_of=D(2025, 5, 31))
    write_batch(907, "household_registration", [
        {"person": head, "event": "move_in", "event_on": D(2020, 1, 2)}], as_of=D(2025, 1, 31))  # fmt: skip
    write_batch(908, "household_registration", [
        {"person": head, "event": "move_out", "event_on": D(2025, 6, 2)}], as_of=D(2025, 6, 30))  # fmt: skip
    index(906, 907, 908)
    found = verify_data.find_records([head.pk, spouse.pk], AS_OF)
    assert sorted((f.person_id, f.batch_id) for f in found) == sorted(
        [(spouse.pk, 906), (head.pk, 907), (head.pk, 908)]
    )
    rows = compare(None, {}, found, persons=[head.pk, spouse.pk])
    death = by_item(rows, spouse, "death")
    assert (death.result, death.found, death.as_of) == ("mismatch", "死亡日期 2025-05-02", D(2025, 5, 31))
    assert by_item(rows, head, "death").result == "no_data"
    reg = by_item(rows, head, "household_registration")
    assert reg.result == "mismatch" and reg.found == "户籍迁出（2025-06-02）"
    out = overall(rows)
    assert out.result == "pass" and len(out.corrections) == 2


def test_pension_found_latest_month(family):
    head, _ = family.members
    write_batch(909, "social_insurance", [{"person": head, "month": "2025-06", "pension_monthly": Decimal("1200")}],
                as_of=D(2025, 7, 5))  # fmt: skip
    write_batch(910, "social_insurance", [{"person": head, "month": "2025-07", "pension_monthly": Decimal("1250")}],
                as_of=D(2025, 8, 1))  # fmt: skip
    index(909, 910)
    found = verify_data.find_records([head.pk], AS_OF)
    assert [(f.batch_id, f.fields["pension_monthly"]) for f in found] == [(910, Decimal("1250.00"))]
    rows = compare(None, {(head.pk, "social_insurance"): 0}, found)
    s = by_item(rows, head, "social_insurance")
    assert (s.result, s.found, s.department) == (
        "mismatch",
        "2025-07 月养老金 1,250 元",
        "人力资源和社会保障",
    )
    assert overall(rows).result == "pass"


def test_without_or_with_a_stale_index_the_files_answer_the_same(family):
    head, spouse = family.members
    rows = [{"person": head, "vehicle_type": "小型轿车"}, {"person": spouse, "vehicle_type": "摩托车"},
            {"person": None, "vehicle_type": "货车"}]  # fmt: skip
    write_batch(911, "vehicle", rows)
    (batch,) = linked_store.linked_batches([911])
    assert not linked_store.person_index_current(batch)
    plain = verify_data.find_records([head.pk, spouse.pk], AS_OF)
    assert sorted(f.fields["vehicle_type"] for f in plain) == ["小型轿车", "摩托车"]
    index(911)
    assert linked_store.person_index_current(batch)
    meta = pq.read_schema(batch.person_index).metadata
    assert meta[b"doudi.dataset"] == b"vehicle"
    assert pq.read_table(batch.person_index).column("person_id").to_pylist() == sorted([head.pk, spouse.pk])
    assert verify_data.find_records([head.pk, spouse.pk], AS_OF) == plain
    # relinked: the spouse's record now matches nobody; the old index is stale and not read
    write_batch(911, "vehicle", [rows[0], {**rows[1], "person": None}, rows[2]])
    st = batch.links.stat()
    os.utime(batch.links, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert not linked_store.person_index_current(batch)
    assert [f.person_id for f in verify_data.find_records([head.pk, spouse.pk], AS_OF)] == [head.pk]


def test_a_batch_loaded_and_linked_through_the_pipeline(family, tmp_path, settings):
    from doudi.exchange import actions
    from doudi.pipeline import steps

    settings.DATA_DIR = tmp_path / "data"
    head, spouse = family.members
    path = tmp_path / "death.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "id_number", "name", "sex", "birth_date", "region_code", "died_on"])
        w.writerow(["d1", spouse.id_number(), spouse.name, "", "", "", "2025-01-02"])
        w.writerow(["d2", "", "赵无名", "M", "1999-09-09", "222401", "2025-01-03"])
    with all_regions():
        receipt = actions.import_file(actor="test", path=path, dataset="death", provider="civil_affairs",
                                      as_of=D(2025, 1, 31), workers=1)  # fmt: skip
        steps.link([receipt.batch.pk])
    (batch,) = linked_store.linked_batches([receipt.batch.pk])
    assert linked_store.person_index_current(batch)  # written by the pipeline's link step
    found = verify_data.find_records([head.pk, spouse.pk], AS_OF)
    assert [(f.person_id, f.department, f.as_of, f.fields["died_on"]) for f in found] == [
        (spouse.pk, "民政", D(2025, 1, 31), D(2025, 1, 2))
    ]
    assert verify_data.find_records([head.pk, spouse.pk], D(2025, 1, 30)) == []

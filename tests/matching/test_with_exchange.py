"""End to end with the intake: a department file loaded by ``doudi.exchange`` (its blind indexes,
names and pinyin) is linked to registry persons exported from the database, and the batch is marked
linked. This is where the store contract between the two apps is checked."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from doudi.core import idnumber
from doudi.core.scoping import all_regions
from doudi.matching import batches, store

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not apps.is_installed("doudi.exchange"), reason="doudi.exchange is not installed"),
]

# registry persons of tests/conftest.py ``households``
JIN = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)  # 金明哲
WANG = idnumber.make("220102", dt.date(1960, 1, 15), 100, male=True)  # 王建国
FULLWIDTH = JIN.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
WANG_TYPO = WANG[:15] + str((int(WANG[15]) + 1) % 10) + WANG[16:]

ROWS = [
    # record_id, id_number, name, sex, birth_date, region_code, expected method, expected person
    ("d1", JIN, "金明哲", "M", "", "", "exact", "P-YJ1-1"),
    ("d2", FULLWIDTH, "金 明哲", "", "", "", "exact", "P-YJ1-1"),
    ("d3", JIN[:6] + JIN[8:17], "金明哲", "", "", "", "upgraded15", "P-YJ1-1"),
    ("d4", WANG_TYPO, "王建国", "男", "", "220102", "repaired", "P-NG1-1"),
    ("d5", "", "李春花", "女", "1985-05-20", "222401002000", "demographic", "P-YJ2-1"),
    ("d6", "", "李春华", "F", "1985-05-20", "222401002000", "probabilistic", "P-YJ2-1"),
    ("d7", "", "赵无名", "M", "1999-09-09", "222401", "none", ""),
]


@pytest.fixture
def death_batch(store_dir, households, tmp_path):
    from doudi.exchange import actions

    path = tmp_path / "death.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "id_number", "name", "sex", "birth_date", "region_code", "died_on"])
        for r in ROWS:
            w.writerow([*r[:6], "2025-01-02"])
    with all_regions():
        receipt = actions.import_file(
            actor="test",
            path=path,
            dataset="death",
            provider="public_security",
            as_of=dt.date(2025, 1, 31),
            workers=1,
        )
    assert receipt.batch.status == "loaded" and receipt.batch.rows_loaded == len(ROWS)
    return receipt.batch


def test_loaded_batch_is_linked_and_marked(death_batch, tmp_path):
    from doudi.exchange.models import Batch

    assert batches.pending_batch_ids() == [death_batch.pk]
    out = io.StringIO()
    call_command("match", "run", "--all-pending", stdout=out)
    assert f"batch: {death_batch.pk}" in out.getvalue().splitlines()
    batch = Batch.unscoped.get(pk=death_batch.pk)
    assert batch.status == "linked" and batch.linked_at is not None
    assert batch.link_summary["records"] == len(ROWS)
    for method in store.METHODS:
        assert batch.link_summary[method] == sum(r[6] == method for r in ROWS), method
    assert batches.pending_batch_ids() == []

    csv_path = tmp_path / "links.csv"
    call_command(
        "match", "export", "--batch", str(death_batch.pk), "--out", str(csv_path), stdout=io.StringIO()
    )
    with csv_path.open(encoding="utf-8") as fh:
        got = {r["record_id"]: (r["method"], r["person_key"]) for r in csv.DictReader(fh)}
    assert got == {r[0]: (r[6], r[7]) for r in ROWS}


def test_relinking_a_linked_batch_is_allowed(death_batch):
    call_command("match", "run", "--batch", str(death_batch.pk), stdout=io.StringIO())
    first = store.links_path(death_batch.pk).read_bytes()
    call_command("match", "run", "--batch", str(death_batch.pk), stdout=io.StringIO())
    assert store.links_path(death_batch.pk).read_bytes() == first


def test_pending_without_the_exchange_app_are_stored_batches_without_links(store_dir, monkeypatch):
    from tests.support import store_records

    monkeypatch.setattr(batches, "exchange_installed", lambda: False)
    store_records.write_batch(3, [store_records.record("a", name="甲")])
    store_records.write_batch(4, [store_records.record("b", name="乙")])
    store.links_path(4).write_bytes(b"")
    assert batches.pending_batch_ids() == [3]

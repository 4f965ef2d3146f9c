"""End to end with the intake: a department file loaded by ``doudi.exchange`` (its blind indexes,
names and pinyin) is linked by ``doudi.matching`` to registry persons exported from the database, and
the pipeline marks the batch linked. This is where the store contract between the two stages is
checked."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from doudi.core import idnumber, store
from doudi.core.scoping import all_regions
from doudi.pipeline import steps

pytestmark = pytest.mark.django_db

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

    assert steps.pending_linkage() == [death_batch.pk]
    out = io.StringIO()
    call_command("match", "run", "--all-pending", stdout=out)
    assert f"batch: {death_batch.pk}" in out.getvalue().splitlines()
    batch = Batch.unscoped.get(pk=death_batch.pk)
    assert batch.status == "linked" and batch.linked_at is not None
    assert batch.link_summary["records"] == len(ROWS)
    for method in store.METHODS:
        assert batch.link_summary[method] == sum(r[6] == method for r in ROWS), method
    assert steps.pending_linkage() == []

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

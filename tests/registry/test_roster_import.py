"""The registry roster import (exchange contract "Registry roster"; DOMAIN R-H1, R-H4)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from doudi.core import crypto, idnumber
from doudi.core.audit import verify_chain
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.registry import bulk_sql, roster
from doudi.registry.identity import index_for
from doudi.registry.models import (
    CategoryStatus,
    Household,
    HouseholdFact,
    ImportBatch,
    Membership,
    Person,
    PersonFact,
)
from doudi.registry.roster import RosterFileError, import_roster

from ..conftest import NANGUAN_T1, YANJI, YANJI_T1, YANJI_T2

HEADER = ["household_key", "person_key", "id_number", "name", "sex", "birth_date", "relation",
          "region_code", "area_type", "category", "since"]  # fmt: skip
D0, D1, D2 = dt.date(2024, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 7, 1)
ID_HEAD = idnumber.make("222401", dt.date(1950, 3, 1), 10, male=True)
ID_WIFE = idnumber.make("222401", dt.date(1952, 7, 9), 11, male=False)
ID_CHEN = idnumber.make("220102", dt.date(1985, 5, 20), 12, male=False)


def base_rows():
    return [
        ["H1", "P1", ID_HEAD, "金明哲", "男", "", "户主", YANJI_T1, "城市", "DIBAO", "2023-03-01"],
        ["H1", "P2", ID_WIFE.lower(), "朴英子", "", "", "spouse", YANJI_T1, "urban", "DIBAO", ""],
        ["H2", "P3", ID_CHEN, "陈丽", "F", "", "head", NANGUAN_T1[:6], "rural", "TEKUN", ""],
    ]


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def load(path, as_of=D0, **kw):
    with all_regions():
        return import_roster(path, actor="test", as_of=as_of, **kw)


def table_counts():
    models = (Person, Household, Membership, CategoryStatus, PersonFact, HouseholdFact)
    with all_regions():
        return {m.__name__: m.unscoped.count() for m in models}


def open_on(qs, d, start="valid_from", end="valid_to"):
    return qs.filter(**{f"{start}__lte": d}).filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": d}))


def person(key):
    return Person.unscoped.get(person_key=key)


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_load_everything(regions, tmp_path, encoding):
    rep = load(write_csv(tmp_path / "r.csv", base_rows(), encoding=encoding))
    assert (rep.rows_read, rep.created, rep.rejected) == (3, 3, 0)
    assert (rep.persons_total, rep.households_total) == (3, 2)
    p1, p2, p3 = person("P1"), person("P2"), person("P3")
    assert (p1.name, p2.name, p3.name) == ("金明哲", "朴英子", "陈丽")
    assert p1.sex == "M" and p1.relation == "head" and p1.birth_date == dt.date(1950, 3, 1)
    assert p2.sex == "F" and p2.id_status == "valid" and p2.id_number() == ID_WIFE  # lower-case x folded
    assert p3.region_code == NANGUAN_T1[:6] + "000000"  # 6-digit county code padded
    h1 = Household.unscoped.get(household_key="H1")
    assert (h1.region_code, h1.area_type) == (YANJI_T1, "urban")
    assert p1.household == p2.household == h1
    assert len(p1.roster_hash) == 32
    m = Membership.unscoped.get(person=p1)
    assert (m.valid_from, m.valid_to, m.relation, m.source, m.source_ref) == (D0, None, "head", "roster", str(rep.batch_id))  # fmt: skip
    cats = {c.person.person_key: (c.category, c.since) for c in CategoryStatus.unscoped.all()}
    assert cats == {"P1": ("DIBAO", dt.date(2023, 3, 1)), "P2": ("DIBAO", D0), "P3": ("TEKUN", D0)}
    loc = HouseholdFact.unscoped.get(household=h1, kind="location")
    assert loc.value == {"region_code": YANJI_T1, "area_type": "urban"} and loc.valid_from == D0
    batch = ImportBatch.unscoped.get(pk=rep.batch_id)
    assert (batch.status, batch.rows_read, batch.rows_loaded, batch.rows_rejected) == ("loaded", 3, 3, 0)
    ev = AuditEvent.unscoped.get(action="registry.roster_import")
    assert ev.subject_id == str(rep.batch_id) and ev.after["created"] == 3
    assert verify_chain().ok


@pytest.mark.django_db
def test_xlsx_with_excel_dates(regions, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER + ["备注"])
    ws.append(["H1", "P1", ID_HEAD, "金明哲", "M", dt.datetime(1950, 3, 2), "head", int(YANJI_T1), "urban", "DIBAO", dt.datetime(2023, 5, 1), "低保户"])  # fmt: skip
    ws.append([None] * 12)  # an empty row is skipped
    ws.append(["H1", "P2", None, "朴英子", "F", "1952-07-09", "spouse", YANJI_T1, "urban", None, None, None])
    ws.append(["H1", "P9", None, "错", "F", "1952-13-09", "spouse", YANJI_T1, "urban", None, None, None])
    wb.save(tmp_path / "r.xlsx")
    rep = load(tmp_path / "r.xlsx")
    assert (rep.created, rep.rejected) == (2, 1)
    assert rep.errors == [{"line": 5, "column": "birth_date", "reason": "日期格式错误：1952-13-09，应为 YYYY-MM-DD"}]  # fmt: skip
    p1 = person("P1")
    assert p1.birth_date == dt.date(1950, 3, 2)  # recorded date kept over the number's (R-H1)
    assert rep.identity_conflicts == 1
    assert CategoryStatus.unscoped.get(person=p1).since == dt.date(2023, 5, 1)
    assert person("P2").id_status == "missing" and person("P2").birth_date == dt.date(1952, 7, 9)
    assert rep.extra_columns == ["备注"]
    fact = PersonFact.unscoped.get(person=p1, kind="identity")
    assert fact.value is None and fact.data()["raw"] == {"备注": "低保户"}  # extra column kept, encrypted


@pytest.mark.django_db
def test_parquet(regions, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = base_rows()
    cols = {h: [r[i] or None for r in rows] for i, h in enumerate(HEADER)}
    cols["birth_date"] = [dt.date(1950, 3, 1), None, dt.date(1985, 5, 20)]
    cols["since"] = [dt.date(2023, 3, 1), None, None]
    pq.write_table(pa.table(cols), tmp_path / "r.parquet")
    rep = load(tmp_path / "r.parquet")
    assert (rep.created, rep.rejected) == (3, 0)
    assert person("P3").birth_date == dt.date(1985, 5, 20)
    assert CategoryStatus.unscoped.get(person__person_key="P1").since == dt.date(2023, 3, 1)


@pytest.mark.django_db
def test_missing_required_column_refuses_the_file(regions, tmp_path):
    header = [h for h in HEADER if h != "relation"]
    path = write_csv(tmp_path / "r.csv", [r[:6] + r[7:] for r in base_rows()], header=header)
    with pytest.raises(RosterFileError, match="缺少必需的列：relation"):
        load(path)
    assert table_counts()["Person"] == 0 and not ImportBatch.unscoped.exists()
    with pytest.raises(CommandError, match="缺少必需的列") as exc, all_regions():
        call_command("registry", "import", str(path))
    assert exc.value.returncode == 2


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_numbers_and_good_rows_load(regions, tmp_path):
    rows = base_rows() + [
        ["H3", "P4", "", "赵一", "", "", "head", "222499001000", "urban", "", ""],  # line 5
        [""] * 11,  # an all-empty line (line 6) is skipped, not an error
        ["H3", "P5", "", "赵二", "", "", "uncle", YANJI_T2, "urban", "", ""],  # 7
        ["H3", "P6", "", "赵三", "", "", "child", YANJI_T2, "suburb", "", ""],  # 8
        ["H3", "P7", "", "赵四", "", "1990-02-30", "child", YANJI_T2, "urban", "", ""],  # 9
        ["H3", "P8", "", " ", "", "", "child", YANJI_T2, "urban", "", ""],  # 10
        ["H2", "P3", ID_CHEN, "陈丽", "F", "", "head", NANGUAN_T1, "rural", "TEKUN", ""],  # 11 duplicate
        ["H3", "P9", "", "赵五", "", "", "child", YANJI_T2, "urban", "VIP", ""],  # 12
        ["H4", "P10", "", "钱一", "X", "", "head", "220000000000", "urban", "", ""],  # 13
        ["H5", "P11", "", "孙一", "", "", "head", YANJI_T2, "urban", "", "2024-01-01"],  # 14 good
    ]
    rep = load(write_csv(tmp_path / "r.csv", rows))
    got = {(e["line"], e["column"], e["reason"].split("：")[0]) for e in rep.errors}
    assert got == {
        (5, "region_code", "区划代码不存在"),
        (7, "relation", "与户主关系无效"),
        (8, "area_type", "城乡类别无效"),
        (9, "birth_date", "日期格式错误"),
        (10, "name", "姓名为空"),
        (11, "person_key", "人员编号重复"),
        (12, "category", "救助类别无效"),
        (13, "sex", "性别无效"),
        (13, "region_code", "区划代码应为县级或乡镇级代码"),
    }
    assert (rep.rows_read, rep.created, rep.rejected) == (12, 4, 8)
    assert rep.rejected_by_reason["区划代码不存在"] == 1
    assert set(Person.unscoped.values_list("person_key", flat=True)) == {"P1", "P2", "P3", "P11"}
    assert ImportBatch.unscoped.get(pk=rep.batch_id).errors == rep.errors
    out = io.StringIO()
    with all_regions():
        call_command("registry", "import", str(tmp_path / "r.csv"), stdout=out)
    lines = out.getvalue().splitlines()
    assert "第 5 行 [region_code] 区划代码不存在：222499001000" in lines
    assert "unchanged: 4" in lines and "rejected: 8" in lines
    assert lines[-1] == "persons: 4"


@pytest.mark.django_db
def test_rows_contradicting_their_household_are_rejected(regions, tmp_path):
    rows = base_rows() + [["H1", "P4", "", "金小", "", "", "child", YANJI_T2, "urban", "", ""]]
    rep = load(write_csv(tmp_path / "r.csv", rows))
    assert rep.errors == [{"line": 5, "column": "region_code",
                           "reason": f"与同户其他行的区划代码不一致：第 2 行为 {YANJI_T1}"}]  # fmt: skip


@pytest.mark.django_db
def test_identity_numbers_invalid_kept_and_15_digit_upgraded(regions, tmp_path):
    legacy = ID_CHEN[:6] + ID_CHEN[8:17]
    rows = [
        [
            "H1",
            "P1",
            ID_HEAD[:17] + ("0" if ID_HEAD[17] != "0" else "1"),
            "金明哲",
            "",
            "",
            "head",
            YANJI_T1,
            "urban",
            "",
            "",
        ],  # fmt: skip
        ["H1", "P2", "12345", "朴英子", "", "", "spouse", YANJI_T1, "urban", "", ""],
        ["H2", "P3", legacy, "陈丽", "", "", "head", NANGUAN_T1, "urban", "", ""],
        ["H2", "P4", "", "陈小", "", "", "child", NANGUAN_T1, "urban", "", ""],
    ]
    rep = load(write_csv(tmp_path / "r.csv", rows))
    assert rep.created == 4 and rep.rejected == 0
    assert rep.id_status == {"invalid": 2, "upgraded15": 1, "missing": 1}
    p1, p2, p3 = person("P1"), person("P2"), person("P3")
    assert (p1.id_status, p1.id_problem) == ("invalid", "bad_check") and p1.birth_date is None
    assert p2.id_number() == "12345"  # kept as recorded, never "fixed"
    assert p3.id_status == "upgraded15" and p3.id_index == index_for(ID_CHEN)
    assert p3.birth_date == dt.date(1985, 5, 20) and p3.sex == "F"
    assert person("P4").id_status == "missing" and person("P4").id_index is None


@pytest.mark.django_db
def test_reimport_is_idempotent(regions, tmp_path):
    rows = base_rows() + [["H3", "P4", "", "赵一", "", "", "head", YANJI_T2, "urban", "", ""]]
    path = write_csv(tmp_path / "r.csv", [r + ["x"] for r in rows], header=HEADER + ["note"])
    load(path)
    before = table_counts()
    hashes = dict(Person.unscoped.values_list("person_key", "roster_hash"))
    rep = load(path, as_of=D1)
    assert (rep.created, rep.changed, rep.unchanged, rep.rejected) == (0, 0, 4, 0)
    assert table_counts() == before
    assert dict(Person.unscoped.values_list("person_key", "roster_hash")) == hashes
    assert ImportBatch.unscoped.get(pk=rep.batch_id).rows_unchanged == 4
    assert ImportBatch.unscoped.count() == 2


@pytest.fixture
def loaded(regions, tmp_path):
    rows = base_rows() + [["H3", "P4", "", "赵一", "", "", "head", YANJI_T2, "rural", "", ""]]
    load(write_csv(tmp_path / "first.csv", rows), as_of=D0)
    return rows


@pytest.mark.django_db
def test_changed_rows_become_dated_facts(loaded, tmp_path):
    rows = [list(r) for r in loaded]
    rows[1][0] = "H3"  # P2 moves from H1 to H3 (in another township)
    rows[1][6] = "head"
    rows[0][9], rows[0][10] = "TEKUN", "2025-03-01"  # P1: DIBAO → TEKUN from a stated date
    rows[2][6] = "other"  # P3: relation change only
    rows[1][7], rows[1][8] = YANJI_T2, "rural"
    rep = load(write_csv(tmp_path / "second.csv", rows), as_of=D1)
    assert (rep.created, rep.changed, rep.unchanged, rep.rejected) == (0, 3, 1, 0)

    p1, p2, p3 = person("P1"), person("P2"), person("P3")
    h1, h3 = Household.unscoped.get(household_key="H1"), Household.unscoped.get(household_key="H3")
    m2 = list(Membership.unscoped.filter(person=p2).order_by("valid_from"))
    assert [(m.household_id, m.valid_from, m.valid_to) for m in m2] == [(h1.id, D0, D1), (h3.id, D1, None)]
    assert (p2.household_id, p2.relation, p2.region_code) == (h3.id, "head", YANJI_T2)
    c1 = list(CategoryStatus.unscoped.filter(person=p1).order_by("since"))
    assert [(c.category, c.since, c.until) for c in c1] == [
        ("DIBAO", dt.date(2023, 3, 1), dt.date(2025, 3, 1)),
        ("TEKUN", dt.date(2025, 3, 1), None),
    ]
    # P2 keeps DIBAO but in the new household, from the move
    c2 = list(CategoryStatus.unscoped.filter(person=p2).order_by("since"))
    assert [(c.household_id, c.since, c.until) for c in c2] == [(h1.id, D0, D1), (h3.id, D1, None)]
    m3 = list(Membership.unscoped.filter(person=p3).order_by("valid_from"))
    assert [(m.relation, m.valid_to) for m in m3] == [("head", D1), ("other", None)]

    # "household H1 as of a date": before the change both members, after only the head
    def on(d):
        qs = open_on(Membership.unscoped.filter(household=h1), d)
        return sorted(qs.values_list("person__person_key", flat=True))

    def cat(d):
        return open_on(CategoryStatus.unscoped.filter(person=p1), d, "since", "until").get().category

    assert on(dt.date(2024, 12, 31)) == ["P1", "P2"] and on(D1) == ["P1"]
    assert (cat(dt.date(2025, 2, 28)), cat(dt.date(2025, 3, 1))) == ("DIBAO", "TEKUN")
    assert ImportBatch.unscoped.get(pk=rep.batch_id).rows_loaded == 3


@pytest.mark.django_db
def test_household_move_propagates_region_and_keeps_the_location_history(loaded, tmp_path):
    rows = [list(r) for r in loaded]
    for r in rows[:2]:
        r[7], r[8] = YANJI_T2, "rural"
    rep = load(write_csv(tmp_path / "second.csv", rows), as_of=D1)
    assert (rep.changed, rep.households_moved) == (2, 1)
    h1 = Household.unscoped.get(household_key="H1")
    assert (h1.region_code, h1.area_type) == (YANJI_T2, "rural")
    assert set(Person.unscoped.filter(household=h1).values_list("region_code", flat=True)) == {YANJI_T2}
    assert set(Membership.unscoped.filter(household=h1).values_list("region_code", flat=True)) == {YANJI_T2}
    assert set(CategoryStatus.unscoped.filter(household=h1).values_list("region_code", flat=True)) == {
        YANJI_T2
    }
    locs = list(HouseholdFact.unscoped.filter(household=h1, kind="location").order_by("valid_from"))
    assert [(f.value["region_code"], f.valid_from, f.valid_to) for f in locs] == [(YANJI_T1, D0, D1), (YANJI_T2, D1, None)]  # fmt: skip
    # memberships are unchanged by a move of the whole household
    assert Membership.unscoped.filter(household=h1).count() == 2


@pytest.mark.django_db
def test_identity_change_is_a_dated_fact_and_history_is_kept(loaded, tmp_path):
    rows = [list(r) for r in loaded]
    new_id = idnumber.make("222401", dt.date(1950, 3, 1), 77, male=True)
    rows[0][2], rows[0][3] = new_id, "金明喆"
    load(write_csv(tmp_path / "second.csv", rows), as_of=D1)
    p1 = person("P1")
    assert (p1.name, p1.id_number(), p1.id_index) == ("金明喆", new_id, index_for(new_id))
    facts = list(PersonFact.unscoped.filter(person=p1, kind="identity").order_by("valid_from"))
    assert [(f.valid_from, f.valid_to) for f in facts] == [(D0, D1), (D1, None)]
    assert all(f.value is None and f.value_enc for f in facts)  # sensitive: encrypted
    assert facts[0].data()["name"] == "金明哲" and facts[0].data()["id_number"] == ID_HEAD
    assert facts[1].data()["name"] == "金明喆" and facts[1].data()["id_number"] == new_id
    assert ID_HEAD.encode() not in bytes(facts[0].value_enc)


@pytest.mark.django_db
def test_change_dated_before_the_open_facts_is_rejected(loaded, tmp_path):
    rows = [list(r) for r in loaded]
    rows[2][6] = "other"
    rep = load(write_csv(tmp_path / "second.csv", rows), as_of=dt.date(2023, 6, 1))
    assert rep.changed == 0 and rep.rejected == 1
    assert "晚于 2023-06-01 的家庭成员关系" in rep.errors[0]["reason"] and rep.errors[0]["line"] == 4
    assert person("P3").relation == "head"


@pytest.mark.django_db
def test_scope_code_rejects_rows_outside_the_region(loaded, tmp_path):
    rows = [list(r) for r in loaded] + [["H9", "P9", "", "新人", "", "", "head", YANJI_T2, "urban", "", ""]]
    rows[2][6] = "other"  # P3 in 南关区: outside 延吉市, must not change
    rep = load(write_csv(tmp_path / "second.csv", rows), as_of=D1, scope_code=YANJI)
    assert {e["line"] for e in rep.errors} == {4}
    assert rep.errors[0]["reason"].startswith("区划代码不在本辖区内")
    assert (rep.created, rep.unchanged) == (1, 3)
    assert person("P3").relation == "head"
    assert rep.persons_total == 4  # counts are of the scope only
    assert ImportBatch.unscoped.get(pk=rep.batch_id).region_code == YANJI


@pytest.mark.django_db
def test_chunked_load_matches_and_households_span_chunks(regions, tmp_path, monkeypatch):
    monkeypatch.setattr(roster, "CHUNK_ROWS", 2)
    rows = base_rows() + [
        ["H1", "P4", "", "金小", "", "", "child", YANJI_T1, "urban", "", ""],
        ["H1", "P5", "", "金小二", "", "", "child", YANJI_T2, "urban", "", ""],
    ]
    rep = load(write_csv(tmp_path / "r.csv", rows))
    assert (rep.created, rep.rejected, rep.households_total) == (4, 1, 2)
    assert Person.unscoped.filter(household__household_key="H1").count() == 3
    assert rep.errors[0]["line"] == 6


@pytest.mark.django_db
def test_failure_mid_import_leaves_nothing(regions, tmp_path, monkeypatch):
    monkeypatch.setattr(roster, "CHUNK_ROWS", 1)
    calls = {"n": 0}
    real = bulk_sql.BulkSql.insert

    def failing(self, model, fields, rows):
        if model is Person:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
        return real(self, model, fields, rows)

    monkeypatch.setattr(bulk_sql.BulkSql, "insert", failing)
    with pytest.raises(RuntimeError):
        load(write_csv(tmp_path / "r.csv", base_rows()))
    assert set(table_counts().values()) == {0}
    batch = ImportBatch.unscoped.get()
    assert batch.status == "failed" and "已全部回滚" in batch.errors[0]["reason"]


@pytest.mark.django_db
def test_failure_in_the_writer_thread_rolls_everything_back(regions, tmp_path, monkeypatch):
    real = bulk_sql.BulkSql._spec

    def broken(self, model, fields):
        table, *rest = real(self, model, fields)
        return ("registry_no_such_table" if model is Membership else table, *rest)

    monkeypatch.setattr(bulk_sql.BulkSql, "_spec", broken)
    with pytest.raises(Exception, match="registry_no_such_table"):
        load(write_csv(tmp_path / "r.csv", base_rows()))
    assert set(table_counts().values()) == {0}
    assert ImportBatch.unscoped.get().status == "failed"


@pytest.mark.django_db
def test_unreadable_files_are_refused(regions, tmp_path):
    (tmp_path / "bad.csv").write_bytes(b"\x81\x30\xff\xfe\x00 not text")
    with pytest.raises(RosterFileError, match="编码"):
        load(tmp_path / "bad.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 broken zip")
    with pytest.raises(RosterFileError, match="Excel"):
        load(tmp_path / "bad.xlsx")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(RosterFileError, match="文件为空"):
        load(tmp_path / "empty.csv")


def test_command_exit_code_2_on_unreadable_file(tmp_path):
    missing = tmp_path / "nope.csv"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DOUDI_DATA_DIR"] = str(tmp_path / "data")
    subprocess.run(
        [sys.executable, "-m", "doudi", "init"], env=env, check=True, capture_output=True, timeout=300
    )
    proc = subprocess.run([sys.executable, "-m", "doudi", "registry", "import", str(missing)],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 2
    assert "文件不存在" in proc.stderr


@pytest.mark.django_db
def test_command_output_ends_with_person_count(regions, tmp_path):
    path = write_csv(tmp_path / "r.csv", base_rows())
    out = io.StringIO()
    with all_regions():
        call_command("registry", "import", str(path), "--as-of", "2024-01-01", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "persons: 3"
    assert "created: 3" in lines and "rows read: 3" in lines
    assert Membership.unscoped.get(person__person_key="P1").valid_from == D0
    assert crypto.decrypt(bytes(person("P1").id_enc)) == ID_HEAD

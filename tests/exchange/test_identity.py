"""Identity numbers in the store: never in the clear, blind indexes equal to the registry's, the
15-digit form found by its 18-digit twin, repair candidates for a wrong check character — and the
set-based implementation equal to the row-by-row reference (``idnumber``, ``tests.support.store_records``)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi import datasets
from doudi.core import crypto, idnumber
from doudi.core import names as mnames
from doudi.exchange import blind, intake, workers
from doudi.exchange.ids import IdBatch, repair_candidates
from doudi.exchange.pinyin import names_and_pinyin
from tests.support.store_records import identity_columns

from .conftest import ID_A, ID_A15, ID_B, ID_B_WRONG_CHECK, ID_C, header_of, row_of, write_csv

KEY = b"k" * 32
DS = datasets.get("disability")
TODAY = dt.date.today()


def _variants(number: str) -> set[str]:
    """Digit runs that would give the number away (18, 17-digit body, 15-digit form)."""
    return {number, number[:17], number[:6] + number[8:17], number.lower()}


def test_no_plain_identity_number_anywhere_in_the_store(tmp_path):
    fullwidth = ID_C.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = [
        row_of(DS, "R1", ID_A),
        row_of(DS, "R2", ID_A15),
        row_of(DS, "R3", ID_B_WRONG_CHECK),
        row_of(DS, "R4", fullwidth),
        row_of(DS, "R5", " " + ID_B[:6] + " " + ID_B[6:]),
        row_of(DS, ID_C + "01", ID_C),  # a certificate number built from the identity number
        row_of(
            DS, "R7", ID_B, disability_grade="9"
        ),  # rejected: its number must not be in the error file either
        row_of(DS, "R8", ID_A, name=f"金{ID_B}"),
    ]
    header = header_of(DS) + ["监护人身份证"]
    rows = [r + [ID_C] for r in rows]
    res = intake.run(write_csv(tmp_path / "f.csv", header, rows), DS, tmp_path / "out", key=KEY, workers=1)
    assert res.rows_loaded == 7 and res.rows_rejected == 1
    blobs = b"".join(p.read_bytes() for p in (tmp_path / "out").iterdir())
    text = "\n".join(json.dumps(pq.read_table(p).to_pylist(), default=str, ensure_ascii=False)
                     for p in (tmp_path / "out").iterdir())  # fmt: skip
    for number in (ID_A, ID_B, ID_C, ID_B_WRONG_CHECK):
        for v in _variants(number):
            assert v.encode() not in blobs, v
            assert v not in text, v
    out = pq.read_table(tmp_path / "out" / intake.RECORDS).to_pylist()
    assert out[5]["record_id"].startswith(intake.RID_HASH_PREFIX)
    assert json.loads(out[0]["extra"]) == {"监护人身份证": idnumber.mask(ID_C)}
    bad = pq.read_table(tmp_path / "out" / intake.REJECTED).to_pylist()
    assert bad[0]["column"] == "disability_grade"


@pytest.mark.django_db
def test_15_digit_index_equals_18_digit_index_and_the_registry_index(tmp_path, settings):
    rows = [row_of(DS, "R1", ID_A), row_of(DS, "R2", ID_A15), row_of(DS, "R3", ID_A.lower())]
    intake.run(write_csv(tmp_path / "f.csv", header_of(DS), rows), DS, tmp_path / "out", workers=1)
    from doudi.registry.identity import encode_identity, index_for

    out = pq.read_table(tmp_path / "out" / intake.RECORDS).to_pylist()
    assert {r["id_index"] for r in out} == {index_for(ID_A)} == {encode_identity(ID_A15).id_index}
    assert [r["id_status"] for r in out] == ["valid", "upgraded15", "valid"]
    assert out[1]["id_birth_date"] == dt.date(1950, 3, 1) and out[1]["sex"] == "M"


def test_repair_candidates_of_a_wrong_check_character(tmp_path):
    rows = [row_of(DS, "R1", ID_B_WRONG_CHECK)]
    intake.run(write_csv(tmp_path / "f.csv", header_of(DS), rows), DS, tmp_path / "out", key=KEY, workers=1)
    (r,) = pq.read_table(tmp_path / "out" / intake.RECORDS).to_pylist()
    assert r["id_status"] == "invalid" and r["id_birth_date"] is None
    assert r["id_index"] == crypto.blind_index(ID_B_WRONG_CHECK, key=KEY)
    expected = [crypto.blind_index(c, key=KEY) for c in idnumber.repair_candidates(ID_B_WRONG_CHECK)]
    assert r["id_repair_indexes"] == expected
    assert crypto.blind_index(ID_B, key=KEY) in r["id_repair_indexes"]


numbers = st.builds(
    lambda region, days, seq, male: idnumber.make(region, dt.date(1900, 1, 1) + dt.timedelta(days=days), seq, male=male),
    st.sampled_from(["222401", "220102", "110105"]), st.integers(0, 45000), st.integers(0, 499), st.booleans(),
)  # fmt: skip


def _noisy(draw_number: str, kind: int, pos: int, ch: str) -> str:
    n = draw_number
    return [
        n,
        n[:6] + n[8:17],
        n.lower(),
        n[:pos] + ch + n[pos + 1 :],
        n.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        n[:pos],
        " " + n + "\t",
        n[:pos] + ch + n[pos:],
        n[:6] + "19" + n[8:],
    ][kind]


noisy = st.builds(_noisy, numbers, st.integers(0, 8), st.integers(0, 17), st.sampled_from("0123456789XxA-"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(noisy, st.none(), st.text(max_size=20)), min_size=1, max_size=40))
def test_set_based_identity_columns_equal_the_row_by_row_reference(values):
    arr = pa.array([None if v is None else (v.strip() or None) for v in values], pa.string())
    with workers.Pool(KEY, workers=1) as pool:
        cols = IdBatch(arr, today=TODAY, con=duckdb.connect(), pool=pool).columns()
    for i, v in enumerate(arr.to_pylist()):
        ref = identity_columns(v, key=KEY)
        got = {
            k: getattr(cols, k)[i].as_py()
            for k in ("id_index", "id_status", "id_repair_indexes", "id_birth_date")
        }
        assert got == ref, v


@settings(max_examples=300, deadline=None)
@given(
    numbers,
    st.integers(0, 17),
    st.sampled_from("0123456789XA"),
    st.integers(0, 17),
    st.sampled_from("0123456789X"),
)
def test_fast_repair_candidates_equal_idnumber(number, i, a, j, b):
    text = number[:i] + a + number[i + 1 :]
    text = text[:j] + b + text[j + 1 :]
    if not idnumber.is_valid(text):
        assert repair_candidates(text, TODAY) == idnumber.repair_candidates(text)


def test_bulk_blind_indexes_and_pinyin_equal_the_reference_inline_and_in_workers(monkeypatch):
    values = [ID_A, ID_B, "abc", "中文", ""] + [f"{i:018d}" for i in range(300)]
    expected = [crypto.blind_index(v, key=KEY) for v in values]
    assert blind.index_values(values, KEY) == expected
    names = ["王伟", "长江大桥", "阿卜杜拉·买买提"] * 40
    monkeypatch.setattr(workers, "POOL_MIN", 10)
    with workers.Pool(KEY, workers=2) as pool:
        job = pool.submit("index", pa.array(values, pa.string()))
        assert len(job.parts) == 2 and job.done is None  # really sent to two worker processes
        second = pool.submit("pinyin", pa.array(names))  # queued behind the first
        small = pool.submit("index", pa.array(values[:5]))  # below the minimum: computed at once
        assert small.done.to_pylist() == expected[:5]
        assert pool.result(second).to_pylist() == [mnames.name_pinyin(n) for n in names]
        assert pool.result(job).to_pylist() == expected
        assert pool.result(pool.submit("index", pa.array(values))).to_pylist() == expected


@pytest.mark.parametrize("died_first", [False, True])
def test_a_failing_worker_is_replaced_by_inline_work(monkeypatch, died_first):
    monkeypatch.setattr(workers, "POOL_MIN", 10)
    monkeypatch.setattr(workers, "_WORKER", "import sys; sys.exit(3)")
    values = [f"{i:018d}" for i in range(50)]
    with workers.Pool(KEY, workers=2) as pool:
        if died_first:  # the jobs are sent after the workers' output has ended (a slow, busy machine)
            pool.start()
            for w in pool._procs:
                w.reader.join(timeout=30)
        assert pool.result(pool.submit("index", pa.array(values))).to_pylist() == blind.index_values(
            values, KEY
        )


NAMES = st.text(
    alphabet=st.sampled_from("王李张金朴英子明哲春花建国长重行单乐·ＡBc 　\u3000伟芳秀兰大桥庆"), max_size=9
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(NAMES, st.none()), max_size=30))
def test_column_names_and_pinyin_equal_matching_names(values):
    names, pinyin = names_and_pinyin(pa.array(values, pa.string()))
    for v, n, p in zip(values, names.to_pylist(), pinyin.to_pylist(), strict=True):
        if v is None:
            assert n is None and p is None
        else:
            assert n == mnames.normalize_name(v)
            assert p == mnames.name_pinyin(n)

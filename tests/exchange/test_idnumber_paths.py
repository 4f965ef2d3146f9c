"""R-H1, R-S5: the three implementations of the identity-number rules agree on every number — the
Python reference (``core.idnumber.validate`` + ``crypto.blind_index``), the DuckDB SQL of the batch
intake (``exchange.ids.classify`` + ``exchange.blind``) and numpy (``core.idnumber_arrays.validate`` +
the test data's ``synthetic.blind_indexes``): status, normalised number, birth date, sex and blind index."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doudi.core import crypto, idnumber
from doudi.core import idnumber_arrays as idarrays
from doudi.exchange import blind, ids
from tests.support import synthetic

KEY = b"p" * 32
TODAY = dt.date(2025, 8, 1)  # fixed, so that "born after today" is an edge case like the others


def _number(region: str, born: dt.date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + idnumber.check_char(body)


VALID = _number("220102", dt.date(1990, 3, 7), 123)
X_CHECK = next(n for s in range(1000) if (n := _number("220102", dt.date(1985, 5, 20), s)).endswith("X"))
LEAP = _number("222401", dt.date(2000, 2, 29), 7)
EDGES = [
    VALID,
    VALID[:6] + VALID[8:17],  # valid legacy 15
    X_CHECK,
    X_CHECK.lower(),  # lower-case x
    X_CHECK[:17] + "x",
    VALID[:17] + ("0" if VALID[17] != "0" else "1"),  # bad check digit
    LEAP,
    LEAP[:6] + LEAP[8:17],  # 15 digits: 1900-02-29 does not exist
    _number("220102", dt.date(2023, 2, 28), 1)[:12] + "29" + "0011",  # 2023-02-29
    _number("220102", dt.date(1990, 4, 30), 1)[:12] + "31" + "0011",  # 31 April
    _number("220102", dt.date(1879, 12, 31), 1),  # before 1880
    _number("220102", dt.date(1880, 1, 1), 1),
    _number("220102", TODAY, 1),  # born today
    _number("220102", TODAY + dt.timedelta(days=1), 1),  # born tomorrow
    "220102199013" + "070011",  # month 13
    "220102199000" + "070011",  # month 0
    "22010219900100" + "0011",  # day 0
    "220102901301001",  # 15 digits, month 13
    VALID[:17],
    VALID + "1",
    VALID[:14],
    VALID[:16],
    "1",
    "",
    "X" * 18,
    "X" * 15,
    VALID[:5] + "X" + VALID[6:],  # X inside the body
    VALID[:15].replace(VALID[3], "A", 1) + VALID[15:],
    "A" * 18,
    "22010219900307123-",
    VALID[:6] + VALID[8:14] + "12X",  # 15 characters ending in X
    "000000000000000000",
    "999999999999999999",
]
STATUSES = {(True, False): "valid", (True, True): "upgraded15"}


def python_path(value: str) -> dict:
    check = idnumber.validate(value, today=TODAY)
    if check.problem == idnumber.IdProblem.EMPTY:
        return {"status": "missing", "norm": None, "birth": None, "sex": None, "index": None}
    return {
        "status": STATUSES.get((check.valid, check.upgraded_from_15), "invalid"),
        "norm": check.normalized,
        "birth": check.birth_date,
        "sex": check.sex,
        "index": crypto.blind_index(check.normalized, key=KEY),
    }


def sql_path(values: list[str]) -> list[dict]:
    table = ids.classify(pa.array(values, pa.string()), TODAY, duckdb.connect())
    norms = table.column("norm").to_pylist()
    hashed = blind.index_values([n or "" for n in norms], KEY)
    return [
        {"status": s, "norm": n, "birth": b, "sex": x, "index": h if n is not None else None}
        for s, n, b, x, h in zip(
            table.column("status").to_pylist(),
            norms,
            table.column("birth").to_pylist(),
            table.column("sex").to_pylist(),
            hashed,
            strict=True,
        )
    ]


def numpy_path(values: list[str]) -> list[dict]:
    out = idarrays.validate(np.array([v.encode("ascii") for v in values], dtype=np.bytes_), TODAY)
    norms = [n.decode("ascii") for n in out["norm"].tolist()]
    hashed = synthetic.blind_indexes(pa.array(norms, pa.string()), KEY, processes=1).to_pylist()
    rows = []
    for status, norm, birth, male, h in zip(
        out["status"], norms, out["birth"], out["male"], hashed, strict=True
    ):
        ok = status in ("valid", "upgraded15")
        rows.append(
            {
                "status": status,
                "norm": norm if status != "missing" else None,
                "birth": birth.astype(dt.date) if ok else None,
                "sex": ("M" if male else "F") if ok else None,
                "index": h if status != "missing" else None,
            }
        )
    return rows


def _numpy_can_take(value: str) -> bool:
    """The numpy path is for printable ASCII numbers that need no whitespace or full-width folding (a
    fixed-width bytes array cannot hold a trailing NUL)."""
    return value.isascii() and value.isprintable() and idnumber.normalize(value) == value.upper()


def assert_agree(values: list[str]) -> None:
    expected = [python_path(v) for v in values]
    assert sql_path(values) == expected
    ascii_values = [v for v in values if _numpy_can_take(v)]
    assert numpy_path(ascii_values) == [python_path(v) for v in ascii_values]


def test_the_edge_cases_agree_on_all_paths():
    assert_agree(EDGES)
    # the masks (R-S4) too: Python, the intake's Arrow columns and the error report's SQL
    norms = [idnumber.normalize(v) for v in EDGES]
    expected = [idnumber.mask(v) for v in EDGES]
    assert ids.masked(pa.array(norms, pa.string())).to_pylist() == expected
    con = duckdb.connect()
    con.register("t", pa.table({"v": pa.array(norms, pa.string())}))
    assert [r[0] for r in con.execute(f"SELECT {idnumber.mask_sql('v')} FROM t").fetchall()] == expected
    # the edges are what they claim: every status is there
    assert {python_path(v)["status"] for v in EDGES} == {"valid", "upgraded15", "invalid", "missing"}


def test_folded_values_agree_on_the_python_and_sql_paths():
    wide = VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    values = [wide, " " + VALID[:6] + " " + VALID[6:], X_CHECK[:17] + "ｘ", "\u3000" + VALID, "中文", "２２"]
    assert [sql_path([v])[0] for v in values] == [python_path(v) for v in values]
    # same normalisation → same HMAC input → the index of the plain number
    assert sql_path([wide])[0]["index"] == python_path(VALID)["index"]


@pytest.mark.parametrize("value", EDGES)
def test_the_blind_index_of_a_15_digit_number_is_its_18_digit_twins(value):
    check = idnumber.validate(value, today=TODAY)
    if check.valid:
        assert python_path(value)["index"] == crypto.blind_index(
            idnumber.upgrade15(value) if len(value) == 15 else value.upper(), key=KEY
        )


numbers = st.builds(
    _number,
    st.sampled_from(["220102", "222401", "220122", "220581"]),
    st.dates(min_value=dt.date(1870, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(0, 999),
)


def _damage(number: str, kind: int, pos: int, ch: str) -> str:
    return [
        number,
        number[:6] + number[8:17],
        number.lower(),
        number[:pos] + ch + number[pos + 1 :],
        number[:pos],
        number[:pos] + ch + number[pos:],
    ][kind]


damaged = st.builds(
    _damage, numbers, st.integers(0, 5), st.integers(0, 17), st.sampled_from("0123456789Xx -")
)
digits_and_x = st.text(alphabet="0123456789Xx", min_size=0, max_size=20)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(damaged, digits_and_x, st.text(max_size=20)), min_size=1, max_size=30))
def test_every_number_agrees_on_all_paths(values):
    assert_agree(values)


@settings(max_examples=300, deadline=None)
@given(st.integers(1870, 2100), st.integers(0, 13), st.integers(0, 32))
def test_the_birth_date_rule_is_one_rule(y, m, d):
    try:
        expected = dt.date(y, m, d).year >= idnumber.MIN_BIRTH_YEAR and dt.date(y, m, d) <= TODAY
    except ValueError:
        expected = False
    assert bool(idnumber.birth_ok(y, m, d, TODAY)) is expected
    digits = np.array([[0] * 6 + [int(c) for c in f"{y:04d}{m:02d}{d:02d}"] + [0] * 3])
    assert idarrays.birth_ok(digits, TODAY).tolist() == [expected]
    sql = idnumber.birth_ok_sql(str(y), str(m), str(d), TODAY)
    assert duckdb.connect().execute(f"SELECT {sql}").fetchone()[0] is expected

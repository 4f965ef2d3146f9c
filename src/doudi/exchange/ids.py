"""Identity numbers of a whole batch column, set-based (R-H1, STORE-CONTRACT ``id_*`` columns).

Per DISTINCT recorded value: values made only of ASCII digits and ``x``/``X`` (nearly all) are
normalised, validated, upgraded from 15 digits and given their check character in one DuckDB query;
anything else (full-width digits, inner spaces, stray characters) goes through
``core.idnumber.validate`` one by one. Invalid 18-character numbers get their repair candidates
(``repair_candidates``, an O(18) equivalent of ``idnumber.repair_candidates``). Blind indexes are
computed once per distinct normalised value by the worker pool — the same value as
``registry.identity.index_for`` gives for the number as recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from doudi.core import idnumber
from doudi.core.idnumber import CHECK_CHARS, WEIGHTS

FAST = r"^[0-9Xx]+$"
STATUSES = ("valid", "upgraded15", "invalid", "missing")
SCHEMA = pa.schema([("norm", pa.string()), ("status", pa.string()), ("birth", pa.date32()),
                    ("sex", pa.string()), ("county", pa.string())])  # fmt: skip


def arange(n: int) -> pa.Array:
    return pc.subtract(pc.cumulative_sum(pc.fill_null(pa.nulls(n, pa.int64()), 1)), 1)


def _classify_sql(today: dt.date) -> str:
    """``idnumber.validate`` for values of ASCII digits and x/X (tested against it), with integer
    arithmetic: ``x`` is the 17-digit body, ``s`` its weighted sum mod 11. Lengths, weights, the legacy
    century, the birth-date rule and the check characters all come from ``core.idnumber``."""
    full, legacy, body = idnumber.LENGTH, idnumber.LEGACY_LENGTH, idnumber.LENGTH - 1
    terms = " + ".join(f"{w} * ((x // {10 ** (body - 1 - i)}) % 10)" for i, w in enumerate(WEIGHTS))
    sequence = body - idnumber.BIRTH.stop  # digits after the birth date in the body
    century = idnumber.LEGACY_CENTURY
    upgraded = f"left(n, 6) || '{century}' || right(n, {legacy - 6})"
    return f"""
    WITH a AS (
        SELECT i, upper(v) AS n, length(v) AS len FROM src
    ), b AS (
        SELECT i, n, len,
            CASE WHEN len = {full} AND NOT contains(left(n, {body}), 'X') THEN CAST(left(n, {body}) AS BIGINT)
                 WHEN len = {legacy} AND NOT contains(n, 'X') THEN CAST({upgraded} AS BIGINT)
            END AS x
        FROM a
    ), c AS (
        SELECT i, n, len, x, (x // {10**sequence}) % 100000000 AS ymd, ({terms}) % 11 AS s FROM b
    ), d AS (
        SELECT i, n, len, x, ymd, s, ymd // 10000 AS y, (ymd // 100) % 100 AS m, ymd % 100 AS dd FROM c
    ), e AS (
        SELECT i, n, len, x, s, y, m, dd,
            x IS NOT NULL AND {idnumber.birth_ok_sql("y", "m", "dd", today)} AS date_ok
        FROM d
    ), f AS (
        SELECT i, n, len, x, s, y, m, dd,
            CASE WHEN len = {legacy} AND date_ok THEN 'upgraded15'
                 WHEN len = {full} AND date_ok AND right(n, 1) = {idnumber.check_char_sql("s")} THEN 'valid'
                 ELSE 'invalid' END AS status
        FROM e
    )
    SELECT i,
        CASE WHEN status = 'upgraded15' THEN {upgraded} || {idnumber.check_char_sql("s")} ELSE n END AS norm,
        status,
        CASE WHEN status <> 'invalid' THEN make_date(CAST(y AS INTEGER), CAST(m AS INTEGER), CAST(dd AS INTEGER))
        END AS birth,
        CASE WHEN status = 'invalid' THEN NULL WHEN x % 2 = 1 THEN 'M' ELSE 'F' END AS sex,
        CASE WHEN len >= 6 AND NOT contains(left(n, 6), 'X') THEN left(n, 6) END AS county
    FROM f
    """


def _county(norm: str) -> str | None:
    head = norm[:6]
    return head if len(norm) >= 6 and head.isdigit() else None


def _slow_rows(values: list[str], today: dt.date) -> pa.Table:
    rows: dict[str, list] = {k: [] for k in SCHEMA.names}
    for raw in values:
        check = idnumber.validate(raw, today=today)
        if check.problem == idnumber.IdProblem.EMPTY:
            status, norm = "missing", None
        elif check.valid:
            status, norm = ("upgraded15" if check.upgraded_from_15 else "valid"), check.normalized
        else:
            status, norm = "invalid", check.normalized
        rows["norm"].append(norm)
        rows["status"].append(status)
        rows["birth"].append(check.birth_date)
        rows["sex"].append(check.sex)
        rows["county"].append(_county(norm) if norm else None)
    return pa.table(rows, schema=SCHEMA)


# What ``idnumber.normalize`` removes (``\\s`` of Python: the characters for which str.isspace() is true)
# and folds (full-width digits and x), for RE2. Tested against str.isspace over all of Unicode.
SPACES = (
    r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)
FULLWIDTH = idnumber.FULLWIDTH


def prenormalize(values: pa.Array) -> pa.Array:
    """``idnumber.normalize`` set-based for the common deviations: whitespace anywhere and full-width
    digits. Whatever is still not ASCII digits and X afterwards is left for ``idnumber.validate``."""
    values = pc.replace_substring_regex(values, SPACES, "")
    for wide, ascii_ in FULLWIDTH.items():
        values = pc.replace_substring(values, wide, ascii_)
    return values


def _duck(values: pa.Array, today: dt.date, con: duckdb.DuckDBPyConnection) -> pa.Table:
    con.register("src", pa.table({"i": arange(len(values)), "v": values}))
    try:
        out = con.sql(_classify_sql(today)).to_arrow_table()
    finally:
        con.unregister("src")
    order = out.column("i").combine_chunks()
    if len(order) and not pc.all(pc.equal(order, arange(len(order)))).as_py():
        out = out.sort_by("i")  # DuckDB keeps the order of a plain scan; this is only a safeguard
    return out.drop_columns(["i"]).cast(SCHEMA)


def _rank(mask: pa.Array) -> pa.Array:
    """For each position, how many earlier positions have ``mask`` set (its rank if it has)."""
    return pc.max_element_wise(pc.subtract(pc.cumulative_sum(pc.cast(mask, pa.int64())), 1), 0)


def classify(values: pa.Array, today: dt.date, con: duckdb.DuckDBPyConnection) -> pa.Table:
    """One row per value, in order (``values`` has no nulls): norm, status, birth, sex, county.

    Three groups: plain ASCII digits/X (the SQL above), values that become so once spaces and
    full-width digits are folded (the same SQL), and the rest (``idnumber.validate``)."""
    fast = pc.match_substring_regex(values, FAST)
    if pc.all(fast).as_py():
        return _duck(values, today, con)
    slow = pc.filter(values, pc.invert(fast))
    folded = prenormalize(slow)
    refast = pc.match_substring_regex(folded, FAST)
    out = _duck(pa.concat_arrays([pc.filter(values, fast), pc.filter(folded, refast)]), today, con)
    rest = _slow_rows(pc.filter(slow, pc.invert(refast)).to_pylist(), today)
    n_fast = len(values) - len(slow)
    n_refast = out.num_rows - n_fast
    # where each value's row is in out + rest: first the plain ones, then the folded, then the rest
    slow_place = pc.if_else(
        refast, pc.add(_rank(refast), n_fast), pc.add(_rank(pc.invert(refast)), n_fast + n_refast)
    )
    place = pc.if_else(fast, _rank(fast), pc.take(slow_place, _rank(pc.invert(fast))))
    return pa.concat_tables([out, rest]).take(place)


def _birth_ok(s: str, today: dt.date) -> bool:
    return s.isdecimal() and bool(idnumber.birth_ok(int(s[:4]), int(s[4:6]), int(s[6:8]), today))


_SOLVE = {  # (weight, needed residue) -> the digit d in 0..9 with weight * d ≡ residue (mod 11), if any
    (w, r): next((d for d in range(10) if (w * d) % 11 == r), None) for w in set(WEIGHTS) for r in range(11)
}
_PLACE = (10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1)  # of each yyyymmdd digit


def _ymd_ok(ymd: int, today: dt.date) -> bool:
    return bool(idnumber.birth_ok(ymd // 10000, ymd // 100 % 100, ymd % 100, today))


def repair_candidates(text: str, today: dt.date) -> list[str]:
    """``idnumber.repair_candidates`` for a normalised, invalid 18-character number, in O(18):
    at most one character may be changed, and for each position the check equation fixes it."""
    if not text.isascii() or text[17] not in CHECK_CHARS:
        return _repair_general(text, today)
    try:
        digits = list(map(int, text[:17]))
    except ValueError:
        return _repair_general(text, today)
    total = sum(map(int.__mul__, digits, WEIGHTS))
    target = CHECK_CHARS.index(text[17])
    ymd = int(text[6:14])
    date_ok = _ymd_ok(ymd, today)
    out: list[str] = []
    for i in range(17):
        w, old = WEIGHTS[i], digits[i]
        new = _SOLVE[(w, (target - total + old * w) % 11)]
        if new is None or new == old:
            continue
        if 6 <= i < 14:
            if not _ymd_ok(ymd + (new - old) * _PLACE[i - 6], today):
                continue
        elif not date_ok:
            continue
        out.append(f"{text[:i]}{new}{text[i + 1 :]}")
    check = CHECK_CHARS[total % 11]
    if check != text[17] and date_ok:
        out.append(text[:17] + check)
    return out


def _repair_general(text: str, today: dt.date) -> list[str]:
    """The same for numbers with a stray or non-ASCII character."""
    bad = [i for i, c in enumerate(text) if not (c.isdecimal() or (i == 17 and c == "X"))]
    if len(bad) > 1:
        return []
    out: list[str] = []
    target = CHECK_CHARS.find(text[17])
    digits = [int(c) if c.isdecimal() else 0 for c in text[:17]]
    total = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True))
    date_ok = None
    for i in bad or range(idnumber.LENGTH):
        if i == 17:
            body = text[:17]
            c = idnumber.check_char(body)
            if c != text[17] and _birth_ok(body[6:14], today):
                out.append(body + c)
            continue
        if target < 0:
            continue
        w = WEIGHTS[i]
        d = _SOLVE[(w, (target - (total - digits[i] * w)) % 11)]
        if d is None or (str(d) == text[i]):
            continue
        cand = text[:i] + str(d) + text[i + 1 :]
        if 6 <= i < 14:
            if _birth_ok(cand[6:14], today):
                out.append(cand)
            continue
        if date_ok is None:
            date_ok = _birth_ok(text[6:14], today)
        if date_ok:
            out.append(cand)
    return out


@dataclass
class IdColumns:
    """Row-aligned columns for the store."""

    id_index: pa.Array
    id_status: pa.Array
    id_repair_indexes: pa.Array
    id_birth_date: pa.Array
    id_sex: pa.Array
    id_county: pa.Array
    id_masked: pa.Array


def masked(norms: pa.Array) -> pa.Array:
    """``idnumber.mask`` set-based: ``220102********1234`` (R-S4), all stars up to 10 characters."""
    head, tail = idnumber.MASK_HEAD, idnumber.MASK_TAIL
    length = pc.utf8_length(norms)
    stars = pc.binary_repeat("*", pc.max_element_wise(pc.subtract(length, head + tail), 0))
    long = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(norms, 0, head), stars, pc.utf8_slice_codeunits(norms, -tail), ""
    )
    return pc.if_else(pc.greater(length, head + tail), long, pc.binary_repeat("*", length))


class IdBatch:
    """Two phases so the HMAC work runs while the caller does other things:
    ``IdBatch(...)`` classifies and submits the blind indexes, ``columns()`` collects them."""

    def __init__(self, raw: pa.Array, *, today: dt.date, con: duckdb.DuckDBPyConnection, pool):
        self.pool = pool
        enc = pc.dictionary_encode(raw)
        self.positions = enc.indices  # null where the row had no number
        self.info = classify(enc.dictionary, today, con)
        self.norms = self.info.column("norm").combine_chunks()
        status = self.info.column("status").combine_chunks()
        # no null here: a blank number has no norm, and one null would void the ranks after it
        repairable = pc.and_(
            pc.equal(status, "invalid"), pc.equal(pc.utf8_length(self.norms), idnumber.LENGTH)
        )
        self.repairable = pc.fill_null(repairable, False)
        candidates = [repair_candidates(n, today) for n in pc.filter(self.norms, self.repairable).to_pylist()]
        self.repair_counts = [len(c) for c in candidates]
        flat = pa.array([c for cs in candidates for c in cs], pa.string())
        # one index per distinct value (a missing one hashes "" and is dropped), then the candidates
        self.job = pool.submit("index", pa.concat_arrays([pc.fill_null(self.norms, ""), flat]))

    def columns(self, keep: pa.Array | None = None) -> IdColumns:
        """The store columns of every row (or of the rows where ``keep`` is true)."""
        hashes = self.pool.result(self.job)
        n = len(self.norms)
        per_value = {
            "id_index": pc.if_else(pc.is_null(self.norms), pa.scalar(None, pa.string()), hashes.slice(0, n)),
            "id_status": self.info.column("status").combine_chunks(),
            "id_birth_date": self.info.column("birth").combine_chunks(),
            "id_sex": self.info.column("sex").combine_chunks(),
            "id_county": self.info.column("county").combine_chunks(),
            "id_masked": masked(self.norms),
        }
        # repair candidates: one list per repairable value, plus an empty list for all the others
        offsets = [0]
        for k in self.repair_counts:
            offsets.append(offsets[-1] + k)
        lists = pa.ListArray.from_arrays(pa.array(offsets + [offsets[-1]], pa.int32()), hashes.slice(n))
        rank = pc.subtract(pc.cumulative_sum(pc.cast(self.repairable, pa.int64())), 1)
        per_repairs = pc.take(lists, pc.if_else(self.repairable, rank, len(self.repair_counts)))
        # rows without a number point one past the end: "missing", no index, no candidates
        take = pc.fill_null(self.positions if keep is None else pc.filter(self.positions, keep), n)
        fill = {"id_status": "missing"}
        cols = {
            k: pc.take(pa.concat_arrays([a, pa.array([fill.get(k)], a.type)]), take)
            for k, a in per_value.items()
        }
        empty = pa.ListArray.from_arrays(pa.array([0, 0], pa.int32()), pa.array([], pa.string()))
        repairs = pc.take(pa.concat_arrays([per_repairs, empty]), take)
        return IdColumns(id_repair_indexes=repairs, **cols)

"""Synthetic registry persons and department records with KNOWN TRUTH, for the linkage benchmark
(``benchmarks/linkage_data.py``) and the engine tests. Vectorised numpy/pyarrow, deterministic per seed.

Persons are drawn with ``devtools.population`` (households, Chinese and Korean-Chinese names, ages) over
all townships of Jilin; then some twins (same household and birth date, different names) and some exact
namesakes (same name, birth date, sex and township) are injected. One call numbers every person, so
identity numbers are unique. The first ``persons`` persons form the registry (``persons.parquet`` in the
snapshot format); the others appear only in department records.

Records (``records.parquet`` in the store format, with blind indexes computed once per distinct number)
carry realistic noise: legacy 15-digit numbers, one wrong digit (fails the check; repair candidates are
computed like ``idnumber.repair_candidates``), full-width digits and lower-case ``x`` (folded at intake),
missing numbers, homophone names (王伟/王维, 李娜/李纳) and other one-character name errors, missing or
mistyped birth dates and sex, county-only or missing regions, and persons who moved. ``truth.parquet``
holds, per record, the true registry person (null for persons not in the registry) and the noise drawn.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from doudi.core import crypto
from doudi.core import idnumber_arrays as idarrays
from doudi.core.names import name_pinyin, normalize_and_pinyin
from doudi.devtools import ids, names, synth
from doudi.devtools import population as pop

AS_OF = np.datetime64("2025-08-01", "D")
CHUNK_RECORDS = 2_000_000
_CHECK = idarrays.CHECK
_W = idarrays.W

# record noise kinds
ID_NOISE = ("valid", "legacy15", "typo", "fullwidth", "lower_x", "missing")
NAME_NOISE = ("", "homophone", "typo")
BIRTH_NOISE = ("", "missing", "typo")
REGION_NOISE = ("township", "county_only", "missing", "moved")
EXTRA_NAME_CHARS = "维玮炜巍纳那俐莉力铭鸣桦骅婧靖舫宏虹洪瑛颖萍苹捷锋丰韬蔷玫侠蕾咏君钧"


@dataclass(frozen=True)
class Params:
    persons: int = 2_000_000
    records: int = 20_000_000
    in_registry: float = 0.6  # share of records about registry persons
    seed: int = 20_251_101
    # registry identity-number noise (bad check, legacy 15, missing; plus lower-case x)
    registry_id_noise: float = 0.04
    # record noise rates
    id_typo: float = 0.02
    id_legacy: float = 0.03
    id_fullwidth: float = 0.02
    id_missing: float = 0.03
    name_homophone: float = 0.015
    name_typo: float = 0.005
    birth_missing: float = 0.06
    birth_typo: float = 0.01
    sex_missing: float = 0.03
    region_county_only: float = 0.08
    region_missing: float = 0.05
    region_moved: float = 0.02
    twins: float = 0.05  # share of households with two or more children whose first two are twins
    exact_namesakes: float = 0.0005
    namesakes: float = 0.002


# ---------------------------------------------------------------------------------------------------
# blind indexes (SM3-HMAC, the scheme of ``crypto.blind_index``), in worker processes

_KEY: bytes = b""


def _init(key: bytes) -> None:
    global _KEY
    _KEY = key


def _hmac_many(values: list[str]) -> list[str]:
    return crypto.blind_indexes(values, key=_KEY)


def blind_indexes(values: pa.Array, key: bytes, *, processes: int = 2) -> pa.Array:
    """``crypto.blind_index`` of every value (ASCII strings), computed once per distinct value."""
    distinct = pc.unique(values.drop_null())
    raw = distinct.to_pylist()
    if len(raw) > 200_000 and processes > 1:
        size = (len(raw) + processes * 4 - 1) // (processes * 4)
        parts = [raw[i : i + size] for i in range(0, len(raw), size)]
        with mp.get_context("spawn").Pool(processes, initializer=_init, initargs=(key,)) as pool:
            hashed = [h for part in pool.map(_hmac_many, parts) for h in part]
    else:
        _init(key)
        hashed = _hmac_many(raw)
    return pa.array(hashed, type=pa.string()).take(pc.index_in(values, value_set=distinct))


# ---------------------------------------------------------------------------------------------------
# identity numbers as (n, 18) uint8 ASCII matrices


def _date_ok(digits: np.ndarray, today: dt.date) -> np.ndarray:
    return idarrays.birth_ok(digits, today)


def repair_candidates(matrix: np.ndarray, today: dt.date | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``idnumber.repair_candidates`` for rows of invalid 18-character numbers (digits and a
    last ``0-9``/``X``). Returns (row index, candidate matrix), candidates in the same order."""
    today = today or dt.date.today()
    digits = matrix[:, :17].astype(np.int64) - ord("0")
    total = digits @ _W
    date_ok = _date_ok(digits, today)
    rows, cands = [], []
    for i in range(17):
        for d in range(10):
            change = d - digits[:, i]
            new_total = total + _W[i] * change
            ok = (change != 0) & (_CHECK[new_total % 11] == matrix[:, 17])
            if 6 <= i <= 13:
                moved = digits.copy() if ok.any() else None
                if moved is not None:
                    moved[:, i] = d
                    ok &= _date_ok(moved, today)
            else:
                ok &= date_ok
            idx = np.nonzero(ok)[0]
            if idx.size:
                c = matrix[idx].copy()
                c[:, i] = d + ord("0")
                rows.append(idx * 18 + i)
                cands.append(c)
    right = _CHECK[total % 11]
    ok = (right != matrix[:, 17]) & date_ok
    idx = np.nonzero(ok)[0]
    if idx.size:
        c = matrix[idx].copy()
        c[:, 17] = right[idx]
        rows.append(idx * 18 + 17)
        cands.append(c)
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 18), dtype=np.uint8)
    order_key = np.concatenate(rows)
    order = np.argsort(order_key, kind="stable")  # by row, then position (digits ascending per position)
    return (order_key // 18)[order], np.concatenate(cands)[order]


def _text(matrix: np.ndarray) -> pa.Array:
    return pa.array(ids.as_strings(matrix), type=pa.binary()).cast(pa.string())


# ---------------------------------------------------------------------------------------------------
# population


def _townships() -> pop.Townships:
    towns = list(synth.township_table().values())
    return pop.Townships(
        codes=np.array([t.code for t in towns]),
        county6=np.array([int(t.code[:6]) for t in towns]),
        rural=np.array([t.area_type == "rural" for t in towns]),
        yanbian=np.array([t.code.startswith("2224") for t in towns]),
        weights=np.full(len(towns), 1.0 / len(towns)),
        standard=np.array([synth.standard(t.code, t.area_type) for t in towns]),
    )


def population(rng: np.random.Generator, n: int, tw: pop.Townships, p: Params) -> dict[str, np.ndarray]:
    """``n`` persons (whole households, then cut) with twins and namesakes injected."""
    parts, offset, total, chunk = [], 0, 0, 0
    while total < n:
        hh, ps = pop.draw_chunk(np.random.default_rng([p.seed, chunk]), 100_000, tw, AS_OF)
        parts.append(
            {
                "hh": ps["hh"] + offset,
                "slot": ps["slot"],
                "town": hh["township"][ps["hh"]],
                "male": ps["male"],
                "birth": ps["birth"],
                "name": ps["name"].astype("U8"),
            }
        )
        offset += hh["type"].size
        total += ps["hh"].size
        chunk += 1
    people = {k: np.concatenate([x[k] for x in parts])[:n] for k in parts[0]}
    # twins: the second child of some households is born the same day as the first
    first = np.nonzero(people["slot"] == 4)[0]
    first = first[(first + 1 < n)]
    second = first + 1
    has_second = (people["slot"][second] == 5) & (people["hh"][second] == people["hh"][first])
    twin = has_second & (rng.random(first.size) < p.twins)
    people["birth"][second[twin]] = people["birth"][first[twin]]
    people["twin"] = np.zeros(n, dtype=bool)
    people["twin"][first[twin]] = people["twin"][second[twin]] = True
    # namesakes in the same township: the same name, or the same name, birth date and sex
    for share, fields in ((p.namesakes, ("name",)), (p.exact_namesakes, ("name", "birth", "male"))):
        pick = np.nonzero(rng.random(n) < share)[0]
        src = rng.integers(0, n, pick.size)
        for f in (*fields, "town"):
            people[f][pick] = people[f][src]
    people["county6"] = tw.county6[people["town"]]
    return people


# ---------------------------------------------------------------------------------------------------
# name noise


def _homophones() -> dict[str, list[str]]:
    chars = set(
        names.MALE_CHARS
        + names.FEMALE_CHARS
        + names.KOREAN_MALE_CHARS
        + names.KOREAN_FEMALE_CHARS
        + EXTRA_NAME_CHARS
    )
    groups: dict[str, list[str]] = {}
    for c in sorted(chars):
        groups.setdefault(name_pinyin(c), []).append(c)
    return {c: [o for o in g if o != c] for g in groups.values() for c in g if len(g) > 1}


def _noisy_names(rng, base: np.ndarray, kind: np.ndarray) -> np.ndarray:
    out = base.copy()
    homo = _homophones()
    pool = list(names.MALE_CHARS + names.FEMALE_CHARS)
    for i in np.nonzero(kind > 0)[0]:
        name = str(base[i])
        if len(name) < 2:
            continue
        pos = int(rng.integers(1, len(name)))
        ch = name[pos]
        if kind[i] == 1 and ch in homo:
            new = homo[ch][int(rng.integers(0, len(homo[ch])))]
        else:
            new = pool[int(rng.integers(0, len(pool)))]
            while new == ch:
                new = pool[int(rng.integers(0, len(pool)))]
        out[i] = name[:pos] + new + name[pos + 1 :]
    return out


# ---------------------------------------------------------------------------------------------------
# the data set


@dataclass
class Generated:
    directory: Path
    params: Params
    persons: int
    records: int
    seconds: float


def _pick(labels, index) -> pa.Array:
    return pa.array(list(labels), type=pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))


def _keys(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    text = pa.array(numbers.astype(np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(text, width=width, padding="0"), "")


def _dates(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[D]"), type=pa.date32())


def generate(directory: Path, params: Params, key: bytes, *, processes: int = 2, log=print) -> Generated:
    """Write ``persons.parquet``, ``records.parquet``, ``truth.parquet`` and ``meta.json`` to ``directory``."""
    import time

    started = time.perf_counter()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    p = params
    rng = np.random.default_rng([p.seed, 1])
    tw = _townships()
    out_records = int(round(p.records * (1 - p.in_registry)))
    outsiders = max(1, int(out_records / 2.5)) if out_records else 0
    people = population(rng, p.persons + outsiders, tw, p)
    n_all = people["male"].size
    matrix = ids.id_matrix(
        people["county6"], people["birth"], ids.sequences(people["county6"], people["birth"], people["male"])
    )
    true_text = _text(matrix)
    true_index = blind_indexes(true_text, key, processes=processes)
    log(
        f"population: {n_all:,} persons ({p.persons:,} in the registry), indexes in {time.perf_counter() - started:.1f}s"
    )

    _write_persons(directory, rng, p, people, matrix, true_index, tw, key)

    writer = truth_writer = None
    try:
        for start in range(0, p.records, CHUNK_RECORDS):
            n = min(CHUNK_RECORDS, p.records - start)
            records, truth = _records_chunk(
                np.random.default_rng([p.seed, 2, start]),
                start,
                n,
                p,
                people,
                matrix,
                true_index,
                tw,
                key,
                processes,
            )
            if writer is None or truth_writer is None:
                writer = pq.ParquetWriter(directory / "records.parquet", records.schema)
                truth_writer = pq.ParquetWriter(directory / "truth.parquet", truth.schema)
            writer.write_table(records, row_group_size=1_000_000)
            truth_writer.write_table(truth, row_group_size=1_000_000)
            log(f"records: {start + n:,} / {p.records:,} ({time.perf_counter() - started:.1f}s)")
    finally:
        if writer is not None:
            writer.close()
        if truth_writer is not None:
            truth_writer.close()
    seconds = time.perf_counter() - started
    meta = {"params": asdict(p), "persons": p.persons, "records": p.records, "seconds": round(seconds, 1)}
    (directory / "meta.json").write_text(json.dumps(meta, indent=2))
    return Generated(directory, p, p.persons, p.records, seconds)


def _write_persons(directory, rng, p: Params, people, matrix, true_index, tw, key) -> None:
    n = p.persons
    year = ids.ymd(people["birth"][:n])[0]
    recorded, kind = ids.add_noise(rng, matrix[:n], year, p.registry_id_noise)
    status = np.array(["valid", "invalid", "upgraded15", "missing", "valid"])[kind]
    bad = kind == ids.NOISE_BAD_CHECK
    index = true_index.slice(0, n)
    if bad.any():
        bad_text = pa.array(recorded[bad], type=pa.binary()).cast(pa.string())
        bad_index = blind_indexes(bad_text, key, processes=1).to_numpy(zero_copy_only=False)
        index_np = index.to_numpy(zero_copy_only=False).astype(object)
        index_np[bad] = bad_index
        index = pa.array(index_np, type=pa.string())
    index = pc.if_else(pa.array(kind == ids.NOISE_MISSING), pa.scalar(None, pa.string()), index)
    name, pinyin = normalize_and_pinyin(pa.array(people["name"][:n], type=pa.string()))
    town = people["town"][:n]
    region = _pick(tw.codes.tolist(), town)
    table = pa.table(
        {
            "person_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "person_key": _keys("P", np.arange(1, n + 1), 9),
            "id_index": index,
            "id_status": pa.array(status, type=pa.string()),
            "name": name,
            "name_pinyin": pinyin,
            "sex": _pick(("F", "M"), people["male"][:n]),
            "birth_date": _dates(people["birth"][:n]),
            "region_code": region,
            "county_code": pc.utf8_slice_codeunits(region, 0, 6),
        }
    )
    pq.write_table(table, directory / "persons.parquet", row_group_size=500_000)


def _records_chunk(rng, start, n, p: Params, people, matrix, true_index, tw, key, processes):
    n_all = people["male"].size
    in_reg = rng.random(n) < p.in_registry
    if n_all == p.persons:
        in_reg[:] = True
    who = np.where(
        in_reg, rng.integers(0, p.persons, n), rng.integers(p.persons, max(n_all, p.persons + 1), n)
    )
    who = np.minimum(who, n_all - 1)
    true = matrix[who]
    birth = people["birth"][who]
    year = ids.ymd(birth)[0]

    # identity number noise
    u = rng.random(n)
    edges = np.cumsum([p.id_typo, p.id_legacy, p.id_fullwidth, p.id_missing])
    id_kind = np.select([u < edges[0], u < edges[1], u < edges[2], u < edges[3]], [2, 1, 3, 5], 0)
    id_kind[(id_kind == 1) & ((year < 1900) | (year > 1999))] = 0
    ends_x = true[:, 17] == ord("X")
    id_kind[(id_kind == 0) & ends_x & (rng.random(n) < 0.3)] = 4
    typo_rows = np.nonzero(id_kind == 2)[0]
    typo = true[typo_rows].copy()
    pos = rng.integers(0, 18, typo_rows.size)
    r = np.arange(typo_rows.size)
    old = typo[r, pos]
    digit_pos = pos < 17
    typo[r[digit_pos], pos[digit_pos]] = (
        old[digit_pos] - ord("0") + rng.integers(1, 10, digit_pos.sum())
    ) % 10 + ord("0")
    chk = ~digit_pos
    shift = rng.integers(1, 11, chk.sum())
    idx_old = np.searchsorted(np.sort(_CHECK), old[chk])  # position among sorted chars
    sorted_check = np.sort(_CHECK)
    typo[r[chk], 17] = sorted_check[(idx_old + shift) % 11]

    index = pa.array(
        true_index.take(pa.array(who)).to_numpy(zero_copy_only=False).astype(object), type=pa.string()
    )
    index_np = index.to_numpy(zero_copy_only=False).astype(object)
    if typo_rows.size:
        typo_text = _text(typo)
        index_np[typo_rows] = blind_indexes(typo_text, key, processes=processes).to_numpy(
            zero_copy_only=False
        )
    index_np[id_kind == 5] = None
    status = np.array(["valid", "upgraded15", "invalid", "valid", "valid", "missing"])[id_kind]

    # repair candidates of the typos
    cand_row, cand = (
        repair_candidates(typo) if typo_rows.size else (np.zeros(0, np.int64), np.zeros((0, 18), np.uint8))
    )
    cand_index = (
        blind_indexes(_text(cand), key, processes=processes) if cand.shape[0] else pa.array([], pa.string())
    )
    counts = np.zeros(n, dtype=np.int64)
    np.add.at(counts, typo_rows[cand_row], 1)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    order = np.argsort(typo_rows[cand_row], kind="stable")
    repair = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), cand_index.take(pa.array(order)))

    id_birth = np.where((id_kind == 2) | (id_kind == 5), np.datetime64("NaT", "D"), birth)
    # first six characters of the number as recorded (a typo may have hit them)
    id_county = np.where(id_kind == 5, -1, people["county6"][who])
    if typo_rows.size:
        head = typo[:, :6].astype(np.int64) - ord("0")
        id_county[typo_rows] = head @ (10 ** np.arange(5, -1, -1))

    # names
    u = rng.random(n)
    name_kind = np.select([u < p.name_homophone, u < p.name_homophone + p.name_typo], [1, 2], 0)
    name_raw = _noisy_names(rng, people["name"][who], name_kind)
    name, pinyin = normalize_and_pinyin(pa.array(name_raw, type=pa.string()))

    # birth date and sex
    u = rng.random(n)
    birth_kind = np.select([u < p.birth_missing, u < p.birth_missing + p.birth_typo], [1, 2], 0)
    recorded_birth = birth.copy()
    bt = np.nonzero(birth_kind == 2)[0]
    recorded_birth[bt] = birth[bt] + rng.choice(np.array([-10, -1, 1, 10, 365, -365]), bt.size).astype(
        "timedelta64[D]"
    )
    recorded_birth = np.where(birth_kind == 1, id_birth, recorded_birth)
    male = people["male"][who]
    sex = np.where(male, "M", "F").astype(object)
    sex[rng.random(n) < p.sex_missing] = None

    # region
    u = rng.random(n)
    e = np.cumsum([p.region_county_only, p.region_missing, p.region_moved])
    region_kind = np.select([u < e[0], u < e[1], u < e[2]], [1, 2, 3], 0)
    town = people["town"][who]
    town = np.where(region_kind == 3, rng.integers(0, tw.codes.size, n), town)
    codes = tw.codes[town].astype(object)
    region = np.where(region_kind == 1, np.array([c[:6] + "000000" for c in tw.codes])[town], codes).astype(
        object
    )
    region[region_kind == 2] = None
    county = np.array([c[:6] for c in tw.codes], dtype=object)[town]
    county = np.where(
        region_kind == 2,
        np.where(id_county >= 0, id_county.astype(str), np.array(None, dtype=object)),
        county,
    )

    record_id = _keys("R", np.arange(start + 1, start + n + 1), 10)
    records = pa.table(
        {
            "record_id": record_id,
            "line": pa.array(np.arange(start + 2, start + n + 2, dtype=np.int32)),
            "id_index": pa.array(index_np, type=pa.string()),
            "id_status": pa.array(status, type=pa.string()),
            "id_repair_indexes": repair,
            "id_birth_date": _dates(id_birth),
            "name": name,
            "name_pinyin": pinyin,
            "sex": pa.array(sex, type=pa.string()),
            "birth_date": _dates(recorded_birth),
            "region_code": pa.array(region, type=pa.string()),
            "county_code": pa.array(county, type=pa.string()),
            "extra": pa.repeat(pa.scalar("{}", pa.string()), n),
        }
    )
    true_person = pa.array(np.where(who < p.persons, who + 1, 0), type=pa.int64())
    truth = pa.table(
        {
            "record_id": record_id,
            "person_id": pc.if_else(pc.equal(true_person, 0), pa.scalar(None, pa.int64()), true_person),
            "id_noise": _pick(ID_NOISE, id_kind),
            "name_noise": _pick(NAME_NOISE, name_kind),
            "birth_noise": _pick(BIRTH_NOISE, birth_kind),
            "region_noise": _pick(REGION_NOISE, region_kind),
        }
    )
    return records, truth


def evaluate(links: Path | str, truth: Path | str, con=None) -> dict:
    """Precision per method and overall, recall overall and per kind of noise, against the truth."""
    import duckdb

    from doudi.core.store import sql_path

    con = con or duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    rel = f"""
        SELECT l.method, l.person_id AS got, t.person_id AS want, t.id_noise, t.name_noise, t.birth_noise,
               t.region_noise
        FROM read_parquet({sql_path(links)}) l JOIN read_parquet({sql_path(truth)}) t USING (record_id)
    """
    by_method = con.execute(
        f"""SELECT method, count(*) AS links, count(*) FILTER (WHERE got = want) AS correct
            FROM ({rel}) WHERE method <> 'none' GROUP BY method ORDER BY method"""
    ).fetchall()
    links_n, correct, linkable = con.execute(
        f"""SELECT count(*) FILTER (WHERE got IS NOT NULL), count(*) FILTER (WHERE got = want),
                   count(*) FILTER (WHERE want IS NOT NULL) FROM ({rel})"""
    ).fetchall()[0]
    recall_by = {}
    for column in ("id_noise", "name_noise", "birth_noise", "region_noise"):
        rows = con.execute(
            f"""SELECT {column}, count(*) FILTER (WHERE got = want), count(*)
                FROM ({rel}) WHERE want IS NOT NULL GROUP BY {column} ORDER BY {column}"""
        ).fetchall()
        recall_by[column] = {k or "none": {"recall": c / n if n else None, "records": n} for k, c, n in rows}
    return {
        "precision": correct / links_n if links_n else 1.0,
        "recall": correct / linkable if linkable else 1.0,
        "links": links_n,
        "correct": correct,
        "linkable": linkable,
        "methods": {m: {"links": n, "precision": c / n if n else None} for m, n, c in by_method},
        "recall_by": recall_by,
    }

"""The benchmark generator: vectorised repair candidates and blind indexes agree with the product's
own functions, and the staged linkage meets the quality targets on a small synthetic province."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from django.conf import settings

from doudi.core import crypto, idnumber, store
from doudi.devtools import ids
from doudi.matching import engine
from tests.support import synthetic


def _typos(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    county = rng.integers(220100, 222499, n)
    birth = np.datetime64("1935-01-01") + rng.integers(0, 32_000, n).astype("timedelta64[D]")
    matrix = ids.id_matrix(county, birth, rng.integers(0, 1000, n))
    for i, pos in enumerate(rng.integers(0, 18, n)):
        if pos < 17:
            matrix[i, pos] = (matrix[i, pos] - 48 + rng.integers(1, 10)) % 10 + 48
        else:
            matrix[i, 17] = ord("0") if matrix[i, 17] != ord("0") else ord("X")
    return matrix


def test_vectorised_repair_candidates_equal_idnumber():
    matrix = _typos(1500)
    rows, cands = synthetic.repair_candidates(matrix, today=dt.date.today())
    texts = [x.decode() for x in ids.as_strings(matrix)]
    got: dict[int, list[str]] = {}
    for r, c in zip(rows.tolist(), ids.as_strings(cands), strict=True):
        got.setdefault(r, []).append(c.decode())
    for i, text in enumerate(texts):
        assert got.get(i, []) == idnumber.repair_candidates(text), text


def test_blind_indexes_equal_crypto():
    values = pa.array(["220102196602020403", "abc", None, "220102196602020403"])
    out = synthetic.blind_indexes(values, settings.DOUDI_INDEX_KEY, processes=1).to_pylist()
    key = settings.DOUDI_INDEX_KEY
    assert out == [
        crypto.blind_index("220102196602020403", key=key),
        crypto.blind_index("abc", key=key),
        None,
        out[0],
    ]


@pytest.fixture(scope="module")
def small_province(tmp_path_factory):
    out = tmp_path_factory.mktemp("linkage-data")
    synthetic.generate(
        out,
        synthetic.Params(persons=3000, records=9000, seed=7),
        settings.DOUDI_INDEX_KEY,
        processes=1,
        log=lambda m: None,
    )
    return out


def test_registry_records_carry_the_persons_index(small_province):
    con = duckdb.connect()
    d = small_province
    mismatched, checked = con.execute(
        f"""SELECT count(*) FILTER (WHERE r.id_index <> p.id_index), count(*)
            FROM read_parquet('{d}/records.parquet') r JOIN read_parquet('{d}/truth.parquet') t USING (record_id)
            JOIN read_parquet('{d}/persons.parquet') p ON p.person_id = t.person_id
            WHERE t.id_noise IN ('valid', 'legacy15', 'lower_x', 'fullwidth')
              AND p.id_status IN ('valid', 'upgraded15')"""
    ).fetchall()[0]
    assert checked > 4000 and mismatched == 0
    typos, repairable, invalid = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE len(id_repair_indexes) > 0),
                   count(*) FILTER (WHERE id_status = 'invalid')
            FROM read_parquet('{d}/records.parquet') JOIN read_parquet('{d}/truth.parquet') USING (record_id)
            WHERE id_noise = 'typo'"""
    ).fetchall()[0]
    assert typos == invalid and repairable / typos > 0.9


def test_staged_linkage_meets_the_quality_targets(small_province, tmp_path, settings):
    settings.DOUDI_STORE_DIR = tmp_path / "store"
    store.batch_dir(1).mkdir(parents=True)
    shutil.copy(small_province / "records.parquet", store.records_path(1))
    engine.run_linkage([1], snapshot=small_province / "persons.parquet")
    quality = synthetic.evaluate(store.links_path(1), small_province / "truth.parquet")
    assert quality["precision"] >= 0.995
    assert quality["recall"] >= 0.97
    assert set(quality["methods"]) >= {"exact", "upgraded15", "repaired", "demographic"}

"""Names and pinyin as both sides compute them, and character-based edit distances in DuckDB."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from pypinyin import lazy_pinyin

from doudi.core.names import name_pinyin, normalize_and_pinyin, normalize_name
from doudi.devtools import names as name_material


def test_duckdb_counts_cjk_characters_not_bytes():
    # pinned: DuckDB before 1.x counted UTF-8 bytes, which made every CJK edit cost three
    con = duckdb.connect()
    lev, jw = con.execute(
        "SELECT levenshtein('王伟', '王玮'), jaro_winkler_similarity('王伟', '王玮')"
    ).fetchall()[0]
    assert lev == 1
    assert jw == pytest.approx(2 / 3, abs=1e-3)
    assert con.execute("SELECT levenshtein('欧阳娜娜', '欧阳纳纳')").fetchall()[0][0] == 2


def test_homophones_share_pinyin():
    assert name_pinyin("王伟") == name_pinyin("王维") == "wangwei"
    assert name_pinyin("李娜") == name_pinyin("李纳") == "lina"
    assert name_pinyin("王伟") != name_pinyin("汪洋")


@pytest.mark.parametrize(
    "raw,clean", [(" 王 伟 ", "王伟"), ("王\u3000伟", "王伟"), ("ＡＢ王", "AB王"), (None, "")]
)
def test_normalize_name_folds_full_width_and_spaces(raw, clean):
    assert normalize_name(raw) == clean


def test_fast_pinyin_equals_lazy_pinyin_on_many_names():
    rng = np.random.default_rng(3)
    surnames = [s for s, _ in name_material.SURNAMES + name_material.KOREAN_SURNAMES] + [
        "欧阳",
        "单",
        "曾",
        "长孙",
    ]
    chars = name_material.MALE_CHARS + name_material.FEMALE_CHARS + "长乐重行朝单解音"
    names = {
        surnames[rng.integers(len(surnames))] + "".join(chars[i] for i in rng.integers(0, len(chars), k))
        for k in rng.integers(1, 3, 20_000)
    }
    names |= {"南乐", "于思宁", "重庆", "长春", "阿卜杜·热合曼", "Anna李", "x"}
    for name in names:
        assert name_pinyin(name) == "".join(lazy_pinyin(name)).lower(), name


def test_column_normalisation_is_per_distinct_name():
    norm, pin = normalize_and_pinyin(pa.array(["王 伟", "王伟", None, "李娜"]))
    assert norm.to_pylist() == ["王伟", "王伟", None, "李娜"]
    assert pin.to_pylist() == ["wangwei", "wangwei", None, "lina"]

"""Name normalisation and pinyin, shared by the batch store (intake) and the registry snapshot.

Both sides of a comparison must use exactly these functions: ``normalize_name`` folds full-width
characters (NFKC) and removes all whitespace; ``name_pinyin`` is pypinyin's ``lazy_pinyin`` joined
without spaces, lower-case ("王伟" → "wangwei"). ``name_pinyin`` takes a fast path for names in which no
two-or-more-character substring is a pypinyin phrase: lazy_pinyin then converts character by character,
so a per-character cache gives the identical result ~12 times faster (tested against lazy_pinyin).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def normalize_name(raw: str | None) -> str:
    """Trim, fold full-width forms (NFKC) and drop internal whitespace."""
    if raw is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(raw)))


@lru_cache(maxsize=20_000)
def _char_pinyin(ch: str) -> str:
    return "".join(lazy_pinyin(ch)).lower()


def _has_phrase(name: str) -> bool:
    n = len(name)
    return any(name[i:j] in PHRASES_DICT for i in range(n) for j in range(i + 2, n + 1))


def name_pinyin(name: str | None) -> str:
    """``lazy_pinyin`` of an (already normalised) name, joined, lower-case; "" for an empty name."""
    if not name:
        return ""
    if len(name) <= 8 and _CJK.match(name) and not _has_phrase(name):
        return "".join(_char_pinyin(c) for c in name)
    return "".join(lazy_pinyin(name)).lower()


def normalize_and_pinyin(names: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """Normalised names and their pinyin for a whole column, computed once per DISTINCT raw name."""
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    names = names.cast(pa.string())
    distinct = pc.unique(names)
    raw = distinct.to_pylist()
    norm = [normalize_name(x) if x is not None else None for x in raw]
    pin = [name_pinyin(x) if x is not None else None for x in norm]
    pos = pc.index_in(names, value_set=distinct)
    return (
        pa.array(norm, type=pa.string()).take(pos),
        pa.array(pin, type=pa.string()).take(pos),
    )

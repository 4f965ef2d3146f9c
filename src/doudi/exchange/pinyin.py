"""Names and their pinyin for a whole column: the SAME values as ``core.names`` gives row by row
(``normalize_name`` and ``name_pinyin``, which the registry snapshot uses), at column speed.

* Names made only of CJK unified ideographs are already normalised (NFKC leaves them alone and they
  hold no whitespace); only the others go through ``normalize_name``.
* Pinyin is computed once per distinct normalised name. A CJK name none of whose two-character
  pairs starts a pypinyin phrase contains no phrase, so ``name_pinyin`` converts it character by
  character — done here from a per-character table without the phrase search. Every other name is
  handed to ``name_pinyin`` itself. The tests compare both functions on many names.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
import pyarrow.compute as pc
from pypinyin.constants import PHRASES_DICT

from doudi.core import names as mnames

CJK_ONLY = r"^[\x{4e00}-\x{9fff}]+$"
FAST_MAX = 8  # name_pinyin's own fast path stops at this length


@cache
def _pair_starts() -> frozenset[str]:
    """The first two characters of every pypinyin phrase."""
    return frozenset(k[:2] for k in PHRASES_DICT if len(k) >= 2)


_chars: dict[str, str] = {}  # CJK character -> its pinyin, filled as characters are met


def _slow(name: str) -> str:
    """Fill the table for the name's characters and retry; names with other characters (or a
    phrase) take ``name_pinyin`` itself."""
    for c in name:
        if c not in _chars:
            if not "\u4e00" <= c <= "\u9fff":
                return mnames.name_pinyin(name)
            _chars[c] = mnames._char_pinyin(c)
    return name_pinyin(name)


def name_pinyin(name: str) -> str:
    """``core.names.name_pinyin`` (same result, faster for the common case)."""
    n = len(name)
    if n == 0 or n > FAST_MAX:
        return mnames.name_pinyin(name)
    starts = _pair_starts()
    if n == 2:
        maybe = name in starts
    elif n == 3:
        maybe = name[:2] in starts or name[1:] in starts
    else:
        maybe = any(name[i : i + 2] in starts for i in range(n - 1))
    if maybe and mnames._has_phrase(name):
        return mnames.name_pinyin(name)
    try:
        return "".join(map(_chars.__getitem__, name))
    except KeyError:
        return _slow(name)


def pinyin_array(names: pa.Array) -> pa.Array:
    """``name_pinyin`` of each (normalised, non-null) name."""
    return pa.array([name_pinyin(x) for x in names.to_pylist()], pa.string())


def normalize(raw: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``normalize_name`` of a column (nulls stay null)."""
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    raw = raw.cast(pa.string())
    plain = pc.fill_null(pc.match_substring_regex(raw, CJK_ONLY), True)
    if pc.all(plain).as_py():
        return raw
    others = pc.filter(raw, pc.invert(plain))
    fixed = pa.array([mnames.normalize_name(x) for x in others.to_pylist()], pa.string())
    rank = pc.subtract(pc.cumulative_sum(pc.cast(pc.invert(plain), pa.int64())), 1)
    return pc.if_else(plain, raw, pc.take(fixed, pc.max_element_wise(rank, 0)))


class NameBatch:
    """Normalised names now; their pinyin computed once per distinct name, by the worker pool when
    one is given (collect with ``columns``)."""

    def __init__(self, raw: pa.Array | pa.ChunkedArray, pool=None):
        self.names = normalize(raw)
        enc = pc.dictionary_encode(self.names)
        self.positions = enc.indices
        self.pool = pool
        self.job = pool.submit("pinyin", enc.dictionary) if pool else None
        self.done = None if pool else pinyin_array(enc.dictionary)

    def columns(self) -> tuple[pa.Array, pa.Array]:
        distinct = self.pool.result(self.job) if self.pool else self.done
        return self.names, pc.take(distinct, self.positions)


def names_and_pinyin(raw: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """(normalised names, pinyin) for a column of names as recorded (nulls stay null)."""
    return NameBatch(raw).columns()

"""Vectorised resident identity numbers for synthetic persons (GB 11643-1999, DOMAIN R-H1).

Same numbers as ``doudi.core.idnumber.make`` would build, computed for a million persons at once:
the sequence part is unique within each (county, birth date, sex), so numbers are unique across a
whole dataset. ``add_noise`` then damages a small share the way legacy rosters do.
"""

from __future__ import annotations

import numpy as np

from doudi.core.idnumber import LENGTH
from doudi.core.idnumber_arrays import CHECK as _CHECK
from doudi.core.idnumber_arrays import check_chars

_CHECK_INDEX = np.zeros(256, dtype=np.int64)
_CHECK_INDEX[_CHECK] = np.arange(11)
_EPOCH_1900 = np.datetime64("1900-01-01", "D")

# Kinds of injected noise, stored in the truth table.
NOISE_NONE, NOISE_BAD_CHECK, NOISE_LEGACY15, NOISE_MISSING, NOISE_LOWER_X = range(5)
NOISE_NAMES = ("", "bad_check", "legacy15", "missing", "lower_x")


def ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of a datetime64[D] array."""
    months = dates.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def sequences(county6: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """The 3-digit sequence part (odd for men), unique within each (county, birth date, sex).

    A person's rank within its group (in order of appearance) is spread over 0–499 from a
    group-specific start, so numbers look varied yet never repeat."""
    days = (birth - _EPOCH_1900).astype(np.int64)
    key = (county6.astype(np.int64) * 100_000 + days) * 2 + male.astype(np.int64)
    n = key.size
    order = np.argsort(key, kind="stable")
    ks = key[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = ks[1:] != ks[:-1]
    idx = np.arange(n, dtype=np.int64)
    first = np.maximum.accumulate(np.where(starts, idx, 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = idx - first
    if n and rank.max() >= 500:
        raise ValueError("同一县、出生日期和性别的人数超过 500，无法生成不重复的身份证号")
    base = (key.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(500)
    seq = (base.astype(np.int64) + rank * 7) % 500
    return seq * 2 + male.astype(np.int64)


def _digits(values: np.ndarray, width: int) -> list[np.ndarray]:
    return [(values // 10 ** (width - 1 - i)) % 10 for i in range(width)]


def id_matrix(county6: np.ndarray, birth: np.ndarray, seq3: np.ndarray) -> np.ndarray:
    """(n, 18) ASCII codes of valid 18-character numbers (check characters by ``core.idnumber_arrays``)."""
    y, m, d = ymd(birth)
    columns = [*_digits(county6.astype(np.int64), 6), *_digits(y, 4), *_digits(m, 2), *_digits(d, 2)]
    columns += _digits(np.asarray(seq3, dtype=np.int64), 3)
    out = np.empty((y.size, LENGTH), dtype=np.uint8)
    for i, col in enumerate(columns):
        out[:, i] = col + ord("0")
    out[:, LENGTH - 1] = check_chars(out[:, : LENGTH - 1] - ord("0"))
    return out


def as_strings(matrix: np.ndarray) -> np.ndarray:
    """Rows of ASCII codes as a fixed-width bytes array (trailing NULs read as shorter strings)."""
    return np.ascontiguousarray(matrix).view(f"S{matrix.shape[1]}").ravel()


def add_noise(
    rng: np.random.Generator, matrix: np.ndarray, birth_year: np.ndarray, rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Recorded numbers (bytes, S18) and the noise kind of each row.

    About ``rate`` of the rows get a wrong check character, a legacy 15-digit number (only for persons
    born in the 1900s, who could hold one) or no number; in addition numbers ending in ``X`` are
    recorded with a lower-case ``x`` at about 1.5 × ``rate``."""
    n: int = matrix.shape[0]
    kind = np.zeros(n, dtype=np.int8)
    hit = rng.random(n) < rate
    pick = rng.choice(3, size=n, p=[0.4, 0.3, 0.3]) + 1  # bad_check, legacy15, missing
    kind[hit] = pick[hit]
    kind[(kind == NOISE_LEGACY15) & ((birth_year < 1900) | (birth_year > 1999))] = NOISE_BAD_CHECK
    ends_x = matrix[:, 17] == ord("X")
    kind[(kind == NOISE_NONE) & ends_x & (rng.random(n) < min(1.0, rate * 1.5))] = NOISE_LOWER_X

    out = matrix.copy()
    bad = kind == NOISE_BAD_CHECK
    if bad.any():
        # any other check character: the index of the right one shifted by 1–10 (mod 11)
        right = _CHECK_INDEX[out[bad, 17]]
        out[bad, 17] = _CHECK[(right + rng.integers(1, 11, size=int(bad.sum()))) % 11]
    out[kind == NOISE_LOWER_X, 17] = ord("x")
    legacy = kind == NOISE_LEGACY15
    if legacy.any():
        rows = out[legacy]
        short = np.zeros_like(rows)
        short[:, :6] = rows[:, :6]
        short[:, 6:15] = rows[:, 8:17]
        out[legacy] = short
    out[kind == NOISE_MISSING] = 0
    return as_strings(out), kind

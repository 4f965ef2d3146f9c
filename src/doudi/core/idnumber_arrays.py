"""Identity numbers as numpy arrays: the rules of ``core.idnumber`` (its tables and its ``birth_ok``)
for many ASCII numbers at once — synthetic persons (``devtools.ids``) and the linkage test data.

Numbers are (n, width) ``uint8`` matrices of ASCII codes, or fixed-width byte strings (``S18``) as
numpy keeps them. ``validate`` gives the same status, normalised number, birth date and sex as
``idnumber.validate`` for every value made of ASCII characters (tested on all paths).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from doudi.core import idnumber
from doudi.core.idnumber import BIRTH, CHECK_CHARS, LEGACY_CENTURY, LEGACY_LENGTH, LENGTH, WEIGHTS

CHECK = np.frombuffer(CHECK_CHARS.encode(), dtype=np.uint8)  # check character by weighted sum mod 11
W = np.array(WEIGHTS, dtype=np.int64)
_ZERO, _X = ord("0"), ord("X")

# statuses of ``validate`` (the store's ``id_status``)
MISSING, VALID, UPGRADED15, INVALID = "missing", "valid", "upgraded15", "invalid"


def check_chars(digits: np.ndarray) -> np.ndarray:
    """ASCII check character of each row of 17 body digits (integers 0–9), column by column (a million
    rows need no 17-column int64 copy)."""
    total = np.zeros(digits.shape[0], dtype=np.int64)
    for i, w in enumerate(WEIGHTS):
        total += digits[:, i].astype(np.int64) * w
    return CHECK[total % 11]


def ymd(digits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of the birth date in rows of (at least 14) digits."""
    b = digits[:, BIRTH].astype(np.int64)
    return (
        b[:, 0] * 1000 + b[:, 1] * 100 + b[:, 2] * 10 + b[:, 3],
        b[:, 4] * 10 + b[:, 5],
        b[:, 6] * 10 + b[:, 7],
    )


def birth_ok(digits: np.ndarray, today: dt.date | None = None) -> np.ndarray:
    """``idnumber.birth_ok`` of each row's birth date."""
    return np.asarray(idnumber.birth_ok(*ymd(digits), today), dtype=bool)


def validate(values: np.ndarray, today: dt.date | None = None) -> dict[str, np.ndarray]:
    """``idnumber.validate`` of ASCII numbers (a ``bytes_`` array, as recorded): ``status``, ``norm``
    (bytes, upper-case, a valid 15-digit number upgraded to 18), ``birth`` (datetime64[D], NaT unless
    valid) and ``male`` (only meaningful where valid). Whitespace and full-width digits are not folded
    here (``idnumber.normalize`` does that); any character other than digits and X makes a number invalid."""
    today = today or dt.date.today()
    values = np.char.upper(np.asarray(values, dtype=np.bytes_))
    n = values.size
    width = max(LENGTH, values.dtype.itemsize)
    lengths = np.char.str_len(values)
    text = np.ascontiguousarray(values.astype(f"S{width}")).view(np.uint8).reshape(n, width)
    is_digit = (text >= _ZERO) & (text <= _ZERO + 9)
    full, legacy = lengths == LENGTH, lengths == LEGACY_LENGTH
    # the 17 body characters; a legacy number gets its century inserted before the birth date
    body = text[:, : LENGTH - 1].copy()
    century = np.frombuffer(LEGACY_CENTURY.encode(), dtype=np.uint8)
    start, gap = BIRTH.start, len(century)
    body[legacy, start : start + gap] = century
    body[legacy, start + gap :] = text[legacy, start:LEGACY_LENGTH]
    chars_ok = np.where(
        legacy,
        is_digit[:, :LEGACY_LENGTH].all(axis=1),
        is_digit[:, : LENGTH - 1].all(axis=1) & (is_digit[:, LENGTH - 1] | (text[:, LENGTH - 1] == _X)),
    )
    digits = np.where(chars_ok[:, None], body.astype(np.int64) - _ZERO, 0)
    date_ok = chars_ok & birth_ok(digits, today)
    check = check_chars(digits)
    valid = full & date_ok & (check == text[:, LENGTH - 1])
    upgraded = legacy & date_ok
    status = np.full(n, INVALID, dtype=object)
    status[valid] = VALID
    status[upgraded] = UPGRADED15
    status[lengths == 0] = MISSING
    norm = values.copy().astype(f"S{width}")
    if upgraded.any():
        up = np.concatenate([body[upgraded], check[upgraded][:, None]], axis=1)
        norm[upgraded] = np.ascontiguousarray(up).view(f"S{LENGTH}").ravel()
    ok = valid | upgraded
    y, m, d = ymd(np.where(ok[:, None], digits, 0))
    birth = np.full(n, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    if ok.any():
        stamps = [f"{a:04d}-{b:02d}-{c:02d}" for a, b, c in zip(y[ok], m[ok], d[ok], strict=True)]
        birth[ok] = np.array(stamps, dtype="datetime64[D]")
    return {"status": status, "norm": norm, "birth": birth, "male": digits[:, LENGTH - 2] % 2 == 1}

"""Resident identity numbers (GB 11643-1999), rule R-H1.

Pure functions, no Django: used by the registry, the import paths, the policy contract and linkage.
An 18-character number is 6-digit region + 8-digit birth date + 3-digit sequence (odd = male) + a
check character from ISO 7064 MOD 11-2 (``X`` stands for 10). A 15-digit legacy number has a 2-digit
year and no check character; it upgrades by inserting ``19`` and appending the check character.
Invalid numbers are reported, never silently "fixed" (R-H1).

This module is the one definition of the rules: the tables below (lengths, weights, check characters,
the legacy century, the birth-date rule) drive the Python functions here, the DuckDB SQL of the batch
intake (``birth_ok_sql``, ``check_char_sql``) and the numpy version (``core.idnumber_arrays``);
``tests/exchange/test_idnumber_paths.py`` checks that the three agree on every number. The blind index
(R-S5) is taken of ``validate(raw).normalized``: trimmed, full-width folded, upper-case, upgraded to 18.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

LENGTH = 18  # region 6 + birth date 8 + sequence 3 + check character
LEGACY_LENGTH = 15  # region 6 + birth date without century 6 + sequence 3
LEGACY_CENTURY = "19"  # inserted before a legacy number's birth date
BIRTH = slice(6, 14)  # yyyymmdd within an 18-character number
MIN_BIRTH_YEAR = 1880
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # of the 17 body digits
CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11
MASK_HEAD, MASK_TAIL = 6, 4  # characters a mask keeps: the region and the last four (R-S4)
FULLWIDTH = {chr(0xFF10 + d): str(d) for d in range(10)} | {"Ｘ": "X", "ｘ": "X"}  # folded by normalize

_FULLWIDTH = str.maketrans(FULLWIDTH)
_BODY18 = re.compile(rf"^\d{{{LENGTH - 1}}}[\dX]$")
_BODY15 = re.compile(rf"^\d{{{LEGACY_LENGTH}}}$")


class IdProblem(StrEnum):
    EMPTY = "empty"
    BAD_LENGTH = "bad_length"
    BAD_CHARACTERS = "bad_characters"
    BAD_BIRTH_DATE = "bad_birth_date"
    BAD_CHECK = "bad_check"


PROBLEM_ZH = {
    IdProblem.EMPTY: "身份证号为空",
    IdProblem.BAD_LENGTH: "身份证号长度应为18位（或15位旧号）",
    IdProblem.BAD_CHARACTERS: "身份证号含有非法字符",
    IdProblem.BAD_BIRTH_DATE: "身份证号中的出生日期无效",
    IdProblem.BAD_CHECK: "身份证号校验位错误",
}


@dataclass(frozen=True, slots=True)
class IdCheck:
    """Outcome of validating one recorded number."""

    raw: str
    normalized: str  # trimmed, full-width folded, upper-case; upgraded to 18 when it was a valid 15
    valid: bool
    problem: IdProblem | None = None
    upgraded_from_15: bool = False
    birth_date: dt.date | None = None
    sex: str | None = None  # "M" / "F"

    @property
    def problem_zh(self) -> str | None:
        return PROBLEM_ZH[self.problem] if self.problem else None


def normalize(raw: str | None) -> str:
    """Trim, fold full-width digits and a lower-case x; keep everything else as recorded."""
    if raw is None:
        return ""
    return re.sub(r"\s+", "", str(raw)).translate(_FULLWIDTH).upper()


def check_char(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_ok(y, m, d, today: dt.date | None = None):
    """The birth-date rule: a real calendar date, year ≥ ``MIN_BIRTH_YEAR`` and (given ``today``) not
    after it. Written with operators only, so that the same expression works on Python integers, numpy
    integer arrays (``core.idnumber_arrays``) and SQL column names (``birth_ok_sql``)."""
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    long_month = (m + m // 8) % 2 == 1  # 31 days: January, March, May, July, August, October, December
    ok = (y >= MIN_BIRTH_YEAR) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 30)
    ok = ok | ((y >= MIN_BIRTH_YEAR) & long_month & (m <= 12) & (d == 31))
    ok = ok & ((m != 2) | (d <= 28) | ((d == 29) & leap))
    if today is not None:
        ok = ok & (y * 10000 + m * 100 + d <= today.year * 10000 + today.month * 100 + today.day)
    return ok


class _Sql:
    """A SQL expression that Python operators extend (for ``birth_ok`` over column names)."""

    def __init__(self, text: str):
        self.text = text

    def _op(self, op: str, other, swap: bool = False) -> _Sql:
        a, b = self.text, other.text if isinstance(other, _Sql) else repr(int(other))
        return _Sql(f"({b} {op} {a})" if swap else f"({a} {op} {b})")

    def __add__(self, o):
        return self._op("+", o)

    def __mul__(self, o):
        return self._op("*", o)

    def __mod__(self, o):
        return self._op("%", o)

    def __floordiv__(self, o):
        return self._op("//", o)

    def __and__(self, o):
        return self._op("AND", o)

    def __or__(self, o):
        return self._op("OR", o)

    def __eq__(self, o):  # type: ignore[override]
        return self._op("=", o)

    def __ne__(self, o):  # type: ignore[override]
        return self._op("<>", o)

    def __ge__(self, o):
        return self._op(">=", o)

    def __le__(self, o):
        return self._op("<=", o)

    __radd__ = __add__
    __rmul__ = __mul__
    __hash__ = None  # type: ignore[assignment]


def birth_ok_sql(y: str, m: str, d: str, today: dt.date | None = None) -> str:
    """``birth_ok`` as a SQL boolean over integer expressions (DuckDB)."""
    return birth_ok(_Sql(y), _Sql(m), _Sql(d), today).text


def check_char_sql(weighted_sum: str) -> str:
    """SQL: the check character for a weighted body sum (the ``CHECK_CHARS`` table, 1-based)."""
    return f"substr('{CHECK_CHARS}', CAST(({weighted_sum}) % 11 AS INTEGER) + 1, 1)"


def _birth_date(yyyymmdd: str, today: dt.date | None = None) -> dt.date | None:
    y, m, d = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8])
    return dt.date(y, m, d) if birth_ok(y, m, d, today) else None


def upgrade15(number15: str) -> str:
    """Legacy 15 → 18: insert ``19`` before the 6-digit birth date and append the check character."""
    body = number15[:6] + LEGACY_CENTURY + number15[6:]
    return body + check_char(body)


def validate(raw: str | None, *, today: dt.date | None = None) -> IdCheck:
    """Validate a number as recorded; a valid 15-digit number is returned upgraded to 18."""
    text = normalize(raw)
    if not text:
        return IdCheck(raw or "", text, False, IdProblem.EMPTY)
    upgraded = False
    if len(text) == LEGACY_LENGTH:
        if not _BODY15.match(text):
            return IdCheck(raw or "", text, False, IdProblem.BAD_CHARACTERS)
        if _birth_date(LEGACY_CENTURY + text[6:12]) is None:
            return IdCheck(raw or "", text, False, IdProblem.BAD_BIRTH_DATE)
        text = upgrade15(text)
        upgraded = True
    elif len(text) != LENGTH:
        return IdCheck(raw or "", text, False, IdProblem.BAD_LENGTH)
    if not _BODY18.match(text):
        return IdCheck(raw or "", text, False, IdProblem.BAD_CHARACTERS)
    born = _birth_date(text[BIRTH], today or dt.date.today())
    if born is None:
        return IdCheck(raw or "", text, False, IdProblem.BAD_BIRTH_DATE)
    if check_char(text[: LENGTH - 1]) != text[LENGTH - 1]:
        return IdCheck(raw or "", text, False, IdProblem.BAD_CHECK)
    sex = "M" if int(text[LENGTH - 2]) % 2 == 1 else "F"
    return IdCheck(raw or "", text, True, None, upgraded, born, sex)


def is_valid(raw: str | None) -> bool:
    return validate(raw).valid


def make(region6: str, birth: dt.date, sequence: int, *, male: bool) -> str:
    """Build a valid 18-character number (synthetic data and tests). ``sequence`` is 0–499."""
    seq = sequence * 2 + (1 if male else 0)
    if not 0 <= seq <= 999:
        raise ValueError("sequence out of range")
    body = f"{region6}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def repair_candidates(number18: str) -> list[str]:
    """Valid numbers one character away from an 18-character number that fails its check.

    Used by linkage (R-M11): each candidate still needs a name to confirm it.
    """
    text = normalize(number18)
    if len(text) != LENGTH or is_valid(text):
        return []
    out: list[str] = []
    for i in range(LENGTH):
        alphabet = "0123456789X" if i == LENGTH - 1 else "0123456789"
        for c in alphabet:
            if c == text[i]:
                continue
            cand = text[:i] + c + text[i + 1 :]
            if is_valid(cand):
                out.append(cand)
    return out


def mask(number: str | None) -> str:
    """``220102********1234`` — region kept, birth date and sequence hidden (R-S4)."""
    text = normalize(number)
    if not text:
        return ""
    kept = MASK_HEAD + MASK_TAIL
    if len(text) <= kept:
        return "*" * len(text)
    return text[:MASK_HEAD] + "*" * (len(text) - kept) + text[-MASK_TAIL:]


def mask_sql(expr: str) -> str:
    """``mask`` in SQL (DuckDB) of an already normalised text expression."""
    kept = MASK_HEAD + MASK_TAIL
    return (
        f"(CASE WHEN length({expr}) <= {kept} THEN repeat('*', length({expr})) "
        f"ELSE left({expr}, {MASK_HEAD}) || repeat('*', length({expr}) - {kept}) || right({expr}, {MASK_TAIL}) END)"
    )

"""Resident identity numbers (GB 11643-1999), rule R-H1.

Pure functions, no Django: used by the registry, the import paths, the policy contract and linkage.
An 18-character number is 6-digit region + 8-digit birth date + 3-digit sequence (odd = male) + a
check character from ISO 7064 MOD 11-2 (``X`` stands for 10). A 15-digit legacy number has a 2-digit
year and no check character; it upgrades by inserting ``19`` and appending the check character.
Invalid numbers are reported, never silently "fixed" (R-H1).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11

_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XXX")
_BODY18 = re.compile(r"^\d{17}[\dX]$")
_BODY15 = re.compile(r"^\d{15}$")


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


def _birth_date(yyyymmdd: str) -> dt.date | None:
    try:
        d = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None
    return d if d.year >= 1880 else None


def upgrade15(number15: str) -> str:
    """Legacy 15 → 18: insert ``19`` before the 6-digit birth date and append the check character."""
    body = number15[:6] + "19" + number15[6:]
    return body + check_char(body)


def validate(raw: str | None, *, today: dt.date | None = None) -> IdCheck:
    """Validate a number as recorded; a valid 15-digit number is returned upgraded to 18."""
    text = normalize(raw)
    if not text:
        return IdCheck(raw or "", text, False, IdProblem.EMPTY)
    upgraded = False
    if len(text) == 15:
        if not _BODY15.match(text):
            return IdCheck(raw or "", text, False, IdProblem.BAD_CHARACTERS)
        if _birth_date("19" + text[6:12]) is None:
            return IdCheck(raw or "", text, False, IdProblem.BAD_BIRTH_DATE)
        text = upgrade15(text)
        upgraded = True
    elif len(text) != 18:
        return IdCheck(raw or "", text, False, IdProblem.BAD_LENGTH)
    if not _BODY18.match(text):
        return IdCheck(raw or "", text, False, IdProblem.BAD_CHARACTERS)
    born = _birth_date(text[6:14])
    if born is None or born > (today or dt.date.today()):
        return IdCheck(raw or "", text, False, IdProblem.BAD_BIRTH_DATE)
    if check_char(text[:17]) != text[17]:
        return IdCheck(raw or "", text, False, IdProblem.BAD_CHECK)
    sex = "M" if int(text[16]) % 2 == 1 else "F"
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
    if len(text) != 18 or is_valid(text):
        return []
    out: list[str] = []
    for i in range(18):
        alphabet = "0123456789X" if i == 17 else "0123456789"
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
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]

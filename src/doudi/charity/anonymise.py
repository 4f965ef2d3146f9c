"""Anonymisation of a need's public text (R-P4, R-S4), pure (no Django).

A public need shows only its random public number, the county-level region, category, title, the approved
public story, amounts, due date and state. Before a township approves the story (and title), ``findings``
lists what still identifies the family: the household members' names (full name, and the given name of two
characters or more), identity numbers (18 or 15 digits), mobile and landline numbers, bank card numbers, any
other run of 7 or more digits, the members' birth dates, and the village's or township's name (also its short
form without 村/社区/街道/镇/乡). Full-width digits and letters are folded to ASCII before matching, and spaces
and dashes between digits are ignored. ``redact`` offers the same text with every finding replaced."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

KIND_LABELS = {
    "name": "家庭成员姓名",
    "id_number": "身份证号",
    "phone": "电话号码",
    "bank_card": "银行卡号",
    "digits": "较长的数字串",
    "birth_date": "出生日期",
    "place": "村（社区）或乡镇（街道）名称",
}
REPLACEMENT = {
    "name": "某某",
    "id_number": "[已隐去]",
    "phone": "[已隐去]",
    "bank_card": "[已隐去]",
    "digits": "[已隐去]",
    "birth_date": "[已隐去]",
    "place": "本地",
}
PLACE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "街道", "村", "镇", "乡", "办事处")
_SEP = r"[\s\-‐－—·.]?"
_DIGIT_RUN = re.compile(rf"\d(?:{_SEP}\d){{6,}}(?:{_SEP}[xX])?")
_ID_TAIL_X = re.compile(r"^\d{17}[xX]$")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\-－—]\d{7,8}(?!\d)")
_PLAIN_DATE = re.compile(r"^(19|20)\d{2}[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])$")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


# full-width digits, letters and dashes fold to ASCII one character for one (so positions hold and the
# Chinese punctuation of the text is kept as written)
_FOLD = {
    c: c - 0xFEE0 for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF0D)
}


def normalise(text: str) -> str:
    return (text or "").translate(_FOLD)


def _classify(digits: str) -> str:
    n = len(digits)
    if n == 18 and (digits.isdigit() or _ID_TAIL_X.match(digits)) or (n == 15 and digits.isdigit()):
        return "id_number"
    if n == 11 and digits.startswith("1") and digits[1] in "3456789":
        return "phone"
    if 16 <= n <= 19 and digits.isdigit():
        return "bank_card"
    return "digits"


def name_variants(names: Iterable[str]) -> list[str]:
    """Full names and, for names of three characters or more, the given name (two characters at least)."""
    out: set[str] = set()
    for raw in names:
        name = normalise(raw).strip().replace(" ", "").replace("·", "")
        if len(name) < 2:
            continue
        out.add(name)
        if len(name) >= 3:
            out.add(name[1:])
    return sorted(out, key=len, reverse=True)


def place_variants(places: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for raw in places:
        place = normalise(raw).strip()
        if len(place) < 2:
            continue
        out.add(place)
        for suffix in PLACE_SUFFIXES:
            if place.endswith(suffix) and len(place) - len(suffix) >= 2:
                out.add(place[: -len(suffix)])
                break
    return sorted(out, key=len, reverse=True)


def date_variants(dates: Iterable[dt.date]) -> list[str]:
    out: set[str] = set()
    for d in dates:
        if d is None:
            continue
        out |= {
            f"{d.year}年{d.month}月{d.day}日",
            f"{d.year}年{d.month:02d}月{d.day:02d}日",
            f"{d:%Y-%m-%d}",
            f"{d.year}-{d.month}-{d.day}",
            f"{d:%Y/%m/%d}",
            f"{d:%Y.%m.%d}",
        }
    return sorted(out, key=len, reverse=True)


def _spans(text: str, names, places, dates) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for kind, words in (("name", name_variants(names)), ("place", place_variants(places)),
                        ("birth_date", date_variants(dates))):  # fmt: skip
        for word in words:
            start = text.find(word)
            while start >= 0:
                spans.append((start, start + len(word), kind))
                start = text.find(word, start + 1)
    for m in _LANDLINE.finditer(text):
        spans.append((m.start(), m.end(), "phone"))
    for m in _DIGIT_RUN.finditer(text):
        if _PLAIN_DATE.match(m.group(0)):
            continue  # a date such as a due date (members' birth dates are matched above)
        digits = re.sub(r"[^\dxX]", "", m.group(0))
        kind = "phone" if _LANDLINE.fullmatch(m.group(0)) else _classify(digits)
        spans.append((m.start(), m.end(), kind))
    return spans


def findings(
    text: str, *, names: Iterable[str] = (), places: Iterable[str] = (), birth_dates: Iterable[dt.date] = ()
) -> list[Finding]:
    """What in ``text`` still identifies the family (each distinct finding once, in order of appearance)."""
    text = normalise(text)
    seen: dict[tuple[str, str], Finding] = {}
    covered_to = -1
    spans = sorted(
        _spans(text, list(names), list(places), dates_of(birth_dates)), key=lambda s: (s[0], -s[1])
    )
    for start, end, kind in spans:
        if end <= covered_to:
            continue  # inside a longer finding ("进学" within "进学街道")
        covered_to = end
        key = (kind, text[start:end])
        seen.setdefault(key, Finding(kind, text[start:end]))
    return list(seen.values())


def dates_of(dates: Iterable[dt.date | None]) -> list[dt.date]:
    return [d for d in dates if d is not None]


def redact(
    text: str, *, names: Iterable[str] = (), places: Iterable[str] = (), birth_dates: Iterable[dt.date] = ()
) -> str:
    """``text`` with every finding replaced (a suggestion the township may accept or rewrite)."""
    text = text or ""
    for _ in range(5):  # a replacement never creates a finding, but overlapping spans need another pass
        spans = sorted(_spans(normalise(text), list(names), list(places), dates_of(birth_dates)))
        if not spans:
            break
        merged: list[tuple[int, int, str]] = []
        for start, end, kind in spans:
            if merged and start < merged[-1][1]:
                s, e, k = merged[-1]
                merged[-1] = (s, max(e, end), k)
            else:
                merged.append((start, end, kind))
        out, pos = [], 0
        for start, end, kind in merged:
            out.append(text[pos:start])
            out.append(REPLACEMENT[kind])
            pos = end
        out.append(text[pos:])
        text = "".join(out)
    return text


def masked(finding: Finding) -> str:
    """How a finding is named in the error: names and places in full (the township wrote them), numbers with
    their middle hidden."""
    t = finding.text
    if finding.kind in ("name", "place", "birth_date"):
        return f"“{t}”"
    digits = re.sub(r"[^\dxX]", "", t)
    return f"“{digits[:3]}{'*' * max(len(digits) - 7, 1)}{digits[-4:]}”"


def error_message(found: list[Finding]) -> str:
    """One Chinese sentence naming what was found, by kind."""
    by_kind: dict[str, list[str]] = {}
    for f in found:
        by_kind.setdefault(f.kind, [])
        if masked(f) not in by_kind[f.kind]:
            by_kind[f.kind].append(masked(f))
    parts = [f"{KIND_LABELS[k]}{'、'.join(v[:5])}" for k, v in by_kind.items()]
    return (
        "公开内容不能含有可识别家庭的信息，发现："
        + "；".join(parts)
        + "。请改用中性表述，或采用系统建议的隐去版本。"
    )


def county_level_only(region_names: dict[str, str], region_code: str) -> str:
    """The county-level name of a region (never the township or village)."""
    return region_names.get(str(region_code)[:6].ljust(12, "0"), "")

"""Safe cells for every Excel/CSV export, and the one name cleaner of every door (pure, no Django).

``safe_cell`` neutralises formula injection (CWE-1236): a text that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is written with a leading apostrophe, so neither Excel nor
LibreOffice nor WPS evaluates it, whatever the file type; characters XML 1.0 cannot hold (NUL and the
other C0 controls except tab/newline) are dropped, so writing a workbook never raises on stored data.
``append_row(ws, values)`` is ``ws.append`` with every value made safe; ``safe_row`` does the same for
a CSV writer.

``clean_name`` is the check of a person's name at every door (roster import, department intake, API,
forms): zero-width characters and bidi overrides are removed (they hide or reorder text), and a name
that still holds a control character (NUL included) is refused with a Chinese reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 refuses these (openpyxl raises IllegalCharacterError on them)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# zero-width characters, bidi embeddings/overrides/isolates, word joiner, BOM used as ZWNBSP
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u180e]")
_BREAKS = re.compile(r"[\t\r\n]+")  # a cell wrapped over lines: read as one space
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")

NAME_CONTROL_REASON = "姓名含有控制字符或不可见字符"


def safe_text(value: str) -> str:
    value = _XML_ILLEGAL.sub("", value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """A value as written to a spreadsheet cell: text neutralised, anything else unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def append_row(ws, values: Iterable[Any]) -> None:
    """``ws.append(values)`` with every text cell neutralised (never a live formula, never a raise)."""
    ws.append(safe_row(values))


def clean_name(raw: str | None) -> tuple[str, str | None]:
    """(cleaned name, None) or (name, Chinese reason) when it holds a control character.

    Zero-width and bidi-control characters are removed, tabs and line breaks become one space and
    the result is stripped; NUL and every other control character are refused (never kept)."""
    text = _BREAKS.sub(" ", INVISIBLE.sub("", raw or ""))
    if _CONTROL.search(text):
        return text.strip(), NAME_CONTROL_REASON
    return text.strip(), None


# The same classes as RE2 patterns, for the department intake's validation in DuckDB SQL
INVISIBLE_SQL = (
    r"[\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{feff}\x{00ad}\x{180e}]"
)
BREAKS_SQL = r"[\t\r\n]+"
CONTROL_SQL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{2028}\x{2029}]"

"""Tracking numbers given to the public (a report's 查询码): random, not derived from anything, with a
check character so that a mistyped number is refused before any lookup.

The alphabet has 31 symbols (digits 2–9 and letters without I, L, O, which read like 1 and 0); 31 is
prime, so the weighted check character catches every single wrong character and every swap of two
neighbours. Ten random symbols (≈ 8 × 10¹⁴ numbers) make guessing a valid number hopeless.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_LENGTH = 10
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def check_char(body: str) -> str:
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_char(body)


def normalize(raw: str | None) -> str | None:
    """The stored form of a typed number (spaces and dashes dropped, upper case), or None when it is
    not a well-formed number with a correct check character."""
    text = "".join(ch for ch in str(raw or "").upper() if ch not in " -—_")
    if len(text) != RANDOM_LENGTH + 1 or any(c not in _VALUE for c in text):
        return None
    return text if check_char(text[:-1]) == text[-1] else None


def display(code: str) -> str:
    """Grouped for reading aloud: ``ABCD-EFGH-JKM``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

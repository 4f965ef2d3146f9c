"""Exact integer helpers shared by the formulas (R-B5 rounding; parameters to fen and 1/10,000 units)."""

import numpy as np

I64 = np.int64
NONE, DIBAO, MARGINAL, RIGID, TEKUN = 0, 1, 2, 3, 4  # household category codes (Doudi's)
KINDS = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")  # codes 1..7
SEVERE_MAX_GRADE = np.array([0, 2, 2, 2, 2, 3, 3, 2], I64)  # DOMAIN §3 severe disability, by kind code


def fen(yuan) -> np.ndarray:
    return np.round(np.asarray(yuan, dtype=np.float64) * 100).astype(I64)


def e4(ratio) -> np.ndarray:
    return np.round(np.asarray(ratio, dtype=np.float64) * 10_000).astype(I64)


def as_of_ymd(period) -> int:
    start = period.start
    return start.year * 10_000 + start.month * 100 + start.day


def round_div(num, den):
    """Half-up ``num / den`` for ``num >= 0`` (R-B5)."""
    return (2 * num + den) // (2 * den)


def differential(num, den):
    """R-B5 for a differential: half-up, and above 0 but below 1 yuan pays 1 yuan."""
    return np.where(num > 0, np.maximum(round_div(np.maximum(num, 0), den), 1), 0)

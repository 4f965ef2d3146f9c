"""Exact money and ratio arithmetic (R-B5).

Money is held as integer fen (1/100 yuan) and ratios as integer units of 1/10,000, so every comparison
and every benefit line is exact; rounding to the yuan happens once, at the end of a line, half-up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN_PER_YUAN = 100
RATIO_SCALE = 10_000  # ratios and multiples are stored in units of 1/10,000 (at most 4 decimals)

MAX_MONEY_YUAN = Decimal("1000000000")  # 10^9 yuan: keeps every integer product far below 2^63
MAX_RATIO = Decimal("1000")


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def to_fen(yuan: Decimal) -> int:
    """Exact yuan → fen; the caller has checked that ``yuan`` has at most two decimals."""
    fen = yuan * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{yuan} has more than two decimals")
    return int(fen)


def to_ratio_units(ratio: Decimal) -> int:
    units = ratio * RATIO_SCALE
    if units != units.to_integral_value():
        raise ValueError(f"{ratio} has more than four decimals")
    return int(units)


def round_half_up_div(num: int, den: int) -> int:
    """``num / den`` rounded half-up to an integer, for ``num >= 0`` and ``den > 0`` (R-B5)."""
    return (2 * num + den) // (2 * den)


def differential_yuan(num: int, den: int) -> int:
    """R-B5 for a differential: half-up to the yuan, and a positive amount below 1 yuan pays 1 yuan."""
    if num <= 0:
        return 0
    return max(1, round_half_up_div(num, den))


def fen_to_decimal(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def fmt_fen_2dp(fen: int) -> str:
    """Fen as a yuan string with exactly two decimals: ``50000`` → ``"500.00"``."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def fmt_yuan(value: Decimal) -> str:
    """A yuan amount for text: whole yuan without decimals (``760``), otherwise two decimals (half-up)."""
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def fmt_number(value: Decimal) -> str:
    """A plain number (multiple, months) without a trailing exponent or needless zeros: ``1.3``, ``24``."""
    text = format(value.normalize(), "f")
    return text


def fmt_percent(ratio: Decimal) -> str:
    """``Decimal("0.60")`` → ``"60%"``, ``Decimal("0.125")`` → ``"12.5%"``."""
    return f"{fmt_number(ratio * 100)}%"

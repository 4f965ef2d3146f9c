"""Small-cell suppression of the published figures (R-PUB6, ``disclosure.min_cell``). Pure: no Django.

A count below the threshold (but not zero) is not shown; a figure that depends on a count (persons,
amounts) goes with it. Where one row alone of a column would be hidden while the column's total is shown,
the next smallest row is hidden as well, so that no hidden cell can be worked out by subtraction. A
hidden cell is ``None``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def _small(value: int, min_cell: int) -> bool:
    return 0 < value < min_cell


def suppress_table(
    values: Mapping[str, Mapping[str, int]],
    keys: Sequence[str],
    count_of: Mapping[str, str],
    min_cell: int,
) -> dict:
    rows = sorted(values)
    counts = [k for k in keys if k not in count_of]
    hidden: dict[str, set[str]] = {code: set() for code in rows}
    for key in counts:
        small = [code for code in rows if _small(int(values[code].get(key, 0)), min_cell)]
        for code in small:
            hidden[code].add(key)
        if len(small) == 1:
            others = [c for c in rows if c not in small and int(values[c].get(key, 0)) > 0]
            if others:
                hidden[min(others, key=lambda c: (int(values[c].get(key, 0)), c))].add(key)
    for code in rows:
        for key, count_key in count_of.items():
            if count_key in hidden[code]:
                hidden[code].add(key)
    cells = {
        code: {k: (None if k in hidden[code] else int(values[code].get(k, 0))) for k in keys} for code in rows
    }
    total: dict[str, int | None] = {}
    for key in keys:
        s = sum(int(values[c].get(key, 0)) for c in rows)
        guard = sum(int(values[c].get(count_of.get(key, key), 0)) for c in rows)
        total[key] = None if _small(guard, min_cell) else s
    return {"cells": cells, "total": total, "min_cell": min_cell}

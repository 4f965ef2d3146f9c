"""Blind indexes (SM3-HMAC, ``core.crypto.blind_indexes``) of many values at once.

Large lists are spread over worker processes by ``exchange.workers.Pool``; this module imports no
Django so a worker starts quickly (the key is passed in).
"""

from __future__ import annotations

import pyarrow as pa

from doudi.core.crypto import blind_indexes


def index_values(values: list[str], key: bytes) -> list[str]:
    """Blind indexes of ``values`` (already normalised)."""
    return blind_indexes(values, key=key)


def index_array(values: pa.Array, key: bytes) -> pa.Array:
    """The same for an Arrow string array without nulls."""
    return pa.array(blind_indexes(values.to_pylist(), key=key), pa.string())

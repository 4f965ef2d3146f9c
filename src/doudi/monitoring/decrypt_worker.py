"""Worker side of the bulk decryption of sensitive facts (``monitoring.sources``): spawned processes
that receive the field key and decrypt JSON values. Imports no Django (a spawned worker has none)."""

from __future__ import annotations

import json

from doudi.core import crypto

_KEY: bytes = b""


def init(key: bytes) -> None:
    global _KEY
    _KEY = key


def open_json(blob: bytes):
    return json.loads(crypto.decrypt(blob, key=_KEY))

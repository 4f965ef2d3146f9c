"""Key material kept in the data directory (created on first use, e.g. by ``doudi init``).

Files are written once with mode 0600 and never rotated silently: losing ``field.key`` makes the
encrypted identity numbers unreadable, so operators must back the directory up (see docs/operations.md).
Environment variables override the files (hex-encoded) for deployments that keep keys in a vault.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _load_or_create(path: Path, nbytes: int, env: str) -> bytes:
    if os.environ.get(env):
        value = bytes.fromhex(os.environ[env])
        if len(value) != nbytes:
            raise ValueError(f"{env} must be {nbytes} bytes hex-encoded")
        return value
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(nbytes)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value.hex())
    try:
        os.link(tmp, path)  # atomic create-if-absent: a concurrent first start keeps one key
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text().strip())


def secret_key(data_dir: Path) -> str:
    return _load_or_create(data_dir / "keys" / "secret.key", 50, "DOUDI_SECRET_KEY_HEX").hex()


def field_key(data_dir: Path) -> bytes:
    """SM4 key (128 bit) for field encryption."""
    return _load_or_create(data_dir / "keys" / "field.key", 16, "DOUDI_FIELD_KEY_HEX")


def index_key(data_dir: Path) -> bytes:
    """SM3-HMAC key for blind indexes."""
    return _load_or_create(data_dir / "keys" / "index.key", 32, "DOUDI_INDEX_KEY_HEX")


def audit_key(data_dir: Path) -> bytes:
    """SM3-HMAC key of the audit chain and its anchors: kept outside the database, so database write
    access alone cannot recompute the chain."""
    return _load_or_create(data_dir / "keys" / "audit.key", 32, "DOUDI_AUDIT_KEY_HEX")

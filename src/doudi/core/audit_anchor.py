"""Anchors of the audit chain outside the database (R-S5): an append-only file of signed lines.

The chain's links are SM3-HMACs keyed with ``DOUDI_AUDIT_KEY`` (``keys/audit.key`` or the
environment), so someone with database write access alone cannot recompute them. To catch the
removal of the newest rows (with the head row adjusted to match), the head — its hash, the number of
events and the time — is appended as a signed line to ``DOUDI_AUDIT_ANCHORS``
(``$DOUDI_DATA_DIR/audit-anchors.log``) every ``DOUDI_AUDIT_ANCHOR_EVERY`` events, after each
``doudi audit verify`` that succeeds, and by ``doudi audit checkpoint`` (run it daily).

The first line (``genesis``) says how many events were chained before the key existed: an
installation upgraded from the unkeyed chain keeps verifying those with plain SM3, every later event
is keyed. ``doudi audit verify`` checks every line's signature and that the chain still holds each
checkpoint's head at its count.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from doudi.core.crypto import constant_time_equal, hmac_sm3_hex


@dataclass(frozen=True)
class Anchor:
    kind: str  # genesis / checkpoint
    count: int  # events in the chain (genesis: events chained before the key)
    head: str  # hash of the count-th event ("" for none)
    at: str


class AnchorError(ValueError):
    """The anchor file was altered (a line whose signature does not hold)."""


_legacy_cache: dict[str, int] = {}


def _key() -> bytes:
    return settings.DOUDI_AUDIT_KEY


def path() -> Path:
    return Path(settings.DOUDI_AUDIT_ANCHORS)


def _sign(body: dict) -> str:
    return hmac_sm3_hex(_key(), json.dumps(body, sort_keys=True, separators=(",", ":")).encode())


def _append(kind: str, count: int, head: str) -> None:
    body = {"kind": kind, "count": count, "head": head,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}  # fmt: skip
    line = json.dumps({**body, "sig": _sign(body)}, sort_keys=True) + "\n"
    p = path()
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read() -> list[Anchor]:
    """Every line, signatures checked (``AnchorError`` on the first that does not hold)."""
    p = path()
    if not p.exists():
        return []
    out = []
    for n, raw in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            sig = data.pop("sig")
            ok = constant_time_equal(sig, _sign(data))
            anchor = Anchor(data["kind"], int(data["count"]), data["head"], data["at"])
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"锚点文件第 {n} 行格式错误") from exc
        if not ok:
            raise AnchorError(f"锚点文件第 {n} 行签名不符（被改动或密钥不对）")
        out.append(anchor)
    return out


def legacy_count(current_count: int) -> int:
    """How many events predate the keyed chain. The first call on an installation without an anchor
    file writes the genesis line with ``current_count`` (called with the chain head locked)."""
    key = str(path())
    if key in _legacy_cache:
        return _legacy_cache[key]
    anchors = read()
    genesis = next((a for a in anchors if a.kind == "genesis"), None)
    if genesis is None:
        _append("genesis", current_count, "")
        value = current_count
    else:
        value = genesis.count
    _legacy_cache[key] = value
    return value


def checkpoint(count: int, head: str) -> None:
    _append("checkpoint", count, head)


def reset_cache() -> None:
    _legacy_cache.clear()

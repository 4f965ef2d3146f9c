"""Field encryption (SM4-GCM) and blind indexes (SM3-HMAC), DOMAIN R-S5.

Ciphertext layout: 12-byte random nonce || ciphertext || 16-byte tag. Blind indexes let the
registry find a person by exact identity number without storing it in the clear; the same scheme
is used by the columnar batch store so links can be made by joining on the index.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as chmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

NONCE_BYTES = 12
TAG_BYTES = 16
INDEX_HEX_CHARS = 32  # 128-bit blind index: collision-free at national scale, half the storage


@lru_cache(maxsize=1)
def _keys() -> tuple[bytes, bytes]:
    from django.conf import settings

    return settings.DOUDI_FIELD_KEY, settings.DOUDI_INDEX_KEY


def reset_key_cache() -> None:
    _keys.cache_clear()


def encrypt(plain: str, *, key: bytes | None = None) -> bytes:
    key = key or _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = enc.update(plain.encode("utf-8")) + enc.finalize()
    return nonce + body + enc.tag


def decrypt(blob: bytes | memoryview, *, key: bytes | None = None) -> str:
    key = key or _keys()[0]
    blob = bytes(blob)
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    return (dec.update(body) + dec.finalize()).decode("utf-8")


def encrypt_bytes(plain: bytes, *, key: bytes | None = None) -> bytes:
    """SM4-GCM of raw bytes (a letter's PDF): nonce || ciphertext || tag."""
    key = key or _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    return nonce + enc.update(bytes(plain)) + enc.finalize() + enc.tag


def decrypt_bytes(blob: bytes | memoryview, *, key: bytes | None = None) -> bytes:
    key = key or _keys()[0]
    blob = bytes(blob)
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    return dec.update(body) + dec.finalize()


def encrypt_json(value: Any) -> bytes:
    return encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def decrypt_json(blob: bytes | memoryview) -> Any:
    return json.loads(decrypt(blob))


def blind_index(normalized: str, *, key: bytes | None = None) -> str:
    """SM3-HMAC of an already normalised value, hex, truncated to INDEX_HEX_CHARS (for an identity
    number the value is ``idnumber.validate(raw).normalized``)."""
    return blind_indexes([normalized], key=key)[0]


def blind_indexes(values: Iterable[str], *, key: bytes | None = None) -> list[str]:
    """``blind_index`` of many values: the one definition of the scheme, for single values, the batch
    intake (``exchange.blind``) and the test data. One HMAC context per key, copied per value (about
    twice as fast as building a new one)."""
    base = chmac.HMAC(key or _keys()[1], hashes.SM3())
    digest_bytes = INDEX_HEX_CHARS // 2
    out: list[str] = []
    append = out.append
    for v in values:
        h = base.copy()
        h.update(v.encode("utf-8"))
        append(h.finalize()[:digest_bytes].hex())
    return out


def sm3_hex(data: bytes) -> str:
    """Plain SM3 digest (audit hash chain, content hashes)."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    """SM3-HMAC, full length, hex (the keyed audit chain and its anchors)."""
    mac = chmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def token_digest(token: str) -> str:
    """API tokens are stored as digests only."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)

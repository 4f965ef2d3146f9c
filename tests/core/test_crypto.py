"""R-S5: SM4 field encryption and SM3-HMAC blind indexes."""

import pytest

from doudi.core import crypto


def test_sm4_round_trip_and_randomised_ciphertext():
    a = crypto.encrypt("220102199001011234")
    b = crypto.encrypt("220102199001011234")
    assert a != b  # random nonce: equal plaintexts are not linkable from ciphertexts
    assert b"220102" not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == "220102199001011234"


def test_tampered_ciphertext_is_rejected():
    blob = bytearray(crypto.encrypt("金明哲"))
    blob[15] ^= 1
    with pytest.raises(Exception):  # noqa: B017 - any authentication failure
        crypto.decrypt(bytes(blob))


def test_blind_index_is_deterministic_keyed_and_short():
    i1 = crypto.blind_index("220102199001011234")
    assert i1 == crypto.blind_index("220102199001011234")
    assert len(i1) == crypto.INDEX_HEX_CHARS
    assert i1 != crypto.blind_index("220102199001011234", key=b"k" * 32)


def test_sm3_known_answer():
    # GB/T 32905-2016 example: SM3("abc")
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"

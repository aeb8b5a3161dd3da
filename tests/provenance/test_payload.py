"""Payload coding: CRC-16 + rate-1/2 convolutional code, soft Viterbi decoding."""

import numpy as np
import pytest

from facetalk.provenance.payload import CODED_BITS, Payload


def test_round_trip_and_noise():
    rng = np.random.default_rng(0)
    for pid in (0, 1, 0xDEADBEEF, 2**32 - 1):
        payload = Payload(version="0.1", id=pid)
        coded = payload.coded_bits()
        assert coded.shape == (CODED_BITS,) and set(np.unique(coded)) == {-1.0, 1.0}
        assert Payload.decode(coded) == payload
        # Soft symbols at SNR 3 (noise std 1/3 of the signal) still decode: the code corrects.
        assert Payload.decode(coded + rng.normal(0, 1 / 3, CODED_BITS)) == payload
        flipped = coded.copy()
        flipped[rng.choice(CODED_BITS, 6, replace=False)] *= -1  # 6 hard errors, spread out
        assert Payload.decode(flipped) == payload


def test_noise_is_rejected_by_the_crc():
    rng = np.random.default_rng(1)
    assert sum(Payload.decode(rng.normal(size=CODED_BITS)) is not None for _ in range(200)) == 0


def test_version_and_id_are_checked():
    assert Payload.new().version == "0.1"
    assert Payload(version="7.31", id=5).coded_bits().shape == (CODED_BITS,)
    for bad in ("1", "8.0", "0.32", "a.b"):
        with pytest.raises(ValueError):
            Payload(version=bad, id=1)
    with pytest.raises(ValueError):
        Payload(version="0.1", id=2**32)


def test_content_id_is_deterministic():
    a, b = Payload.for_content(b"photo one"), Payload.for_content(b"photo one")
    assert a == b and a.version == "0.1"
    assert Payload.for_content(b"photo two").id != a.id

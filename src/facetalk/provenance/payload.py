"""What the watermark carries: a release version and a 32-bit id, protected by a CRC-16 and a
rate-1/2 convolutional code (constraint length 7, the 133/171 code), decoded by soft Viterbi."""

from __future__ import annotations

import binascii
import secrets
from dataclasses import dataclass

import numpy as np

INFO_BITS = 8 + 32 + 16  # version, id, CRC-16
_K = 7  # constraint length
_GENERATORS = (0o133, 0o171)
CODED_BITS = 2 * (INFO_BITS + _K - 1)  # the zero tail brings the encoder back to state 0


@dataclass(frozen=True)
class Payload:
    """`version`: facetalk's release as "major.minor" (majors 0-7, minors 0-31); `id`: 32 bits."""

    version: str
    id: int

    def __post_init__(self):
        _version_code(self.version)  # validates
        if not 0 <= self.id < 2**32:
            raise ValueError(f"payload id must fit in 32 bits, got {self.id}")

    @classmethod
    def new(cls) -> Payload:
        """This release's version and a fresh random id."""
        return cls(version=_release(), id=secrets.randbits(32))

    @classmethod
    def for_content(cls, data: bytes) -> Payload:
        """This release's version and an id derived from `data` (CRC-32): the same photo always
        carries the same id, so the same inputs and seed give the same video, bit for bit."""
        return cls(version=_release(), id=binascii.crc32(data))

    def coded_bits(self) -> np.ndarray:
        """(CODED_BITS,) of +1/-1: the channel symbols the watermark embeds."""
        data = bytes([_version_code(self.version)]) + self.id.to_bytes(4, "big")
        crc = binascii.crc_hqx(data, 0xFFFF)
        bits = np.unpackbits(np.frombuffer(data + crc.to_bytes(2, "big"), np.uint8))
        return 1.0 - 2.0 * _encode(np.concatenate([bits, np.zeros(_K - 1, np.uint8)]))

    @classmethod
    def decode(cls, soft: np.ndarray) -> Payload | None:
        """The payload from (CODED_BITS,) soft symbols (positive means bit 0), None if the CRC fails."""
        bits = _viterbi(np.asarray(soft, np.float64))[:INFO_BITS]
        raw = np.packbits(bits).tobytes()
        if binascii.crc_hqx(raw[:5], 0xFFFF) != int.from_bytes(raw[5:7], "big"):
            return None
        code = raw[0]
        return cls(version=f"{code >> 5}.{code & 31}", id=int.from_bytes(raw[1:5], "big"))


def _release() -> str:
    from facetalk import __version__

    return ".".join(__version__.split(".")[:2])


def _version_code(version: str) -> int:
    try:
        major, minor = (int(v) for v in version.split("."))
    except ValueError:
        raise ValueError(f"payload version must be 'major.minor', got {version!r}") from None
    if not (0 <= major < 8 and 0 <= minor < 32):
        raise ValueError(f"payload version {version!r} out of range (majors 0-7, minors 0-31)")
    return major << 5 | minor


def _trellis() -> tuple[np.ndarray, np.ndarray]:
    """For each (state, input bit): the next state, and the two output bits as +1/-1."""
    n_states = 1 << (_K - 1)
    register = (np.arange(2)[None, :] << (_K - 1)) | np.arange(n_states)[:, None]  # (states, bit)
    outputs = np.stack([np.vectorize(lambda r, g=g: bin(r & g).count("1") & 1)(register)
                        for g in _GENERATORS], axis=-1)
    return register >> 1, 1.0 - 2.0 * outputs


_NEXT, _OUT = _trellis()


def _encode(bits: np.ndarray) -> np.ndarray:
    state, out = 0, []
    for b in bits:
        out.extend(_OUT[state, b] < 0)
        state = _NEXT[state, b]
    return np.array(out, np.uint8)


def _viterbi(soft: np.ndarray) -> np.ndarray:
    """Most likely input bits for soft symbols (correlation metric), ending in state 0."""
    n_states = _NEXT.shape[0]
    # State n is reached with input bit n >> (K-2) from the two states 2(n mod half) and 2(n mod half)+1.
    nxt = np.arange(n_states)
    bit = nxt >> (_K - 2)
    pred = ((nxt & (n_states // 2 - 1)) << 1)[:, None] | np.arange(2)[None, :]  # (states, 2)
    metric = np.full(n_states, -np.inf)
    metric[0] = 0.0
    steps = soft.reshape(-1, 2)
    back = np.empty((len(steps), n_states), np.int64)
    for t, sym in enumerate(steps):
        cand = metric[pred] + _OUT[pred, bit[:, None]] @ sym
        pick = np.argmax(cand, axis=1)
        back[t] = pred[nxt, pick]
        metric = cand[nxt, pick]
    bits = np.empty(len(steps), np.uint8)
    state = 0
    for t in range(len(steps) - 1, -1, -1):
        bits[t] = state >> (_K - 2)
        state = back[t, state]
    return bits

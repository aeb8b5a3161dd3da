"""The watermark's shape: a periodic luma pattern whose tile is defined by its 2D Fourier coefficients.

The frame is tiled TILES times across its shorter side, whatever its size, so a resized frame keeps
the layout and a cropped one only shifts it. Within a 64-sample tile, the coefficients with
5 <= |k| <= 17 cycles per tile (wavelengths 3.8 to 13 px in a 256 px frame: mid frequencies that
survive downscaling and H.264, above the low ones where picture content drowns them) carry the
mark: most of them a fixed sync pattern with known phases that the detector finds by
cross-correlation over all shifts, the rest the coded payload, one BPSK symbol each. Distinct
Fourier coefficients are orthogonal, so sync and data never interfere.

The layout comes from SHA-256 of fixed labels, not from numpy's generators, so it never changes
with a library version: changing anything here is a new scheme that old marks are not found by.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np

from facetalk.provenance.payload import CODED_BITS

TILE = 64           # samples per tile side in the canonical frame
TILES = 4           # tiles across the shorter side of the frame
CANONICAL = TILE * TILES  # the detector resamples frames to about this shorter side
BAND = (5.0, 17.0)  # carrier radii, cycles per tile
AMPLITUDE = 1.9     # RMS of the pattern in gray levels: PSNR about 42.5 dB (42.4 at worst) with rounding
_SCHEME = b"facetalk-watermark-1"


def _uniform(label: str, n: int) -> np.ndarray:
    """n reproducible uniforms in [0, 1) for `label` (SHA-256 in counter mode)."""
    blocks = [hashlib.sha256(_SCHEME + b"/" + label.encode() + i.to_bytes(4, "big")).digest()
              for i in range((8 * n + 31) // 32)]
    return np.frombuffer(b"".join(blocks)[:8 * n], dtype=">u8") / 2.0**64


def _carriers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ky, kx, phase) of every carrier, shuffled; the first CODED_BITS // 2 carry data."""
    k = np.arange(-TILE // 2 + 1, TILE // 2)
    ky, kx = (a.ravel() for a in np.meshgrid(k, k, indexing="ij"))
    radius = np.hypot(ky, kx)
    # one of each conjugate pair (ky, kx) ~ (-ky, -kx): the pattern is real
    keep = ((ky > 0) | ((ky == 0) & (kx > 0))) & (radius >= BAND[0]) & (radius <= BAND[1])
    order = np.argsort(_uniform("order", int(keep.sum())))
    ky, kx = ky[keep][order], kx[keep][order]
    return ky, kx, 2 * np.pi * _uniform("phase", len(ky))


KY, KX, PHASE = _carriers()
N_DATA = CODED_BITS  # data carriers, one coded bit each (BPSK)
# Data carriers are stronger than sync ones: decoding 124 symbols needs more energy per carrier than
# finding the sync does; this keeps the payload readable after CRF 30 at a small cost in sync score.
DATA_GAIN = 1.3
SYNC = slice(N_DATA, None)
DATA = slice(0, N_DATA)


def coefficients(coded: np.ndarray) -> np.ndarray:
    """Complex amplitude of every carrier for (CODED_BITS,) +1/-1 symbols."""
    c = np.exp(1j * PHASE)
    c[DATA] *= DATA_GAIN * coded
    return c


@functools.lru_cache(maxsize=8)
def pattern(height: int, width: int, coded: bytes) -> np.ndarray:
    """(height, width) float32 pattern with RMS AMPLITUDE for the coded symbols (as float64 bytes).

    Evaluated exactly from the Fourier series at each pixel (two small matrix products); carriers
    above 0.45 cycles/px are left out in frames too small for them, so nothing aliases.
    """
    period = min(height, width) / TILES
    ok = (np.abs(KY) / period < 0.45) & (np.abs(KX) / period < 0.45)
    if not ok.any():  # a frame too small for any carrier (shorter side under ~45 px) is left as it is
        p = np.zeros((height, width), np.float32)
        p.flags.writeable = False
        return p
    c = coefficients(np.frombuffer(coded, np.float64))[ok]
    rows = np.exp(2j * np.pi * np.outer(np.arange(height) / period, KY[ok]))
    cols = np.exp(2j * np.pi * np.outer(KX[ok], np.arange(width) / period))
    p = np.real((rows * c) @ cols)
    p *= AMPLITUDE / np.sqrt(np.mean(p * p))
    p = p.astype(np.float32)
    p.flags.writeable = False
    return p

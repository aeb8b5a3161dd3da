"""Find the watermark in images or video frames, after crops, rescaling, re-encoding, level changes.

1. Each frame's luma is whitened: what an edge-preserving (bilateral) smoothing leaves, divided by
   its local RMS. The smoothing keeps edges and strokes, which a plain high-pass would leave in
   the residual to drown the mark (line art, hatching, a collar), and removes the faint mark.
   Video frames are averaged after this, so the fixed mark adds up while moving content does not.
2. For each candidate scale (the frame's shorter side brought to 192..272 samples: a resize keeps 4
   tiles across it, a crop of up to 25 % leaves fewer), the residual is folded modulo the 64-sample
   tile, so every tile adds its copy of the mark whatever the crop offset.
3. The folded tile's spectrum, phase only, is correlated with the sync carriers over all shifts
   (half-sample steps). Under unmarked content each correlation is a standard normal, so the best
   one, a z-score, is the detection statistic; its null distribution (a maximum over all scales and
   shifts) was measured on unmarked images, see benchmarks/bench_watermark.py.
4. At the best scale and shift, the data carriers give soft symbols for the payload decoder.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterable
from itertools import islice

import numpy as np

from facetalk.errors import InputError
from facetalk.provenance.layout import CANONICAL, DATA, KX, KY, PHASE, SYNC, TILE
from facetalk.provenance.payload import Payload

# The best score of unmarked content behaves like the largest of _N_EFFECTIVE independent standard
# normals (fitted to the median of 2060 unmarked images and videos in benchmarks/bench_watermark.py,
# whose highest score was 5.75); this turns a score into a false-alarm probability.
_N_EFFECTIVE = 4.4e5
THRESHOLD = 6.5  # a z-score that unmarked content reaches about once in 55 000 (1 - _confidence(6.5))
_SIDES = range(192, 273)  # candidate shorter sides after resampling: period = TILE samples
_UP = 2  # correlation computed on a half-sample grid
_WORK_SIDE = 384  # frames are first reduced to at most this shorter side: 1.4x the largest of _SIDES
# The bilateral smoothing: edges of more than a few gray levels are kept, the mark (RMS 1.9 levels)
# is not; over a few canonical samples, against the mark's wavelengths of 3.8-13.
_EDGE_LEVELS = 8.0
_SMOOTH_SAMPLES = 4.0
_MAX_FRAMES = 300  # a video is sampled evenly down to this many frames
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"}
_TAG_KEYS = ("comment", "description")
_TAG = "facetalk provenance id "


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    """Whether content carries facetalk's provenance, and the evidence.

    `generated`: the watermark was found, or (files only) facetalk's provenance tag is in the
    container metadata. `score` is the watermark's z-score (found when >= THRESHOLD) and
    `confidence` the probability that unmarked content scores lower. `payload` is decoded when the
    watermark is strong enough for its error-correcting code to check out. `tag_id` is the id in
    the metadata tag, if any.
    """

    generated: bool
    watermark: bool
    score: float
    confidence: float
    payload: Payload | None
    n_frames: int
    tag_id: int | None = None


def detect(frames: np.ndarray | Iterable[np.ndarray]) -> VerifyResult:
    """Look for the watermark in one (H, W, 3) uint8 RGB image, or in video frames (pooled).

    `frames`: an (H, W, 3) array, an (N, H, W, 3) array, or an iterable of (H, W, 3) arrays, all of
    one size. Raises ValueError for anything else or for no frames.
    """
    if isinstance(frames, np.ndarray) and frames.ndim == 3:
        frames = [frames]
    total, first, n = None, None, 0
    for frame in frames:
        residual = _whitened(frame)
        if first is None:
            total, first = residual, frame.shape
        elif frame.shape != first:
            raise ValueError(f"frames differ in size: {frame.shape[:2]} after {first[:2]}")
        else:
            total += residual
        n += 1
    if total is None:
        raise ValueError("no frames to look at")
    z, shift, spectrum = _search(total)
    found = z >= THRESHOLD
    return VerifyResult(generated=found, watermark=found, score=round(z, 2), confidence=_confidence(z),
                        payload=_decode(spectrum, shift) if found else None, n_frames=n)


def verify_file(path: str | os.PathLike[str]) -> VerifyResult:
    """Check an image or video file for facetalk's watermark and metadata tag.

    Raises InputError (one line, naming the file) if it cannot be read.
    """
    from pathlib import Path

    from facetalk.io import load_image, probe_video, read_frames

    if Path(path).suffix.lower() in _IMAGE_SUFFIXES:
        image = load_image(path)
        return detect(image)
    info = probe_video(path)
    if info.n_frames == 0:
        raise InputError(f"cannot read video '{path}': it has no frames")
    stride = math.ceil(info.n_frames / _MAX_FRAMES)
    try:
        result = detect(islice(read_frames(path), 0, None, stride))
    except ValueError as err:
        raise InputError(f"cannot read video '{path}': {err}") from None
    tag_id = _tag_id(info.metadata)
    if tag_id is None:
        return result
    return dataclasses.replace(result, generated=True, tag_id=tag_id)


def metadata_tags(payload: Payload, *, seed: int | None = None) -> dict[str, str]:
    """Container metadata saying the video is AI-generated, with the id (and the seed, to reproduce
    it). Only standard keys: the MP4 muxer drops custom ones."""
    from facetalk import __version__

    made = f"AI-generated by facetalk {__version__}" + (f" (seed {seed})" if seed is not None else "")
    return {key: f"{made}; {_TAG}{payload.id:08x}" for key in _TAG_KEYS}


def _tag_id(metadata: dict[str, str]) -> int | None:
    for key in _TAG_KEYS:
        text = metadata.get(key, "")
        if _TAG in text:
            try:
                return int(text.split(_TAG, 1)[1][:8], 16)
            except ValueError:
                continue
    return None


def _box_sigma(image: np.ndarray, sigma: float) -> np.ndarray:
    """Two box blurs with the variance of a Gaussian of `sigma` px: several times faster."""
    import cv2

    width = max(1, round(math.sqrt(6 * sigma * sigma + 1)) | 1)
    return cv2.blur(cv2.blur(image, (width, width)), (width, width))


def _whitened(frame: np.ndarray) -> np.ndarray:
    import cv2

    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        raise ValueError(f"expected (H, W, 3) uint8 RGB frames, got {frame.shape} {frame.dtype}")
    luma = cv2.cvtColor(frame.astype(np.float32), cv2.COLOR_RGB2GRAY)
    h, w = luma.shape
    if min(h, w) > _WORK_SIDE:
        f = _WORK_SIDE / min(h, w)
        luma = cv2.resize(luma, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    unit = min(luma.shape) / CANONICAL  # pixels per canonical sample
    sigma = _SMOOTH_SAMPLES * unit
    residual = luma - cv2.bilateralFilter(luma, d=int(2 * sigma) | 1, sigmaColor=_EDGE_LEVELS, sigmaSpace=sigma)
    # floored: flat areas would otherwise divide by nothing (and box sums can dip below zero)
    variance = np.maximum(_box_sigma(residual * residual, 4 * unit), 0.0625)
    return residual / np.sqrt(variance)


def _search(residual: np.ndarray) -> tuple[float, tuple[float, float], np.ndarray]:
    """Best (z, shift in samples, carrier spectrum) over scales and shifts."""
    import cv2

    h, w = residual.shape
    m = min(h, w)
    n_up = TILE * _UP
    ref = np.conj(np.exp(1j * PHASE[SYNC]))
    norm = math.sqrt(len(ref) / 2)  # std of the correlation of unit-magnitude random phases
    grid = np.zeros((n_up, n_up), complex)
    best = (-math.inf, (0.0, 0.0), None)
    for side in _SIDES:
        nh, nw = round(h * side / m), round(w * side / m)
        scaled = cv2.resize(residual, (nw, nh), interpolation=cv2.INTER_AREA if side < m else cv2.INTER_LINEAR)
        scaled = np.pad(scaled, ((0, -nh % TILE), (0, -nw % TILE)))  # zeros: partial tiles add what they have
        tile = scaled.reshape(nh // TILE + (nh % TILE > 0), TILE, -1, TILE).sum(axis=(0, 2))
        raw = np.fft.fft2(tile.astype(np.float64))[KY % TILE, KX % TILE]  # numpy 1's precision, on numpy 2 too
        spectrum = raw / np.maximum(np.abs(raw), 1e-12)
        grid[KY[SYNC] % n_up, KX[SYNC] % n_up] = spectrum[SYNC] * ref
        corr = np.fft.ifft2(grid).real * (n_up * n_up / norm)
        i = int(np.argmax(corr))
        if corr.flat[i] > best[0]:
            dy, dx = np.unravel_index(i, corr.shape)
            best = (float(corr.flat[i]), (dy / _UP, dx / _UP), spectrum)
    z, shift, spectrum = best
    return z, _refine(spectrum, shift), spectrum


def _refine(spectrum: np.ndarray, shift: tuple[float, float]) -> tuple[float, float]:
    """The shift to 1/16 sample around the half-sample peak, so data carriers line up in phase."""
    offsets = np.arange(-4, 5) / 16
    dy = shift[0] + offsets[:, None, None]
    dx = shift[1] + offsets[None, :, None]
    aligned = spectrum[SYNC] * np.exp(-1j * PHASE[SYNC])
    corr = np.real(aligned * np.exp(2j * np.pi * (KY[SYNC] * dy + KX[SYNC] * dx) / TILE)).sum(axis=2)
    i, j = np.unravel_index(int(np.argmax(corr)), corr.shape)
    return float(dy[i, 0, 0]), float(dx[0, j, 0])


def _decode(spectrum: np.ndarray, shift: tuple[float, float]) -> Payload | None:
    u = spectrum[DATA] * np.exp(-1j * PHASE[DATA] + 2j * np.pi * (KY[DATA] * shift[0] + KX[DATA] * shift[1]) / TILE)
    return Payload.decode(u.real)


def _confidence(z: float) -> float:
    """P(an unmarked image scores below z): the null maximum as _N_EFFECTIVE independent normals."""
    tail = 0.5 * math.erfc(z / math.sqrt(2))
    return math.exp(-_N_EFFECTIVE * tail)

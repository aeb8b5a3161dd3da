"""Lip-sync benchmark: the rendered mouth measured by an independent landmark detector, and speed.

  .venv/bin/python benchmarks/bench_lipsync.py [--fps 50] [--size 384] [--seconds 60]

Needs the `eval` extra (dlib). For English, Mandarin and Spanish sentences spoken by espeak-ng
voices the model never trained on (phone timings from espeak-ng's C API, as in
scripts/build_lip_corpus.py), the bundled portrait is rendered and dlib's 68 landmarks measure
the mouth in every frame (FaceMeasure.mouth_aperture: inner-lip gap / mouth width). Prints:

- the lag at which mouth aperture best correlates with the speech envelope (RMS over 40 ms),
  with its correlation (issue: within +-40 ms; negative = the mouth leads the sound);
- the share of /p b m/ where the rendered lips close: within the phone +-20 ms the aperture
  falls to the photo's own resting mouth or below;
- inference speed on one core (mel + ONNX + frame resampling, onnxruntime with one thread),
  offline (0.5 s chunks) and live (20 ms chunks), and the added latency of a live stream: the
  look-ahead plus the worst 99th-percentile compute time of one 20 ms chunk.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from importlib import resources
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core for the speed figures

import numpy as np  # noqa: E402
from scipy import signal  # noqa: E402

from facetalk.config import Config, FramingConfig, MotionConfig  # noqa: E402
from facetalk.eval.dlib_face import DlibFace  # noqa: E402
from facetalk.io import load_image  # noqa: E402
from facetalk.motion.articulation import ipa_symbols  # noqa: E402
from facetalk.motion.lipsync import load_lipsync_model  # noqa: E402
from facetalk.pipeline import Animator  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from build_lip_corpus import ESPEAK_SR, Espeak, refine_stop_closures  # noqa: E402

SR = 16000
CLIPS = [  # (language, held-out voice, text)
    ("en-us", "m3", "Maybe my brother Bob will bring the paper map back before the meeting. "
                    "People sometimes applaud a bumpy performance."),
    ("cmn-latn-pinyin", "f4", "ma1 ma pao3 bu4 mai3 mian4 bao1, ba4 ba ping2 an1 bu4 bing4. "
                              "peng2 you3 men2 bu4 pa4 mang2."),
    ("es", "m3", "Mi mamá compra pan y buenas manzanas, pero Pablo prefiere beber mucho agua bien fría."),
]


def speech_of(engine: Espeak, lang: str, voice: str, text: str) -> tuple[np.ndarray, list]:
    raw, phones = engine.synth(text, voice=f"{lang}+{voice}", rate=165, pitch=50, pitch_range=60)
    phones = refine_stop_closures(raw, ESPEAK_SR, phones)
    lead = np.zeros(SR // 2, np.float32)
    audio = np.concatenate([lead, signal.resample_poly(raw, 320, 441).astype(np.float32), lead])
    # A recording's noise floor (-65 dBFS): no digital silence for the runtime to shortcut.
    audio += 10 ** (-65 / 20) * np.random.default_rng(0).standard_normal(len(audio)).astype(np.float32)
    return audio, [(p, a + 0.5, b + 0.5) for p, a, b in phones]


def envelope(audio: np.ndarray, fps: int) -> np.ndarray:
    n = int(np.ceil(len(audio) / SR * fps))
    half = int(0.02 * SR)
    padded = np.concatenate([np.zeros(half, np.float32), audio, np.zeros(half + SR // fps, np.float32)])
    centres = (np.arange(n) * SR / fps).round().astype(int) + half
    return np.array([np.sqrt(np.mean(padded[c - half:c + half] ** 2)) for c in centres])


def best_lag(aperture: np.ndarray, env: np.ndarray, fps: int, max_lag_s: float = 0.2) -> tuple[float, float]:
    """(lag in s, correlation) maximising corr(aperture[t + lag], env[t]), refined by a parabola."""
    max_k = int(round(max_lag_s * fps))
    lags = np.arange(-max_k, max_k + 1)
    r = []
    for k in lags:
        a, e = (aperture[k:], env[:len(env) - k]) if k >= 0 else (aperture[:k], env[-k:])
        r.append(np.corrcoef(a, e)[0, 1])
    r = np.array(r)
    i = int(np.argmax(r))
    shift = 0.0
    if 0 < i < len(r) - 1:
        denom = r[i - 1] - 2 * r[i] + r[i + 1]
        shift = 0.5 * (r[i - 1] - r[i + 1]) / denom if denom else 0.0
    return float((lags[i] + shift) / fps), float(r[i])


def video_figures(args, engine: Espeak) -> None:
    photo = load_image(resources.files("facetalk.data").joinpath("astronaut.jpg"))
    config = Config(framing=FramingConfig(size=args.size), motion=MotionConfig(fps=args.fps))
    animator = Animator(photo, config=config)
    dlib = DlibFace()
    rest = dlib.measure(animator.analysis.image).mouth_aperture()
    print(f"rendered at {args.fps} fps, {args.size} px; photo's own mouth aperture {rest:.3f}")
    print(f"{'language':18s} {'best lag':>9s} {'r':>6s} {'r at 0':>7s} {'/p b m/ closed':>15s}")
    all_closed = []
    for lang, voice, text in CLIPS:
        audio, phones = speech_of(engine, lang, voice, text)
        apertures = []
        for frame in animator.render(audio):
            face = dlib.measure(frame.image)
            apertures.append(face.mouth_aperture() if face is not None else np.nan)
        aperture = np.array(apertures)
        aperture = np.where(np.isnan(aperture), np.nanmedian(aperture), aperture)
        env = envelope(audio, args.fps)[: len(aperture)]
        lag, r = best_lag(aperture, env, args.fps)
        r0 = float(np.corrcoef(aperture, env)[0, 1])
        closed = []
        for phone, start, end in phones:
            symbols = ipa_symbols(phone)
            if symbols and symbols[0][0] in "pbm":
                a, b = int(np.floor((start - 0.02) * args.fps)), int(np.ceil((end + 0.02) * args.fps)) + 1
                closed.append(aperture[max(a, 0):b].min() <= rest)
        all_closed += closed
        print(f"{lang:18s} {lag * 1000:+7.0f} ms {r:6.2f} {r0:7.2f} {np.mean(closed):9.0%} of {len(closed)}")
    print(f"{'all':18s} {'':>9s} {'':>6s} {'':>7s} {np.mean(all_closed):9.0%} of {len(all_closed)}")


def speed_figures(args, engine: Espeak) -> None:
    model = load_lipsync_model()
    once, _ = speech_of(engine, "en-us", "m3", CLIPS[0][2])
    audio = np.tile(once, int(np.ceil(args.seconds * SR / len(once))))[: int(args.seconds * SR)]
    for name, chunk in (("offline, 0.5 s chunks", SR // 2), ("live, 20 ms chunks", SR // 50)):
        stream = model.stream(fps=25, sr=SR)
        times = []
        t0 = time.perf_counter()
        for i in range(0, len(audio), chunk):
            t = time.perf_counter()
            stream.push(audio[i:i + chunk])
            times.append(time.perf_counter() - t)
        stream.flush()
        elapsed = time.perf_counter() - t0
        print(f"inference {name:22s} {args.seconds / elapsed:6.0f}x real time (one core)")
    p99 = float(np.percentile(times, 99))
    look = model.lookahead_s(SR)
    print(f"added latency, live: look-ahead {look * 1000:.0f} ms + compute p99 {p99 * 1000:.2f} ms per 20 ms chunk "
          f"= {(look + p99) * 1000:.1f} ms (limit: look-ahead + 20 ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fps", type=int, default=50, help="render rate: 20 ms lag resolution at 50")
    ap.add_argument("--size", type=int, default=384)
    ap.add_argument("--seconds", type=float, default=60.0, help="audio for the speed figures")
    args = ap.parse_args()
    engine = Espeak()  # one per process: espeak-ng's state is global
    speed_figures(args, engine)
    video_figures(args, engine)


if __name__ == "__main__":
    main()

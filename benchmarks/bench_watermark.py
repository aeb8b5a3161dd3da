"""Watermark benchmark: detection after each transformation, false positives, embedding time, PSNR.

  nice .venv/bin/python benchmarks/bench_watermark.py [--clips 100] [--seconds 1] [--null-images 2000]
                                                      [--null-videos 60] [--seed 0]

Generated clips come out of the real pipeline (Animator.render_to_file, H.264 CRF 20), from the
bundled portrait and its variants (painterly, sketched, mirrored, rotated, grayscale, darker skin),
framed at different margins, each with its own seed and stretch of speech. Each clip is then
transformed as a re-uploader would (files written, read back by facetalk.provenance.verify_file,
metadata never copied, so only the watermark counts), and a clip is detected when the pooled
score of its frames reaches THRESHOLD. The last rows are single frames, as the API hands them out.

False positives: images and videos that never went through the watermark: random crops, flips and
rescales of the photo and of its variants, some JPEG-compressed; synthetic natural-like images
(1/f noise, shapes, blur, grain); crops of unmarked renders; and unmarked talking-head videos
(the renderer's frames without the watermark, encoded as H.264).
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import av
import cv2
import numpy as np

from facetalk.config import Config, Controls, FramingConfig
from evaluation.variants import photo_variants
from facetalk.io import VideoWriter, encode_frames, load_image, read_frames, synthesize_speech
from facetalk.pipeline import Animator
from facetalk.provenance import THRESHOLD, Payload, Watermarker, detect, verify_file
from facetalk.render.renderer import Renderer

SR, FPS = 16000, 25
TEXT = ("The astronaut looked back at the blue planet. Every sunrise in orbit comes sixteen times a day, "
        "and each one is different. We trained for years, and still nothing prepares you for the view. "
        "Would you go, if they asked you tomorrow? I think I would, without a second thought.")


# ---- transformations: frames (or the generated file) -> a new file -----------------------------

def h264(path: Path, frames: list[np.ndarray], crf: int) -> Path:
    with VideoWriter(path, fps=FPS, crf=crf) as writer:
        for frame in frames:
            writer.write(frame)
    return path


def remux_mkv(path: Path, source: Path) -> Path:
    """Same H.264 packets in a Matroska container, as `ffmpeg -i x.mp4 -c copy -map_metadata -1 x.mkv`."""
    with av.open(str(source)) as inp, av.open(str(path), "w", format="matroska") as out:
        video = inp.streams.video[0]
        stream = out.add_stream_from_template(video)
        for packet in inp.demux(video):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    return path


def resize(frames, side):
    return [cv2.resize(f, (side, side), interpolation=cv2.INTER_AREA) for f in frames]


def crop(frames, fraction, rng):
    """Cut `fraction` of the width and of the height, split at random between the two sides."""
    h, w = frames[0].shape[:2]
    nh, nw = round(h * (1 - fraction)) // 2 * 2, round(w * (1 - fraction)) // 2 * 2
    y0, x0 = rng.integers(0, h - nh + 1), rng.integers(0, w - nw + 1)
    return [np.ascontiguousarray(f[y0:y0 + nh, x0:x0 + nw]) for f in frames]


def levels(frames, rng, brightness, contrast):
    """Random brightness (+-`brightness` levels) and contrast (x`contrast` range, about mid-gray), clipped."""
    gain, offset = rng.uniform(*contrast), rng.uniform(-brightness, brightness)
    return [np.clip((f.astype(np.float32) - 128) * gain + 128 + offset, 0, 255).astype(np.uint8) for f in frames]


def reencoded(crf, edit=lambda frames, rng: frames):
    """Decoded frames, edited, written again as H.264 at `crf`."""
    return lambda d, src, frames, rng: h264(d / "t.mp4", edit(frames, rng), crf)


CLIP_TRANSFORMS = {  # name -> (tmp dir, generated file, its decoded frames, rng) -> file to verify
    "as generated (H.264 CRF 20)": lambda d, src, frames, rng: src,
    "re-encoded H.264 CRF 23": reencoded(23),
    "re-encoded H.264 CRF 30": reencoded(30),
    "resized to 256x256 (CRF 23)": reencoded(23, lambda fr, rng: resize(fr, 256)),
    "10% crop (CRF 23)": reencoded(23, lambda fr, rng: crop(fr, 0.1, rng)),
    "brightness +-25, contrast x0.8-1.25": reencoded(23, lambda fr, rng: levels(fr, rng, 25, (0.8, 1.25))),
    "other container: MKV/VP9 CRF 36": lambda d, src, frames, rng: encode_frames(
        d / "t.mkv", frames, fps=FPS, codec="libvpx-vp9", container_format="matroska",
        options={"crf": "36", "b": "0", "deadline": "realtime", "cpu-used": "8"}),
    "other container: MKV remux": lambda d, src, frames, rng: remux_mkv(d / "t.mkv", src),
    "stress: 256x256 at CRF 30": reencoded(30, lambda fr, rng: resize(fr, 256)),
    "stress: 10% crop + 256x256 + CRF 28": reencoded(28, lambda fr, rng: resize(crop(fr, 0.1, rng), 256)),
    "stress: brightness +-35, x0.75-1.3": reencoded(23, lambda fr, rng: levels(fr, rng, 35, (0.75, 1.3))),
}


def jpeg(image, quality):
    ok, data = cv2.imencode(".jpg", image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[:, :, ::-1].copy()


FRAME_TRANSFORMS = {
    "single frame, CRF 23": lambda f, rng: f,
    "single frame, JPEG q75": lambda f, rng: jpeg(f, 75),
    "single frame, 256x256 + JPEG q85": lambda f, rng: jpeg(resize([f], 256)[0], 85),
}


# ---- content --------------------------------------------------------------------------------------

def portraits(photo):
    """(name, photo) for the bundled portrait and its variants."""
    return [("original", photo), *photo_variants(photo).items()]


def natural_like(rng, side):
    """A synthetic photo-like image: 1/f^b colour noise, flat shapes, blur and sensor grain."""
    fy, fx = np.fft.fftfreq(side)[:, None], np.fft.rfftfreq(side)[None, :]
    f = np.hypot(fy, fx)
    f[0, 0] = 1.0
    beta = rng.uniform(1.6, 2.4)
    channels = []
    for _ in range(3):
        x = np.fft.irfft2((rng.normal(size=f.shape) + 1j * rng.normal(size=f.shape)) / f ** (beta / 2), s=(side, side))
        channels.append(x / x.std())
    img = np.stack(channels, axis=-1)
    mix = rng.uniform(0.3, 1.0)
    img = (128 + (img[..., :1] * (1 - mix) + img * mix) * rng.uniform(15, 50)).astype(np.float32)
    for _ in range(rng.integers(0, 12)):
        colour = rng.uniform(0, 255, 3).tolist()
        p = [int(v) for v in rng.integers(0, side, 4)]
        if rng.random() < 0.5:
            cv2.circle(img, (p[0], p[1]), int(rng.integers(5, side // 3)), colour, -1)
        else:
            cv2.rectangle(img, (p[0], p[1]), (p[2], p[3]), colour, -1)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.5)) + rng.normal(0, rng.uniform(0, 4), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def random_view(rng, image):
    """A random square crop (96 px to all of it), maybe mirrored, rescaled to 128..768, maybe JPEG'd."""
    h, w = image.shape[:2]
    s = int(rng.integers(min(96, h, w), min(h, w) + 1))
    y, x = rng.integers(0, h - s + 1), rng.integers(0, w - s + 1)
    view = image[y:y + s, x:x + s]
    if rng.random() < 0.5:
        view = view[:, ::-1]
    side = int(rng.integers(128, 769))
    view = cv2.resize(view, (side, side), interpolation=cv2.INTER_AREA if side < s else cv2.INTER_CUBIC)
    return jpeg(view, int(rng.integers(60, 96))) if rng.random() < 0.3 else np.ascontiguousarray(view)


# ---- measurements ---------------------------------------------------------------------------------

def clipped_share(frame: np.ndarray) -> float:
    """Share of pixels whose luma is saturated (>= 254 or <= 1): the mark cannot survive there."""
    luma = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    return float(np.mean((luma >= 254) | (luma <= 1)))


def psnr(a, b):
    return 10 * math.log10(255**2 / np.mean((a.astype(np.float64) - b) ** 2))


def embed_speed(frame: np.ndarray) -> tuple[float, float]:
    """Median ms per call of the watermark on one frame, with OpenCV's threads and with one thread."""
    mark = Watermarker(Payload.new())
    out = []
    for threads in (cv2.getNumThreads(), 1):
        previous = cv2.getNumThreads()
        cv2.setNumThreads(threads)
        mark(frame)  # builds the pattern for this size once
        times = []
        for _ in range(300):
            t0 = time.perf_counter()
            mark(frame)
            times.append(time.perf_counter() - t0)
        cv2.setNumThreads(previous)
        out.append(1000 * float(np.median(times)))
    return out[0], out[1]


def rate(hits: list[bool]) -> str:
    return f"{100 * np.mean(hits):6.2f}% ({sum(hits)}/{len(hits)})"


@dataclass(frozen=True)
class Content:
    """What every measurement draws on: the portraits, each animated at its own margin, and the speech."""

    photo: np.ndarray
    sources: list[tuple[str, np.ndarray]]  # (name, portrait)
    animators: list[Animator]  # one a portrait, in the order of `sources`
    speech: np.ndarray
    clip_len: int  # samples


@dataclass(frozen=True)
class Embedding:
    psnrs: list[float]  # dB, marked vs unmarked, one a rendered frame
    unmarked_frames: list[np.ndarray]
    ms: float  # median per 512x512 frame, OpenCV's threads
    ms_one: float  # the same, one thread


@dataclass(frozen=True)
class Detection:
    """Per transformation name, one entry a generated clip (frame transformations: one a clip's frame)."""

    clip_hits: dict[str, list[bool]]
    clip_payload: dict[str, list[bool]]
    scores: dict[str, list[float]]
    misses: dict[str, dict[str, int]]  # portrait name -> clips missed
    missed_clipped: dict[str, list[float]]  # share of a missed clip's frame at 0 or 255
    frame_hits: dict[str, list[bool]]
    frame_payload: dict[str, list[bool]]
    seconds: float

    @classmethod
    def empty(cls) -> Detection:
        """Empty lists and counts, for measure_detection to fill clip by clip."""
        clips, frames = (lambda: {n: [] for n in CLIP_TRANSFORMS}), (lambda: {n: [] for n in FRAME_TRANSFORMS})
        return cls(clip_hits=clips(), clip_payload=clips(), scores=clips(), misses={n: {} for n in CLIP_TRANSFORMS},
                   missed_clipped=clips(), frame_hits=frames(), frame_payload=frames(), seconds=0.0)


@dataclass(frozen=True)
class Nulls:
    image_scores: dict[str, list[float]]  # kind of image -> scores
    video_scores: list[float]
    seconds: float


def load_content(*, seconds: float) -> Content:
    photo = load_image(resources.files("facetalk.data").joinpath("astronaut.jpg"))
    speech = synthesize_speech(TEXT, lang="en", sr=SR)
    sources = portraits(photo)
    animators = [Animator(p, config=Config(framing=FramingConfig(margin=m)), source=name)
                 for (name, p), m in zip(sources, np.linspace(2.4, 3.6, len(sources)))]
    return Content(photo=photo, sources=sources, animators=animators, speech=speech, clip_len=int(seconds * SR))


def measure_embedding(*, content: Content) -> Embedding:
    """Embedding time and PSNR, on rendered 512x512 frames against the same frames unmarked."""
    psnrs, unmarked_frames = [], []
    for animator in content.animators:
        renderer = Renderer(animator.analysis)
        for motion in list(animator.motion(content.speech[:content.clip_len]))[::5]:
            plain = renderer.render(motion)
            psnrs.append(psnr(animator.render_motion(motion), plain))
            unmarked_frames.append(plain)
    ms, ms_one = embed_speed(unmarked_frames[0])
    return Embedding(psnrs=psnrs, unmarked_frames=unmarked_frames, ms=ms, ms_one=ms_one)


def random_clip(*, content: Content, rng: np.random.Generator) -> np.ndarray:
    start = int(rng.integers(0, max(1, len(content.speech) - content.clip_len)))
    return content.speech[start:start + content.clip_len]


def measure_detection(*, content: Content, n_clips: int, rng: np.random.Generator) -> Detection:
    """Generated clips through each transformation, and one frame of each through each frame transformation."""
    out = Detection.empty()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for i in range(n_clips):
            k = i % len(content.animators)
            animator, portrait = content.animators[k], content.sources[k][0]
            audio = random_clip(content=content, rng=rng)
            src = animator.render_to_file(audio, d / "gen.mp4", controls=Controls(seed=int(rng.integers(1 << 30))))
            frames = list(read_frames(src))
            for name, transform in CLIP_TRANSFORMS.items():
                path = transform(d, src, frames, rng)
                result = verify_file(path)
                out.clip_hits[name].append(result.watermark)
                if not result.watermark:
                    out.misses[name][portrait] = out.misses[name].get(portrait, 0) + 1
                    out.missed_clipped[name].append(clipped_share(next(read_frames(path))))
                out.clip_payload[name].append(result.payload == animator.provenance)
                out.scores[name].append(result.score)
            frame = frames[int(rng.integers(len(frames)))]
            for name, transform in FRAME_TRANSFORMS.items():
                result = detect(transform(frame, rng))
                out.frame_hits[name].append(result.watermark)
                out.frame_payload[name].append(result.payload == animator.provenance)
    return replace(out, seconds=time.perf_counter() - t0)


def measure_nulls(*, content: Content, unmarked_frames: list[np.ndarray], n_images: int, n_videos: int,
                  rng: np.random.Generator) -> Nulls:
    """Scores of content that never went through facetalk's watermark."""
    t0 = time.perf_counter()
    image_scores = {"photo and variants: crops/flips/rescales/JPEG": [], "synthetic natural-like images": [],
                    "unmarked renders: crops/flips/rescales/JPEG": []}
    pool = [p for _, p in content.sources]
    for i in range(n_images):
        kind = list(image_scores)[i % 3]
        if i % 3 == 0:
            image = content.photo if i == 0 else random_view(rng, pool[int(rng.integers(len(pool)))])
        elif i % 3 == 1:
            image = natural_like(rng, int(rng.integers(128, 769)))
        else:
            image = random_view(rng, unmarked_frames[int(rng.integers(len(unmarked_frames)))])
        image_scores[kind].append(detect(image).score)
    video_scores = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n_videos):
            animator = content.animators[i % len(content.animators)]
            renderer = Renderer(animator.analysis)
            audio = random_clip(content=content, rng=rng)
            motion = animator.motion(audio, Controls(seed=int(rng.integers(1 << 30))))
            path = h264(Path(tmp) / "plain.mp4", [renderer.render(m) for m in motion], int(rng.integers(18, 31)))
            video_scores.append(verify_file(path).score)
    return Nulls(image_scores=image_scores, video_scores=video_scores, seconds=time.perf_counter() - t0)


def print_detection(*, det: Detection) -> None:
    print(f"\ndetection on generated content ({det.seconds:.0f} s)        detected          payload read     "
          "score min/median  misses by portrait")
    for name in CLIP_TRANSFORMS:
        s = np.array(det.scores[name])
        missed = ", ".join(f"{k} {v}" for k, v in sorted(det.misses[name].items()))
        c = np.array(det.missed_clipped[name])
        clipped = (f"; missed clips' frame saturated: median {np.median(c):.0%} (range {c.min():.0%}-{c.max():.0%})"
                   if len(c) else "")
        print(f"  {name:38s} {rate(det.clip_hits[name])}  {rate(det.clip_payload[name])}  "
              f"{s.min():5.1f} / {np.median(s):5.1f}  {missed}{clipped}")
    for name in FRAME_TRANSFORMS:
        print(f"  {name:38s} {rate(det.frame_hits[name])}  {rate(det.frame_payload[name])}")


def print_nulls(*, nulls: Nulls) -> None:
    all_null = np.array([s for v in nulls.image_scores.values() for s in v] + nulls.video_scores)
    print(f"\nfalse positives on content that never went through facetalk ({nulls.seconds:.0f} s)   score median / max")
    for name, s in nulls.image_scores.items():
        s = np.array(s)
        print(f"  images, {name:46s} {rate(list(s >= THRESHOLD))}   {np.median(s):.2f} / {s.max():.2f}")
    s = np.array(nulls.video_scores)
    print(f"  videos, unmarked talking-head renders (H.264 CRF 18-30)    {rate(list(s >= THRESHOLD))}   "
          f"{np.median(s):.2f} / {s.max():.2f}")
    print(f"  all                                                        {rate(list(all_null >= THRESHOLD))}")
    q = np.percentile(all_null, [50, 99, 99.9])
    # The null maximum over ~N independent normals has median where N * P(Z > m) = ln 2.
    n_eff = math.log(2) / (0.5 * math.erfc(q[0] / math.sqrt(2)))
    print(f"  null score quantiles: 50% {q[0]:.2f}, 99% {q[1]:.2f}, 99.9% {q[2]:.2f}; "
          f"fitted effective number of hypotheses {n_eff:.2g}")


def print_embedding(*, emb: Embedding) -> None:
    print("\nembedding, 512x512 RGB frame")
    print(f"  time per frame: {emb.ms:.2f} ms (OpenCV's {cv2.getNumThreads()} threads), "
          f"{emb.ms_one:.2f} ms (one thread)")
    print(f"  PSNR marked vs unmarked: mean {np.mean(emb.psnrs):.2f} dB, min {np.min(emb.psnrs):.2f} dB "
          f"over {len(emb.psnrs)} rendered frames")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=100, help="generated clips (each through every transformation)")
    ap.add_argument("--seconds", type=float, default=1.0, help="length of each clip")
    ap.add_argument("--null-images", type=int, default=2000)
    ap.add_argument("--null-videos", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)  # drawn from by detection, then by the nulls, in that order
    content = load_content(seconds=args.seconds)
    emb = measure_embedding(content=content)
    det = measure_detection(content=content, n_clips=args.clips, rng=rng)
    nulls = measure_nulls(content=content, unmarked_frames=emb.unmarked_frames, n_images=args.null_images,
                          n_videos=args.null_videos, rng=rng)
    print(f"watermark benchmark: {args.clips} generated clips of {args.seconds:g} s ({len(content.animators)} "
          f"portraits, 512x512), detection threshold z >= {THRESHOLD}")
    print_detection(det=det)
    print_nulls(nulls=nulls)
    print_embedding(emb=emb)


if __name__ == "__main__":
    main()

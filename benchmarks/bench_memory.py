"""Memory against audio length: the CLI's peak RSS rendering 10 min, 1 h and 3 h of speech, and
what refusing a 3 h upload costs the server.

  .venv/bin/python benchmarks/bench_memory.py [--minutes 10,60,180] [--render-s 120] [--out out/bench_memory]
  .venv/bin/python benchmarks/bench_memory.py --writer [--minutes 10,60,180]

For each length, a speech-like MP3 (espeak-ng speech repeated, 64 kb/s) is made once, then
`facetalk render --size 512 --audio IT` runs as a subprocess whose peak RSS (VmHWM) is read from
/proc. With --render-s S the render is stopped (SIGTERM) after S seconds of rendering (the peak of a
streaming render is reached in its first seconds: the decode, the analysis, the first frames; a
full 3 h render takes ~40 min here); 0 renders to the end, and the finished MP4 is probed (its frames
counted, its durations, metadata tag and form: classic up to 10 min, fragmented past). Then a server (in this process) is sent
a 3 h MP3 as a render job: it must refuse it (413) from the file's header, and its RSS before and
after is printed (an 8 kb/s MP3, so that it passes the upload's byte limit).

--writer measures only the MP4 writer, in the classic and the fragmented form, for each length:
what the muxer's index costs, in minutes rather than the hours a full 3 h render takes.
"""

from __future__ import annotations

import argparse
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from facetalk.io import synthesize_speech

SR = 16000


def make_mp3(path: Path, *, minutes: float, bit_rate: int = 64_000) -> Path:
    """Speech repeated for `minutes`, as a mono MP3 (encoded in chunks: flat memory)."""
    import av

    if path.exists():
        return path
    speech = synthesize_speech("This is a long recording, spoken again and again, to measure memory. " * 3, sr=SR)
    tmp = path.with_suffix(".part.mp3")
    with av.open(str(tmp), "w") as container:
        stream = container.add_stream("libmp3lame", rate=SR, layout="mono")
        stream.bit_rate = bit_rate
        n_total, pts = int(minutes * 60 * SR), 0
        while pts < n_total:
            chunk = speech[: min(len(speech), n_total - pts)]
            for start in range(0, len(chunk), 1152):
                frame = av.AudioFrame.from_ndarray(chunk[start:start + 1152].reshape(1, -1), format="flt", layout="mono")
                frame.sample_rate, frame.pts = SR, pts + start
                container.mux(stream.encode(frame))
            pts += len(chunk)
        container.mux(stream.encode(None))
    tmp.rename(path)
    return path


def status_mb(pid: int | str, field: str) -> float:
    """A memory figure of /proc/PID/status (VmHWM: peak resident, VmRSS: resident now), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cli_peak(audio: Path, out: Path, *, render_s: float) -> tuple[float, float, str]:
    """(peak RSS MB, seconds run, how it ended) of one `facetalk render`."""
    command = [sys.executable, "-m", "facetalk.cli", "render", "--image", "src/facetalk/data/astronaut.jpg",
               "--audio", str(audio), "-o", str(out), "--size", "512", "-q"]
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        try:
            peak = max(peak, status_mb(proc.pid, "VmHWM"))
        except OSError:
            break
        if render_s and time.monotonic() - start > render_s:
            proc.send_signal(signal.SIGTERM)
            proc.wait()
            return peak, time.monotonic() - start, f"stopped after {render_s:g} s"
        time.sleep(0.2)
    err = proc.stderr.read().strip()
    return peak, time.monotonic() - start, "done" if proc.returncode == 0 else f"exit {proc.returncode}: {err}"


def describe_output(path: Path, *, minutes: float) -> str:
    """Is the finished MP4 whole: every frame, both tracks' lengths, the provenance tag, its form."""
    from facetalk.io import probe_video

    info = probe_video(path)
    form = "fragmented" if info.metadata.get("major_brand") == "iso5" else "classic"
    tagged = any("facetalk provenance id" in value for value in info.metadata.values())
    return (f"{form} MP4, {info.n_frames} frames (expected {round(minutes * 60 * 25)}), video {info.duration_s:.2f} s, "
            f"audio {info.audio_duration_s:.2f} s, provenance tag {'present' if tagged else 'MISSING'}")


def write_one(mp3: Path, out: Path, *, fragmented: bool) -> None:
    """Child of --writer: the MP4 writer alone, as the CLI drives it (the MP3 streamed in as its
    sound, a frame per 40 ms), with cheap 64x64 frames: the muxer's index grows per frame and per
    AAC packet, not per pixel. Prints this process's peak RSS (MB) at the end."""
    import numpy as np

    from facetalk.io.audio import FileAudio
    from facetalk.io.video import VideoWriter

    y, x = np.mgrid[0:64, 0:64]
    frames = [np.stack([(x + 3 * i) % 256, y * 4, np.full_like(x, 8 * i)], axis=-1).astype(np.uint8) for i in range(32)]
    sound = FileAudio(mp3)
    n_frames = round(sound.duration_s * 25)
    with VideoWriter(out, fps=25, audio_source=sound, fragmented=fragmented) as writer:
        for i in range(n_frames):
            writer.write(frames[i % len(frames)])
    print(status_mb("self", "VmHWM"))


def writer_peaks(files: dict[float, Path], out: Path) -> None:
    """Peak RSS of the MP4 writer alone against length, classic and fragmented (see write_one)."""
    for m, mp3 in files.items():
        row = []
        for form in ("classic", "fragmented"):
            start = time.monotonic()
            child = subprocess.run([sys.executable, __file__, "--write-one", str(mp3), "--form", form,
                                    "--out", str(out / f"writer-{m:g}min-{form}.mp4")],
                                   capture_output=True, text=True, check=True)
            row.append(f"{form} {float(child.stdout.split()[-1]):.0f} MB ({time.monotonic() - start:.0f} s)")
        print(f"VideoWriter alone, 64x64 frames, {m:g} min of audio: peak RSS " + ", ".join(row), flush=True)


def server_refusal(mp3: Path) -> None:
    from fastapi.testclient import TestClient

    from facetalk.server import ServerSettings, create_app

    with TestClient(create_app(ServerSettings()), base_url="http://127.0.0.1:8000") as client:
        avatar = client.post("/api/avatars/sample").json()["avatar_id"]
        data = mp3.read_bytes()
        before = status_mb("self", "VmRSS")
        peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        response = client.post("/api/jobs", data={"avatar_id": avatar}, files={"audio": ("long.mp3", data)})
        after = status_mb("self", "VmRSS")
        peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"server, {len(data) / 1e6:.1f} MB MP3 of {mp3.stem}: HTTP {response.status_code} "
          f"({response.json().get('detail', '')}); RSS {before:.0f} -> {after:.0f} MB (+{after - before:.0f} MB), "
          f"peak {peak_before:.0f} -> {peak_after:.0f} MB (+{peak_after - peak_before:.0f} MB)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", default="10,60,180")
    ap.add_argument("--render-s", type=float, default=120.0, help="stop each render after this long; 0: to the end")
    ap.add_argument("--out", default="out/bench_memory")
    ap.add_argument("--writer", action="store_true", help="measure the MP4 writer alone (classic and fragmented), "
                                                           "not the CLI and the server")
    ap.add_argument("--write-one", type=Path, help=argparse.SUPPRESS)  # --writer's child: this MP3's length
    ap.add_argument("--form", choices=("classic", "fragmented"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write_one:
        return write_one(args.write_one, Path(args.out), fragmented=args.form == "fragmented")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    minutes = [float(m) for m in args.minutes.split(",")]
    files = {m: make_mp3(out / f"speech-{m:g}min.mp3", minutes=m) for m in minutes}
    if args.writer:
        return writer_peaks(files, out)
    peaks = []
    for m, mp3 in files.items():
        peak, seconds, how = cli_peak(mp3, out / f"render-{m:g}min.mp4", render_s=args.render_s)
        peaks.append(peak)
        print(f"CLI --size 512, {m:g} min of audio ({mp3.stat().st_size / 1e6:.1f} MB MP3): peak RSS {peak:.0f} MB "
              f"({seconds:.0f} s, {how})", flush=True)
        if how == "done":
            print(f"  output: {describe_output(out / f'render-{m:g}min.mp4', minutes=m)}", flush=True)
    print(f"spread of the peaks: {100 * (max(peaks) - min(peaks)) / min(peaks):.1f}% (target <= 10%)")
    # Under the 20 MiB upload limit, as the adversarial pass's 10.8 MB, 3 h MP3 was: the duration
    # limit (300 s) must refuse it, from the header.
    server_refusal(make_mp3(out / f"speech-{max(minutes):g}min-8kbps.mp3", minutes=max(minutes), bit_rate=8_000))


if __name__ == "__main__":
    main()

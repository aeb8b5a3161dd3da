"""Command line: a thin layer over the public API (facetalk.pipeline and facetalk.io)."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from facetalk import __version__
from facetalk.config import COMPONENTS, EMOTIONS, NO_EMOTION, Config, Controls
from facetalk.errors import FacetalkError, InputError

_VERIFY_ERROR = 2  # verify's status is for scripts: 1 means "no watermark", so any failure is 2


class _OneLineParser(argparse.ArgumentParser):
    """argparse's errors as one line (its usage block hides the message), exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


_DEFAULTS = Config()
MAX_DEFAULT_THREADS = 4  # more frames at once than that hold memory without drawing faster on most machines
# Clips of this many frames or more are drawn in worker processes by default (on >= 2 cores): their
# start-up (~2.7 s of CPU: the zygote's imports, overlapping the photo's analysis, then the avatar and
# its compiled kernels) lost to one thread on 10 s clips in three runs on a busy 2-core machine, and won
# on 20 s (one run of two) and 30 s ones; on free cores they halve a frame's ~19 ms (out/procs7).
MIN_PROCESS_FRAMES = 500
# render's flags that set a config value: flag (argparse dest) -> (section, field).
_CONFIG_FLAGS = {"size": ("framing", "size"), "crop": ("framing", "crop"), "face_index": ("framing", "face_index"),
                 "fps": ("motion", "fps"), "crf": ("video", "crf"), "seed": ("controls", "seed"),
                 "head_motion": ("controls", "head_motion"), "blink_rate": ("controls", "blink_rate_per_min"),
                 "gaze": ("controls", "gaze"), "distance": ("controls", "distance"),
                 "emotion": ("controls", "emotion"), "emotion_strength": ("controls", "emotion_strength"),
                 "expressiveness": ("controls", "expressiveness")}


def _parser() -> argparse.ArgumentParser:
    p = _OneLineParser(prog="facetalk", description="Turn one portrait photo and one speech "
                                "clip into a talking-face video, on the CPU.")
    p.add_argument("--version", action="version", version=f"facetalk {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    _add_render(sub)
    _add_serve(sub)
    _add_verify(sub)
    _add_batch(sub)
    _add_faces(sub)
    return p


def _add_render(sub) -> None:
    """`facetalk render`: photo + speech (or blendshapes) -> MP4."""
    r = sub.add_parser("render", help="render a talking-face MP4 from a photo and speech",
                       description="Render a talking-face MP4 (H.264 + AAC) from a photo and speech.")
    r.add_argument("--image", required=True, metavar="PHOTO", help="portrait photo (JPEG, PNG, WebP, BMP)")
    speech = r.add_mutually_exclusive_group()
    speech.add_argument("--audio", metavar="AUDIO", help="speech clip in any format FFmpeg reads")
    speech.add_argument("--text", metavar="TEXT", help="text spoken by the local espeak-ng voice")
    r.add_argument("--blendshapes", metavar="FILE.csv",
                   help="drive the face from a Live Link Face CSV (ARKit blendshapes, head and eye rotations) "
                   "instead of the speech; --audio or --text, if given, is muxed")
    r.add_argument("--lang", default="en", help="espeak-ng language/voice for --text (default: en)")
    r.add_argument("-o", "--output", required=True, metavar="OUT.mp4", help="video to write")
    # Settings that the config holds default to None here: a given flag overrides --config FILE,
    # which overrides the dataclasses' defaults (shown in the help).
    r.add_argument("--config", metavar="FILE.json", help="settings saved by --save-config (flags given override them)")
    r.add_argument("--size", type=int, help=f"frame side in pixels (default: {_DEFAULTS.framing.size})")
    r.add_argument("--fps", type=int, help=f"frames per second (default: {_DEFAULTS.motion.fps})")
    r.add_argument("--seed", type=int, help=f"random seed: same seed, same video (default: {_DEFAULTS.controls.seed})")
    r.add_argument("--crop", choices=("face", "full"),
                   help="face: square around the face with hair and shoulders (default); full: whole photo")
    r.add_argument("--face-index", type=int, metavar="N",
                   help="which face to animate when the photo has several: 0 = largest (default)")
    r.add_argument("--head-motion", type=float, metavar="X",
                   help=f"head movement intensity, 0 holds the head still (default: {_DEFAULTS.controls.head_motion:g})")
    r.add_argument("--blink-rate", type=float, metavar="PER_MIN",
                   help=f"mean blinks per minute (default: {_DEFAULTS.controls.blink_rate_per_min:g})")
    r.add_argument("--gaze", metavar="camera|free|YAW,PITCH",
                   help="camera: eyes hold on the camera (default); free: glance away, look away to think in "
                   "pauses; YAW,PITCH: degrees to hold, yaw + toward the image's right, pitch + down")
    r.add_argument("--distance", type=float, metavar="X",
                   help=f"head distance, 0.5 (twice as near) .. 2 (twice as far) (default: {_DEFAULTS.controls.distance:g})")
    r.add_argument("--emotion", metavar="NAME",
                   help=f"expression over the speech: {', '.join(EMOTIONS)}, or {NO_EMOTION}: the photo's own "
                   f"(default: {_DEFAULTS.controls.emotion}; neutral undoes a smiling photo's smile)")
    r.add_argument("--emotion-strength", type=float, metavar="X",
                   help=f"0..1 (default: {_DEFAULTS.controls.emotion_strength:g})")
    r.add_argument("--expressiveness", type=float, metavar="X",
                   help=f"how much brows, smile and eyes move with the voice, 0..2 "
                   f"(default: {_DEFAULTS.controls.expressiveness:g})")
    r.add_argument("--animate", metavar="LIST",
                   help=f"what moves, a comma-separated subset of {','.join(COMPONENTS)} (default: all); "
                   "'lips' alone: head frozen, eyes held on the gaze target, brows still")
    r.add_argument("--controls", metavar="FILE.json", help="time-stamped control changes, glided between smoothly: "
                   '[{"t_s": 2.5, "emotion": "happy"}, {"t_s": 6, "gaze": "free", "distance": 1.2}, ...]')
    r.add_argument("--motion-out", metavar="FILE.jsonl|FILE.csv",
                   help="also write every frame's motion: JSON Lines, or a Live Link Face CSV if it ends in .csv")
    r.add_argument("--save-config", action="store_true", help="write the resolved config beside the video")
    r.add_argument("--crf", type=int, help=f"H.264 quality, lower is better (default: {_DEFAULTS.video.crf})")
    drawing = r.add_mutually_exclusive_group()
    drawing.add_argument("--processes", type=int, metavar="N", help="frames drawn at once in N worker processes "
                         f"(default, with 2 or more free cores and {MIN_PROCESS_FRAMES} frames or more, "
                         f"{MIN_PROCESS_FRAMES / 25:g} s at 25 fps: one per core, up to {MAX_DEFAULT_THREADS}); "
                         "the video is the same whatever N")
    drawing.add_argument("--threads", type=int, metavar="N", help="frames drawn at once on N threads of this process "
                         "(default for shorter clips: one per core, up to "
                         f"{MAX_DEFAULT_THREADS}); no start-up, but slower than processes for long clips")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar or messages")
    r.add_argument("--label", action="store_true", help='draw a small visible "AI-generated" label in a corner '
                   "(the invisible watermark is always there)")


def _add_serve(sub) -> None:
    """`facetalk serve`: the web page, HTTP API and live streams."""
    s = sub.add_parser("serve", help="serve the web page, HTTP API and live streams",
                       description="Serve the web page, the HTTP API (/docs) and live WebSocket streams.")
    # The server's own defaults (settings.py needs no web framework: the server is an extra).
    from facetalk.server.settings import ServerSettings

    server = ServerSettings()
    s.add_argument("--host", default=server.host, help=f"address to listen on (default: {server.host})")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--size", type=int, default=server.size, help=f"frame side in pixels (default: {server.size})")
    s.add_argument("--max-sessions", type=int, default=server.max_sessions, metavar="N",
                   help=f"live streams at once (default: {server.max_sessions})")
    s.add_argument("--max-jobs", type=int, default=server.max_jobs, metavar="N",
                   help=f"render jobs queued or running (default: {server.max_jobs})")
    s.add_argument("--token", default=os.environ.get("FACETALK_TOKEN") or None, metavar="TOKEN",
                   help="require `Authorization: Bearer TOKEN` (or ?token=TOKEN) on every API request; the page "
                   "asks for it once (default: $FACETALK_TOKEN; needed to listen beyond this machine)")
    s.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="a further name the server answers to in Host and Origin (repeatable; loopback names "
                   "and the --host address always are)")
    s.add_argument("--insecure-no-token", action="store_true",
                   help="listen on a non-loopback address without a token (anyone who can reach it may use it)")
    s.add_argument("--no-webrtc-warm-start", action="store_true",
                   help="do not ready the WebRTC render processes at startup and for each avatar added "
                   "(saves their memory and CPU on a server that only renders files or streams over "
                   "the WebSocket; the first WebRTC offer then waits 1-5 s for them)")
    s.add_argument("--ice-server", action="append", default=[], metavar="URL",
                   help="a STUN or TURN server for WebRTC sessions, stun:HOST[:PORT] or "
                   "turn:[USER:PASSWORD@]HOST[:PORT] (repeatable; default: none, which serves this machine and its LAN)")


def _add_verify(sub) -> None:
    """`facetalk verify`: was a video or image made by facetalk?"""
    v = sub.add_parser("verify", help="tell whether a video or image was generated by facetalk",
                       description="Look for facetalk's invisible watermark (and its metadata tag) in a video "
                       "or image. Exit status: 0 generated by facetalk, 1 not found, 2 error.")
    v.add_argument("file", metavar="FILE", help="video (any format FFmpeg reads) or image")


def _add_batch(sub) -> None:
    """`facetalk batch`: one clip per manifest row."""
    b = sub.add_parser("batch", help="render many clips from a manifest (CSV or JSON Lines)",
                       description="Render one clip per manifest row: columns image, audio or text (+ lang), "
                       "optional output, seed and controls (emotion, gaze, distance, ...; 'controls' a JSON "
                       "timeline); paths relative to the manifest. Bad rows are reported with their line and "
                       "skipped; rows whose output is already complete are skipped unless --force. Exit status "
                       "0 when every row is rendered, 2 when a row was bad or failed.")
    b.add_argument("manifest", metavar="MANIFEST", help="CSV (with a header) or JSON Lines, one clip per row")
    b.add_argument("-o", "--output-dir", required=True, metavar="OUTDIR",
                   help="folder for the MP4s and results.jsonl (made if missing)")
    b.add_argument("--workers", type=int, default=None, metavar="N",
                   help="local worker processes (default: one per core)")
    b.add_argument("--ray-address", metavar="auto|HOST:PORT|ray://HOST:PORT",
                   help="render on this Ray cluster instead (needs pip install 'facetalk[ray]')")
    b.add_argument("--shared-output", action="store_true",
                   help="with --ray-address: workers write into OUTDIR themselves (a path every node sees) "
                   "instead of sending each MP4 back")
    b.add_argument("--force", action="store_true", help="render rows whose output is already complete again")
    b.add_argument("--size", type=int, default=_DEFAULTS.framing.size,
                   help=f"frame side in pixels (default: {_DEFAULTS.framing.size})")
    b.add_argument("--fps", type=int, default=_DEFAULTS.motion.fps,
                   help=f"frames per second (default: {_DEFAULTS.motion.fps})")
    b.add_argument("--crf", type=int, default=_DEFAULTS.video.crf,
                   help=f"H.264 quality, lower is better (default: {_DEFAULTS.video.crf})")
    b.add_argument("--crop", choices=("face", "full"), default=_DEFAULTS.framing.crop,
                   help=f"as render's --crop (default: {_DEFAULTS.framing.crop})")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary line")


def _add_faces(sub) -> None:
    """`facetalk faces`: the faces in a photo, as --face-index numbers them."""
    f = sub.add_parser("faces", help="list the faces found in a photo, largest first",
                       description="List the faces found in a photo, largest first, numbered as "
                       "`render --face-index N` takes them, with their size and box in photo pixels.")
    f.add_argument("image", metavar="PHOTO", help="photo (JPEG, PNG, WebP, BMP)")


def _serve(args: argparse.Namespace) -> int:
    import importlib.util
    import signal
    import socket

    if any(importlib.util.find_spec(name) is None for name in ("fastapi", "uvicorn", "multipart")):
        raise InputError("facetalk serve needs the server extra: pip install 'facetalk[server]'")
    import uvicorn

    from facetalk.server import ServerSettings, create_app
    from facetalk.server.protocol import header_timeout_protocol
    from facetalk.server.security import is_loopback

    if not 1 <= args.port <= 65535:
        raise InputError(f"port must be 1..65535, not {args.port}")
    if not 64 <= args.size <= 2048 or min(args.max_sessions, args.max_jobs) < 1:
        raise InputError("--size must be 64..2048 and --max-sessions, --max-jobs at least 1")
    exposed = not is_loopback(args.host)
    if exposed and not args.token and not args.insecure_no_token:
        raise InputError(f"listening on {args.host} lets anyone who can reach this machine use it: give --token "
                         "TOKEN (or set FACETALK_TOKEN), or --insecure-no-token to do it anyway")
    if any(not re.fullmatch(r"[A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?", name) for name in args.allowed_host):
        raise InputError("--allowed-host takes a host name or address, without scheme, port or path")
    if args.token and not args.token.isascii():
        raise InputError("--token must be ASCII (HTTP headers carry no other characters)")
    from facetalk.server.routes.webrtc import parse_ice_server

    for url in args.ice_server:
        try:
            parse_ice_server(url)
        except ValueError as err:
            raise InputError(f"--ice-server: {err}") from None
    try:  # uvicorn reports a busy port as a log line and exit status 3: say it as our one line instead
        socket.create_server((args.host, args.port)).close()
    except OSError as err:
        raise InputError(f"cannot listen on {args.host}:{args.port}: {err.strerror or err}") from None
    app = create_app(ServerSettings(size=args.size, max_sessions=args.max_sessions, max_jobs=args.max_jobs,
                                    host=args.host, allowed_hosts=tuple(args.allowed_host), token=args.token,
                                    ice_servers=tuple(args.ice_server),
                                    webrtc_warm_start=not args.no_webrtc_warm_start))
    if exposed and not args.token:
        print(f"facetalk: warning: no token; anyone who can reach {args.host}:{args.port} can use this server",
              file=sys.stderr)
    print(f"facetalk: serving on http://{args.host}:{args.port}/" + (" (token required)" if args.token else ""),
          file=sys.stderr)
    # uvicorn handles SIGINT and SIGTERM itself (a graceful shutdown), then raises them again: here
    # they only end the server, quietly.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    # A request's head must arrive within 10 s, idle keep-alive connections close after 5 s, and at
    # most 64 connections at once are served.
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_keep_alive=5,
                limit_concurrency=64, http=header_timeout_protocol())
    return 0


# Controls that make the motion: with --blendshapes the file does, so they may not be given too.
_MOTION_OPTIONS = ("controls", "emotion", "emotion_strength", "gaze", "distance", "head_motion", "blink_rate",
                   "expressiveness", "animate")


def _check_outputs(args: argparse.Namespace, out: Path) -> None:
    """One-line refusals, before any work, of outputs that cannot be written (a directory, a
    missing or read-only folder) and of combinations that would lose work: a motion file over the
    video, or motion controls beside a blendshape file that sets the motion itself."""
    from facetalk.io._files import output_file

    output_file(out, what="output")
    if args.motion_out:
        if Path(args.motion_out).resolve() == out.resolve():
            raise InputError(f"--motion-out '{args.motion_out}' is the video's own path")
        output_file(args.motion_out, what="--motion-out file")
    if args.save_config:
        output_file(out.with_suffix(".config.json"), what="--save-config file")
    if args.blendshapes:
        given = [name for name in _MOTION_OPTIONS if getattr(args, name) is not None]
        if given:
            flags = ", ".join("--" + name.replace("_", "-") for name in given)
            raise InputError(f"--blendshapes sets the motion: drop {flags}")


def _resolve_config(args: argparse.Namespace) -> Config:
    """The render's config: the dataclasses' defaults, then --config FILE, then the flags given,
    then the --controls timeline."""
    from facetalk.config import animate_components
    from facetalk.io._files import input_file
    from facetalk.io.controls import read_controls

    try:
        config = _DEFAULTS
        if args.config:
            path = input_file(args.config, what="config file")
            try:
                config = Config.from_json(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, ValueError) as err:
                raise InputError(f"cannot read config file '{path}': {err}") from None
        sections = {name: {} for name in ("framing", "motion", "video", "controls")}
        for flag, (section, name) in _CONFIG_FLAGS.items():
            if getattr(args, flag) is not None:
                sections[section][name] = getattr(args, flag)
        if args.animate is not None:
            sections["controls"].update(animate_components(args.animate))
        config = replace(config, **{name: replace(getattr(config, name), **values)
                                    for name, values in sections.items() if values})
    except ValueError as err:
        raise InputError(str(err)) from None
    if args.controls:
        config = replace(config, controls=read_controls(args.controls, base=config.controls))
    return config


def _render(args: argparse.Namespace) -> int:
    from facetalk.io import load_image, synthesize_speech
    from facetalk.io.audio import audio_duration_s
    from facetalk.io.motion import read_blendshapes
    from facetalk.pipeline import Animator, n_frames_for, start_frame_processes

    out = Path(args.output)
    if out.suffix.lower() != ".mp4":
        raise InputError(f"output '{out}' must end in .mp4")
    config = _resolve_config(args)
    fps = config.motion.fps
    for flag, value in (("--threads", args.threads), ("--processes", args.processes)):
        if value is not None and value < 1:
            raise InputError(f"{flag} must be at least 1, not {value}")
    if not (args.audio or args.text or args.blendshapes):
        raise InputError("give the speech (--audio or --text) or the motion (--blendshapes)")
    _check_outputs(args, out)
    motions = read_blendshapes(args.blendshapes, fps=fps) if args.blendshapes else None
    photo = load_image(args.image)
    sr = config.video.audio_sr
    speech = synthesize_speech(args.text, lang=args.lang, sr=sr) if args.text else None
    # The audio file is decoded as the video is written (memory flat in its length); its header
    # is read now, so a file that is not audio fails before any work.
    declared_s = audio_duration_s(args.audio) if args.audio else None
    if motions is not None:
        n_frames = len(motions)
    else:  # for the progress bar and the drawing's choice; from the header, an estimate
        n_samples = len(speech) if speech is not None else round((declared_s or 0.0) * sr)
        n_frames = n_frames_for(n_samples, sr=sr, fps=fps)
    drawing = _drawing(args, n_frames=n_frames)
    if drawing.processes:  # the worker processes' zygote imports while the photo is analysed
        start_frame_processes()
    animator = Animator(photo, config=config, source=args.image, label=args.label)
    written = _write_render(args, animator, out, motions=motions, speech=speech, n_frames=n_frames, fps=fps,
                            drawing=drawing)
    if args.save_config:
        from facetalk.io._files import write_text_atomic

        write_text_atomic(out.with_suffix(".config.json"), config.to_json() + "\n")
    print(out)
    if not args.quiet:
        w, h = animator.size
        print(f"facetalk: wrote {written} frames, {w}x{h} at {fps} fps, {written / fps:.2f} s",
              file=sys.stderr)
    return 0


@dataclass(frozen=True)
class _Drawing:
    """How render draws its frames (Animator.frames): on `threads`, or in `processes` if >= 1."""

    threads: int = 1
    processes: int = 0


def _drawing(args: argparse.Namespace, *, n_frames: int) -> _Drawing:
    """--threads or --processes as given; else processes for a clip long enough to pay for their
    start-up on a machine with cores to spare, threads otherwise."""
    from facetalk.system import available_cores

    if args.threads:
        return _Drawing(threads=args.threads)
    if args.processes:
        return _Drawing(processes=args.processes)
    cores = min(available_cores(), MAX_DEFAULT_THREADS)
    if cores >= 2 and n_frames >= MIN_PROCESS_FRAMES and hasattr(os, "fork") and _cores_idle(cores):
        return _Drawing(processes=cores)
    return _Drawing(threads=cores)


def _cores_idle(cores: int) -> bool:
    """Whether the machine's load leaves about `cores` - 1 cores free (the load average over the
    last minute at most 1 + what `cores` - 1 idle ones would leave): processes draw side by side
    only on free cores, and on a busy 2-core machine a 30 s render took 54-56 s in processes
    against 33-39 s on threads (README's speed section)."""
    try:
        return os.getloadavg()[0] <= max(os.cpu_count() or 1, cores) - cores + 1.0
    except OSError:  # no load average on this platform: assume the cores are free
        return True


def _write_render(args: argparse.Namespace, animator, out: Path, *, motions, speech, n_frames: int, fps: int,
                  drawing: _Drawing) -> int:
    """Renders to `out` with a progress bar; returns the number of frames written."""
    from tqdm import tqdm

    written = 0
    show_progress = not args.quiet and n_frames > 2 * fps
    with tqdm(total=n_frames, unit="frame", desc="facetalk", disable=not show_progress, file=sys.stderr,
              dynamic_ncols=True) as bar:
        def progress(_frame) -> None:
            nonlocal written
            _raise_pending_stop()
            written += 1
            bar.update(1)

        threads, processes = drawing.threads, drawing.processes
        if motions is not None:
            animator.render_motion_to_file(motions, out, audio=speech, audio_file=args.audio,
                                           motion_path=args.motion_out, on_frame=progress, threads=threads,
                                           processes=processes)
        elif speech is not None:
            animator.render_to_file(speech, out, motion_path=args.motion_out, on_frame=progress, threads=threads,
                                    processes=processes)
        else:
            animator.render_file(args.audio, out, motion_path=args.motion_out, on_frame=progress, threads=threads,
                                 processes=processes)
    return written


def _batch(args: argparse.Namespace) -> int:
    from facetalk.batch.engine import BatchSettings
    from facetalk.batch.runner import EngineChoice, run_batch

    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be at least 1, not {args.workers}")
    if args.shared_output and not args.ray_address:
        raise InputError("--shared-output is for --ray-address (local workers always write into OUTDIR)")
    try:
        settings = BatchSettings(size=args.size, fps=args.fps, crf=args.crf, crop=args.crop)
    except ValueError as err:
        raise InputError(str(err)) from None
    engine = EngineChoice(workers=args.workers, ray_address=args.ray_address, shared_output=args.shared_output)
    summary = run_batch(args.manifest, args.output_dir, settings=settings, engine=engine, force=args.force,
                        progress=not args.quiet)
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return summary.exit_code


def _faces(args: argparse.Namespace) -> int:
    from facetalk.face.detect import no_face_error
    from facetalk.face.mesh import FaceMeshDetector
    from facetalk.io import load_image

    photo = load_image(args.image)
    with FaceMeshDetector(max_faces=10) as detector:
        faces = detector.detect(photo)
    if not faces:
        raise no_face_error(args.image)
    h, w = photo.shape[:2]
    print(f"{args.image}: {w}x{h}, {len(faces)} face(s), largest first (render --face-index N picks one)")
    for i, face in enumerate(faces):
        x0, y0, x1, y1 = (int(round(v)) for v in face.bbox)
        note = "" if face.size_px >= 64 else "  (under 64 px: too small to animate)"
        print(f"{i:3d}  {face.size_px:5.0f} px  box {x0},{y0} - {x1},{y1}{note}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from facetalk.provenance import THRESHOLD, verify_file

    result = verify_file(args.file)
    print(f"generated by facetalk: {'yes' if result.generated else 'no'}")
    score = f"score {result.score:.1f} (threshold {THRESHOLD:.1f})"
    if result.watermark:
        confidence = "> 99.9999%" if result.confidence > 0.999999 else f"{100 * result.confidence:.4f}%"
        print(f"watermark: found in {result.n_frames} frame(s), {score}, confidence {confidence}")
        print(f"payload: facetalk {result.payload.version}, id {result.payload.id:08x}" if result.payload else
              "payload: unreadable (the mark is too weak for its error-correcting code)")
    else:
        print(f"watermark: not found in {result.n_frames} frame(s), {score}")
    if result.tag_id is not None:
        print(f"metadata: facetalk provenance id {result.tag_id:08x}")
    return 0 if result.generated else 1


_NEGATIVE_VALUE_OPTIONS = {"--gaze"}


def _join_negative_values(argv: list[str]) -> list[str]:
    """`--gaze -10,5` as `--gaze=-10,5`: argparse would take a value starting with '-' (and not a
    plain number) for an option of its own."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in _NEGATIVE_VALUE_OPTIONS and re.match(r"-\d", arg):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(_join_negative_values(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(level=logging.WARNING if getattr(args, "quiet", False) else logging.INFO,
                        format="facetalk: %(message)s", stream=sys.stderr)
    try:
        commands = {"verify": _verify, "serve": _serve, "faces": _faces, "render": _render, "batch": _batch}
        return commands[args.command](args)
    except FacetalkError as err:
        print(f"facetalk: error: {err}", file=sys.stderr)
        return _VERIFY_ERROR if args.command == "verify" else err.exit_code
    except (KeyboardInterrupt, _Stopped) as stop:
        return _stopped(stop, command=args.command)
    except Exception as err:  # noqa: BLE001 - one line for the user; FACETALK_DEBUG=1 shows the traceback
        if (stop := _stop_behind(err)) is not None:  # a C extension's import turned it into an ImportError
            return _stopped(stop, command=args.command)
        if (written := _write_failure(err)) is not None:
            print(f"facetalk: error: {written}; no output written", file=sys.stderr)
            return 2
        if os.environ.get("FACETALK_DEBUG"):
            raise
        print(f"facetalk: internal error: {type(err).__name__}: {err} (set FACETALK_DEBUG=1 for details)",
              file=sys.stderr)
        return _VERIFY_ERROR if args.command == "verify" else 1


def _silence_native_stderr() -> None:
    """Native libraries (onnxruntime, FFmpeg, numba's compiler) may print to file descriptor 2
    from their own threads, at times no context manager can bracket. The command's own messages go to a duplicate of the
    terminal's stderr; descriptor 2 itself goes to /dev/null (FACETALK_DEBUG=1 keeps it)."""
    if os.environ.get("FACETALK_DEBUG"):
        return
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        return
    sys.stderr = os.fdopen(saved, "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _stopped(stop: BaseException, *, command: str) -> int:
    """The one line and exit status for Ctrl-C (130) or SIGTERM/SIGHUP (128 + its number); any
    temporary file a writer had opened but not yet guarded is deleted too."""
    from facetalk.io._files import remove_partials

    remove_partials()
    what = "interrupted" if isinstance(stop, KeyboardInterrupt) else f"stopped by {stop.name}"
    kept = "the clips already finished are kept" if command == "batch" else "no output written"
    print(f"facetalk: {what}; {kept}", file=sys.stderr)
    return 130 if isinstance(stop, KeyboardInterrupt) else 128 + stop.signum


def _stop_behind(err: BaseException) -> BaseException | None:
    """The Ctrl-C or signal an exception was raised while handling, if any."""
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, (KeyboardInterrupt, _Stopped)):
            return err
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return None


def _write_failure(err: Exception) -> str | None:
    """The user's reading of an OSError the disk or folder caused (disk full, read-only, ...)."""
    from facetalk.io._files import WRITE_ERRNOS, user_path

    if not isinstance(err, OSError) or err.errno not in WRITE_ERRNOS:
        return None
    where = f" '{user_path(err.filename)}'" if isinstance(err.filename, str) else ""
    return f"cannot write{where}: {WRITE_ERRNOS[err.errno]}"


class _Stopped(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so every writer deletes its temporary file."""

    def __init__(self, signum: int):
        import signal

        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


# The signal last received, if any. A handler's exception can be swallowed where Python calls
# back from C (numba's compiler, ctypes): the render loop then finds the signal here.
_pending_stop: list[int] = []


def _stop_on_signals() -> None:
    import signal

    def stop(signum, _frame):
        _pending_stop.append(signum)
        if len(_pending_stop) > 1:  # a second signal while the first unwinds must not cut its clean-up short
            return
        raise KeyboardInterrupt if signum == signal.SIGINT else _Stopped(signum)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, stop)
    default_hook = sys.unraisablehook

    def quiet_about_stops(unraisable) -> None:  # the loop raises it again; no traceback on the terminal
        if not isinstance(unraisable.exc_value, (_Stopped, KeyboardInterrupt)):
            default_hook(unraisable)

    sys.unraisablehook = quiet_about_stops


def _raise_pending_stop() -> None:
    import signal

    if _pending_stop:
        signum = _pending_stop[-1]
        raise KeyboardInterrupt if signum == signal.SIGINT else _Stopped(signum)


def run() -> None:
    """Console entry point: `facetalk ...`."""
    _silence_native_stderr()
    _stop_on_signals()
    sys.exit(main())


if __name__ == "__main__":
    run()

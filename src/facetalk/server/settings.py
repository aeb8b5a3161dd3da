"""The server's settings: every limit, with its default. Plain values and no web framework, so
`facetalk serve` takes its option defaults from here before it imports the server (an extra)."""

from __future__ import annotations

from dataclasses import dataclass

from facetalk.config import FramingConfig


@dataclass(frozen=True)
class ServerSettings:
    size: int = FramingConfig.size       # frame side of every avatar, in pixels
    max_upload_bytes: int = 20 * 2**20   # one photo or audio file
    max_image_pixels: int = 40_000_000
    max_audio_s: float = 300.0           # a render job's audio
    max_stream_s: float = 600.0          # one live session's audio
    max_verify_s: float = 300.0          # a video to verify
    max_text_chars: int = 2000
    max_avatars: int = 16                # analysed photos kept; the least recently used go first
    max_jobs: int = 4                    # render jobs queued or running (one renders at a time)
    max_finished_jobs: int = 16          # finished MP4s kept for download
    max_sessions: int = 4                # live streams at once
    idle_timeout_s: float = 30.0         # a stream silent this long is closed
    body_timeout_s: float = 30.0         # a request body stalled this long is answered 408
    max_decoding: int = 2                # uploads decoded at once (photos, audio, speech); others wait
    jpeg_quality: int = 80
    host: str = "127.0.0.1"              # the bind address: a name requests may carry in Host
    allowed_hosts: tuple[str, ...] = ()  # further names for Host (and Origin), besides loopback's
    token: str | None = None             # if set, every /api/ request must present it
    ice_servers: tuple[str, ...] = ()    # STUN/TURN URLs for WebRTC sessions; none by default (loopback, LAN)
    webrtc_peer_gone_s: float = 5.0      # a WebRTC peer sending no audio this long has gone (its track sends in silence)
    webrtc_render_processes: bool = True  # each WebRTC session renders in a process of its own (all cores)
    webrtc_warm_start: bool = True       # ready the render processes at startup and each avatar when added (no 1-5 s first offer)

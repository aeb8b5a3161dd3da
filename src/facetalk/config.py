"""Configuration as nested dataclasses. Building defaults does no I/O; `to_json` saves the
resolved config beside an output so a render can be reproduced."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class FramingConfig:
    """How the photo becomes the video frame."""

    size: int = 512            # output side in pixels (the longer side with crop="full")
    crop: str = "face"         # "face": square around the face with hair and shoulders; "full": whole photo
    margin: float = 3.0        # crop side in face heights (crop="face")
    face_index: int | None = None  # which face, 0 = largest; None = the largest
    min_face_px: float = 64.0  # smaller faces are refused: too few pixels to animate

    def __post_init__(self):
        if self.crop not in ("face", "full"):
            raise ValueError(f"crop must be 'face' or 'full', not {self.crop!r}")
        if not 64 <= self.size <= 2048:
            raise ValueError(f"size must be 64..2048 px, not {self.size}")


@dataclass(frozen=True)
class MotionConfig:
    """How motion is generated from audio."""

    fps: int = 25               # video frame rate
    lookahead_s: float = 0.032  # audio past a frame's time used to decide it (bounds live latency)

    def __post_init__(self):
        if not 1 <= self.fps <= 120:
            raise ValueError(f"fps must be 1..120, not {self.fps}")
        if not 0.005 <= self.lookahead_s <= 0.2:
            raise ValueError(f"lookahead_s must be 0.005..0.2 s, not {self.lookahead_s}")


@dataclass(frozen=True)
class Controls:
    """What the user steers in one render."""

    seed: int = 0                     # same seed, same motion; another seed, another take
    head_motion: float = 1.0          # head movement intensity; 0 holds the head still
    blink_rate_per_min: float = 17.0  # mean blink rate
    mouth_gain: float = 1.0           # scales how far the jaw opens

    def __post_init__(self):
        if not 0.0 <= self.head_motion <= 3.0:
            raise ValueError(f"head_motion must be 0..3, not {self.head_motion}")
        if not 0.0 <= self.blink_rate_per_min <= 120.0:
            raise ValueError(f"blink_rate_per_min must be 0..120, not {self.blink_rate_per_min}")
        if not 0.0 <= self.mouth_gain <= 2.0:
            raise ValueError(f"mouth_gain must be 0..2, not {self.mouth_gain}")


@dataclass(frozen=True)
class VideoConfig:
    """How frames and audio are encoded."""

    crf: int = 20   # H.264 quality (lower is better)
    audio_sr: int = 16000  # sample rate audio is analysed at


@dataclass(frozen=True)
class Config:
    framing: FramingConfig = field(default_factory=FramingConfig)
    motion: MotionConfig = field(default_factory=MotionConfig)
    video: VideoConfig = field(default_factory=VideoConfig)
    controls: Controls = field(default_factory=Controls)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

"""Configuration as nested dataclasses. Building defaults does no I/O; `to_json` saves the
resolved config beside an output so a render can be reproduced."""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import asdict, dataclass, field, fields

from facetalk import jsontext


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
        if not 1.0 <= self.margin <= 8.0:
            raise ValueError(f"margin must be 1..8 face heights, not {self.margin}")
        if not 16.0 <= self.min_face_px <= 1024.0:
            raise ValueError(f"min_face_px must be 16..1024 px, not {self.min_face_px}")
        if self.face_index is not None and self.face_index < 0:
            raise ValueError(f"face_index must be 0 or more, not {self.face_index}")


@dataclass(frozen=True)
class MotionConfig:
    """How motion is generated from audio."""

    fps: int = 25               # video frame rate
    lookahead_s: float = 0.032  # audio past a frame's time its audio features use
    # The mouth leads the sound: each frame shows the lip model's mouth for this much later, as
    # lips and jaw move before the sound they shape. A frame waits for lookahead_s + mouth_lead_s
    # of audio past its time (the live delay).
    mouth_lead_s: float = 0.02

    def __post_init__(self):
        if not 1 <= self.fps <= 120:
            raise ValueError(f"fps must be 1..120, not {self.fps}")
        if not 0.005 <= self.lookahead_s <= 0.2:
            raise ValueError(f"lookahead_s must be 0.005..0.2 s, not {self.lookahead_s}")
        if not 0.0 <= self.mouth_lead_s <= 0.1:
            raise ValueError(f"mouth_lead_s must be 0..0.1 s, not {self.mouth_lead_s}")


EMOTIONS = ("neutral", "happy", "sad", "angry", "surprised", "disgusted", "fearful", "contempt")
# The emotion control's default: no emotion commanded, the photo's own expression as it is (a
# smiling photo keeps its smile). "neutral" is commanded: a neutral face, the photo's smile undone.
NO_EMOTION = "none"
COMPONENTS = ("lips", "eyes", "head", "face")  # what animate_<component> switches on and off
GAZE_LIMITS_DEG = (30.0, 20.0)  # |yaw|, |pitch| a held gaze may ask for: the eyes' range in the rig


def _control(default, help: str, **meta):
    """A Controls field; its metadata (help, min/max or choices) drives validation here and
    the server's listing of the controls."""
    return field(default=default, metadata={"help": help, **meta})


@dataclass(frozen=True)
class Controls:
    """What the user steers in one render. Every field is a plain str/float/int/bool with a
    default; `timeline` makes any of them but seed and mouth_gain change over time."""

    seed: int = _control(0, "same seed, same motion; another seed, another take", min=0)
    head_motion: float = _control(1.0, "head movement intensity; 0 holds the head still", min=0.0, max=3.0)
    blink_rate_per_min: float = _control(17.0, "mean blink rate", min=0.0, max=120.0)
    mouth_gain: float = _control(1.0, "scales how far the jaw opens", min=0.0, max=2.0)
    expressiveness: float = _control(1.0, "how much brows, smile and eyes move with the voice; 0 keeps them still",
                                     min=0.0, max=2.0)
    emotion: str = _control(NO_EMOTION, "expression added on top of the speech; 'none' keeps the photo's own, "
                            "'neutral' is a neutral face (a smiling photo's smile undone)",
                            choices=(NO_EMOTION, *EMOTIONS))
    emotion_strength: float = _control(1.0, "how strongly the emotion shows", min=0.0, max=1.0)
    gaze: str = _control("camera", "'camera': eyes hold on the camera; 'free': glances away, and looks away "
                         "to think in pauses; 'yaw,pitch': degrees to hold (yaw + toward the image's right, "
                         "pitch + down)")
    distance: float = _control(1.0, "head distance from the camera: 0.5 twice as near, 2 twice as far",
                               min=0.5, max=2.0)
    animate_lips: bool = _control(True, "the mouth follows the speech; off keeps it closed")
    animate_eyes: bool = _control(True, "blinks, saccades and glances; off holds the eyes open on the gaze target")
    animate_head: bool = _control(True, "head movement; off freezes the head")
    animate_face: bool = _control(True, "brows, smile and eye widening follow the voice; off keeps them still")
    timeline: str = _control("", 'JSON list of keyframes such as [{"t_s": 2.5, "emotion": "happy"}]: each '
                             "control glides smoothly from its previous value (at first, this object's) "
                             "to the keyframe's by its time, then holds")

    def __post_init__(self):
        for f in fields(self):
            _check(f, getattr(self, f.name))
        # Parsed once, here, where the text comes in: the motion reads the typed values.
        object.__setattr__(self, "_gaze", parse_gaze(self.gaze))
        keyframes = parse_timeline(self.timeline)
        # Kept in one canonical form: the same keyframes give equal Controls however the text was
        # laid out, its keys ordered or its numbers written (batch names its outputs after them).
        object.__setattr__(self, "timeline", _canonical(keyframes))
        object.__setattr__(self, "_keyframes", keyframes)

    @property
    def gaze_target(self) -> Gaze:
        """`gaze`, parsed."""
        return self._gaze

    @property
    def keyframes(self) -> tuple[Keyframe, ...]:
        """`timeline`, parsed and checked (empty without one)."""
        return self._keyframes


@dataclass(frozen=True)
class Gaze:
    """A gaze control, parsed: free glances (or held on the target), the target in degrees
    (yaw + toward the image's right, pitch + down); 'camera' is (False, 0, 0)."""

    free: bool
    yaw_deg: float
    pitch_deg: float


@dataclass(frozen=True)
class Keyframe:
    """One keyframe of a timeline: at `t_s` the controls named in `names` reach their values in
    `values` (a Controls whose other fields are defaults)."""

    t_s: float
    names: tuple[str, ...]
    values: Controls


# Controls a timeline may change: seed and mouth_gain are fixed for a render.
TIMED_CONTROLS = tuple(f.name for f in fields(Controls) if f.name not in ("seed", "mouth_gain", "timeline"))


def _check(f, value) -> None:
    """Type and range of one Controls value, from the field's metadata; ValueError names the field."""
    kind = f.type
    if kind == "bool" and not isinstance(value, bool):
        raise ValueError(f"{f.name} must be true or false, not {value!r}")
    if kind == "str" and not isinstance(value, str):
        raise ValueError(f"{f.name} must be a string, not {value!r}")
    if kind == "int" and not (isinstance(value, numbers.Integral) and not isinstance(value, bool)):
        raise ValueError(f"{f.name} must be an integer, not {value!r}")
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if kind == "float" and not (real and math.isfinite(value)):
        raise ValueError(f"{f.name} must be a number, not {value!r}")
    lo, hi = f.metadata.get("min", -math.inf), f.metadata.get("max", math.inf)
    if kind in ("int", "float") and not lo <= value <= hi:
        raise ValueError(f"{f.name} must be {lo:g}..{hi:g}, not {value:g}" if hi < math.inf else
                         f"{f.name} must be at least {lo:g}, not {value:g}")
    choices = f.metadata.get("choices")
    if choices and value not in choices:
        raise ValueError(f"{f.name} must be one of {', '.join(choices)}, not {value!r}")


def parse_gaze(spec: str) -> Gaze:
    """A gaze control -> Gaze: 'camera' is (False, 0, 0), 'free' (True, 0, 0), 'yaw,pitch' in degrees."""
    if spec in ("camera", "free"):
        return Gaze(free=spec == "free", yaw_deg=0.0, pitch_deg=0.0)
    parts = spec.split(",")
    try:
        yaw, pitch = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"gaze must be 'camera', 'free' or 'yaw,pitch' in degrees (e.g. '10,-5'), "
                         f"not {spec!r}") from None
    max_yaw, max_pitch = GAZE_LIMITS_DEG
    if not (abs(yaw) <= max_yaw and abs(pitch) <= max_pitch):
        raise ValueError(f"gaze yaw must be within ±{max_yaw:g}° and pitch within ±{max_pitch:g}°, not {spec!r}")
    return Gaze(free=False, yaw_deg=yaw, pitch_deg=pitch)


def parse_timeline(text: str) -> tuple[Keyframe, ...]:
    """The keyframes of a timeline (JSON text), checked: a list of objects, each with a time
    't_s' (seconds, increasing) and values for TIMED_CONTROLS. ValueError says which keyframe,
    or where the JSON breaks (line and column)."""
    return _keyframes(_timeline_json(text))


def _canonical(keyframes: tuple[Keyframe, ...]) -> str:
    """Compact JSON of parsed keyframes, keys sorted, each value as its field's type gives it
    (1 and 1.0 alike for a float); "" for none."""
    if not keyframes:
        return ""
    kinds = {f.name: f.type for f in fields(Controls)}
    as_json = [{"t_s": k.t_s, **{name: float(getattr(k.values, name)) if kinds[name] == "float"
                                 else getattr(k.values, name) for name in k.names}} for k in keyframes]
    return json.dumps(as_json, separators=(",", ":"), sort_keys=True)


def _timeline_json(text: str) -> list:
    """A timeline's text parsed: a JSON list ([] for blank text); ValueError otherwise."""
    if not text.strip():
        return []
    try:
        keyframes = jsontext.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"timeline is not valid JSON at line {err.lineno} column {err.colno}: {err.msg}") from None
    except ValueError as err:  # nested too deep
        raise ValueError(f"timeline: {err}") from None
    if not isinstance(keyframes, list):
        raise ValueError('timeline must be a JSON list of keyframes like {"t_s": 1.5, "emotion": "happy"}')
    return keyframes


def _keyframes(keyframes: list) -> tuple[Keyframe, ...]:
    """A timeline's parsed JSON list, checked keyframe by keyframe."""
    parsed: list[Keyframe] = []
    for k, frame in enumerate(keyframes, 1):
        parsed.append(_keyframe(frame, where=f"keyframe {k}", after_s=parsed[-1].t_s if parsed else -math.inf))
    return tuple(parsed)


def _keyframe(frame, *, where: str, after_s: float) -> Keyframe:
    """One keyframe's JSON value, checked; ValueError starts with `where`."""
    if not isinstance(frame, dict):
        raise ValueError(f"{where} must be a JSON object, not {json.dumps(frame)[:40]}")
    t_s = frame.get("t_s")
    if not (isinstance(t_s, (int, float)) and not isinstance(t_s, bool) and math.isfinite(t_s) and t_s >= 0):
        raise ValueError(f"{where} needs a time 't_s' in seconds (a number >= 0)")
    if t_s <= after_s:
        raise ValueError(f"{where}: t_s {t_s:g} must come after the previous keyframe's ({after_s:g})")
    where += f" (t_s {t_s:g})"
    values = {name: value for name, value in frame.items() if name != "t_s"}
    unknown = [name for name in values if name not in TIMED_CONTROLS]
    if unknown:
        raise ValueError(f"{where}: unknown or fixed control '{unknown[0]}' (timed controls: "
                         f"{', '.join(TIMED_CONTROLS)})")
    if not values:
        raise ValueError(f"{where} sets no control")
    try:
        return Keyframe(t_s=float(t_s), names=tuple(values), values=Controls(**values))
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


def animate_components(spec: str) -> dict[str, bool]:
    """'lips,eyes' -> the animate_<component> fields: those listed on, the others off."""
    names = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = [name for name in names if name not in COMPONENTS]
    if unknown or not names:
        raise ValueError(f"animate takes a comma-separated list of {', '.join(COMPONENTS)}, not {spec!r}")
    return {f"animate_{c}": c in names for c in COMPONENTS}


@dataclass(frozen=True)
class VideoConfig:
    """How frames and audio are encoded."""

    crf: int = 20   # H.264 quality (lower is better), 0..51
    audio_sr: int = 16000  # sample rate audio is analysed at: the lip model's, fixed

    def __post_init__(self):
        if isinstance(self.crf, bool) or not isinstance(self.crf, int) or not 0 <= self.crf <= 51:
            raise ValueError(f"crf must be an integer 0..51 (H.264's range; 18-28 is usual), not {self.crf!r}")
        if self.audio_sr != 16000:
            raise ValueError(f"audio_sr is the analysis rate the lip model was trained at, 16000, not {self.audio_sr}")


@dataclass(frozen=True)
class Config:
    framing: FramingConfig = field(default_factory=FramingConfig)
    motion: MotionConfig = field(default_factory=MotionConfig)
    video: VideoConfig = field(default_factory=VideoConfig)
    controls: Controls = field(default_factory=Controls)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Config:
        """The Config that to_json wrote (sections and settings may be left out: defaults).
        ValueError names an unknown section or setting, or a value of the wrong type."""
        data = jsontext.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a config is a JSON object with the sections " + ", ".join(f.name for f in fields(cls)))
        sections = {f.name: f.default_factory for f in fields(cls)}
        unknown = [name for name in data if name not in sections]
        if unknown:
            raise ValueError(f"unknown config section '{unknown[0]}' (sections: {', '.join(sections)})")
        return cls(**{name: _section(name, sections[name], value) for name, value in data.items()})


_JSON_KINDS = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,), "int | None": (int, type(None))}


def _section(name: str, kind: type, values) -> object:
    """One config section (a dataclass) from its JSON object, each value checked against its field's type."""
    if not isinstance(values, dict):
        raise ValueError(f"config section '{name}' must be a JSON object")
    known = {f.name: f for f in fields(kind)}
    for key, value in values.items():
        if key not in known:
            raise ValueError(f"unknown setting '{name}.{key}' (settings: {', '.join(known)})")
        allowed = _JSON_KINDS.get(known[key].type, (object,))
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise ValueError(f"setting '{name}.{key}' must be {known[key].type}, not {json.dumps(value)[:40]}")
    return kind(**{key: float(v) if known[key].type == "float" else v for key, v in values.items()})

"""facetalk: one portrait photo + one speech clip -> a talking-face video, on the CPU.

Public API (imported lazily, so `import facetalk` stays fast):
    Animator, RenderedFrame        -- facetalk.pipeline
    Config, Controls, ...Config    -- facetalk.config
    MotionFrame                    -- facetalk.motion.frame
    load_image, load_audio, synthesize_speech, VideoWriter -- facetalk.io
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Animator": "facetalk.pipeline",
    "RenderedFrame": "facetalk.pipeline",
    "Config": "facetalk.config",
    "Controls": "facetalk.config",
    "FramingConfig": "facetalk.config",
    "MotionConfig": "facetalk.config",
    "VideoConfig": "facetalk.config",
    "MotionFrame": "facetalk.motion.frame",
    "FacetalkError": "facetalk.errors",
    "InputError": "facetalk.errors",
    "NoFaceError": "facetalk.errors",
    "load_image": "facetalk.io",
    "load_audio": "facetalk.io",
    "synthesize_speech": "facetalk.io",
    "VideoWriter": "facetalk.io",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'facetalk' has no attribute {name!r}")

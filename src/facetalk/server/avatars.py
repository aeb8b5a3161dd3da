"""Avatars: analysed photos (an Animator each) kept in a bounded least-recently-used cache."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from facetalk.config import Config
from facetalk.face.mesh import FaceDetector, Segmenter
from facetalk.pipeline import Animator
from facetalk.server.media import encode_jpeg


@dataclass(frozen=True, eq=False)
class Avatar:
    id: str
    animator: Animator
    preview_jpeg: bytes  # the first frame of a silent stream: what the page shows before playing


def make_avatar(photo: np.ndarray, *, config: Config, source: str, jpeg_quality: int,
                avatar_id: str | None = None, detector: FaceDetector | None = None,
                segmenter: Segmenter | None = None) -> Avatar:
    """Analyses `photo` (InputError / NoFaceError for unusable ones) with `detector` and
    `segmenter` (Animator's, the process's shared ones when not given) and renders its preview, which also
    loads the compiled renderer, so the first live frame does not wait for it."""
    animator = Animator(photo, config=config, source=source, detector=detector, segmenter=segmenter)
    session = animator.open_stream()
    first = session.push(np.zeros(int(session.lookahead_s * session.sample_rate) + 1, np.float32))[0]
    return Avatar(id=avatar_id or secrets.token_urlsafe(12), animator=animator,
                  preview_jpeg=encode_jpeg(first.image, jpeg_quality))


class AvatarStore:
    """Thread-safe LRU of avatars: adding one beyond `max_avatars` drops the least recently used.
    Jobs and streams hold their own reference, so a dropped avatar finishes what it started."""

    def __init__(self, max_avatars: int):
        self.max_avatars = max_avatars
        self._items: OrderedDict[str, Avatar] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, avatar: Avatar) -> None:
        with self._lock:
            self._items[avatar.id] = avatar
            self._items.move_to_end(avatar.id)
            while len(self._items) > self.max_avatars:
                self._items.popitem(last=False)

    def get(self, avatar_id: str) -> Avatar | None:
        with self._lock:
            avatar = self._items.get(avatar_id)
            if avatar is not None:
                self._items.move_to_end(avatar_id)
            return avatar

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

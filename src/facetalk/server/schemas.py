"""The JSON bodies the API answers with and accepts (pydantic models: the OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class AvatarOut(BaseModel):
    avatar_id: str
    width: int
    height: int
    image_url: str


class JobOut(BaseModel):
    job_id: str
    status: str
    progress: float
    frames_done: int
    n_frames: int
    error: str | None = None
    video_url: str | None = None


class ControlField(BaseModel):
    model_config = ConfigDict(extra="allow")  # whatever metadata a Controls field carries
    name: str
    type: str
    default: Any


class InfoOut(BaseModel):
    version: str
    fps: int
    sample_rate: int
    size: int
    limits: dict[str, float]


class PayloadOut(BaseModel):
    version: str
    id: str  # 8 hex digits, as `facetalk verify` prints it


class VerifyOut(BaseModel):
    generated: bool        # the watermark was found, or the file carries facetalk's metadata tag
    watermark: bool
    score: float           # the watermark's z-score; found at >= threshold
    threshold: float
    confidence: float      # probability that content without the watermark scores lower
    payload: PayloadOut | None
    n_frames: int
    tag_id: str | None     # the id in the container's metadata tag, if any


class SpeechIn(BaseModel):
    text: str
    lang: str = "en"

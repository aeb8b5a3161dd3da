"""Render jobs: an avatar speaking given audio or text, rendered to an MP4 in the background."""

from __future__ import annotations

import json
from typing import Annotated

import anyio
from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi.responses import FileResponse

from facetalk import jsontext
from facetalk.config import Controls
from facetalk.server import media
from facetalk.server.controls import controls_from_json
from facetalk.server.jobs import Job, TooBusy
from facetalk.server.routes.avatars import avatar_or_404
from facetalk.server.schemas import JobOut
from facetalk.server.state import ServerState, State

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


def _job_or_404(state: ServerState, job_id: str) -> Job:
    job = state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"unknown job id '{job_id[:40]}'")
    return job


def _job_out(job: Job) -> JobOut:
    return JobOut(job_id=job.id, status=job.status, progress=round(job.progress, 4),
                  frames_done=job.frames_done, n_frames=job.n_frames, error=job.error,
                  video_url=f"/api/jobs/{job.id}/video" if job.status == "done" else None)


MAX_CONTROLS_CHARS = 64 * 1024  # a long timeline is a few kilobytes


def _controls(text: str) -> Controls:
    if len(text) > MAX_CONTROLS_CHARS:
        raise HTTPException(413, f"controls are longer than {MAX_CONTROLS_CHARS // 1024} KiB")
    try:
        return controls_from_json(jsontext.loads(text))
    except json.JSONDecodeError:
        raise HTTPException(422, "controls must be a JSON object") from None
    except ValueError as err:
        raise HTTPException(422, str(err)) from None


@router.post("", response_model=JobOut, status_code=202, summary="Render an MP4 of an avatar speaking",
             responses={404: {"description": "unknown avatar"}, 413: {"description": "file or audio too large"},
                        422: {"description": "bad audio, text or controls"},
                        429: {"description": "too many jobs queued"}})
async def create_job(
    state: State,
    avatar_id: Annotated[str, Form()],
    audio: Annotated[UploadFile | None, File(description="speech in any format FFmpeg reads")] = None,
    text: Annotated[str | None, Form(description="instead of audio: text for the local voice")] = None,
    lang: Annotated[str, Form(description="language of the text, e.g. en, fr, en-us")] = "en",
    controls: Annotated[str, Form(description="JSON object, fields as listed by /api/controls")] = "{}",
) -> JobOut:
    avatar = avatar_or_404(state, avatar_id)
    chosen = _controls(controls)
    if (audio is None) == (text is None):
        raise HTTPException(422, "give either an audio file or text, not both or neither")
    settings, sr = state.settings, state.config.video.audio_sr
    sound = None  # the upload again, for the MP4's sound at its own quality
    if audio is not None:
        name = media.client_name(audio.filename)
        data = await media.read_upload(audio, limit=settings.max_upload_bytes, what="audio")
        samples = await anyio.to_thread.run_sync(lambda: media.decode_audio(
            data, name=name, workdir=state.workdir, sr=sr, max_s=settings.max_audio_s),
            limiter=state.decode_limiter)
        sound = media.keep_upload(data, workdir=state.workdir)
    else:
        samples = await anyio.to_thread.run_sync(lambda: media.speak(
            text, lang=lang, sr=sr, max_chars=settings.max_text_chars, max_s=settings.max_audio_s),
            limiter=state.decode_limiter)
    try:
        return _job_out(state.jobs.submit(avatar.animator, samples, chosen, audio_file=sound))
    except TooBusy as err:
        raise HTTPException(429, str(err)) from None


@router.get("/{job_id}", response_model=JobOut, summary="A render job's status and progress")
async def get_job(state: State, job_id: str) -> JobOut:
    return _job_out(_job_or_404(state, job_id))


@router.get("/{job_id}/video", response_class=FileResponse, summary="The finished MP4",
            responses={200: {"content": {"video/mp4": {}}}, 409: {"description": "not finished, or failed"}})
async def get_video(state: State, job_id: str) -> FileResponse:
    job = _job_or_404(state, job_id)
    if job.status != "done":
        raise HTTPException(409, f"job '{job_id}' is {job.status}" + (f": {job.error}" if job.error else ""))
    return FileResponse(job.path, media_type="video/mp4", filename=f"facetalk-{job.id}.mp4")

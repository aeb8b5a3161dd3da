"""Text spoken by the server's local voice (espeak-ng), as WAV."""

from __future__ import annotations

import anyio
from fastapi import APIRouter
from fastapi.responses import Response

from facetalk.server import media
from facetalk.server.schemas import SpeechIn
from facetalk.server.state import State

router = APIRouter(tags=["speech"])


@router.post("/api/speech", response_class=Response, summary="Speak text with the local voice (WAV)",
             responses={200: {"content": {"audio/wav": {}}}})
async def speech(state: State, body: SpeechIn) -> Response:
    settings, sr = state.settings, state.config.video.audio_sr
    audio = await anyio.to_thread.run_sync(lambda: media.speak(
        body.text, lang=body.lang, sr=sr, max_chars=settings.max_text_chars, max_s=settings.max_audio_s),
        limiter=state.decode_limiter)
    return Response(media.wav_bytes(audio, sr=sr, workdir=state.workdir), media_type="audio/wav")

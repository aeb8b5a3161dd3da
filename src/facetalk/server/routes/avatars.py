"""Avatars: a portrait photo (or the bundled sample) analysed once, kept for renders and streams."""

from __future__ import annotations

from importlib import resources
from typing import Annotated

import anyio
from fastapi import APIRouter, File, HTTPException, UploadFile
from fastapi.responses import Response

from facetalk.errors import InputError
from facetalk.server import media
from facetalk.server.avatars import Avatar, make_avatar
from facetalk.server.schemas import AvatarOut
from facetalk.server.state import ServerState, State

SAMPLE_ID = "sample"
router = APIRouter(prefix="/api/avatars", tags=["avatars"])


def avatar_or_404(state: ServerState, avatar_id: str) -> Avatar:
    avatar = state.avatars.get(avatar_id)
    if avatar is None:
        raise HTTPException(404, f"unknown avatar id '{avatar_id[:40]}'; upload the photo again")
    return avatar


def _avatar_out(avatar: Avatar) -> AvatarOut:
    width, height = avatar.animator.size
    return AvatarOut(avatar_id=avatar.id, width=width, height=height, image_url=f"/api/avatars/{avatar.id}/image")


async def _add_avatar(state: ServerState, photo, *, source: str, avatar_id: str | None = None) -> AvatarOut:
    def analyse() -> Avatar:  # under state.analysis_limiter: one photo at a time uses the face models
        detector, segmenter = state.face_models.get()
        try:
            return make_avatar(photo, config=state.config, source=source, jpeg_quality=state.settings.jpeg_quality,
                               avatar_id=avatar_id, detector=detector, segmenter=segmenter)
        except InputError as err:  # no face, face too small
            raise HTTPException(422, str(err)) from None

    avatar = await anyio.to_thread.run_sync(analyse, limiter=state.analysis_limiter)
    state.avatars.add(avatar)
    for hook in state.avatar_added:
        hook(avatar)
    return _avatar_out(avatar)


@router.post("", response_model=AvatarOut, status_code=201, summary="Upload a portrait photo",
             responses={413: {"description": "file or image too large"}, 415: {"description": "not an image"},
                        422: {"description": "corrupt image, or no usable face"}})
async def upload_avatar(state: State,
                        photo: Annotated[UploadFile, File(description="JPEG, PNG, WebP or BMP")]) -> AvatarOut:
    settings = state.settings
    name = media.client_name(photo.filename)
    data = await media.read_upload(photo, limit=settings.max_upload_bytes, what="photo")
    image = await anyio.to_thread.run_sync(lambda: media.decode_photo(
        data, name=name, workdir=state.workdir, max_pixels=settings.max_image_pixels),
        limiter=state.decode_limiter)
    return await _add_avatar(state, image, source=name)


@router.post("/sample", response_model=AvatarOut, status_code=201, summary="The bundled sample portrait as an avatar")
async def sample_avatar(state: State) -> AvatarOut:
    if (avatar := state.avatars.get(SAMPLE_ID)) is not None:
        return _avatar_out(avatar)
    from facetalk.io import load_image

    photo = load_image(resources.files("facetalk.data").joinpath("astronaut.jpg"))
    return await _add_avatar(state, photo, source="astronaut.jpg", avatar_id=SAMPLE_ID)


@router.get("/{avatar_id}/image", response_class=Response, summary="The avatar's still frame (JPEG)",
            responses={200: {"content": {"image/jpeg": {}}}})
async def avatar_image(state: State, avatar_id: str) -> Response:
    return Response(avatar_or_404(state, avatar_id).preview_jpeg, media_type="image/jpeg")

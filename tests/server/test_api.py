"""REST API: avatars, speech, render jobs; every kind of bad input gets a clear 4xx."""

import io
import json
import time

import numpy as np
import pytest

from facetalk.io import probe_video, write_wav

SR = 16000


def _jpeg(width, height, color=(200, 180, 160)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="JPEG")
    return buf.getvalue()


def _wav(seconds: float, tmp_path) -> bytes:
    t = np.arange(int(seconds * SR)) / SR
    path = tmp_path / "tone.wav"
    write_wav(path, 0.3 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 3 * t) > 0), sr=SR)
    return path.read_bytes()


def _wait(client, job_id, timeout_s=60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout_s} s")


def _detail(response, status) -> str:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else json.dumps(detail)


def test_page_info_controls_and_openapi(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"] and "app.js" in page.text
    assert client.get("/static/app.js").status_code == 200
    info = client.get("/api/info").json()
    assert info["fps"] == 25 and info["sample_rate"] == SR and info["limits"]["max_sessions"] == 2
    names = [c["name"] for c in client.get("/api/controls").json()]
    from dataclasses import fields

    from facetalk.config import Controls

    assert names == [f.name for f in fields(Controls)]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/avatars", "/api/jobs", "/api/jobs/{job_id}", "/api/jobs/{job_id}/video"} <= set(paths)


def test_upload_photo_gives_an_avatar_and_its_still(client, portrait_path):
    with open(portrait_path, "rb") as f:
        response = client.post("/api/avatars", files={"photo": ("me.jpg", f, "image/jpeg")})
    assert response.status_code == 201, response.text
    avatar = response.json()
    assert avatar["width"] == avatar["height"] == 512
    still = client.get(avatar["image_url"])
    assert still.status_code == 200 and still.headers["content-type"] == "image/jpeg"
    assert still.content[:2] == b"\xff\xd8"


def test_avatars_share_one_detector_and_segmenter(portrait_path, face_recording, counted_face_models):
    """The face models load at the first avatar and serve every later one. Given none, the server
    uses the process's shared set (face.mesh.shared_face_models): a second server in the process
    loads nothing more, and neither closes the set at shutdown (it was loaded twice over, a set
    of the server's own beside the shared one, before). Given models it never closes either
    (given here: replays of the real models' answers, tests/fakes.py, that note being closed; the
    real ones' loading is the first half's)."""
    from fastapi.testclient import TestClient

    from facetalk.face.mesh import shared_face_models
    from facetalk.server import create_app
    from tests.fakes import ReplayDetector, ReplaySegmenter
    from tests.server.conftest import LIMITS

    class Noted:
        def close(self):
            closed.append(self)

    class GivenDetector(Noted, ReplayDetector):
        pass

    class GivenSegmenter(Noted, ReplaySegmenter):
        pass

    made, closed = counted_face_models
    with open(portrait_path, "rb") as f:
        photo = f.read()
    with TestClient(create_app(LIMITS)) as client:
        assert client.post("/api/avatars/sample").status_code == 201
        assert client.post("/api/avatars", files={"photo": ("me.jpg", photo, "image/jpeg")}).status_code == 201
        assert [type(m).__name__ for m in made] == ["FaceMeshDetector", "PersonSegmenter"] and not closed
    assert closed == [] and list(shared_face_models().get()) == made
    with TestClient(create_app(LIMITS)) as client:
        assert client.post("/api/avatars", files={"photo": ("me.jpg", photo, "image/jpeg")}).status_code == 201
    assert len(made) == 2 and closed == []
    shared_face_models().close()  # this test's set: the process's own comes back after it
    assert closed == made

    given = GivenDetector(face_recording), GivenSegmenter(face_recording)
    made.clear()
    closed.clear()
    with TestClient(create_app(LIMITS, detector=given[0], segmenter=given[1])) as client:
        assert client.post("/api/avatars", files={"photo": ("me.jpg", photo, "image/jpeg")}).status_code == 201
    assert made == [] and closed == [] and given[0].calls > 0 and given[1].calls > 0


@pytest.mark.parametrize("name, data, status, words", [
    ("notes.txt", b"just some text, not a photo", 415, "not an image"),
    ("big.jpg", b"\xff\xd8" + bytes(400_000), 413, "larger than"),
    ("empty.jpg", b"", 422, "empty"),
    ("wide.jpg", _jpeg(1200, 1000), 413, "megapixels"),
    ("blank.jpg", _jpeg(400, 400), 422, "no face"),
])
def test_bad_photos_are_refused(client, name, data, status, words):
    response = client.post("/api/avatars", files={"photo": (name, data, "image/jpeg")})
    assert words in _detail(response, status).lower()


def test_truncated_photo_is_refused_without_naming_server_paths(client, portrait_path):
    with open(portrait_path, "rb") as f:
        data = f.read()
    detail = _detail(client.post("/api/avatars", files={"photo": ("cut.jpg", data[:5000], "image/jpeg")}), 422)
    assert "cut.jpg" in detail and "facetalk-server" not in detail and "/tmp" not in detail


def test_missing_or_mistyped_fields_are_refused(client, avatar_id):
    assert client.post("/api/avatars").status_code == 422
    assert client.post("/api/avatars", data={"photo": "/etc/passwd"}).status_code == 422
    assert client.post("/api/jobs", json={"avatar_id": avatar_id, "text": "hi"}).status_code == 422


def test_unknown_ids_are_404(client):
    assert "unknown avatar" in _detail(client.get("/api/avatars/nope/image"), 404)
    assert "unknown avatar" in _detail(client.post("/api/jobs", data={"avatar_id": "../../etc", "text": "hi"}), 404)
    assert "unknown job" in _detail(client.get("/api/jobs/nope"), 404)
    assert "unknown job" in _detail(client.get("/api/jobs/nope/video"), 404)
    assert client.get("/api/jobs/..%2F..%2Fetc%2Fpasswd/video").status_code == 404


def test_text_job_renders_an_mp4_that_verify_finds(client, avatar_id, tmp_path, portrait_path):
    response = client.post("/api/jobs", data={"avatar_id": avatar_id, "text": "Hello there.",
                                              "controls": json.dumps({"seed": 3, "head_motion": 0.5})})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] in ("queued", "running") and job["n_frames"] >= 25
    done = _wait(client, job["job_id"])
    assert done["status"] == "done" and done["progress"] == 1.0 and done["frames_done"] == job["n_frames"]
    video = client.get(done["video_url"])
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    path = tmp_path / "job.mp4"
    path.write_bytes(video.content)
    info = probe_video(path)
    assert info.n_frames == job["n_frames"] and info.has_audio and info.width == 512

    # The server tells its own video, and a frame of it, from the photo it was made from.
    verdict = client.post("/api/verify", files={"file": ("clip.mp4", video.content, "video/mp4")})
    assert verdict.status_code == 200, verdict.text
    found = verdict.json()
    assert found["generated"] and found["watermark"] and found["score"] >= found["threshold"]
    assert found["n_frames"] == job["n_frames"] and found["payload"]["id"] == found["tag_id"]
    from facetalk.io import read_frames

    frame = next(iter(read_frames(path)))
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(frame).save(buf, format="PNG")
    still = client.post("/api/verify", files={"file": ("frame.png", buf.getvalue(), "image/png")}).json()
    assert still["generated"] and still["payload"] == found["payload"] and still["tag_id"] is None
    with open(portrait_path, "rb") as f:
        photo = client.post("/api/verify", files={"file": ("photo.jpg", f, "image/jpeg")}).json()
    assert not photo["generated"] and photo["payload"] is None and photo["score"] < photo["threshold"]


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares the size and whose pixels never come: a decompression bomb's
    first bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(64)))


def _long_video(tmp_path) -> bytes:
    from facetalk.io import VideoWriter

    path = tmp_path / "long.mp4"
    with VideoWriter(path, fps=25, crf=30) as writer:
        for i in range(100):  # 4 s, over the test server's 3 s
            writer.write(np.full((64, 64, 3), i, np.uint8))
    return path.read_bytes()


@pytest.mark.parametrize("name, make, status, words", [
    ("notes.txt", lambda tmp: b"just some text, neither video nor image", 422, "notes.txt"),
    ("nothing.mp4", lambda tmp: b"", 422, "empty"),
    ("wide.png", lambda tmp: _jpeg(1200, 1000), 413, "megapixels"),
    ("bomb.png", lambda tmp: _png_header(20000, 20000), 413, "megapixels"),
    ("long.mp4", _long_video, 413, "lasts 4 s"),
])
def test_bad_files_to_verify_are_refused(client, tmp_path, name, make, status, words):
    detail = _detail(client.post("/api/verify", files={"file": (name, make(tmp_path))}), status)
    assert words in detail and name in detail and "/tmp" not in detail and "facetalk-server" not in detail


def test_audio_file_job_and_the_job_limit(client, avatar_id, tmp_path):
    long = client.post("/api/jobs", data={"avatar_id": avatar_id}, files={"audio": ("a.wav", _wav(4, tmp_path))})
    assert long.status_code == 202, long.text
    # max_jobs=1: while that one renders, the next is refused, and its video is not ready yet.
    busy = client.post("/api/jobs", data={"avatar_id": avatar_id, "text": "hi"})
    assert "try again later" in _detail(busy, 429)
    job_id = long.json()["job_id"]
    if client.get(f"/api/jobs/{job_id}").json()["status"] != "done":
        assert _detail(client.get(f"/api/jobs/{job_id}/video"), 409)
    assert _wait(client, job_id)["status"] == "done"
    assert client.get(f"/api/jobs/{job_id}/video").status_code == 200


def test_job_video_carries_the_upload_at_its_own_quality(client, avatar_id, tmp_path):
    """A 44.1 kHz stereo upload comes back as 44.1 kHz stereo (not 16 kHz mono), and the copy the
    job read it from is gone once the job is done."""
    import wave

    import av

    sr = 44100
    t = np.arange(int(1.0 * sr)) / sr
    stereo = np.stack([0.3 * np.sin(2 * np.pi * 10000 * t), 0.3 * np.sin(2 * np.pi * 220 * t)]).T
    path = tmp_path / "stereo.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(sr)
        out.writeframes(np.rint(stereo * 32767).astype("<i2").tobytes())
    job = client.post("/api/jobs", data={"avatar_id": avatar_id}, files={"audio": ("stereo.wav", path.read_bytes())})
    assert job.status_code == 202, job.text
    assert _wait(client, job.json()["job_id"])["status"] == "done"
    video = tmp_path / "job.mp4"
    video.write_bytes(client.get(f"/api/jobs/{job.json()['job_id']}/video").content)
    with av.open(str(video)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.sample_rate == sr and stream.codec_context.layout.nb_channels == 2
        left = np.concatenate([f.to_ndarray()[0] for f in container.decode(stream)])
    freqs = np.fft.rfftfreq(len(left), 1 / sr)
    assert freqs[np.argmax(np.abs(np.fft.rfft(left)))] == pytest.approx(10000, abs=20)
    assert not list(client.app.state.facetalk.workdir.glob("sound-*"))


@pytest.mark.parametrize("form, status, words", [
    ({"text": "hi", "controls": '{"head_motion": 9}'}, 422, "head_motion"),
    ({"text": "hi", "controls": '{"head_motion": "fast"}'}, 422, "finite number"),
    ({"text": "hi", "controls": '{"wings": 1}'}, 422, "unknown control"),
    ({"text": "hi", "controls": "[1, 2]"}, 422, "json object"),
    ({"text": "hi", "controls": "{oops"}, 422, "json object"),
    ({"text": "hi", "controls": '{"seed": 1.5}'}, 422, "integer"),
    ({}, 422, "either an audio file or text"),
    ({"text": "   "}, 422, "empty"),
    ({"text": "hi", "lang": "../../etc/passwd"}, 422, "language code"),
    ({"text": "hi", "lang": "xx-nope"}, 422, "unknown language"),
    ({"text": "blah " * 100}, 413, "characters"),
])
def test_bad_job_requests_are_refused(client, avatar_id, form, status, words):
    response = client.post("/api/jobs", data={"avatar_id": avatar_id, **form})
    assert words in _detail(response, status).lower()


@pytest.mark.parametrize("name, make, status, words", [
    ("photo.png", lambda tmp: _jpeg(64, 64), 422, "photo.png"),
    ("noise.wav", lambda tmp: b"RIFF" + bytes(range(256)) * 40, 422, "noise.wav"),
    ("long.wav", lambda tmp: _wav(9, tmp), 413, "limit is 8 s"),
    ("huge.wav", lambda tmp: bytes(400_000), 413, "larger than"),
])
def test_bad_audio_files_are_refused(client, avatar_id, tmp_path, name, make, status, words):
    response = client.post("/api/jobs", data={"avatar_id": avatar_id}, files={"audio": (name, make(tmp_path))})
    assert words in _detail(response, status)


def test_both_audio_and_text_is_refused(client, avatar_id, tmp_path):
    response = client.post("/api/jobs", data={"avatar_id": avatar_id, "text": "hi"},
                           files={"audio": ("a.wav", _wav(1, tmp_path))})
    assert "not both" in _detail(response, 422)


def test_speech_endpoint_returns_wav(client):
    response = client.post("/api/speech", json={"text": "Hello.", "lang": "en"})
    assert response.status_code == 200 and response.headers["content-type"] == "audio/wav"
    assert response.content[:4] == b"RIFF" and len(response.content) > 10_000
    assert client.post("/api/speech", json={"text": 5}).status_code == 422
    assert client.post("/api/speech", json={"text": "hi", "lang": "-w/tmp/x"}).status_code == 422


def test_other_sites_pages_are_refused(client):
    """A page of another site cannot make a visitor's browser use this server."""
    assert "cross-site" in _detail(client.post("/api/avatars/sample", headers={"Origin": "http://evil.example"}), 403)
    assert client.get("/api/info", headers={"Origin": "http://testserver"}).status_code == 200


def test_a_full_disk_is_reported_not_an_internal_error(tmp_path, monkeypatch, fake_face_models):
    """The server's work folder on a full disk: an upload that does not fit is a 507, a job whose
    video does not fit fails saying so; nothing half-written is left."""
    import subprocess
    import tempfile

    from fastapi.testclient import TestClient

    from facetalk.server import ServerSettings, create_app

    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        monkeypatch.setattr(tempfile, "tempdir", str(disk))
        settings = ServerSettings(size=512, allowed_hosts=("testserver",))
        detector, segmenter = fake_face_models.get()  # the sample avatar's analysis, replayed (tests/fakes.py)
        with TestClient(create_app(settings, detector=detector, segmenter=segmenter)) as client:
            avatar = client.post("/api/avatars/sample").json()["avatar_id"]
            big = client.post("/api/jobs", data={"avatar_id": avatar}, files={"audio": ("a.wav", _wav(8, tmp_path))})
            assert big.status_code == 507 and "no space left" in big.json()["detail"]
            job = client.post("/api/jobs", data={"avatar_id": avatar}, files={"audio": ("a.wav", _wav(3, tmp_path))})
            assert job.status_code == 202, job.text
            done = _wait(client, job.json()["job_id"])
            assert done["status"] == "failed" and "no space left" in done["error"], done
            workdir = client.app.state.facetalk.workdir
            assert not [p for p in workdir.rglob("*") if p.is_file() and ".partial" in p.name]
    finally:
        subprocess.run(["umount", str(disk)], check=True)

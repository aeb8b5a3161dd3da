"""A batch folder: two photos of faces, a photo that is not an image, speech, and the manifests the
batch tests run (good rows mixed with a bad image and a bad control)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

SR = 16000
SIZE = 128  # small frames: the tests are about the batch, not the picture


@dataclass(frozen=True)
class BatchFolder:
    path: Path
    manifest: Path
    good: tuple[int, ...]   # lines of the rows that must render
    bad: tuple[int, ...]    # lines of the rows that must be reported


@pytest.fixture(scope="session")
def batch_inputs(tmp_path_factory, portrait_path, speech) -> Path:
    from PIL import Image

    from facetalk.io import write_wav

    folder = tmp_path_factory.mktemp("batch-inputs")
    shutil.copy(portrait_path, folder / "ada.jpg")
    with Image.open(portrait_path) as im:  # a second presenter: the portrait mirrored, as PNG
        im.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(folder / "bob.png")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is no JPEG")
    write_wav(folder / "hello.wav", speech[: int(1.0 * SR)], sr=SR)
    write_wav(folder / "long.wav", np.concatenate([speech, speech]), sr=SR)  # ~3 s
    return folder


MIXED_ROWS = [  # header on line 1: these are lines 2..7
    "ada.jpg,hello.wav,,,happy,1",
    "bob.png,,Good morning.,en,,2",
    "broken.jpg,hello.wav,,,,3",            # line 4: not an image
    "ada.jpg,hello.wav,,,cheerful,4",       # line 5: no such emotion
    "bob.png,hello.wav,,,sad,5",
    "ada.jpg,,Hello there.,en,,6",
]


def write_batch(folder: Path, name: str, rows: list[str]) -> Path:
    manifest = folder / name
    manifest.write_text("image,audio,text,lang,emotion,seed\n" + "\n".join(rows) + "\n")
    return manifest


@pytest.fixture
def mixed_batch(batch_inputs, tmp_path) -> BatchFolder:
    """The six-row manifest of issue 16: two photos, one bad image and one bad control."""
    for item in batch_inputs.iterdir():
        shutil.copy(item, tmp_path / item.name)
    manifest = write_batch(tmp_path, "clips.csv", MIXED_ROWS)
    return BatchFolder(path=tmp_path, manifest=manifest, good=(2, 3, 6, 7), bad=(4, 5))


class BatchKit:
    """Helpers the batch tests share (pytest imports test modules by path: they reach these as a fixture)."""

    SIZE = SIZE
    write_batch = staticmethod(write_batch)

    @staticmethod
    def run_cli(*args, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "facetalk.cli", *map(str, args)], capture_output=True, text=True,
                              timeout=timeout)

    @staticmethod
    def read_results(outdir: Path) -> dict[int, dict]:
        lines = (outdir / "results.jsonl").read_text().splitlines()
        results = [json.loads(line) for line in lines]
        assert len({r["row"] for r in results}) == len(results), "a row appears twice in results.jsonl"
        return {r["row"]: r for r in results}

    @staticmethod
    def assert_complete(path: Path, *, seconds: float | None) -> None:
        """`path` is a whole clip at SIZE: it opens, and lasts as long as its speech (at least 1 s)."""
        from facetalk.io import probe_video

        info = probe_video(path)
        assert (info.width, info.height) == (SIZE, SIZE)
        assert info.has_audio
        if seconds is None:
            assert info.n_frames >= 25
        else:
            assert abs(info.n_frames - max(25, int(np.ceil(seconds * 25)))) <= 1, (path, info.n_frames)

    @staticmethod
    def leftovers(outdir: Path) -> list[str]:
        """Files in `outdir` that are neither an MP4 nor results.jsonl: temporary files left behind."""
        return sorted(p.name for p in outdir.rglob("*") if p.is_file() and p.name != "results.jsonl"
                      and (p.suffix != ".mp4" or p.name.startswith(".")))


@pytest.fixture(scope="session")
def kit() -> type[BatchKit]:
    return BatchKit

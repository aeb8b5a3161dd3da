"""Malformed files thrown at facetalk.io's decoders and readers (images, audio, controls, blendshape
CSVs, batch manifests; a seeded corpus, see conftest.FuzzCorpus):
only InputError, with a one-line message naming the file, and nothing left behind."""

import json
import random

from facetalk.errors import InputError
from facetalk.io import load_audio, load_image


def test_decoders_raise_only_input_errors(tmp_path, fuzz):
    rng = random.Random(fuzz.SEED)
    png, wav = fuzz.valid_png(), fuzz.valid_wav(tmp_path)
    for i in range(fuzz.N_CASES):
        for kind, valid, load in (("png", png, load_image), ("wav", wav, lambda p: load_audio(p, sr=16000))):
            path = tmp_path / f"case{i}.{kind}"
            path.write_bytes(fuzz.mutate(valid, rng))
            try:
                load(path)
            except InputError as err:
                assert "\n" not in str(err) and str(path) in str(err)
            path.unlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["valid.wav"]


def test_controls_and_blendshape_files_raise_only_input_errors(tmp_path, fuzz):
    from facetalk.io.controls import read_controls
    from facetalk.io.motion import read_blendshapes

    rng = random.Random(fuzz.SEED + 1)
    for i, text in enumerate(fuzz.json_cases(rng)):
        path = tmp_path / f"c{i}.json"
        path.write_text(text, encoding="utf-8")
        try:
            read_controls(path)
        except InputError as err:
            assert "\n" not in str(err)
        else:
            assert json.loads(text) == []  # the only valid timeline among the cases
    header = "Timecode,BlendShapeCount,EyeBlinkLeft,JawOpen\n"
    for i in range(fuzz.N_CASES):
        body = "".join(f"00:00:00:{k:02d}.000,2,{rng.choice(['0.5', 'x', '', '1e9', 'nan', '-3'])},0.1\n"
                       for k in range(rng.randrange(0, 5)))
        path = tmp_path / f"b{i}.csv"
        path.write_bytes(fuzz.mutate((header + body).encode(), rng) if i % 2 else (header + body).encode())
        try:
            read_blendshapes(path, fps=25)
        except InputError as err:
            assert "\n" not in str(err)



def test_manifests_raise_only_input_errors_or_report_rows(tmp_path, fuzz):
    """Malformed batch manifests (CSV and JSON Lines): the file is refused in one line, or each bad
    row is reported with its line; nothing else escapes."""
    from facetalk.io.manifest import read_manifest

    rng = random.Random(fuzz.SEED + 4)
    (tmp_path / "face.jpg").write_bytes(b"not checked here")
    csv_text = "image,text,lang,emotion,seed\nface.jpg,Hello there,en,happy,3\nface.jpg,Bye,fr,sad,4\n"
    jsonl_text = '{"image": "face.jpg", "text": "Hello", "controls": [{"t_s": 1, "gaze": "free"}]}\n'
    for i in range(fuzz.N_CASES):
        for suffix, valid in ((".csv", csv_text), (".jsonl", jsonl_text)):
            path = tmp_path / f"m{i}{suffix}"
            path.write_bytes(fuzz.mutate(valid.encode(), rng))
            try:
                manifest = read_manifest(path)
            except InputError as err:
                assert "\n" not in str(err)
            else:
                assert all(problem.line >= 1 and "\n" not in problem.message for problem in manifest.problems)

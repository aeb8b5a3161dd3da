"""Fast speech over a beat for the lip model's fine-tune (training/build_fast_beat.py) and the corpus merge
(training/merge_lip_corpora.py)."""

import json

import numpy as np
import pytest

fast = pytest.importorskip("training.build_fast_beat")
merge_tool = pytest.importorskip("training.merge_lip_corpora")

EVALUATION_BEAT_SEEDS = [*range(7, 37), *range(100, 130)]  # rap_eval.py's and rap_more.py's default_rng ints


def test_no_item_draws_an_evaluation_beat():
    """SeedSequence drops trailing zero words ([16, 0] is 16, round 15's item 0 and an evaluation seed): no
    item's entropy [FAST_BEAT_SEED, k] may give the state of an evaluation beat's integer seed."""
    assert list(np.random.SeedSequence([16, 0]).generate_state(4)) == list(np.random.SeedSequence(16).generate_state(4))
    evaluation = {tuple(np.random.SeedSequence(s).generate_state(4)) for s in EVALUATION_BEAT_SEEDS}
    items = {tuple(np.random.SeedSequence(fast.item_seed(k)).generate_state(4)) for k in range(1000)}
    assert len(items) == 1000 and not items & evaluation


def test_an_item_and_its_clean_twin_share_the_tempo_and_gain_and_only_the_item_has_music():
    voice = np.sin(2 * np.pi * 150 * np.arange(16000) / 16000) * np.hanning(16000)
    phones = [("", 0.0, 0.3), ("a", 0.3, 0.7), ("", 0.7, 1.0)]
    mixed, beat_voice, beat_phones, beat_aug = fast.over_a_beat(voice, phones, k=3, clean=False)
    twin, twin_voice, twin_phones, twin_aug = fast.over_a_beat(voice, phones, k=3, clean=True)
    factor = 1.0 / beat_phones[-1][2]
    assert fast.FAST_BEAT_TEMPO[0] <= factor <= fast.FAST_BEAT_TEMPO[1]
    assert beat_phones == twin_phones and len(mixed) == len(twin) == pytest.approx(16000 / factor, abs=2)
    assert beat_aug[0] == twin_aug[0] and beat_aug[-1] == twin_aug[-1] and beat_aug[1].startswith("music")
    assert len(twin_aug) == 2
    assert np.array_equal(twin, twin_voice)
    assert np.abs(mixed - beat_voice).max() > 0.05  # the beat is there, as loud as the voice or louder
    gain = float(twin_aug[-1][4:-2])
    assert np.abs(twin).max() == pytest.approx(0.5 * 10 ** (gain / 20), rel=0.06)  # the entry is rounded to 1 dB


def test_the_jobs_are_the_plans_espeak_items_and_one_copy_of_each_prompt():
    plan = ([{"source": "espeak", "text": f"e{i}"} for i in range(10)]
            + [{"source": "human", "path": f"p{i // 2}", "copy": i % 2} for i in range(8)] + [{"source": "sung"}])
    jobs = fast.pick_jobs(plan, n_espeak=3, n_human=4)
    assert [j["source"] for j in jobs] == ["espeak"] * 3 + ["human"] * 4
    assert sorted(j["path"] for j in jobs[3:]) == ["p0", "p1", "p2", "p3"]
    assert jobs[:3] == sorted(jobs[:3], key=lambda j: int(j["text"][1:]))


def _corpus(path, n_frames, items):
    path.mkdir()
    offsets = np.linspace(0, n_frames, len(items) + 1).astype(int)
    np.savez(path / "train.npz", feats=np.full((n_frames, 43), len(items), np.float32),
             targets=np.zeros((n_frames, 5), np.float32), voice_level=np.zeros(n_frames, np.float32), offsets=offsets)
    (path / "train.json").write_text(json.dumps({"params": ["jaw_open"], "items": items}))


def test_merge_appends_the_extras_utterances_after_the_base(tmp_path):
    _corpus(tmp_path / "base", 10, [{"i": 0}, {"i": 1}])
    _corpus(tmp_path / "extra", 6, [{"i": 2}, {"i": 3}, {"i": 4}])
    (tmp_path / "out").mkdir()
    assert merge_tool.merge(out=tmp_path / "out", parts=[tmp_path / "base", tmp_path / "extra"]) == 5
    merged = np.load(tmp_path / "out" / "train.npz")
    assert merged["offsets"].tolist() == [0, 5, 10, 12, 14, 16]
    assert merged["feats"][:, 0].tolist() == [2] * 10 + [3] * 6
    assert [i["i"] for i in json.loads((tmp_path / "out" / "train.json").read_text())["items"]] == [0, 1, 2, 3, 4]
    _corpus(tmp_path / "bad", 6, [{"i": 5}])
    np.savez(tmp_path / "bad" / "train.npz", **{**np.load(tmp_path / "extra" / "train.npz")})
    with pytest.raises(ValueError, match="3 items in the json files for 5"):
        merge_tool.merge(out=tmp_path / "out", parts=[tmp_path / "base", tmp_path / "bad"])

"""The lip model's training (training/train_lipsync.py): --music-press-weight (--fast-music-only),
--music-false-press-weight (--false-press-phones), --init."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
train = pytest.importorskip("training.train_lipsync")


def test_music_press_weight_lands_on_the_frames_of_items_with_music():
    items = [{"augmentation": ["noise25dB", "music3dB", "gain-12dB"]}, {"augmentation": []},
             {"augmentation": ["tempo1.4", "music-7dB"]}, {"augmentation": ["reverb0.5"]}]
    offsets = np.array([0, 3, 5, 9, 10])
    weights = train.music_frame_weights(items=items, offsets=offsets, weight=4.0)
    assert weights.tolist() == [4, 4, 4, 1, 1, 4, 4, 4, 4, 1]
    with pytest.raises(ValueError):
        train.music_frame_weights(items=items[:3], offsets=offsets, weight=4.0)


def test_fast_music_only_weights_the_items_with_music_and_time_compression():
    items = [{"augmentation": ["noise25dB", "music3dB", "gain-12dB"]}, {"augmentation": ["tempo1.5"]},
             {"augmentation": ["tempo1.62", "music-3dB", "gain-5dB"]}]
    weights = train.music_frame_weights(items=items, offsets=np.array([0, 2, 3, 5]), weight=4.0,
                                        needs=("music", "tempo"))
    assert weights.tolist() == [1, 1, 1, 4, 4]


def test_the_weight_multiplies_only_the_press_shortfall():
    """A press under its target costs `weight` times more on weighted frames; a press over its
    target (no shortfall), and a weight of ones, leave the loss as without weights."""
    rng = np.random.default_rng(0)
    y = torch.from_numpy(rng.uniform(0.1, 0.9, (2, 8, len(train.PARAMS))).astype(np.float32))
    y[..., train.PRESS] = 1.0
    short = y.clone()
    short[..., train.PRESS] = 0.5  # every frame's press 0.5 short of its target
    ones, heavy = torch.ones(2, 8), torch.full((2, 8), 3.0)
    base = train.crop_loss(pred=short, y=y)
    assert train.crop_loss(pred=short, y=y, press_weight=ones) == base
    shortfall = train.SHORTFALL_WEIGHT * 0.5 ** 2
    assert float(train.crop_loss(pred=short, y=y, press_weight=heavy) - base) == pytest.approx(2 * shortfall, rel=1e-5)
    over = y.clone()
    y_low = y.clone()
    y_low[..., train.PRESS] = 0.2
    assert train.crop_loss(pred=over, y=y_low, press_weight=heavy) == train.crop_loss(pred=over, y=y_low)


def test_load_corpus_reads_the_items_music_from_train_json(tmp_path):
    feats = np.zeros((6, 43), np.float32)
    targets = np.zeros((6, len(train.PARAMS)), np.float32)
    for split in ("train", "valid"):
        np.savez(tmp_path / f"{split}.npz", feats=feats, targets=targets, voice_level=np.zeros(6, np.float32),
                 offsets=np.array([0, 2, 6]))
    (tmp_path / "train.json").write_text(json.dumps({"items": [{"augmentation": ["music0dB"]}, {"augmentation": []}]}))
    assert train.load_corpus(tmp_path).press_weight.tolist() == [1] * 6
    weighted = train.load_corpus(tmp_path, music_press_weight=2.5).press_weight
    assert weighted.tolist() == [2.5, 2.5, 1, 1, 1, 1]


def test_the_false_press_weight_charges_only_a_press_where_none_is_due():
    """A press of 0.6 where the target is none (a /t/, a vowel) costs SHORTFALL_WEIGHT x weight x 0.6^2
    more on weighted frames; the same excess over a bilabial's partial target (0.3), a press short
    of its target, and frames of weight 0 cost nothing more."""
    y = torch.zeros(1, 4, len(train.PARAMS))
    y[0, :, train.PRESS] = torch.tensor([0.0, 0.3, 1.0, 0.0])
    pred = y.clone()
    pred[0, :, train.PRESS] = torch.tensor([0.6, 0.9, 0.5, 0.6])
    weight = torch.tensor([[3.0, 3.0, 3.0, 0.0]])
    extra = float(train.crop_loss(pred=pred, y=y, false_press_weight=weight) - train.crop_loss(pred=pred, y=y))
    assert extra == pytest.approx(train.SHORTFALL_WEIGHT * 3.0 * 0.6 ** 2 / 4, rel=1e-5)


def test_the_false_press_weight_lands_only_on_the_fast_music_items(tmp_path):
    feats = np.zeros((6, 43), np.float32)
    targets = np.zeros((6, len(train.PARAMS)), np.float32)
    for split in ("train", "valid"):
        np.savez(tmp_path / f"{split}.npz", feats=feats, targets=targets, voice_level=np.zeros(6, np.float32),
                 offsets=np.array([0, 2, 3, 6]))
    items = [{"augmentation": ["tempo1.50", "music-3dB"]}, {"augmentation": ["music0dB"]},
             {"augmentation": ["tempo1.50"]}]
    (tmp_path / "train.json").write_text(json.dumps({"items": items}))
    assert train.load_corpus(tmp_path).false_press_weight.tolist() == [0] * 6
    corpus = train.load_corpus(tmp_path, music_false_press_weight=3.0, press_weight_needs=("music", "tempo"))
    assert corpus.false_press_weight.tolist() == [3, 3, 0, 0, 0, 0]
    assert corpus.press_weight.tolist() == [1] * 6


def test_false_press_phones_narrow_the_charge_to_the_named_phones_frames(tmp_path):
    """--false-press-phones t k: the charge stays on the fast-music item's frames (j / 100 s) inside a /t/
    (espeak's dental t̪ too, by its first IPA letter) or /kʰ/; the /a/ and the /m/ between, and the other
    items, get none."""
    feats = np.zeros((9, 43), np.float32)
    targets = np.zeros((9, len(train.PARAMS)), np.float32)
    for split in ("train", "valid"):
        np.savez(tmp_path / f"{split}.npz", feats=feats, targets=targets, voice_level=np.zeros(9, np.float32),
                 offsets=np.array([0, 7, 9]))
    phones = [["t\u032a", 0.0, 0.015], ["a", 0.015, 0.03], ["m", 0.03, 0.05], ["k\u02b0", 0.05, 0.07]]
    items = [{"augmentation": ["tempo1.50", "music-3dB"], "phones": phones},
             {"augmentation": ["music0dB"], "phones": [["t", 0.0, 0.02]]}]
    (tmp_path / "train.json").write_text(json.dumps({"items": items}))
    corpus = train.load_corpus(tmp_path, music_false_press_weight=3.0, press_weight_needs=("music", "tempo"),
                               false_press_phones=frozenset("tk"))
    assert corpus.false_press_weight.tolist() == [3, 3, 0, 0, 0, 3, 3, 0, 0]
    everywhere = train.load_corpus(tmp_path, music_false_press_weight=3.0, press_weight_needs=("music", "tempo"))
    assert everywhere.false_press_weight.tolist() == [3] * 7 + [0, 0]


def test_false_press_phones_without_a_false_press_weight_is_refused_in_one_line():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, str(root / "training" / "train_lipsync.py"), "--false-press-phones", "t"],
                            capture_output=True, text=True, timeout=120, cwd=root)
    assert result.returncode == 2
    assert "--music-false-press-weight" in result.stderr.splitlines()[-1] and "Traceback" not in result.stderr


def test_music_voice_weight_multiplies_only_the_voice_levels_error(tmp_path):
    rng = np.random.default_rng(1)
    y = torch.from_numpy(rng.uniform(0.1, 0.9, (2, 8, len(train.PARAMS) + 1)).astype(np.float32))
    pred = y.clone()
    pred[..., len(train.PARAMS)] += 0.5  # the voice level 0.5 off on every frame, the mouth exact
    base = train.crop_loss(pred=pred, y=y)
    assert train.crop_loss(pred=pred, y=y, voice_weight=torch.ones(2, 8)) == base
    heavy = train.crop_loss(pred=pred, y=y, voice_weight=torch.full((2, 8), 3.0))
    assert float(heavy - base) == pytest.approx(2 * train.VOICE_WEIGHT * 0.5 ** 2, rel=1e-5)
    feats = np.zeros((6, 43), np.float32)
    for split in ("train", "valid"):
        np.savez(tmp_path / f"{split}.npz", feats=feats, targets=np.zeros((6, len(train.PARAMS)), np.float32),
                 voice_level=np.zeros(6, np.float32), offsets=np.array([0, 4, 6]))
    (tmp_path / "train.json").write_text(json.dumps({"items": [{"augmentation": []}, {"augmentation": ["music-3dB"]}]}))
    corpus = train.load_corpus(tmp_path, voice_level=True, music_voice_weight=2.0)
    assert corpus.voice_weight.tolist() == [1, 1, 1, 1, 2, 2] and corpus.press_weight.tolist() == [1] * 6


def test_music_voice_weight_without_the_voice_level_output_is_refused_in_one_line():
    """Without --voice-level there is no voice_level output to weigh: the run would only look weighted."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, str(root / "training" / "train_lipsync.py"), "--music-voice-weight", "4"],
                            capture_output=True, text=True, timeout=120, cwd=root)
    assert result.returncode == 2
    assert "--voice-level" in result.stderr and "Traceback" not in result.stderr


def test_init_loads_the_committed_onnx_model_into_the_torch_net():
    """--init: the torch net built from the committed ONNX file gives that file's outputs and next
    state (onnxruntime, 60 frames of random features from a zero state, then 7 more from its state)."""
    from pathlib import Path

    import onnxruntime as ort

    path = Path(train.__file__).resolve().parents[1] / "src/facetalk/data/lipsync.onnx"
    net = train.load_onnx_net(path).eval()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(3)
    state = np.zeros((sum(net.history), net.channels), np.float32)
    for n in (60, 7):
        frames = (net.mean.numpy() + 3 * rng.normal(size=(n, 43)) / net.inv_std.numpy()).astype(np.float32)
        want, want_state = session.run(None, {"frames": frames, "state": state})
        with torch.no_grad():
            got, got_state = net.step(torch.from_numpy(frames), torch.from_numpy(state))
        assert got.shape == (n, 6)
        assert np.abs(got.numpy() - want).max() < 1e-5
        assert np.abs(got_state.numpy() - want_state).max() < 1e-5
        state = want_state
    assert float(np.abs(want).max()) > 0.1  # the outputs compared are not all at rest


def test_the_gap_weight_charges_only_a_gap_left_open_beyond_its_target():
    """A lip gap 0.2 over its target (jaw 0.4, press 0.5 on a shut target) costs 2 x weight x 0.2^2 more on
    weighted frames; a gap under its target, and frames of weight 0, cost nothing more."""
    y = torch.zeros(1, 4, len(train.PARAMS))
    y[0, :, train.JAW] = torch.tensor([0.4, 0.4, 0.4, 0.4])
    y[0, :, train.PRESS] = torch.tensor([1.0, 0.0, 1.0, 1.0])
    pred = y.clone()
    pred[0, :, train.PRESS] = torch.tensor([0.5, 0.5, 0.5, 1.0])  # gaps 0.2 over, 0.2 under, 0.2 over, exact
    weight = torch.tensor([[3.0, 3.0, 0.0, 3.0]])
    extra = float(train.crop_loss(pred=pred, y=y, gap_weight=weight) - train.crop_loss(pred=pred, y=y))
    assert extra == pytest.approx(2.0 * 3.0 * 0.2 ** 2 / 4, rel=1e-5)
    assert train.crop_loss(pred=pred, y=y, gap_weight=torch.zeros(1, 4)) == train.crop_loss(pred=pred, y=y)


def _corpus_with_phones(tmp_path, *, items, offsets, targets=None):
    frames = int(offsets[-1])
    targets = np.zeros((frames, len(train.PARAMS)), np.float32) if targets is None else targets
    for split in ("train", "valid"):
        np.savez(tmp_path / f"{split}.npz", feats=np.zeros((frames, 43), np.float32), targets=targets,
                 voice_level=np.zeros(frames, np.float32), offsets=np.asarray(offsets))
    (tmp_path / "train.json").write_text(json.dumps({"items": items}))


def test_music_gap_weight_lands_on_the_bilabials_of_the_fast_music_items(tmp_path):
    """--music-gap-weight 4: the excess is charged 3 more times (4 in all) inside the fast-music item's /m/ and
    /b/ (frames j / 100 s), not on its /t/ or vowel, and nowhere on the item with music alone."""
    phones = [["t", 0.0, 0.015], ["a", 0.015, 0.03], ["m", 0.03, 0.05], ["b", 0.05, 0.07]]
    items = [{"augmentation": ["tempo1.50", "music-3dB"], "phones": phones},
             {"augmentation": ["music0dB"], "phones": [["m", 0.0, 0.02]]}]
    _corpus_with_phones(tmp_path, items=items, offsets=[0, 7, 9])
    assert train.load_corpus(tmp_path).gap_weight.tolist() == [0] * 9
    corpus = train.load_corpus(tmp_path, music_gap_weight=4.0, press_weight_needs=("music", "tempo"))
    assert corpus.gap_weight.tolist() == [0, 0, 0, 3, 3, 3, 3, 0, 0]
    assert corpus.press_weight.tolist() == [1] * 9 and corpus.false_press_weight.tolist() == [0] * 9


def test_press_cap_lowers_the_training_targets_press_inside_the_tongues_closures_only(tmp_path):
    """--cap-nonlabial-press 0.5: a press of 0.9 inside /t/ and /s/ (frames j / 100 s) drops to 0.5; inside
    /m/ and the vowel it stays, as do the other parameters and the validation split."""
    targets = np.full((7, len(train.PARAMS)), 0.9, np.float32)
    phones = [["t", 0.0, 0.015], ["a", 0.015, 0.03], ["m", 0.03, 0.05], ["s", 0.05, 0.07]]
    _corpus_with_phones(tmp_path, items=[{"augmentation": [], "phones": phones}], offsets=[0, 7], targets=targets)
    corpus = train.load_corpus(tmp_path, press_cap=0.5)
    assert corpus.targets[:, train.PRESS].tolist() == pytest.approx([0.5, 0.5, 0.9, 0.9, 0.9, 0.5, 0.5])
    others = [k for k in range(len(train.PARAMS)) if k != train.PRESS]
    assert (corpus.targets[:, others] == 0.9).all() and (corpus.v_targets == 0.9).all()
    assert (train.load_corpus(tmp_path).targets == 0.9).all()


@pytest.mark.parametrize("flags, named", [(["--music-gap-weight", "0.5"], "--music-gap-weight"),
                                          (["--cap-nonlabial-press", "-0.1"], "--cap-nonlabial-press"),
                                          (["--cap-nonlabial-press", "1.5"], "--cap-nonlabial-press")])
def test_a_gap_weight_under_1_or_a_press_cap_outside_0_to_1_is_refused_in_one_line(flags, named):
    """A gap weight under 1 would charge (W - 1) < 0 times, rewarding a bilabial's gap left open; a press
    cap outside the press's 0..1 caps nothing or everything. Refused before the corpus is read."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, str(root / "training" / "train_lipsync.py"), "--corpus",
                             "/nonexistent", *flags], capture_output=True, text=True, timeout=120, cwd=root)
    assert result.returncode == 2
    assert named in result.stderr.splitlines()[-1] and "Traceback" not in result.stderr

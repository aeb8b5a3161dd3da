"""The tongue-tip net's target and figures (training/articulation.tongue_tip_targets,
training/train_tongue_tip.py): 1 over /l t d n θ ð/, 0 elsewhere, ramps between; the held-out AUC."""

import numpy as np
import pytest

from training.articulation import TONGUE_TIP_LETTERS, tongue_tip_targets
from training.train_tongue_tip import (LOOKAHEAD_FRAMES, TIP_CLASS, auc, item_targets, phone_classes)

PHONES = [("", 0.0, 0.2), ("t", 0.2, 0.27), ("a", 0.27, 0.45), ("p", 0.45, 0.52), ("i", 0.52, 0.62),
          ("l", 0.62, 0.7), ("ə", 0.7, 0.8), ("ts", 0.8, 0.9), ("ð", 0.9, 0.95), ("", 0.95, 1.2)]


def test_the_target_is_up_over_tip_phones_and_down_over_vowels_pauses_and_other_coronals():
    times = np.arange(120) / 100
    tip = tongue_tip_targets(PHONES, times)
    assert tip.dtype == np.float32 and tip.shape == (120,)
    at = {name: tip[int(round(100 * (a + b) / 2))] for name, a, b in PHONES if name}
    assert at["t"] > 0.85 and at["l"] > 0.85 and at["ð"] > 0.85
    assert at["a"] < 0.05 and at["i"] < 0.05 and at["p"] < 0.05
    assert at["ts"] < 0.1  # an affricate takes its fricative's shape: the tip is not up for /ts/
    assert np.all(tip[:10] < 1e-6) and np.all(tip[-10:] < 1e-3)  # pauses
    # Coarticulation: the tip rises ahead of /t/ (anticipation) and falls after it over tens of ms, not a
    # step; short-reaching (a bilabial's press reach), so mid-vowel between two tip phones it is down.
    assert 0.1 < tip[17] < 0.6 and 0.1 < tip[29] < 0.9
    assert np.sum((tip[10:35] > 0.1) & (tip[10:35] < 0.9)) >= 4 and np.abs(np.diff(tip)).max() < 0.5
    assert set("tdnlθð") <= TONGUE_TIP_LETTERS and not set("szʃkgpbmaiu") & TONGUE_TIP_LETTERS


def test_item_targets_follow_each_items_own_phones_and_frames():
    items = [{"phones": PHONES}, {"phones": [("", 0.0, 0.1), ("n", 0.1, 0.2), ("", 0.2, 0.4)]}]
    offsets = np.array([0, 120, 160])
    tip = item_targets(items=items, offsets=offsets)
    assert tip.shape == (160,)
    assert np.array_equal(tip[:120], tongue_tip_targets(PHONES, np.arange(120) / 100))
    assert tip[135] > 0.8 and tip[120] < 1e-6
    with pytest.raises(ValueError, match="2 items for 1"):
        item_targets(items=items, offsets=np.array([0, 120]))


def test_phone_classes_and_auc():
    classes = phone_classes(PHONES, n_frames=120)
    assert classes[23] == 1 and classes[36] == 2 and classes[48] == 3 and classes[57] == 4 and classes[5] == 0
    assert classes[85] == 4  # ts: a sibilant, not the tip class
    assert classes[20] == 0 and classes[26] == 0  # the edges of a phone are in no class
    assert auc(np.array([0.9, 0.8]), np.array([0.1, 0.2])) == 1.0
    assert auc(np.array([0.1]), np.array([0.9])) == 0.0
    assert auc(np.array([0.5, 0.5]), np.array([0.5])) == 0.5
    rng = np.random.default_rng(0)
    pos, neg = rng.normal(1.0, 1.0, 300), rng.normal(0.0, 1.0, 400)
    brute = np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :]))
    assert auc(pos, neg) == pytest.approx(brute, abs=1e-12)
    assert TIP_CLASS == frozenset("tdnlθð") and LOOKAHEAD_FRAMES == 2


def test_the_net_streams_as_it_trains_and_exports_the_graph_the_runtime_reads(tmp_path):
    torch = pytest.importorskip("torch")
    from facetalk.audio.mel import N_FEATURES, log_mel
    from facetalk.motion.lipsync import TongueTipNet
    from training.train_lipsync import LOOKAHEAD_FRAMES as LIP_LOOKAHEAD
    from training.train_tongue_tip import _torch_parts, export

    assert LOOKAHEAD_FRAMES == LIP_LOOKAHEAD
    torch.manual_seed(0)
    _, TipNet, _, _ = _torch_parts()
    net = TipNet(np.zeros(N_FEATURES, np.float32), np.ones(N_FEATURES, np.float32)).eval()
    assert sum(p.numel() for p in net.parameters()) <= 150_000 and net.receptive_field == 65
    silence = log_mel(np.zeros(1600, np.float32))[0]
    export(net, tmp_path / "t.onnx", silence)
    runtime = TongueTipNet(tmp_path / "t.onnx")
    x = np.random.default_rng(1).normal(size=(net.receptive_field - 1 + 30, N_FEATURES)).astype(np.float32)
    tip, _ = runtime.run(x, np.zeros((sum(net.history), net.channels), np.float32))
    with torch.no_grad():
        expected = net(torch.from_numpy(x[None]))[0, :, 0].numpy()
    assert np.allclose(tip[net.receptive_field - 1:], expected, atol=1e-5)


def test_the_loss_charges_a_flickering_tip_more_than_a_steady_one_with_the_same_error():
    from training.train_tongue_tip import CHANGE_WEIGHT, crop_loss

    target = np.zeros((1, 8))
    steady, flicker = np.full((1, 8), np.sqrt(0.08)), np.tile([0.0, 0.4], 4)[None]  # the same squared error, 0.08
    assert crop_loss(pred=steady, target=target) == pytest.approx(0.08)
    assert crop_loss(pred=flicker, target=target) == pytest.approx(0.08 + CHANGE_WEIGHT * 0.16)
    assert crop_loss(pred=flicker, target=target, change_weight=0.0) == pytest.approx(0.08)
    assert CHANGE_WEIGHT == 4.0

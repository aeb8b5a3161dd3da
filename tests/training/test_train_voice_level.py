"""The separate voice-level network (training/train_voice_level.py): causal, streams bit for bit as the
trained net computes, exports to the graph the runtime reads, and learns the lip model's target."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
train = pytest.importorskip("training.train_voice_level")
from facetalk.audio.mel import N_FEATURES, N_MELS  # noqa: E402


def _net(seed: int = 0, dilations=(1, 2, 4)):
    torch.manual_seed(seed)
    return train.VoiceNet(np.zeros(N_FEATURES, np.float32), np.ones(N_FEATURES, np.float32), channels=8,
                          dilations=dilations)


def _random_corpus(rng: np.random.Generator, frames: int = 40):
    """A corpus of `frames` random feature frames and levels, the same frames for training and both
    validation sets."""
    feats = rng.normal(size=(frames, N_FEATURES)).astype(np.float32)
    level = rng.uniform(size=frames).astype(np.float32)
    return train.VoiceCorpus(feats=feats, level=level, weight=np.ones(frames, np.float32), v_feats=feats,
                             v_level=level, m_feats=feats, m_level=level)


def test_default_net_sees_1_3_s_of_past_and_the_lip_models_look_ahead():
    net = train.VoiceNet(np.zeros(N_FEATURES, np.float32), np.ones(N_FEATURES, np.float32))
    assert net.receptive_field == 133  # frames of 10 ms: twice the lip net's 65
    assert train.LOOKAHEAD_FRAMES == 2


def test_output_ignores_frames_past_its_receptive_field_end():
    net = _net().eval()
    x = torch.randn(1, net.receptive_field + 20, N_FEATURES)
    later = x.clone()
    later[:, net.receptive_field + 10:] += 5.0  # change only frames after output 10's window
    with torch.no_grad():
        a, b = net(x)[0, :, 0], net(later)[0, :, 0]
    assert torch.equal(a[:11], b[:11])
    assert not torch.equal(a[11:], b[11:])


def test_streaming_in_chunks_gives_the_trained_nets_output():
    net = _net(1).eval()
    x = torch.randn(net.receptive_field - 1 + 30, N_FEATURES)
    state = torch.zeros(sum(net.history), net.channels)
    with torch.no_grad():
        _, state = net.step(x[:net.receptive_field - 1], state)
        parts = []
        for a, b in ((net.receptive_field - 1, net.receptive_field + 6), (net.receptive_field + 6, len(x))):
            y, state = net.step(x[a:b], state)
            parts.append(y[:, 0])
        whole = net(x[None])[0, :, 0]
    assert torch.allclose(torch.cat(parts), whole, atol=1e-6)
    assert float(whole.min()) > 0.0 and float(whole.max()) < 1.0  # a level, 0..1


def test_export_writes_a_streaming_graph_with_the_runtime_metadata(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    net = _net(2)
    path = tmp_path / "v.onnx"
    train.export(net, path, np.zeros(N_FEATURES, np.float32))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["outputs"] == "voice_level" and meta["lookahead_frames"] == "2"
    assert int(meta["receptive_field"]) == net.receptive_field
    frames = np.random.default_rng(0).normal(size=(12, N_FEATURES)).astype(np.float32)
    state = np.zeros((sum(net.history), net.channels), np.float32)
    got, next_state = session.run(None, {"frames": frames, "state": state})
    with torch.no_grad():
        want, want_state = net.step(torch.from_numpy(frames), torch.from_numpy(state))
    assert got.shape == (12, 1) and next_state.shape == state.shape
    np.testing.assert_allclose(got, want.numpy(), atol=1e-5)


def test_corpus_target_is_the_look_ahead_max_and_music_items_weigh_more(tmp_path):
    level = np.array([0.1, 0.5, 0.2, 0.0, 0.0, 0.3], np.float32)
    for split in ("train", "valid"):
        np.savez(tmp_path / f"{split}.npz", feats=np.zeros((6, N_FEATURES), np.float32),
                 targets=np.zeros((6, 5), np.float32), voice_level=level, offsets=np.array([0, 2, 6]))
    (tmp_path / "train.json").write_text(json.dumps({"items": [{"augmentation": ["music-3dB"]}, {"augmentation": []}]}))
    pcm = (np.sin(np.arange(3200) * 0.2) * 8000).astype(np.int16)
    np.savez(tmp_path / "valid_audio.npz", audio=pcm, offsets=np.array([0, 1600, 3200]))
    corpus = train.load_voice_corpus(tmp_path, music_weight=3.0)
    assert corpus.level.tolist() == pytest.approx([0.5, 0.5, 0.2, 0.3, 0.3, 0.3])
    assert corpus.weight.tolist() == [3, 3, 1, 1, 1, 1]
    assert corpus.m_feats.shape[1] == N_FEATURES and len(corpus.m_feats) == len(corpus.m_level) > 0


def test_level_loss_weighs_an_estimate_under_the_voice_by_under_weight():
    target = torch.tensor([0.5, 0.5])
    weight = torch.ones(2)
    low, high = torch.tensor([0.4, 0.5]), torch.tensor([0.6, 0.5])
    # Symmetric by default (the committed recipe); an estimate 0.1 low costs 3x one 0.1 high with 3.
    assert train.level_loss(low, target, weight).item() == pytest.approx(0.005)
    assert train.level_loss(high, target, weight).item() == pytest.approx(0.005)
    assert train.level_loss(low, target, weight, under_weight=3.0).item() == pytest.approx(0.015)
    assert train.level_loss(high, target, weight, under_weight=3.0).item() == pytest.approx(0.005)


def test_train_passes_under_weight_on_to_the_loss(monkeypatch):
    seen = []
    plain = train.level_loss

    def spy(pred, target, weight, *, under_weight=1.0):
        seen.append(under_weight)
        return plain(pred, target, weight, under_weight=under_weight)

    monkeypatch.setattr(train, "level_loss", spy)
    net = _net(3, dilations=(1,))
    rng = np.random.default_rng(0)
    corpus = _random_corpus(rng)
    train.train(net=net, corpus=corpus, silence=np.zeros(N_FEATURES, np.float32), epochs=1, crop=8, batch=2,
                lr=1e-3, rng=rng, weights=train.LossWeights(under=4.0))
    assert seen == [4.0, 4.0]  # 40 // (8 * 2) steps, each weighing the under-estimates 4x


def test_validation_split_may_come_from_another_corpus(tmp_path):
    """A build_voice_mixes training split (no voice_mel: an older one) with a lip corpus's validation split."""
    mix, lip = tmp_path / "mix", tmp_path / "lip"
    mix.mkdir(), lip.mkdir()
    np.savez(mix / "train.npz", feats=np.zeros((4, N_FEATURES), np.float32),
             voice_level=np.array([0.1, 0.2, 0.3, 0.4], np.float32), offsets=np.array([0, 4]))
    (mix / "train.json").write_text(json.dumps({"items": [{"augmentation": ["music-6dB:beat"]}]}))
    np.savez(lip / "valid.npz", feats=np.ones((3, N_FEATURES), np.float32), targets=np.zeros((3, 5), np.float32),
             voice_level=np.array([0.0, 0.0, 0.5], np.float32), offsets=np.array([0, 3]))
    pcm = (np.sin(np.arange(1600) * 0.2) * 8000).astype(np.int16)
    np.savez(lip / "valid_audio.npz", audio=pcm, offsets=np.array([0, 1600]))
    corpus = train.load_voice_corpus(mix, music_weight=2.0, valid_path=lip)
    assert corpus.weight.tolist() == [2, 2, 2, 2]
    assert corpus.v_level.tolist() == [0.5, 0.5, 0.5]


def test_pattern_loss_asks_for_the_rise_and_fall_within_the_voice_only():
    voiced = torch.tensor([0.5, 0.7, 0.4, 0.6, 0.8, 0.5, 0.45, 0.65, 0.55, 0.75])
    target = torch.cat([torch.zeros(5), voiced])[None]  # one crop: 50 ms of silence, then the voice
    # Any offset and scale of the voice's pattern is perfect, whatever the estimate does in the silence:
    good = torch.cat([torch.full((5,), 0.9), 0.5 * voiced - 0.1])[None]
    assert train.pattern_loss(good, target).item() == pytest.approx(0.0, abs=1e-6)
    # an estimate nearly flat at the voice's mean (the squared error's hedge where the voice is hidden; a
    # tiny ramp so that r is defined) has next to none of it
    flat = torch.cat([torch.zeros(5), torch.full((10,), float(voiced.mean()))])[None]
    assert train.pattern_loss(flat + 1e-4 * torch.arange(15.0), target).item() > 0.5
    # a noisy copy of the pattern, at another offset and scale, has nearly all of it
    noisy = 2 * target + 0.3 + 0.01 * torch.from_numpy(np.random.default_rng(0).normal(size=(1, 15))).float()
    assert train.pattern_loss(noisy, target).item() < 0.05
    # the reversed pattern is the worst, 2
    assert train.pattern_loss(1 - target, target).item() == pytest.approx(2.0, abs=1e-5)
    # crops with under min_frames voiced frames do not count; with none at all the loss is 0
    two = torch.cat([target, torch.cat([torch.zeros(13), torch.tensor([0.5, 0.6])])[None]])
    assert train.pattern_loss(torch.cat([good, 1 - two[1:]]), two).item() == pytest.approx(0.0, abs=1e-6)
    assert train.pattern_loss(good, torch.zeros_like(target)).item() == 0.0


def test_train_adds_the_pattern_loss_times_its_weight(monkeypatch):
    seen, losses = [], []

    def constant(pred, target, **kw):
        seen.append(pred.shape)
        return torch.tensor(0.25)

    def step(*, net, loss, opt, sched):
        losses.append(loss.item())
        return loss.item()

    monkeypatch.setattr(train, "pattern_loss", constant)
    monkeypatch.setattr(train, "optimizer_step", step)  # no update: both runs see the same estimates
    net = _net(3, dilations=(1,))
    corpus = _random_corpus(np.random.default_rng(0))
    kw = dict(net=net, corpus=corpus, silence=np.zeros(N_FEATURES, np.float32), epochs=1, crop=8, batch=2, lr=1e-3)
    train.train(rng=np.random.default_rng(0), **kw)
    assert seen == []  # off by default: the committed recipes' bits
    plain, losses[:] = list(losses), []
    train.train(rng=np.random.default_rng(0), weights=train.LossWeights(pattern=2.0), **kw)
    assert seen == [(2, 8), (2, 8)]  # each of the epoch's 2 steps, on the (batch, crop) estimates
    np.testing.assert_allclose(losses, np.array(plain) + 2.0 * 0.25, rtol=1e-6)


def _band_net(seed: int = 0, dilations=(1, 2)):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    mean, std = rng.normal(size=N_FEATURES).astype(np.float32), rng.uniform(0.5, 2, N_FEATURES).astype(np.float32)
    return train.VoiceNet(mean, std, channels=8, dilations=dilations, bands=True)


def test_band_head_sits_beside_the_level_which_it_leaves_as_it_was():
    net = _band_net().eval()
    x = torch.randn(2, net.receptive_field + 9, N_FEATURES)
    with torch.no_grad():
        level, bands = net.forward_bands(x)
        plain = net(x)
    assert level.shape == plain.shape == (2, 10, 1) and bands.shape == (2, 10, N_MELS)
    assert torch.equal(level, plain)
    # in the input's units: raw outputs times the input's std plus its mean (the mean spectrum at 0)
    with torch.no_grad():
        raw = train.LipNet.forward(net, x)[..., 1:]
    torch.testing.assert_close(bands, raw * torch.from_numpy(1 / net.inv_std.numpy()[:N_MELS]) + net.mean[:N_MELS])


def test_band_head_streams_in_chunks_as_the_trained_net_computes():
    net = _band_net(1).eval()
    x = torch.randn(net.receptive_field - 1 + 20, N_FEATURES)
    state = torch.zeros(sum(net.history), net.channels)
    with torch.no_grad():
        _, state, _ = net.step_bands(x[:net.receptive_field - 1], state)
        first = net.step_bands(x[net.receptive_field - 1:net.receptive_field + 4], state)
        second = net.step_bands(x[net.receptive_field + 4:], first[1])
        level, bands = net.forward_bands(x[None])
    torch.testing.assert_close(torch.cat([first[2], second[2]]), bands[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(torch.cat([first[0], second[0]]), level[0], atol=1e-6, rtol=1e-6)


def test_a_band_net_exports_the_runtimes_level_graph_and_a_band_graph_beside_it(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from facetalk.motion.lipsync import VoiceLevelNet

    net = _band_net(2)
    silence = np.zeros(N_FEATURES, np.float32)
    train.export(net, tmp_path / "v.onnx", silence)
    train.export_bands(net, path=tmp_path / "v.bands.onnx", silence=silence)
    frames = np.random.default_rng(0).normal(size=(9, N_FEATURES)).astype(np.float32)
    state = np.zeros((sum(net.history), net.channels), np.float32)
    level, _ = VoiceLevelNet(tmp_path / "v.onnx").run(frames, state)  # the runtime loads and runs it
    session = ort.InferenceSession(str(tmp_path / "v.bands.onnx"), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == ["voice", "next_state", "voice_bands"]
    b_level, _, bands = session.run(None, {"frames": frames, "state": state})
    with torch.no_grad():
        want_level, _, want_bands = net.step_bands(torch.from_numpy(frames), torch.from_numpy(state))
    assert bands.shape == (9, N_MELS)
    np.testing.assert_allclose(bands, want_bands.numpy(), atol=1e-4)
    np.testing.assert_allclose(level, b_level[:, 0], atol=1e-6)
    np.testing.assert_allclose(level, want_level.numpy()[:, 0], atol=1e-5)


def test_band_mask_keeps_frames_within_30_db_of_their_own_items_peak():
    db = np.log(10.0) / 10.0  # natural log power per dB
    power_db = np.array([0.0, -20.0, -29.0, -31.0, -60.0, -40.0, -65.0, -69.0, -71.0])
    # a frame's power spread evenly over the bands: their log-sum is the frame's
    voice_mel = (power_db * db - np.log(N_MELS))[:, None].repeat(N_MELS, 1)
    mask = train.band_frame_mask(voice_mel=voice_mel, offsets=np.array([0, 5, 9]))
    # item 1 peaks at 0 dB, item 2 (a quiet one) at -40 dB: each is judged against its own peak
    assert mask.tolist() == [1, 1, 1, 0, 0, 1, 1, 1, 0]


def test_band_loss_counts_masked_frames_only_and_every_band_in_its_own_spread():
    target = torch.zeros(1, 3, N_MELS)
    pred = target.clone()
    pred[0, 0] = 2.0  # frame 0 off by 2 in every band
    pred[0, 2] = 50.0  # frame 2 far off, but masked out
    inv_std = torch.full((N_MELS,), 0.5)
    mask = torch.tensor([[1.0, 1.0, 0.0]])
    # ((2 * 0.5) ** 2 on frame 0 + 0 on frame 1) / 2 frames
    assert train.band_loss(pred, target=target, mask=mask, inv_std=inv_std).item() == pytest.approx(0.5)
    assert train.band_loss(pred, target=target, mask=torch.zeros(1, 3), inv_std=inv_std).item() == 0.0
    inv_std[:N_MELS // 2] = 1.0  # a band with a narrower spread costs more for the same error
    want = ((2 * 1.0) ** 2 + (2 * 0.5) ** 2) / 2 / 2  # frame 0's mean over the bands, over 2 frames
    assert train.band_loss(pred, target=target, mask=mask, inv_std=inv_std).item() == pytest.approx(want)


def _mix_corpus(path, *, frames: int = 6, bands: bool = True) -> None:
    """A build_voice_mixes corpus (train and its own valid split) of two items, the first over music."""
    rng = np.random.default_rng(0)
    path.mkdir()
    for split in ("train", "valid"):
        arrays = dict(feats=rng.normal(size=(frames, N_FEATURES)).astype(np.float32),
                      voice_level=np.linspace(0.2, 0.7, frames).astype(np.float32), offsets=np.array([0, 4, frames]))
        if bands:
            arrays["voice_mel"] = rng.normal(size=(frames, N_MELS)).astype(np.float32) - 5
        np.savez(path / f"{split}.npz", **arrays)
        items = [{"augmentation": ["music-3dB:beat", "gain0dB"]}, {"augmentation": ["gain-6dB"]}]
        (path / f"{split}.json").write_text(json.dumps({"items": items}))


def test_bands_corpus_loads_its_bands_and_its_own_held_out_items_over_music(tmp_path):
    _mix_corpus(tmp_path / "c")
    corpus = train.load_voice_corpus(tmp_path / "c", music_weight=2.0, bands=True)
    valid = np.load(tmp_path / "c" / "valid.npz")
    assert corpus.mel.shape == (6, N_MELS) and corpus.band_mask.shape == (6,)
    np.testing.assert_array_equal(corpus.b_feats, valid["feats"][:4])  # the music item's frames only
    np.testing.assert_array_equal(corpus.b_mel, valid["voice_mel"][:4])
    np.testing.assert_array_equal(corpus.m_feats, valid["feats"][:4])
    assert len(corpus.b_mask) == 4 and len(corpus.v_feats) == 6


def test_a_corpus_without_bands_loads_for_the_level_alone_and_refuses_bands(tmp_path):
    _mix_corpus(tmp_path / "old", bands=False)
    corpus = train.load_voice_corpus(tmp_path / "old", music_weight=2.0)
    assert corpus.mel is None and corpus.weight.tolist() == [2, 2, 2, 2, 1, 1]
    with pytest.raises(ValueError, match="voice_mel"):
        train.load_voice_corpus(tmp_path / "old", music_weight=2.0, bands=True)


def test_train_adds_the_band_loss_times_its_weight_on_the_mask_times_the_music_weight(monkeypatch):
    seen, losses = [], []

    def band(pred, target, mask, inv_std):
        seen.append((tuple(pred.shape), tuple(target.shape), mask.clone()))
        return torch.tensor(0.5)

    def step(*, net, loss, opt, sched):
        losses.append(loss.item())
        return loss.item()

    monkeypatch.setattr(train, "optimizer_step", step)
    net = _band_net(3, dilations=(1,))
    frames = 40
    rng = np.random.default_rng(0)
    base = _random_corpus(rng, frames)
    mask = (np.arange(frames) % 2).astype(np.float32)
    weight = np.where(np.arange(frames) < 20, 3.0, 1.0).astype(np.float32)
    mel = rng.normal(size=(2, frames, N_MELS)).astype(np.float32)
    corpus = train.replace(base, weight=weight, mel=mel[0], band_mask=mask, b_feats=base.v_feats, b_mel=mel[1],
                           b_mask=np.ones(frames, np.float32))
    kw = dict(net=net, corpus=corpus, silence=np.zeros(N_FEATURES, np.float32), epochs=1, crop=8, batch=2, lr=1e-3)
    train.train(rng=np.random.default_rng(0), weights=train.LossWeights(bands=0.0), **kw)
    plain, losses[:] = list(losses), []
    monkeypatch.setattr(train, "band_loss", band)
    train.train(rng=np.random.default_rng(0), weights=train.LossWeights(bands=2.0), **kw)
    np.testing.assert_allclose(losses, np.array(plain) + 2.0 * 0.5, rtol=1e-6)
    assert [s[:2] for s in seen] == [((2, 8, N_MELS), (2, 8, N_MELS))] * 2
    for _, _, m in seen:  # the mask's frames, each at its music weight
        assert set(m.flatten().tolist()) <= {0.0, 1.0, 3.0} and 0.0 in m.flatten().tolist()

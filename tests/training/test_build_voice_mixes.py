"""The voice-level net's own corpus (training/build_voice_mixes.py): music of several kinds under the voice
at the speech-to-music ratio drawn, and the target the voice's own level, not the mix's."""

import numpy as np
import pytest

pytest.importorskip("scipy")
mixes = pytest.importorskip("training.build_voice_mixes")
from training.build_lip_corpus import SR, voice_levels  # noqa: E402


def _voice(seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    syllables = 0.5 * (1 + np.sin(2 * np.pi * 4 * t))  # 4 Hz: a syllable rate
    return (0.3 * np.sin(2 * np.pi * 150 * t) * syllables).astype(np.float32)


def test_backing_draws_every_kind_of_part_and_has_unit_std():
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(20):
        music, kind = mixes.backing(SR, rng)
        assert music.std() == pytest.approx(1.0, rel=1e-6)
        seen.update(kind.split("+"))
    assert seen == {"chords", "bass", "pad", "beat"}


def test_beat_is_steady():
    beat = mixes._beat(4 * SR, np.random.default_rng(3))
    envelope = np.abs(beat).reshape(-1, SR // 100).max(axis=1)  # 10 ms peaks
    onsets = np.flatnonzero((envelope[1:] > 0.3) & (envelope[:-1] <= 0.3))
    steps = np.diff(onsets)
    assert len(steps) >= 8 and steps.max() - steps.min() <= 2  # eighths within 20 ms


def test_mix_puts_music_at_the_drawn_ratio_and_keeps_the_voices_level_as_target(monkeypatch):
    monkeypatch.setattr(mixes, "MUSIC_SHARE", 1.0)
    monkeypatch.setattr(mixes, "VOICE_KINDS_SHARE", 0.0)
    monkeypatch.setattr(mixes, "MIX_SNR_DB", (-6.0, -6.0))
    voice_in = _voice()
    mixed, voice, applied = mixes.mix_item(voice_in, np.random.default_rng(1))
    assert applied[0].startswith("music-6dB:") and applied[-1].startswith("gain")
    # the voice is the input at the mix's gain; the music 6 dB over its active samples' power
    gain = float(np.dot(voice, voice_in) / np.dot(voice_in, voice_in))
    np.testing.assert_allclose(voice, voice_in * gain, atol=1e-6)
    active = np.abs(voice) > 0.02 * np.abs(voice).max()
    ratio_db = 10 * np.log10(np.mean(voice[active] ** 2) / np.mean((mixed - voice) ** 2))
    assert ratio_db == pytest.approx(-6.0, abs=0.1)
    # the target follows the voice: the mix is louder by the music, the voice's level is not
    level, mix_level = voice_levels(voice), voice_levels(mixed)
    assert mix_level.mean() > level.mean() + 0.05


def test_voice_degradations_keep_the_clean_voice_as_the_target_and_one_gain(monkeypatch):
    monkeypatch.setattr(mixes, "VOICE_KINDS_SHARE", 1.0)
    monkeypatch.setattr(mixes, "MUSIC_SHARE", 0.0)
    monkeypatch.setattr(mixes, "VOICE_KINDS", {"noise": 1.0})
    voice_in = _voice()
    mixed, voice, applied = mixes.mix_item(voice_in, np.random.default_rng(2))
    assert len(mixed) == len(voice) == len(voice_in)
    assert [a for a in applied if a.startswith("gain")] == [applied[-1]]  # augment_parts' own gain dropped
    assert any(a.startswith("noise") for a in applied)
    gain = float(np.dot(voice, voice_in) / np.dot(voice_in, voice_in))
    np.testing.assert_allclose(voice, voice_in * gain, atol=1e-6)  # the noise is in the mix only
    assert np.abs(mixed - voice).max() > 1e-3


def test_jobs_are_the_lip_corpus_training_voices_and_keep_its_held_out_prompts():
    from training.build_lip_corpus import asterisk_items, is_valid_prompt

    jobs = mixes.jobs_of(0)
    held_out = {str(path) for path, _ in asterisk_items() if is_valid_prompt(path)}
    human = [j for j in jobs if j["source"] == "human"]
    assert human and not held_out & {j["path"] for j in human}
    assert sum(j["source"] == "sung" for j in jobs) == mixes.SUNG_ITEMS
    per_copy = len(human) // mixes.HUMAN_COPIES
    assert sorted(j["copy"] for j in human) == sorted(list(range(mixes.HUMAN_COPIES)) * per_copy)


def _sung_job(seed: int = 5) -> dict:
    return {"source": "sung", "lang": "-", "voice": "singer1.00", "vowel": "a", "singer": 1.0, "seed": seed}


def test_an_item_carries_the_voices_own_bands_at_the_mixs_gain_whatever_the_music(monkeypatch):
    from facetalk.audio.mel import N_MELS

    monkeypatch.setattr(mixes, "VOICE_KINDS_SHARE", 0.0)
    monkeypatch.setattr(mixes, "MUSIC_SHARE", 0.0)
    clean = mixes.make_item(_sung_job())
    assert clean.voice_mel.shape == (len(clean.feats), N_MELS)
    # no music: the mix is the voice, so its bands are the mix's own
    np.testing.assert_array_equal(clean.voice_mel, clean.feats[:, :N_MELS])
    monkeypatch.setattr(mixes, "MUSIC_SHARE", 1.0)
    monkeypatch.setattr(mixes, "MIX_SNR_DB", (-6.0, -6.0))
    music = mixes.make_item(_sung_job())
    assert music.meta["augmentation"][0].startswith("music-6dB")
    loud = clean.voice_mel > -12  # well over the front end's floor (natural log power)
    # the target is the same voice: only the mix's gain (drawn after the music) shifts every band alike
    shift = music.voice_mel[loud] - clean.voice_mel[loud]
    assert np.abs(shift - np.median(shift)).max() < 0.05
    # while the mix's bands carry the music: louder than the voice's by more than the gain
    assert np.mean(music.feats[:, :N_MELS][loud] - music.voice_mel[loud]) > 0.5


def test_write_split_keeps_every_items_frames_in_order_beside_their_bands(tmp_path):
    from facetalk.audio.mel import N_FEATURES, N_MELS

    rng = np.random.default_rng(0)
    items = [mixes.VoiceItem(feats=rng.normal(size=(n, N_FEATURES)).astype(np.float32),
                             voice_level=np.full(n, k, np.float32), voice_mel=np.full((n, N_MELS), -k, np.float32),
                             meta={"augmentation": [f"item{k}"]})
             for k, n in ((1, 3), (2, 5))]
    offsets = mixes.write_split(tmp_path, split="valid", items=items)
    data = np.load(tmp_path / "valid.npz")
    assert offsets.tolist() == data["offsets"].tolist() == [0, 3, 8]
    assert data["voice_mel"].shape == (8, N_MELS) and data["feats"].shape == (8, N_FEATURES)
    assert data["voice_mel"][3:, 0].tolist() == [-2] * 5 and data["voice_level"][:3].tolist() == [1] * 3
    np.testing.assert_array_equal(data["feats"][3:], items[1].feats)
    assert "item2" in (tmp_path / "valid.json").read_text()

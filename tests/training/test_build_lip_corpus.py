"""The lip corpus's augmentation recipes (training/build_lip_corpus.py)."""

import re

import numpy as np
import pytest

corpus = pytest.importorskip("training.build_lip_corpus")


def test_each_item_gets_its_recipes_music_and_kinds():
    recipe = corpus._augment_recipe
    assert recipe({}, sung=False) == dict(music_snr_db=corpus.MUSIC_SNR_DB, kinds=corpus.AUGMENT_KINDS)
    assert recipe({"tempo": True}, sung=False)["kinds"] == corpus.TEMPO_KINDS
    assert recipe({"tempo": True, "loud_music": True}, sung=False) == dict(
        music_snr_db=corpus.LOUD_MUSIC_SNR_DB, kinds=corpus.LOUD_KINDS)
    # Sung vowels keep the voice on top whatever the flags (louder chords made held notes flap).
    assert recipe({"tempo": True, "loud_music": True}, sung=True) == dict(
        music_snr_db=corpus.SUNG_MUSIC_SNR_DB, kinds=corpus.AUGMENT_KINDS)


def test_loud_music_puts_music_0_to_8_db_over_more_of_the_speech():
    """--loud-music: music under more of the augmented speech than before, never quieter than 8 dB
    under the voice, and time compression among the kinds."""
    rng = np.random.default_rng(0)
    x = np.sin(np.arange(1600) * 0.1).astype(np.float32)
    phones = [("a", 0.0, 0.1)]

    def draws(**recipe):
        return [corpus.augment(x, phones, rng, **recipe)[2] for _ in range(300)]

    loud = draws(music_snr_db=corpus.LOUD_MUSIC_SNR_DB, kinds=corpus.LOUD_KINDS)
    usual = draws(music_snr_db=corpus.MUSIC_SNR_DB, kinds=corpus.TEMPO_KINDS)
    snrs = [int(m.group(1)) for applied in loud for a in applied if (m := re.fullmatch(r"music(-?\d+)dB", a))]
    share = {name: np.mean([any(a.startswith("music") for a in applied) for applied in d])
             for name, d in (("loud", loud), ("usual", usual))}
    assert share["loud"] > share["usual"] + 0.15 and min(snrs) >= -8 and max(snrs) <= 8
    assert any(a.startswith("tempo") for applied in loud for a in applied)

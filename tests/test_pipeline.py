"""End to end: photo + speech -> MP4, checked on the decoded output."""

import numpy as np
import pytest

from facetalk.config import Config, Controls
from facetalk.io import probe_video, read_frames
from facetalk.io.motion import read_motion
from facetalk.pipeline import Animator, n_frames_for

SR = 16000


@pytest.fixture(scope="module")
def animator(analysis):
    """The bundled portrait's Animator, made from the session's analysis of it (conftest: the face
    models' answers replayed, bit-identical to theirs; Animator.__init__ is test_pipeline's)."""
    return Animator.from_analysis(analysis)


def _lip_gap(detector, frame):
    """Inner-lip opening over mouth width, measured by the face mesh on a rendered frame."""
    faces = detector.detect(frame)
    assert faces, "no face found in a rendered frame"
    p = faces[0].landmarks_px[:, :2]
    return np.linalg.norm(p[13] - p[14]) / np.linalg.norm(p[61] - p[291])


@pytest.mark.slow
def test_render_to_file_end_to_end(portrait, face_models, speech_then_silence, tmp_path):
    from facetalk.face.mesh import FaceMeshDetector

    animator = Animator(portrait, source="astronaut.jpg", detector=face_models.detector,  # end to end: the real models
                        segmenter=face_models.segmenter)
    audio, speech_end_s = speech_then_silence
    out, motion_out = tmp_path / "talk.mp4", tmp_path / "talk.jsonl"
    animator.render_to_file(audio, out, controls=Controls(seed=3), motion_path=motion_out)

    info = probe_video(out)
    expected = n_frames_for(len(audio), sr=SR, fps=25)
    assert info.n_frames == expected and info.width == info.height == 512
    assert info.fps == 25 and abs(info.duration_s - len(audio) / SR) < 0.1
    assert info.has_audio and info.audio_codec == "aac" and info.video_codec == "h264"
    assert abs(info.audio_duration_s - len(audio) / SR) < 0.1
    motion = list(read_motion(motion_out))
    assert len(motion) == expected

    with FaceMeshDetector(max_faces=1) as det:
        gaps = np.array([_lip_gap(det, f) for f in read_frames(out)])
        rest_gap = _lip_gap(det, animator.analysis.image)
    t = np.arange(len(gaps)) / 25
    jaw = np.array([m.jaw_open for m in motion])
    speaking = (t < speech_end_s) & (jaw > 0.3)
    silent = t > speech_end_s + 0.2
    assert speaking.sum() >= 5 and silent.sum() >= 15
    # The mouth opens while she speaks; in the pause after it the lips meet (the photo's own
    # parted lips come back only after a longer silence: motion.lipsync.PauseClosure).
    # (The upper quartile: the face mesh puts the inner lower lip higher on the lit tongue of a
    # mouth barely open, which pulled the median of jaw > 0.3 frames to 0.028 over the rest.)
    assert np.percentile(gaps[speaking], 75) > rest_gap + 0.03
    assert rest_gap > 0.1 and np.all(gaps[silent] < 0.05)
    # The detector reads small openings compressed, so compare ranks (a monotonic relation) with
    # the opening the motion asks for: the jaw's, less what lip_press closes (bilabials).
    from scipy.stats import spearmanr

    opening = jaw * (1 - np.array([m.lip_press for m in motion]))
    assert spearmanr(gaps, opening).statistic > 0.7


def test_same_seed_same_frames_other_seed_other_motion(animator, speech):
    clip = speech[: SR // 2]
    a = [f.image for f in animator.render(clip, Controls(seed=5))]
    b = [f.image for f in animator.render(clip, Controls(seed=5))]
    c = [f.motion for f in animator.render(clip, Controls(seed=6))]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert [f.motion for f in animator.render(clip, Controls(seed=5))] != c


@pytest.mark.parametrize("audio", [np.zeros(0, np.float32), np.zeros(SR * 2, np.float32)])
def test_empty_or_silent_audio_gives_a_still_blinking_face(animator, audio, tmp_path):
    out = tmp_path / "still.mp4"
    animator.render_to_file(audio, out, controls=Controls(seed=1, blink_rate_per_min=60))
    info = probe_video(out)
    assert info.n_frames == max(25, len(audio) * 25 // SR)
    frames = list(animator.render(audio, Controls(seed=1, blink_rate_per_min=60)))
    assert all(f.motion.jaw_open == 0 for f in frames)
    assert max(f.motion.blink_left for f in frames) > 0.9


def test_nothing_written_when_rendering_fails(animator, tmp_path, monkeypatch):
    out, motion_out = tmp_path / "fail.mp4", tmp_path / "fail.jsonl"

    def boom(_motion):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(animator._renderer, "render", boom)
    with pytest.raises(RuntimeError):
        animator.render_to_file(np.zeros(SR, np.float32), out, motion_path=motion_out)
    assert list(tmp_path.iterdir()) == []


def _varied(motions):
    """Speech motion with blinks, smile and brows moving too: lids, folds and mouth all drawn."""
    return [m.with_(blink_left=(i % 5) / 4, blink_right=(i % 5) / 4, smile=(i % 3) / 2, brow_raise=0.3 * (i % 2))
            for i, m in enumerate(motions)]


def test_frames_drawn_on_threads_are_the_frames_drawn_one_by_one(animator, speech):
    """frames(threads=3) draws three frames at once, each thread with a Renderer of its own: the
    same frames bit for bit, in order; a caller that stops early leaves no thread behind."""
    import threading

    motions = _varied(animator.motion(speech[:SR]))
    one_by_one = list(animator.frames(motions, threads=1))
    at_once = list(animator.frames(motions, threads=3))
    assert [f.index for f in at_once] == list(range(len(motions)))
    assert all(np.array_equal(a.image, b.image) and a.motion == b.motion for a, b in zip(at_once, one_by_one))
    assert len({f.image.tobytes() for f in at_once}) > len(motions) // 2  # the motion shows

    first = animator.frames(motions, threads=2)
    assert np.array_equal(next(first).image, one_by_one[0].image)
    first.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("facetalk-frames")]
    with pytest.raises(ValueError, match="threads"):
        animator.frames(motions, threads=0)


def test_frames_are_drawn_on_threads_or_in_processes_not_both(animator, speech):
    """processes=N draws in worker processes (tests/render/test_workers.py); a count below its
    least, or both ways at once, is refused before anything is drawn."""
    motions = list(animator.motion(speech[:SR // 5]))
    for bad in ({"processes": -1}, {"processes": 1.5}, {"processes": True}, {"threads": 0}):
        with pytest.raises(ValueError, match=f"{next(iter(bad))} must be a whole number"):
            animator.frames(motions, **bad)
    with pytest.raises(ValueError, match="threads or in processes, not both"):
        animator.frames(motions, threads=2, processes=2)
    assert [f.index for f in animator.frames(motions, processes=1)] == list(range(len(motions)))


def test_the_threads_renderers_are_made_once_and_kept_for_the_next_call(animator, speech, monkeypatch):
    import facetalk.pipeline as pipeline

    made = []

    class Counted(pipeline.Renderer):
        def __init__(self, analysis):
            made.append(self)
            super().__init__(analysis)

    monkeypatch.setattr(pipeline, "Renderer", Counted)
    monkeypatch.setattr(animator, "_spare_renderers", [])
    motions = _varied(animator.motion(speech[:SR // 2]))
    first = [f.image for f in animator.frames(motions, threads=2)]
    assert 1 <= len(made) <= 2
    again = [f.image for f in animator.frames(motions, threads=2)]
    assert len(made) <= 2 and len(animator._spare_renderers) == len(made)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))


def test_a_frame_failing_on_a_thread_fails_the_render(animator, tmp_path, monkeypatch):
    import facetalk.pipeline as pipeline

    failed = []

    class Failing(pipeline.Renderer):
        def render(self, frame):
            if frame.t_s > 0.3:
                failed.append(self)
                raise RuntimeError("renderer failed")
            return super().render(frame)

    monkeypatch.setattr(pipeline, "Renderer", Failing)
    monkeypatch.setattr(animator, "_spare_renderers", [])  # renderers kept from other tests would not fail
    out = tmp_path / "fail.mp4"
    with pytest.raises(RuntimeError, match="renderer failed"):
        animator.render_to_file(np.zeros(SR, np.float32), out, threads=2)
    assert list(tmp_path.iterdir()) == []
    assert failed and not any(r in failed for r in animator._spare_renderers)  # none stopped mid-frame is kept


def test_a_render_stopped_by_its_caller_leaves_no_thread_drawing(animator, tmp_path):
    """on_frame raising (the CLI's Ctrl-C does so) stops the threads before the render returns."""
    import threading

    def stop(frame):
        if frame.index == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        animator.render_to_file(np.zeros(SR, np.float32), tmp_path / "stopped.mp4", on_frame=stop, threads=2)
    assert not [t for t in threading.enumerate() if t.name.startswith("facetalk-frames")]
    assert list(tmp_path.iterdir()) == []


def test_bad_audio_arrays_are_refused(animator):
    with pytest.raises(ValueError, match="mono"):
        next(animator.render(np.zeros((2, 100), np.float32)))
    with pytest.raises(ValueError, match="NaN"):
        next(animator.render(np.full(100, np.nan, np.float32)))


def test_config_round_trips_to_json():
    import json

    cfg = json.loads(Config().to_json())
    assert cfg["framing"]["size"] == 512 and cfg["motion"]["fps"] == 25 and cfg["controls"]["seed"] == 0


def test_same_inputs_same_video_across_animators(portrait, fake_face_models, speech):
    """Two Animators, each analysing the photo itself, give the same video: nothing carries over
    between them. The face models' answers are replayed (tests/fakes.py): what this checks comes
    after them, and loading and running the real ones twice cost about 0.8 s CPU."""
    clip = speech[: SR // 2]
    models = {"detector": fake_face_models.detector, "segmenter": fake_face_models.segmenter}
    first = [f.image for f in Animator(portrait, **models).render(clip, Controls(seed=2))]
    second = [f.image for f in Animator(portrait, **models).render(clip, Controls(seed=2))]
    assert all(np.array_equal(x, y) for x, y in zip(first, second))


def test_audio_in_chunks_gives_the_same_motion(animator, speech):
    """render()/motion() take the audio whole or as decoded chunks of any length (a file streamed
    from disk): the same motion, frame for frame."""
    rng = np.random.default_rng(5)
    cuts = np.sort(rng.integers(0, len(speech), 12))
    chunks = np.split(speech, cuts)
    whole = list(animator.motion(speech))
    streamed = list(animator.motion(iter(chunks)))
    assert whole == streamed and len(whole) == animator.n_frames(speech)


def test_models_are_injectable(portrait, analysis, face_recording, speech, counted_face_models):
    """Animator takes its face detector, segmenter and lip model as arguments: small fakes stand
    in for the real ones (which the rest of the suite tests), and are used, not bypassed."""
    from tests.fakes import LoudnessLips, ReplayDetector, ReplaySegmenter

    class UnclosableSegmenter(ReplaySegmenter):
        def close(self):
            raise AssertionError("a given segmenter is the caller's to close")

    made, _ = counted_face_models
    detector, segmenter = ReplayDetector(face_recording), UnclosableSegmenter(face_recording)
    lips = LoudnessLips()
    animator = Animator(portrait, detector=detector, segmenter=segmenter, lip_model=lips)
    assert made == [] and detector.calls == 2 and segmenter.calls == 3  # photo, framing; frame, surround x2
    np.testing.assert_array_equal(animator.analysis.landmarks_px, analysis.landmarks_px)
    frames = list(animator.motion(speech))
    assert lips.runs > 0 and len(frames) == animator.n_frames(speech)


def test_a_fake_lip_model_drives_the_mouth_through_the_whole_runtime(analysis, speech_then_silence):
    """tests.fakes.LoudnessLips in place of the network: the runtime's passes, lead and streaming
    run on it unchanged, the mouth opens with the speech and rests after it, and the same audio in
    chunks gives the same motion."""
    from tests.fakes import LoudnessLips

    lips = LoudnessLips()
    animator = Animator.from_analysis(analysis, lip_model=lips)
    audio, end_s = speech_then_silence
    motion = list(animator.motion(audio))
    t_s = np.array([m.t_s for m in motion])
    jaw = np.array([m.jaw_open for m in motion])
    assert lips.runs > 0 and len(motion) == animator.n_frames(audio)
    assert jaw[t_s < end_s].max() > 0.3 and jaw[t_s > end_s + 0.3].max() < 0.05
    chunks = np.split(audio, [1234, 5000, 5001, 17000])
    assert list(Animator.from_analysis(analysis, lip_model=LoudnessLips()).motion(iter(chunks))) == motion


def test_the_photos_lip_lift_is_fitted_once_with_its_analysis(portrait, fake_face_models, analysis, monkeypatch):
    """Animator fits the analysis' wide-jaw lip lift to the photo's own crowns once, as it analyses
    it (render.renderer.with_photo_lip_lift): `analysis.rig` is the rig drawn, each Renderer
    (frame threads, stream sessions) draws it as it is, and the analysis pickled and made an
    Animator again (as workers and from_analysis get it) is not fitted twice: the same frame."""
    import pickle

    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render import renderer as renderer_module

    monkeypatch.setattr(renderer_module, "own_crowns_lift_share", lambda *, rig, image: 0.35)
    animator = Animator(portrait, detector=fake_face_models.detector, segmenter=fake_face_models.segmenter)
    mid = lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2]
    lift = float(analysis.rig.jaw_lift[mid, 1])
    assert lift < -4.0 and float(animator.analysis.rig.jaw_lift[mid, 1]) == pytest.approx(0.35 * lift, rel=1e-6)
    assert animator._borrow_renderer().rig is animator.analysis.rig
    again = Animator.from_analysis(pickle.loads(pickle.dumps(animator.analysis)))
    np.testing.assert_array_equal(again.analysis.rig.jaw_lift, animator.analysis.rig.jaw_lift)
    wide = MotionFrame(t_s=0, jaw_open=1.0)
    np.testing.assert_array_equal(again.frame(0, wide).image, animator.frame(0, wide).image)

"""Everything but the lips, layered onto the lips' frame: head, eyes, brows, smile and emotion,
driven by prosody, a seed and the controls in force at each frame.

Every random process draws from its own generator spawned from the seed and steps once per
frame, so a seed gives the same motion however the audio is chunked, and the state carried
from frame to frame (a few dozen numbers) is all the "window" there is: no seams, constant memory.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from facetalk.config import Controls
from facetalk.motion import emotion
from facetalk.motion.blinks import BlinkInput, BlinkProcess
from facetalk.motion.face import FaceDynamics, FaceState
from facetalk.motion.frame import MotionFrame
from facetalk.motion.gaze import GazeInput, GazeProcess, eye_in_head
from facetalk.motion.head import HeadInput, HeadMotion, HeadPose
from facetalk.motion.prosody import Prosody
from facetalk.motion.timeline import ControlTimeline
from facetalk.params import BY_NAME, PhotoExpression, clip_face, face_index

LIPS_AT_REST_JAW = 0.3  # jaw_open from which the speech, not the emotion, decides the lips
_JAW, _PRESS, _LIP_RAISE = face_index("jaw_open"), face_index("lip_press"), face_index("upper_lip_raise")
_SPREAD = face_index("lip_spread")
# Face parameters the voice moves beside the lips (motion.face.FaceState), in that order.
_VOICE_DRIVEN = np.array([face_index(name) for name in ("brow_raise", "brow_inner_raise", "smile", "smirk")])


class HolisticMotion:
    """`step(lips, prosody)`: the lips' MotionFrame for a frame, completed with everything else."""

    def __init__(self, controls: Controls, *, fps: int, photo: PhotoExpression = PhotoExpression()):
        """`photo`: the photo's own expression, which emotions undo (face.expression)."""
        self._photo = photo
        rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(controls.seed).spawn(6)]
        self._timeline = ControlTimeline(controls)
        self._head = HeadMotion(rngs[0:3], fps=fps)
        self._gaze = GazeProcess(rngs[3], fps=fps)
        self._blinks = BlinkProcess(rngs[4], fps=fps)
        self._face = FaceDynamics(rngs[5], fps=fps)

    def step(self, lips: MotionFrame, prosody: Prosody) -> MotionFrame:
        c = self._timeline.at(lips.t_s)
        eyes, head_on, face_on = c.animate.eyes, c.animate.head, c.animate.face
        mood = emotion.blend(c.emotion, photo=self._photo)

        gaze = self._gaze.step(GazeInput(prosody=prosody, free=c.gaze_free, lively=eyes,
                                         held_deg=(c.gaze_yaw_deg, c.gaze_pitch_deg)))
        away = self._gaze.away_deg
        head = self._head.step(HeadInput(prosody=prosody, liveliness=mood.liveliness,
                                         gaze_away_deg=(away[0] * c.gaze_free * eyes, away[1] * c.gaze_free * eyes)))
        head_gain = c.head_motion * head_on
        pose = HeadPose(yaw_deg=head_gain * head.yaw_deg, pitch_deg=head_gain * (head.pitch_deg + mood.posture_deg[0]),
                        roll_deg=head_gain * (head.roll_deg + mood.posture_deg[1]), tx=head_gain * head.tx,
                        ty=head_gain * head.ty)
        gaze_x, gaze_y = eye_in_head(*gaze.direction_deg, pose.yaw_deg, pose.pitch_deg)

        closure = eyes * self._blinks.step(BlinkInput(prosody=prosody, rate_per_min=c.blink_rate_per_min,
                                                      large_saccade=gaze.large_saccade))
        face = self._face.step(prosody)
        face_gain = c.expressiveness * face_on
        # Lids: the emotion's and the voice's opening, then the blink closes from there fully.
        lid = mood.lids - face_gain * face.widen
        lid = lid + closure * (1.0 - lid)
        values = self._face_values(lips, prosody, mood, face, lips_gain=c.animate.lips, face_gain=face_gain)
        lid = float(np.clip(lid, BY_NAME["blink_left"].lo, BY_NAME["blink_left"].hi))
        return lips.with_face(values).with_(**asdict(pose), scale=c.scale, blink_left=lid, blink_right=lid,
                                             gaze_x=gaze_x, gaze_y=gaze_y)

    @staticmethod
    def _face_values(lips: MotionFrame, prosody: Prosody, mood: emotion.Blend, face: FaceState, *,
                     lips_gain: float, face_gain: float) -> np.ndarray:
        """(P,) face parameters (facetalk.params.FACE_NAMES order): the lips' own, the voice's
        brows and smile, the emotion's offsets, and the lips pressed shut where they rest."""
        values = lips_gain * lips.face_values()
        if not prosody.speaking:
            # In a pause the lips' press is the pause closure (motion.lipsync.PauseClosure): it
            # gives way to a mouth the emotion holds open (surprise, a smile showing teeth, a sneer).
            # (Disgust's sneer showed its teeth while the voice ran and pressed shut in every pause.)
            held = max(mood.offsets[_JAW] / LIPS_AT_REST_JAW, emotion.sneer_held(mood.offsets[_LIP_RAISE]))
            values[_PRESS] *= max(0.0, 1.0 - held)
        values[_VOICE_DRIVEN] += face_gain * np.array([face.brow_raise, face.brow_inner_raise, face.smile, face.smirk])
        values += mood.offsets
        # Lips the photo shows apart are shut as the emotion asks while the voice rests (in pauses,
        # and even then an open mouth from the lips' own frame wins): speech articulates freely.
        at_rest = (1.0 - prosody.activity) * max(0.0, 1.0 - values[_JAW] / LIPS_AT_REST_JAW)
        values[_PRESS] += mood.closes_lips * at_rest
        # Speech's and the emotions' own rounding stop at lip_spread -1; the undo of a smiling photo's
        # width comes on top (down to the range's -2.1): clipped with it, a full smile's undo (-1.05)
        # ate surprise's own -0.5, and surprise kept the smile's width (surp49).
        values[_SPREAD] = max(values[_SPREAD] - mood.undo_spread, -1.0) + mood.undo_spread
        return clip_face(values)

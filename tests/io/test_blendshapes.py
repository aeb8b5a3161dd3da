"""Live Link Face CSV: written, read back, resampled, and refused with one line when broken."""

import numpy as np
import pytest


def test_blendshape_csv_round_trip_and_errors(tmp_path, caplog):
    from facetalk.errors import InputError
    from facetalk.io.motion import MotionWriter, read_blendshapes
    from facetalk.motion import arkit
    from facetalk.motion.frame import MotionFrame

    frames = [MotionFrame(t_s=i / 25, jaw_open=0.5 * (1 + np.sin(i / 3)), smile=0.4 * np.sin(i / 5),
                          yaw_deg=5 * np.sin(i / 7), tx=0.01 * i, blink_left=0.9 if i == 7 else 0.0) for i in range(40)]
    path = tmp_path / "m.csv"
    with MotionWriter(path, fps=25) as writer:
        for frame in frames:
            writer.write(frame)
    header = path.read_text().splitlines()[0].split(",")
    assert header[:3] == ["Timecode", "BlendShapeCount", "EyeBlinkLeft"] and len(header) == 2 + 61 + 3
    back = read_blendshapes(path, fps=25)
    assert len(back) == len(frames)
    for a, b in zip(frames, back):
        assert b.t_s == pytest.approx(a.t_s)
        assert np.allclose(list(a.to_dict().values()), list(b.to_dict().values()), atol=1e-6)
    # Resampled to another rate.
    assert len(read_blendshapes(path, fps=50)) == 79
    # A plain Live Link Face file (no facetalk columns, values out of range) reads, clipped, with one warning.
    lines = path.read_text().splitlines()
    plain = [",".join(line.split(",")[:63]) for line in lines]
    plain[3] = plain[3].replace(plain[3].split(",")[2 + arkit.COLUMNS.index("JawOpen")], "1.7", 1)
    (tmp_path / "plain.csv").write_text("\n".join(plain) + "\n")
    with caplog.at_level("WARNING"):
        got = read_blendshapes(tmp_path / "plain.csv", fps=25)
    assert got[2].jaw_open == 1.0 and got[5].tx == 0.0 and got[5].scale == 1.0
    assert sum("clipped" in r.message for r in caplog.records) == 1
    # Bad files: one line naming the problem.
    for text, words in (("", "empty"), ("Timecode,JawOpen\n00:00:00:00,0.1\n", "missing columns EyeBlinkLeft"),
                        (lines[0] + "\n" + lines[1] + ",7\n", "cells"),
                        (lines[0] + "\n" + lines[1].replace(lines[1].split(",")[5], "abc", 1) + "\n", "not a number"),
                        (lines[0] + "\n" + "1.5" + lines[1][len(lines[1].split(",")[0]):] + "\n", "timecode")):
        (tmp_path / "bad.csv").write_text(text)
        with pytest.raises(InputError, match=words):
            read_blendshapes(tmp_path / "bad.csv", fps=25)

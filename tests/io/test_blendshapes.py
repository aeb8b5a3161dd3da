"""Live Link Face CSV: written, read back, resampled, and refused with one line when broken."""

import numpy as np
import pytest


def test_blendshape_csv_round_trip_and_errors(tmp_path, caplog):
    from facetalk.errors import InputError
    from facetalk.io.motion import MotionWriter, read_blendshapes
    from facetalk.motion import arkit
    from facetalk.motion.frame import MotionFrame

    frames = [MotionFrame(t_s=i / 25, jaw_open=0.5 * (1 + np.sin(i / 3)), smile=0.4 * np.sin(i / 5),
                          yaw_deg=5 * np.sin(i / 7), tx=0.01 * i, blink_left=0.9 if i == 7 else 0.0,
                          lip_stretch=0.3 + 0.015 * i) for i in range(40)]
    path = tmp_path / "m.csv"
    with MotionWriter(path, fps=25) as writer:
        for frame in frames:
            writer.write(frame)
    header = path.read_text().splitlines()[0].split(",")
    assert header[:3] == ["Timecode", "BlendShapeCount", "EyeBlinkLeft"]
    assert len(header) == 2 + 61 + len(arkit.EXTRA) + 1
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
    assert got[2].jaw_open == 1.0 and got[5].tx == 0.0 and got[5].scale == 1.0 and got[5].lip_stretch == 0.0
    assert sum("clipped" in r.message for r in caplog.records) == 1
    # Bad files: one line naming the problem.
    for text, words in (("", "empty"), ("Timecode,JawOpen\n00:00:00:00,0.1\n", "missing columns EyeBlinkLeft"),
                        (lines[0] + "\n" + lines[1] + ",7\n", "cells"),
                        (lines[0] + "\n" + lines[1].replace(lines[1].split(",")[5], "abc", 1) + "\n", "not a number"),
                        (lines[0] + "\n" + "1.5" + lines[1][len(lines[1].split(",")[0]):] + "\n", "timecode")):
        (tmp_path / "bad.csv").write_text(text)
        with pytest.raises(InputError, match=words):
            read_blendshapes(tmp_path / "bad.csv", fps=25)


@pytest.mark.parametrize("fps, n", [(15, 60), (60, 30), (25, 10), (12, 7)])
def test_any_frame_rate_and_length_round_trips(tmp_path, fps, n):
    """facetalk's own times travel with the file: no rate is guessed from the timecodes."""
    from facetalk.io.motion import MotionWriter, read_blendshapes
    from facetalk.motion.frame import MotionFrame

    path = tmp_path / "m.csv"
    with MotionWriter(path, fps=fps) as writer:
        for i in range(n):
            writer.write(MotionFrame(t_s=i / fps, jaw_open=i / n, smile=1.0, smirk=0.4))
    back = read_blendshapes(path, fps=fps)
    assert len(back) == n and back[-1].t_s == pytest.approx((n - 1) / fps)
    assert back[-1].jaw_open == pytest.approx((n - 1) / n) and back[-1].smirk == pytest.approx(0.4)


def test_bad_zoom_angles_and_bytes(tmp_path, caplog):
    from facetalk.errors import InputError
    from facetalk.io.motion import MotionWriter, read_blendshapes
    from facetalk.motion.frame import MotionFrame

    path = tmp_path / "m.csv"
    with MotionWriter(path, fps=25) as writer:
        writer.write(MotionFrame(t_s=0.0))
        writer.write(MotionFrame(t_s=0.04, scale=0.5))
    text = path.read_text()
    (tmp_path / "zoom.csv").write_text(text.replace("0.500000000", "0.000000000"))
    with pytest.raises(InputError, match="FacetalkCameraZoom must be 0.5..2"):
        read_blendshapes(tmp_path / "zoom.csv", fps=25)
    lines = text.splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("HeadYaw")] = "90"  # degrees where radians belong
    (tmp_path / "angles.csv").write_text("\n".join([lines[0], ",".join(cells), lines[2]]) + "\n")
    with caplog.at_level("WARNING"):
        frames = read_blendshapes(tmp_path / "angles.csv", fps=25)
    assert abs(frames[0].yaw_deg) <= 60.0 + 1e-6 and any("clipped" in r.message for r in caplog.records)
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(InputError, match="not a CSV text file"):
        read_blendshapes(tmp_path / "binary.csv", fps=25)


def test_an_old_facetalk_file_reads_no_knit_a_capture_reads_brow_down_as_knit(tmp_path):
    """A file facetalk wrote before brow_knit had its column (its own columns, FacetalkBrowKnit not
    among them) held browDown as the lowering alone: it reads back unknit, as it was rendered. A
    capture (none of facetalk's columns) reads its browDown as both the lowering and the knit."""
    from facetalk.io.motion import MotionWriter, read_blendshapes
    from facetalk.motion import arkit
    from facetalk.motion.frame import MotionFrame

    path = tmp_path / "new.csv"
    with MotionWriter(path, fps=25) as writer:
        for i in range(3):
            writer.write(MotionFrame(t_s=i / 25, brow_raise=-0.65, brow_knit=0.3))
    rows = [line.split(",") for line in path.read_text().splitlines()]
    knit_at = rows[0].index("FacetalkBrowKnit")
    assert (read_blendshapes(path, fps=25)[1].brow_raise, read_blendshapes(path, fps=25)[1].brow_knit) \
        == pytest.approx((-0.65, 0.3))
    (tmp_path / "old.csv").write_text("\n".join(",".join(r[:knit_at] + r[knit_at + 1:]) for r in rows) + "\n")
    old = read_blendshapes(tmp_path / "old.csv", fps=25)[1]
    assert old.brow_raise == pytest.approx(-0.65) and old.brow_knit == 0.0
    (tmp_path / "capture.csv").write_text("\n".join(",".join(r[:2 + len(arkit.COLUMNS)]) for r in rows) + "\n")
    captured = read_blendshapes(tmp_path / "capture.csv", fps=25)[1]
    assert captured.brow_raise == pytest.approx(-0.65) and captured.brow_knit == pytest.approx(0.65)

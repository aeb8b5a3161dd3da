"""`facetalk batch --ray-address` on a real two-node Ray cluster, with one node's raylet killed mid-batch.

The cluster runs in network and PID namespaces the test makes (root only): there 127.0.0.1 is the
only address, so nothing Ray does can leave the machine, and every process of the cluster ends when
the scenario does. Ray picks the machine's primary address even when told 127.0.0.1, which is
why the namespace is needed at all.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from facetalk.io.manifest import read_manifest

SCENARIO = Path(__file__).with_name("ray_scenario.py")
NAMESPACES = ["unshare", "--net", "--pid", "--fork", "--mount-proc"]


def _namespaces_or_skip() -> None:
    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is not installed (pip install 'facetalk[ray]'; make test installs it)")
    try:
        made = subprocess.run([*NAMESPACES, "true"], capture_output=True, timeout=30).returncode == 0
    except FileNotFoundError:
        made = False
    if not made:
        pytest.skip("cannot make a network namespace (needs root and unshare) to keep Ray on loopback")


@pytest.mark.slow
def test_ray_cluster_survives_a_dead_node(mixed_batch, kit):
    _namespaces_or_skip()
    extra = [f"{'ada.jpg' if i % 2 else 'bob.png'},hello.wav,,,,{10 + i}" for i in range(3)]
    manifest = kit.write_batch(mixed_batch.path, "clips.csv", [*mixed_batch_rows(mixed_batch), *extra])
    out, report_path = mixed_batch.path / "out", mixed_batch.path / "report.json"
    script = (f"ip link set lo up && exec {sys.executable} {SCENARIO} {manifest} {out} {report_path} "
              f"--size {kit.SIZE} -q")
    subprocess.run([*NAMESPACES, "bash", "-c", script], timeout=400, check=False)
    report = json.loads(report_path.read_text())
    assert report["killed_while_rendering"], report
    assert not report["worker_raylet_alive"]
    assert report["returncode"] == 2, report["stderr"]  # the two bad rows
    assert "clips.csv line 4: cannot read image" in report["stderr"]
    assert "clips.csv line 5: emotion must be one of" in report["stderr"]

    rows = {row.line: row for row in read_manifest(manifest).rows}
    assert len(rows) == 7
    results = kit.read_results(out)  # one entry per row: none rendered twice
    assert {line: r["status"] for line, r in results.items() if line in rows} == {line: "done" for line in rows}
    assert [results[line]["status"] for line in (4, 5)] == ["invalid", "invalid"]
    for line, row in rows.items():
        kit.assert_complete(out / row.output, seconds=row.audio_s)
    assert sorted(p.name for p in out.glob("*.mp4")) == sorted(row.output for row in rows.values())
    assert kit.leftovers(out) == []


def mixed_batch_rows(mixed_batch) -> list[str]:
    return mixed_batch.manifest.read_text().splitlines()[1:]


def test_unreachable_cluster_is_one_line_at_once(mixed_batch, kit):
    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is not installed (pip install 'facetalk[ray]'; make test installs it)")
    # Port 1 on loopback: nothing listens there. ray.init alone would retry for minutes.
    result = kit.run_cli("batch", mixed_batch.manifest, "-o", mixed_batch.path / "out", "--ray-address",
                         "127.0.0.1:1", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == \
        "facetalk: error: cannot connect to the Ray cluster at '127.0.0.1:1': Connection refused"
    assert not list((mixed_batch.path / "out").glob("*.mp4"))

"""The Ray cluster test's scenario, run by tests/batch/test_ray.py inside network and PID namespaces
of its own (`unshare --net --pid --fork --mount-proc`): 127.0.0.1 is the only address there, so no
traffic can leave the machine, and every process it starts ends with it.

Starts a Ray head and one more worker node on loopback, runs `facetalk batch --ray-address`,
SIGKILLs the worker node's raylet while a row renders on that node, waits for the batch, stops
the cluster (every process of the namespace) and writes what happened as JSON to REPORT.

usage: ray_scenario.py MANIFEST OUTDIR REPORT [facetalk batch options...]
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORT = 6379  # free: the namespace has its own ports
RAY = str(Path(sys.executable).with_name("ray"))
BATCH_TIMEOUT_S = 240.0


def raylets() -> set[int]:
    return {pid for pid, cmd in processes().items() if cmd and Path(cmd[0]).name == "raylet"}


def processes() -> dict[int, list[str]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            except OSError:  # gone meanwhile
                pass
    return found


def parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def rendering_under(raylet: int) -> bool:
    """A Ray worker of that raylet runs our task: Ray names a worker process after its current task."""
    return any(cmd[0].startswith("ray::_render_shipped") for pid, cmd in processes().items()
               if cmd and parent(pid) == raylet)


def start_cluster(temp_dir: str) -> int:
    """Head and one worker node, one CPU each; returns the worker node's raylet pid."""
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0",
           # A node that stops answering is declared dead after ~1.5 s instead of ~30 s.
           "RAY_health_check_period_ms": "500", "RAY_health_check_timeout_ms": "500",
           "RAY_health_check_failure_threshold": "3"}
    common = ["--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--disable-usage-stats"]
    subprocess.run([RAY, "start", "--head", "--port", str(PORT), "--include-dashboard=false", "--temp-dir", temp_dir,
                    *common], env=env, check=True, capture_output=True, timeout=120)
    before = raylets()
    subprocess.run([RAY, "start", "--address", f"127.0.0.1:{PORT}", *common], env=env, check=True,
                   capture_output=True, timeout=120)
    (worker_raylet,) = raylets() - before
    return worker_raylet


def stop_cluster() -> None:
    """Ends every other process of this PID namespace: the cluster and anything it left. (`ray stop`
    does the same by name, machine-wide, and takes 20 s after a node died.)"""
    others = [pid for pid in processes() if pid != os.getpid()]
    for sig, wait_s in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 1.0)):
        for pid in others:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and not zombie(pid) for pid in others):
            time.sleep(0.05)


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def main() -> None:
    manifest, outdir, report_path, *options = sys.argv[1:]
    temp_dir = tempfile.mkdtemp(prefix="ftray-", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    report: dict = {"killed_while_rendering": False}
    try:
        worker_raylet = start_cluster(temp_dir)
        command = [sys.executable, "-m", "facetalk.cli", "batch", manifest, "-o", outdir,
                   "--ray-address", f"127.0.0.1:{PORT}", *options]
        batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + BATCH_TIMEOUT_S
        while batch.poll() is None and time.monotonic() < deadline and not rendering_under(worker_raylet):
            time.sleep(0.05)
        if batch.poll() is None and rendering_under(worker_raylet):
            time.sleep(0.3)  # into the render, past its start
            results = Path(outdir, "results.jsonl")
            report["done_before_kill"] = results.read_text().count('"done"') if results.exists() else 0
            os.kill(worker_raylet, signal.SIGKILL)
            report["killed_while_rendering"] = True
        stdout, stderr = batch.communicate(timeout=max(1.0, deadline - time.monotonic()))
        report.update(returncode=batch.returncode, stdout=stdout, stderr=stderr,
                      worker_raylet_alive=worker_raylet in raylets())
    finally:
        stop_cluster()
        shutil.rmtree(temp_dir, ignore_errors=True)
        Path(report_path).write_text(json.dumps(report))


if __name__ == "__main__":
    main()

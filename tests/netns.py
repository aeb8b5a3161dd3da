"""An isolated network namespace for tests whose peers choose their own addresses (aiortc,
Chromium, Pipecat's SmallWebRTC): loopback plus an internal veth pair (aioice skips 127.0.0.1
candidates), so nothing can leave the machine. Needs root, unshare and ip."""

from __future__ import annotations

import os
import shutil
import subprocess

# The same namespace benchmarks/bench_webrtc.py makes (benchmarks/ is on pytest's pythonpath):
# NETNS_ENV=1 marks a process already inside it, NETNS_INTERFACES are all it may see.
from bench_webrtc import NETNS_ENV, NETNS_INTERFACES, NETNS_SETUP  # noqa: F401


def netns_unavailable() -> str | None:
    """Why no namespace can be made here (a skip reason), or None."""
    if os.geteuid() != 0:
        return "needs root to make an isolated network namespace (unshare --net) for real peer connections"
    if not (shutil.which("unshare") and shutil.which("ip")):
        return "needs unshare and ip (util-linux, iproute2) for an isolated network namespace"
    probe = subprocess.run(["unshare", "--net", "sh", "-c", NETNS_SETUP], capture_output=True, text=True)
    return f"cannot make a network namespace: {probe.stderr.strip()[:160]}" if probe.returncode else None

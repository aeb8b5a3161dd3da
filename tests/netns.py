"""An isolated network namespace for tests whose peers choose their own addresses (aiortc,
Chromium, Pipecat's SmallWebRTC): loopback plus an internal veth pair (aioice skips 127.0.0.1
candidates), so nothing can leave the machine. Needs root, unshare and ip."""

from __future__ import annotations

import os
import shutil
import subprocess

NETNS_SETUP = ("ip link set lo up && ip link add ft0 type veth peer name ft1 && "
               "ip addr add 10.213.0.1/24 dev ft0 && ip addr add 10.213.0.2/24 dev ft1 && "
               "ip link set ft0 up && ip link set ft1 up")


def netns_unavailable() -> str | None:
    """Why no namespace can be made here (a skip reason), or None."""
    if os.geteuid() != 0:
        return "needs root to make an isolated network namespace (unshare --net) for real peer connections"
    if not (shutil.which("unshare") and shutil.which("ip")):
        return "needs unshare and ip (util-linux, iproute2) for an isolated network namespace"
    probe = subprocess.run(["unshare", "--net", "sh", "-c", NETNS_SETUP], capture_output=True, text=True)
    return f"cannot make a network namespace: {probe.stderr.strip()[:160]}" if probe.returncode else None

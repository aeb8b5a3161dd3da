"""What this machine lets the process use, for the defaults that size themselves to it (the
CLI's frames drawn at once, batch's worker processes)."""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def available_cores(*, cgroup_root: Path = CGROUP_ROOT) -> int:
    """The cores this process may use: the CPUs it may run on (taskset, a container's cpuset),
    capped by a container's CPU quota (`docker --cpus 2` on a 64-core host: 2), rounded up; at
    least 1. The quota is read from the cgroup mounted at `cgroup_root` (v2 `cpu.max`, or v1
    `cpu/cpu.cfs_quota_us` over `cpu.cfs_period_us`), which inside a container is its own."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = _cpu_quota(cgroup_root)
    if quota is not None:
        cores = min(cores, math.ceil(quota))
    return max(cores, 1)


def _cpu_quota(cgroup_root: Path) -> float | None:
    """CPUs' worth of time the cgroup may use per period, or None when unlimited or unreadable."""
    try:
        v2 = cgroup_root / "cpu.max"
        if v2.is_file():
            quota, period = v2.read_text().split()[:2]
            if quota == "max":
                return None
            quota_us, period_us = int(quota), int(period)
        else:
            v1 = cgroup_root / "cpu"
            quota_us = int((v1 / "cpu.cfs_quota_us").read_text())
            period_us = int((v1 / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None  # no cgroup file system (macOS, Windows) or a format this does not know
    return None if quota_us <= 0 or period_us <= 0 else quota_us / period_us

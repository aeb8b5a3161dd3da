"""facetalk.system: the cores a process may use, from a fake cgroup tree (tmp_path)."""

import os

import pytest

from facetalk.system import available_cores

AFFINITY = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _v1(root, quota_us: str, period_us: str = "100000"):
    (root / "cpu").mkdir()
    (root / "cpu" / "cpu.cfs_quota_us").write_text(quota_us + "\n")
    (root / "cpu" / "cpu.cfs_period_us").write_text(period_us + "\n")
    return root


def test_no_cgroup_files_gives_the_cpus_the_process_may_run_on(tmp_path):
    assert available_cores(cgroup_root=tmp_path) == AFFINITY


@pytest.mark.parametrize("text", ["max 100000\n", "max\n", "100000 0\n", "-1 100000\n"])
def test_an_unlimited_or_meaningless_v2_quota_leaves_the_cpus(tmp_path, text):
    (tmp_path / "cpu.max").write_text(text)
    assert available_cores(cgroup_root=tmp_path) == AFFINITY


def test_a_v2_quota_of_one_and_a_half_cpus_rounds_up_to_two_cores(tmp_path):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert available_cores(cgroup_root=tmp_path) == min(AFFINITY, 2)


def test_a_v1_quota_of_a_fifth_of_a_cpu_still_gives_one_core(tmp_path):
    assert available_cores(cgroup_root=_v1(tmp_path, "20000")) == 1


def test_a_v1_quota_above_the_cpus_leaves_the_cpus(tmp_path):
    assert available_cores(cgroup_root=_v1(tmp_path, str(100000 * (AFFINITY + 8)))) == AFFINITY


def test_an_unlimited_v1_quota_leaves_the_cpus(tmp_path):
    assert available_cores(cgroup_root=_v1(tmp_path, "-1")) == AFFINITY


def test_a_garbled_quota_file_is_ignored_not_raised(tmp_path):
    (tmp_path / "cpu.max").write_text("lots\n")
    assert available_cores(cgroup_root=tmp_path) == AFFINITY


def test_this_machine_gives_at_least_one_core():
    assert 1 <= available_cores() <= AFFINITY

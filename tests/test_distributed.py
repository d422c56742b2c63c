"""retrograd.distributed, DistributedDataParallel, DistributedSampler and the launcher.

The `mpi` tests start 2 ranks with mpiexec (programs in tests/distributed_programs/) and skip
when mpi4py or mpiexec is missing (`pip install 'retrograd[distributed]'` brings both).
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time

import pytest

import retrograd
import retrograd.distributed as dist
from retrograd.distributed.run import find_mpiexec, mpiexec_command
from retrograd.utils.data import DistributedSampler

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROGRAMS = ROOT / "tests" / "distributed_programs"
HAVE_MPI = dist.is_available() and find_mpiexec() is not None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        env.pop(name, None)
    return env


def _mpiexec(program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    command, env = mpiexec_command(2, [sys.executable, str(PROGRAMS / program), *args])
    env.update({k: v for k, v in _env().items() if k == "PYTHONPATH"})
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


# --- the collectives, DDP and the launcher on 2 ranks ------------------------------------------


@pytest.mark.mpi
@pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
def test_every_collective_matches_its_definition_on_two_ranks():
    done = _mpiexec("collectives.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rank 0: 243 collective checks passed" in done.stdout
    assert "rank 1: 243 collective checks passed" in done.stdout


@pytest.mark.mpi
@pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
def test_ddp_equals_one_process_under_the_launcher():
    launcher = [sys.executable, "-m", "retrograd.distributed.run", "--nproc-per-node", "2"]
    done = subprocess.run(
        [*launcher, str(PROGRAMS / "ddp.py"), "--launcher"], env=_env(), capture_output=True, text=True,
        timeout=180, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for rank in (0, 1):
        for what in ("5 steps", "no_sync", "find_unused_parameters"):
            assert any(line.startswith(f"rank {rank}: ") and what in line for line in done.stdout.splitlines()), what
        assert f"rank {rank}: DDP checks passed" in done.stdout


@pytest.mark.mpi
@pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
@pytest.mark.parametrize(
    "mode, expected",
    [
        ("raise", "[rank 1] retrograd.distributed: uncaught ValueError on rank 1; aborting all ranks."),
        ("kill", "signal 9"),
        ("hang", "[rank 0] retrograd.distributed: timed out after 3 s waiting in"),
    ],
)
def test_a_failed_rank_ends_the_job_with_a_clear_error(mode, expected):
    started = time.monotonic()
    done = _mpiexec("failures.py", mode, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert expected in output, output
    assert "should not get here" not in output
    assert time.monotonic() - started < 40


@pytest.mark.mpi
@pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
def test_mismatched_collectives_raise_on_every_rank():
    done = _mpiexec("failures.py", "mismatch", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "Detected mismatch between collectives" in line]
    assert len(lines) == 4, done.stdout
    assert any("TensorShape=[3]" in line and "TensorShape=[4]" in line for line in lines)
    assert any("OpType=BROADCAST" in line and "OpType=ALLREDUCE" in line for line in lines)


# --- without MPI ---------------------------------------------------------------------------------


def test_api_before_init_process_group():
    assert not dist.is_initialized()
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        dist.get_rank()
    with pytest.raises(ValueError, match="has the 'mpi' backend only"):
        dist.Backend("gloo")
    assert dist.Backend("MPI") == "mpi" and dist.ReduceOp.SUM == 0 and repr(dist.ReduceOp.AVG) == "<RedOpType.AVG: 1>"
    assert retrograd.nn.parallel.DistributedDataParallel is retrograd.nn.parallel.distributed.DistributedDataParallel


def test_launcher_refuses_what_mpi_cannot_do():
    from retrograd.distributed.run import main

    with pytest.raises(SystemExit, match="--hostfile"):
        main(["--nnodes", "2", "--nproc-per-node", "1", "script.py"])
    with pytest.raises(SystemExit, match="--max-restarts"):
        main(["--max-restarts", "3", "script.py"])


def test_distributed_sampler_needs_a_group_or_explicit_ranks():
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedSampler(range(10))
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(range(10), num_replicas=2, rank=2)


@pytest.mark.parametrize("n", [1, 7, 10, 13])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4])
def test_distributed_sampler_vs_torch(n, replicas):
    pytest.importorskip("torch")
    from torch.utils.data.distributed import DistributedSampler as TorchSampler

    for shuffle in (False, True):
        for drop_last in (False, True):
            for seed in (0, 3):
                for rank in range(replicas):
                    ours = DistributedSampler(range(n), replicas, rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                    theirs = TorchSampler(range(n), replicas, rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                    for epoch in (0, 2):
                        ours.set_epoch(epoch)
                        theirs.set_epoch(epoch)
                        assert list(ours) == list(theirs), (n, replicas, rank, shuffle, drop_last, seed, epoch)
                        assert len(ours) == len(theirs)


@pytest.mark.mpi
@pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
def test_demo_trains_data_parallel(tmp_path):
    pytest.importorskip("sklearn")
    pytest.importorskip("matplotlib")
    command = [sys.executable, "-m", "retrograd", "demo", "--nproc", "2", "--skip-tour", "--quiet"]
    command += ["--subset", "160", "--epochs", "1", "--out", str(tmp_path)]
    done = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    report = (tmp_path / "report.md").read_text()
    assert "## Data-parallel training on 2 ranks" in report
    assert "| 0 | " in report and "| 1 | " in report


@pytest.mark.mpi
@pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
def test_torchrun_variables_must_agree_with_mpi():
    env = _env()
    env.update(WORLD_SIZE="2", RANK="1")
    code = "import retrograd.distributed as d; d.init_process_group('mpi')"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "rank=1 (from the argument or the environment) but MPI says 0" in done.stderr


@pytest.mark.mpi
@pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
def test_sync_batchnorm_on_two_ranks_equals_batchnorm_on_the_whole_batch():
    done = _mpiexec("sync_batchnorm.py")
    assert done.returncode == 0, done.stdout + done.stderr
    for rank in (0, 1):
        assert f"rank {rank}: SyncBatchNorm checks passed" in done.stdout

"""retrograd.distributed, DistributedDataParallel, DistributedSampler and the launcher.

The programs in tests/distributed_programs/ run on 2 ranks twice: over "gloo" (TCP, ranks
started as plain processes: no MPI needed) and, in the `mpi` tests, over MPI with mpiexec, which
skip when mpi4py or mpiexec is missing (`pip install 'retrograd[distributed]'` brings both).
"""

from __future__ import annotations

import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import warnings
from datetime import timedelta

import pytest

import retrograd
import retrograd.distributed as dist
from retrograd.distributed.run import find_mpiexec, mpiexec_command
from retrograd.utils.data import DistributedSampler

from .torch_machine import mkl_intel_paths

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROGRAMS = ROOT / "tests" / "distributed_programs"
HAVE_MPI = dist.is_mpi_available() and find_mpiexec() is not None


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gloo(program: str, *args: str, timeout: float = 60) -> list[tuple[int, str]]:
    """Run `program` as 2 plain processes meeting over "gloo" (torchrun's variables set by hand):
    each rank's (return code, output). A rank still running when rank 0 is done gets 10 s, then is killed."""
    port = str(_free_port())
    ranks = []
    for rank in (0, 1):
        env = _env()
        env.update(RANK=str(rank), WORLD_SIZE="2", MASTER_ADDR="127.0.0.1", MASTER_PORT=port,
                   RETROGRAD_TEST_BACKEND="gloo")
        ranks.append(subprocess.Popen([sys.executable, str(PROGRAMS / program), *args], env=env, cwd=ROOT,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    results = []
    for i, process in enumerate(ranks):
        try:
            out, _ = process.communicate(timeout=timeout if i == 0 else 10)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
        results.append((process.returncode, out))
    return results


# --- over gloo: 2 plain processes, no MPI ------------------------------------------------------


def test_every_collective_matches_its_definition_over_gloo():
    for rank, (code, out) in enumerate(_gloo("collectives.py")):
        assert code == 0 and f"rank {rank}: 245 collective checks passed" in out, out


def test_ddp_equals_one_process_over_gloo():
    for rank, (code, out) in enumerate(_gloo("ddp.py")):
        assert code == 0 and f"rank {rank}: DDP checks passed" in out, out
        assert f"rank {rank}: find_unused_parameters: parameters match one process" in out


def test_sync_batchnorm_over_gloo():
    for rank, (code, out) in enumerate(_gloo("sync_batchnorm.py")):
        assert code == 0 and f"rank {rank}: SyncBatchNorm checks passed" in out, out


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("raise", "RuntimeError: Connection closed by peer while waiting for an all_reduce from rank 1"),
        ("kill", "RuntimeError: Connection closed by peer while waiting for an all_reduce from rank 1"),
        ("hang", "RuntimeError: Timed out waiting for an all_reduce from rank 1 (timeout 3 s"),
    ],
)
def test_a_failed_rank_gives_the_others_an_error_over_gloo(mode, expected):
    started = time.monotonic()
    (code, out), _ = _gloo("failures.py", mode)
    assert code != 0 and expected in out, out
    assert "should not get here" not in out
    assert time.monotonic() - started < 30


def test_monitored_barrier_names_the_late_rank_over_gloo():
    (code, out), _ = _gloo("failures.py", "monitored")
    assert code == 0 and "rank 0 caught: [Rank 0]: Rank 1 failed to pass monitoredBarrier in 1000 ms" in out, out


def test_mismatched_collectives_raise_on_every_rank_over_gloo():
    lines = []
    for code, out in _gloo("failures.py", "mismatch"):
        assert code == 0, out
        lines += [line for line in out.splitlines() if "Detected mismatch between collectives" in line]
    assert len(lines) == 4
    assert any("OpType=BROADCAST" in line and "OpType=ALLREDUCE" in line for line in lines)


# PyTorch 2.13's output for the DDP tutorial (tests/distributed_programs/ddp_spawn.py)
DDP_TUTORIAL_OUTPUT = "epoch 0 mean loss 1.354453\nepoch 1 mean loss 1.385547\n-3.1716904640197754\n2 True gloo\n"


def test_the_ddp_tutorial_runs_with_spawn_as_in_pytorch():
    done = subprocess.run(
        [sys.executable, "-m", "retrograd", "run", str(PROGRAMS / "ddp_spawn.py"), str(_free_port())], env=_env(),
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == DDP_TUTORIAL_OUTPUT


# PyTorch's gloo sometimes aborts a rank in destroy_process_group, after everything is printed
# ("terminate called without an active exception"; once under load, then three runs in a row of
# ddp_options.py in one CI run, never here): its bug, not a different output. Such a run is tried
# again, and if every try ends that way, what rank 0 printed must still be the recorded output.
PYTORCH_TEARDOWN_ABORT = "terminate called without an active exception"


def _under_pytorch(program: str, attempts: int = 3) -> subprocess.CompletedProcess:
    """Run a spawned program with PyTorch itself, as `python program PORT`."""
    for _ in range(attempts):
        done = subprocess.run(
            [sys.executable, str(PROGRAMS / program), str(_free_port())], capture_output=True, text=True,
            timeout=120, cwd=ROOT,
        )  # fmt: skip
        if done.returncode == 0 or PYTORCH_TEARDOWN_ABORT not in done.stderr:
            return done
    return done


def _assert_pytorch_printed(done: subprocess.CompletedProcess, expected: str) -> None:
    if done.returncode != 0 and PYTORCH_TEARDOWN_ABORT in done.stderr:
        warnings.warn(f"PyTorch aborted in its gloo teardown after printing:\n{done.stderr[-2000:]}", stacklevel=2)
    else:
        assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == expected, done.stdout + done.stderr


@pytest.mark.pytorch
def test_the_ddp_tutorial_output_is_pytorchs():
    pytest.importorskip("torch")
    done = _under_pytorch("ddp_spawn.py")
    if mkl_intel_paths():
        _assert_pytorch_printed(done, DDP_TUTORIAL_OUTPUT)
    else:  # PyTorch's float32 kernels elsewhere (AMD) print a mean loss a last digit apart
        _assert_pytorch_printed(done, done.stdout)
        assert _printed_numbers(done.stdout) == pytest.approx(_printed_numbers(DDP_TUTORIAL_OUTPUT), rel=2e-6)
        assert re.sub(r"-?\d+\.\d+", "#", done.stdout) == re.sub(r"-?\d+\.\d+", "#", DDP_TUTORIAL_OUTPUT)


def _printed_numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+\.\d+", text)]


# PyTorch 2.13's output for tests/distributed_programs/spawn_api.py (rank 0's)
SPAWN_API_OUTPUT = """\
RedOpType.SUM RedOpType.SUM <RedOpType.SUM: 0> tensor([ 6., 12.])
RedOpType.MAX RedOpType.MAX <RedOpType.MAX: 4> tensor([3., 6.])
RedOpType.PRODUCT RedOpType.PRODUCT <RedOpType.PRODUCT: 2> tensor([ 6., 48.])
-1 -1 [1, 2]
low tensor([3.])
all_gather_single tensor([0., 0., 0., 1., 1., 1., 2., 2., 2.])
RuntimeError: ProcessGroupGloo::allgather: invalid tensor size at index 0 (expected (2), got (1, 2))
reduce_scatter_single tensor([0., 6.])
[('FutureWarning', 'all_gather_into_tensor'), ('FutureWarning', 'reduce_scatter_tensor')]
all_to_all [tensor([0, 0]), tensor([10, 10]), tensor([20, 20])]
RuntimeError: ProcessGroupGloo::alltoall: invalid tensor size at index 1 (expected (1), got (2))
future tensor([6., 6.]) True False
"""


# PyTorch 2.13's output for tests/distributed_programs/ddp_comm_hooks.py (rank 0's)
COMM_HOOKS_OUTPUT = """\
none tensor([ 0.0309, -0.1221,  0.0582,  0.3796]) tensor([-0.0225,  0.2074,  0.4854, -0.2787])
allreduce tensor([ 0.0309, -0.1221,  0.0582,  0.3796]) tensor([-0.0225,  0.2074,  0.4854, -0.2787])
fp16 tensor([ 0.0308, -0.1221,  0.0581,  0.3799]) tensor([-0.0225,  0.2074,  0.4854, -0.2787])
TypeError BF16 all reduce communication hook required CUDA 11+ and NCCL 2.10+ or XPU and XCCL
custom tensor([ 0.0309, -0.1221,  0.0582,  0.3796]) tensor([-0.0225,  0.2074,  0.4854, -0.2787])
calls {'calls': 2}
noop tensor([-0.0567, -0.1633, -0.2264,  0.4815]) tensor([ 0.0015,  0.1649,  0.4872, -0.2850])
"""
# PyTorch 2.13's output for tests/distributed_programs/ddp_join.py (rank 0's)
JOIN_OUTPUT = """\
plain tensor([-0.0100,  0.2702, -0.4103, -0.3678]) tensor([-0.1154,  0.0371,  0.1795]) tensor([-0.1548, -0.6187])
unused tensor([-0.0100,  0.2702, -0.4103, -0.3678]) tensor([-0.1154,  0.0371,  0.1795]) tensor([-0.1548, -0.6187])
fp16 tensor([-0.0100,  0.2702, -0.4103, -0.3678]) tensor([-0.1154,  0.0371,  0.1795]) tensor([-0.1548, -0.6187])
RuntimeError: Rank 0 exhausted all inputs.
RuntimeError: Detected at least one rank that exhausted inputs. Throwing across all ranks.
ValueError: The join context manager requires at least one joinable
"""
# PyTorch 2.13's output for tests/distributed_programs/ddp_options.py (rank 0's)
OPTIONS_OUTPUT = """\
ValueError: trying to initialize the default process group twice!
default [] True True
tensor([-0.1229, -0.1252, -0.0985,  0.0443])
tensor([-0.1177, -0.1271, -0.0583,  0.0159])
tensor([[ 0.2724,  0.0037, -0.2294, -0.0949]])
tensor([[ 0.2209, -0.1579,  0.0609, -0.0126]])
no broadcast ['FutureWarning'] False False
tensor([-0.1229, -0.1252, -0.0985,  0.0443])
tensor([0.5672, 0.6701, 0.6785, 0.7153])
tensor([[ 0.2724,  0.0037, -0.2294, -0.0949]])
tensor([[ 0.2209, -0.1579,  0.0609, -0.0126]])
no forward sync [] False False
tensor([-0.1229, -0.1252, -0.0985,  0.0443])
tensor([-0.1618, -0.0589, -0.0505, -0.0137])
tensor([[ 0.2724,  0.0037, -0.2294, -0.0949]])
tensor([[ 0.2209, -0.1579,  0.0609, -0.0126]])
AssertionError: Process group cannot be None
"""
# PyTorch 2.13's output for tests/distributed_programs/zero_optimizer.py (rank 0's)
ZERO_OUTPUT = """\
[[(6, 4)], [(2, 6), (6,), (2,)]]
RuntimeError: Optimizer state has not been consolidated on this rank.
Please call `consolidate_state_dict(to=0)` on all ranks beforehand if you meant to save the global state.
tensor([-0.1358,  0.1368, -0.4360, -0.2397]) tensor([ 0.2024, -0.2474]) tensor([[-0.6069, -0.1941]])
[0, 1, 2, 3, 4, 5] [{'lr': 0.02, 'params': [0, 1, 2, 3]}, {'lr': 0.1, 'params': [4, 5]}]
tensor(4.) tensor([[-0.0012, -0.0116]]) tensor([0.0002])
[[(6, 4)], [(1,), (1, 2), (2,), (2, 6), (6,)]] [0.02, 0.1] [0.02, 0.1]
"""
SPAWNED_PROGRAMS = {
    "spawn_api.py": SPAWN_API_OUTPUT, "ddp_comm_hooks.py": COMM_HOOKS_OUTPUT, "ddp_join.py": JOIN_OUTPUT,
    "ddp_options.py": OPTIONS_OUTPUT, "zero_optimizer.py": ZERO_OUTPUT,
}  # fmt: skip


def _spawned(program: str) -> subprocess.CompletedProcess:
    """Run a program that starts its ranks with mp.spawn on retrograd: `python -m retrograd run program PORT`."""
    return subprocess.run(
        [sys.executable, "-m", "retrograd", "run", str(PROGRAMS / program), str(_free_port())], env=_env(),
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


@pytest.mark.parametrize("program", list(SPAWNED_PROGRAMS))
def test_spawned_programs_print_as_in_pytorch(program):
    done = _spawned(program)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == SPAWNED_PROGRAMS[program]


@pytest.mark.pytorch
@pytest.mark.parametrize("program", list(SPAWNED_PROGRAMS))
def test_spawned_programs_output_is_pytorchs(program):
    pytest.importorskip("torch")
    _assert_pytorch_printed(_under_pytorch(program), SPAWNED_PROGRAMS[program])


def test_a_gloo_group_of_one_process_and_the_rendezvous_errors(monkeypatch):
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    with pytest.raises(ValueError, match="environment variable MASTER_ADDR expected, but not set"):
        dist.init_process_group("gloo", rank=0, world_size=1)
    with pytest.raises(ValueError, match="not supported: use env://"):
        dist.init_process_group("gloo", init_method="file:///tmp/x", rank=0, world_size=1)
    with pytest.raises(ValueError, match="rank 1 is out of range for world_size 1"):
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{_free_port()}", rank=1, world_size=1)
    assert not dist.is_initialized()
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{_free_port()}?rank=0&world_size=1",
                            timeout=timedelta(seconds=5))
    try:
        assert (dist.get_rank(), dist.get_world_size(), dist.get_backend()) == (0, 1, "gloo")
        t = retrograd.tensor([1.0, 2.0])
        dist.all_reduce(t, op=dist.ReduceOp.AVG)
        work = dist.broadcast(t, src=0, async_op=True)
        assert work.wait() and work.is_completed() and t.tolist() == [1.0, 2.0]
        everyone = [None]
        dist.all_gather_object(everyone, {"rank": 0})
        assert everyone == [{"rank": 0}]
        with pytest.raises(ValueError, match="the default group runs 'gloo'"):
            dist.new_group([0], backend="mpi")
        assert dist.get_backend(dist.new_group([0], backend="gloo")) == "gloo"
    finally:
        dist.destroy_process_group()
    assert not dist.is_initialized()


def test_the_launcher_without_mpi_starts_plain_processes_that_meet_over_gloo(monkeypatch, capfd):
    from retrograd.distributed import run

    monkeypatch.setattr(run, "find_mpiexec", lambda explicit=None: None)
    monkeypatch.setenv("RETROGRAD_TEST_BACKEND", "gloo")
    monkeypatch.setenv("PYTHONPATH", _env()["PYTHONPATH"])
    port = str(_free_port())
    assert run.main(["--nproc-per-node", "2", "--master-port", port, str(PROGRAMS / "ddp.py"), "--launcher"]) == 0
    out = capfd.readouterr().out
    assert "rank 0: DDP checks passed" in out and "rank 1: DDP checks passed" in out
    # a failing rank stops the other and gives its exit code
    code = run.main(["--nproc-per-node", "2", "--master-port", str(_free_port()), str(PROGRAMS / "failures.py"),
                     "raise"])
    assert code != 0 and "rank 1 failed on purpose" in capfd.readouterr().err
    with pytest.raises(SystemExit, match="need an mpiexec"):
        run.main(["--nproc-per-node", "2", "--mpiexec-args", "-x A", "x.py"])


# --- the collectives, DDP and the launcher on 2 ranks ------------------------------------------


@pytest.mark.mpi
@pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
def test_every_collective_matches_its_definition_on_two_ranks():
    done = _mpiexec("collectives.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rank 0: 245 collective checks passed" in done.stdout
    assert "rank 1: 245 collective checks passed" in done.stdout


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
    with pytest.raises(ValueError, match="has the 'gloo' and 'mpi' backends"):
        dist.Backend("ucc")
    with pytest.raises(RuntimeError, match="doesn't have NCCL built in"):
        dist.Backend("nccl")
    assert dist.Backend("GLOO") == "gloo" and dist.is_available() and dist.is_gloo_available()
    assert dist.Backend("MPI") == "mpi" and dist.ReduceOp.SUM == 0 and repr(dist.ReduceOp.AVG) == "<RedOpType.AVG: 1>"
    assert str(dist.ReduceOp.MAX) == f"{dist.ReduceOp.MAX}" == "RedOpType.MAX"  # not "4"
    with pytest.raises(TypeError, match="unsupported format string"):
        f"{dist.ReduceOp.SUM:d}"
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


def test_register_comm_hook_checks_and_a_hook_that_returns_no_future():
    from retrograd.distributed.algorithms.ddp_comm_hooks import default_hooks
    from retrograd.nn.parallel import DistributedDataParallel as DDP

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{_free_port()}", rank=0, world_size=1)
    try:
        ddp = DDP(retrograd.nn.Linear(3, 2))
        with pytest.raises(TypeError, match="must be callable"):
            ddp.register_comm_hook(None, 3)
        with pytest.raises(TypeError, match="BF16 all reduce communication hook required CUDA"):
            ddp.register_comm_hook(None, default_hooks.bf16_compress_hook)
        seen = []

        def hook(state, bucket: dist.GradBucket):
            seen.append((bucket.index(), bucket.is_last(), [tuple(g.shape) for g in bucket.gradients()]))
            return bucket.buffer()  # not a Future

        ddp.register_comm_hook(None, hook)
        with pytest.raises(RuntimeError, match="can only be called once"):
            ddp.register_comm_hook(None, hook)
        with pytest.raises(RuntimeError, match="must return a torch.futures.Future object, but got torch.Tensor"):
            ddp(retrograd.ones(1, 3)).sum().backward()
        assert seen == [(0, True, [(2, 3), (2,)])]
    finally:
        dist.destroy_process_group()


def _rank_zero_alone(module):
    """What init_process_group raises on rank 0 of 2 when rank 1 never comes (1 s timeout)."""
    port = _free_port()
    with pytest.raises(module.DistStoreError) as info:
        module.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=0, world_size=2,
                                  timeout=timedelta(seconds=1))
    assert isinstance(info.value, RuntimeError) and issubclass(module.DistStoreError, module.DistError)
    return str(info.value)


def test_a_rank_that_never_comes_is_a_store_error():
    message = _rank_zero_alone(dist)
    assert message.startswith("Timed out after 1 seconds waiting for clients. 1/2 clients joined")
    assert not dist.is_initialized()


@pytest.mark.pytorch
def test_a_rank_that_never_comes_is_a_store_error_in_pytorch():
    torch_dist = pytest.importorskip("torch.distributed")
    assert "waiting for clients. 1/2 clients joined" in _rank_zero_alone(torch_dist)


def _distributed_nn_in_a_group_of_one(m, init_method):
    __import__(f"{m.__name__}.distributed.nn")  # a submodule `import torch` leaves unloaded
    m.distributed.init_process_group("gloo", init_method=init_method, rank=0, world_size=1)
    try:
        x = m.tensor([1.0, -2.0], requires_grad=True)
        with pytest.warns(FutureWarning, match="torch.distributed.nn.functional.all_reduce is deprecated"):
            y = m.distributed.nn.all_reduce(x * 3)
        (z,) = m.distributed.nn.functional.all_gather(y)
        b = m.distributed.nn.functional.broadcast(z, 0)
        r = m.distributed.nn.functional.reduce(b, 0)
        r.pow(2).sum().backward()
        return y.tolist(), z.tolist(), r.tolist(), x.grad.tolist(), x.tolist()
    finally:
        m.distributed.destroy_process_group()


def test_distributed_nn_collectives_differentiate_in_a_group_of_one():
    # vector-quantize-pytorch imports `from torch.distributed import nn`; one rank: identities
    got = _distributed_nn_in_a_group_of_one(retrograd, f"tcp://127.0.0.1:{_free_port()}")
    assert got == ([3.0, -6.0], [3.0, -6.0], [3.0, -6.0], [18.0, -36.0], [1.0, -2.0])  # d/dx (3x)² = 18x


@pytest.mark.pytorch
def test_distributed_nn_collectives_vs_torch():
    torch = pytest.importorskip("torch")
    __import__("torch.distributed.nn")  # a submodule `import torch` leaves unloaded

    ours = _distributed_nn_in_a_group_of_one(retrograd, f"tcp://127.0.0.1:{_free_port()}")
    assert ours == _distributed_nn_in_a_group_of_one(torch, f"tcp://127.0.0.1:{_free_port()}")

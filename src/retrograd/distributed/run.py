"""The launcher: `python -m retrograd.distributed.run --nproc-per-node N script.py args` (torchrun's flags).

It starts the ranks with `mpiexec`, each through `_rank_main`, which sets torchrun's environment
(RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT) from MPI's
numbering before running the script, so scripts written for torchrun run unchanged. With
`--nnodes > 1`, `--hostfile` names the machines (mpiexec starts the ranks on all of them).
Without an mpiexec, it starts the ranks of one node as plain processes with that environment, as
torchrun does; their scripts then meet over the "gloo" backend.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence

from ._rank_main import elastic_agent_environment


def find_mpiexec(explicit: str | None = None) -> str | None:
    """The mpiexec to use: `explicit`, the one beside this Python (a venv's Open MPI wheel), or PATH's."""
    if explicit:
        return explicit
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.path.exists(beside):
        return beside
    return shutil.which("mpiexec")


def is_open_mpi(mpiexec: str) -> bool:
    """True for Open MPI's launcher (its flags differ from MPICH's)."""
    try:
        done = subprocess.run([mpiexec, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    text = (done.stdout + done.stderr).lower()
    return "open mpi" in text or "open-mpi" in text or "prte" in text or "openrte" in text


def mpiexec_command(
    nproc: int, program: Sequence[str], mpiexec: str | None = None, hostfile: str | None = None,
    extra: Sequence[str] = (), export: Sequence[str] = (),
) -> tuple[list[str], dict[str, str]]:  # fmt: skip
    """The mpiexec command line and environment that start `nproc` copies of `program`.

    Like torchrun it sets OMP_NUM_THREADS=1 (one BLAS thread per rank) unless already set. For
    Open MPI it allows running as root (containers, CI) and more ranks than cores, and forwards
    the `export`ed variables to other nodes.
    """
    launcher = find_mpiexec(mpiexec)
    if launcher is None:
        raise RuntimeError(
            "mpiexec not found: install an MPI (`pip install 'retrograd[distributed]'` brings Open MPI) "
            "or pass --mpiexec"
        )
    env = dict(os.environ)
    if nproc > 1:  # as torchrun does: N ranks each running N BLAS threads would fight for the cores
        env.setdefault("OMP_NUM_THREADS", "1")
    command = [launcher, "-n", str(nproc)]
    if is_open_mpi(launcher):
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        if hostfile is None:
            command.append("--oversubscribe")
        for name in export:
            if name in env:
                command += ["-x", name]
    if hostfile is not None:
        command += ["--hostfile", hostfile]
    command += list(extra)
    return command + list(program), env


def _nproc(value: str) -> int:
    if value in ("cpu", "auto"):
        return os.cpu_count() or 1
    if value == "gpu":
        raise ValueError("--nproc-per-node=gpu: retrograd runs on CPUs; give a number")
    return int(value)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m retrograd.distributed.run",
        description="Start a data-parallel training script on N ranks (torchrun's flags), through mpiexec.",
    )
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1", help="ranks per node: a number, cpu or auto")
    p.add_argument("--nnodes", default="1", help="number of nodes (more than 1 needs --hostfile)")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0, help="only 0: mpiexec starts every node")
    p.add_argument("--master-addr", "--master_addr", default="127.0.0.1", help="exported as MASTER_ADDR")
    p.add_argument("--master-port", "--master_port", type=int, default=29500, help="exported as MASTER_PORT")
    p.add_argument("--standalone", action="store_true", help="single node (the default here)")
    p.add_argument("--max-restarts", "--max_restarts", type=int, default=0, help="only 0: ranks are not restarted")
    p.add_argument("-m", "--module", action="store_true", help="run the script as a module (python -m)")
    p.add_argument("--no-python", "--no_python", action="store_true", help="run the script as a program")
    p.add_argument("--hostfile", help="mpiexec's hostfile: the machines and their slots (several nodes)")
    p.add_argument("--mpiexec", help="the mpiexec program to use")
    p.add_argument("--mpiexec-args", default="", help="more arguments for mpiexec, as one string")
    p.add_argument("training_script", help="the script (or module with -m, program with --no-python)")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    nnodes = int(str(args.nnodes).split(":")[-1])
    if args.node_rank != 0:
        raise SystemExit(
            "--node-rank: mpiexec starts the ranks of every node from one command; run it on one node only"
        )
    if args.max_restarts != 0:
        raise SystemExit("--max-restarts: restarting failed ranks is not supported (MPI jobs stop as a whole)")
    if nnodes > 1 and args.hostfile is None:
        raise SystemExit(f"--nnodes={nnodes} needs --hostfile naming the machines (see docs/distributed.md)")
    per_node = _nproc(args.nproc_per_node)
    if per_node < 1:
        raise SystemExit(f"--nproc-per-node must be at least 1, got {per_node}")
    if find_mpiexec(args.mpiexec) is None and nnodes == 1:
        if args.hostfile or args.mpiexec_args:
            raise SystemExit("--hostfile and --mpiexec-args need an mpiexec (pip install 'retrograd[distributed]')")
        return run_processes(per_node, _target(args), args.master_addr, args.master_port)
    mode = "--no-python" if args.no_python else "-m" if args.module else "--script"
    program = [sys.executable, "-m", "retrograd.distributed._rank_main", mode, args.training_script]
    program += args.training_script_args
    os.environ["MASTER_ADDR"] = args.master_addr
    os.environ["MASTER_PORT"] = str(args.master_port)
    os.environ["RETROGRAD_NPROC_PER_NODE"] = str(per_node)
    command, env = mpiexec_command(
        per_node * nnodes, program, args.mpiexec, args.hostfile, shlex.split(args.mpiexec_args),
        export=("PYTHONPATH", "MASTER_ADDR", "MASTER_PORT", "RETROGRAD_NPROC_PER_NODE", "TORCH_DISTRIBUTED_DEBUG",
                "OMP_NUM_THREADS"),
    )  # fmt: skip
    return subprocess.call(command, env=env)


def _target(args: argparse.Namespace) -> list[str]:
    """The command each rank runs: the script with Python, the module with `python -m`, or the program."""
    if args.no_python:
        return [args.training_script, *args.training_script_args]
    module = ["-m"] if args.module else []
    return [sys.executable, *module, args.training_script, *args.training_script_args]


def run_processes(nproc: int, command: list[str], master_addr: str, master_port: int) -> int:
    """Start `nproc` local ranks as plain processes with torchrun's environment and wait for them.

    When one fails, the others are stopped (as torchrun does) and its exit code is returned.
    """
    processes = []
    for rank in range(nproc):
        env = dict(os.environ)
        env.update({name: str(value) for name, value in {
            "RANK": rank, "LOCAL_RANK": rank, "WORLD_SIZE": nproc, "LOCAL_WORLD_SIZE": nproc, "GROUP_RANK": 0,
            "ROLE_RANK": rank, "ROLE_WORLD_SIZE": nproc, "MASTER_ADDR": master_addr, "MASTER_PORT": master_port,
        }.items()})  # fmt: skip
        env.update(elastic_agent_environment(1))
        if nproc > 1:
            env.setdefault("OMP_NUM_THREADS", "1")
        processes.append(subprocess.Popen(command, env=env))
    try:
        while True:
            codes = [p.poll() for p in processes]
            failed = next((c for c in codes if c not in (None, 0)), None)
            if failed is not None:
                for p in processes:
                    if p.poll() is None:
                        p.terminate()
                for p in processes:
                    p.wait()
                return failed
            if all(c == 0 for c in codes):
                return 0
            time.sleep(0.05)
    except KeyboardInterrupt:
        for p in processes:
            p.terminate()
        raise


if __name__ == "__main__":
    sys.exit(main())

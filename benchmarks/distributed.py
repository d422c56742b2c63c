"""All-reduce bandwidth and latency: retrograd.distributed against raw mpi4py, on 2 ranks of this machine.

    python -m benchmarks.distributed [--mb 100] [--reps 7] [--nproc 2]

Started without mpiexec, it relaunches itself under mpiexec with --nproc ranks. Both systems
all-reduce (SUM, in place) the same float32 buffer, alternating, after a warm-up; the table
gives medians, the bus bandwidth 2(n-1)/n * bytes / time (what each link carries in a ring),
and the ratio retrograd/mpi4py of bandwidths (target >= 0.9). The small-message latency is the
alpha of the cost model in docs/distributed.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np


def _under_mpi() -> bool:
    return any(os.environ.get(k) for k in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE"))


def _time(fn, reps: int, comm) -> list[float]:
    out = []
    for _ in range(reps):
        comm.Barrier()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def measure(mb: float, reps: int) -> None:
    import retrograd
    import retrograd.distributed as dist

    dist.init_process_group("mpi")
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    n, rank = comm.Get_size(), comm.Get_rank()
    count = int(mb * 1e6) // 4
    raw = np.ones(count, dtype=np.float32)
    ours = retrograd.ones(count)
    rows = []
    for label, size, k in ((f"{mb:g} MB float32", count, reps), ("8 B float32 (latency)", 2, 200)):
        a, t = raw[:size].copy(), retrograd.ones(size) if size != count else ours
        timings: dict[str, list[float]] = {"mpi4py": [], "retrograd": []}
        for _ in range(2):  # warm-up
            comm.Allreduce(MPI.IN_PLACE, a, MPI.SUM)
            dist.all_reduce(t)
        for _ in range(k):  # alternate so both see the same machine load
            timings["mpi4py"] += _time(lambda a=a: comm.Allreduce(MPI.IN_PLACE, a, MPI.SUM), 1, comm)
            timings["retrograd"] += _time(lambda t=t: dist.all_reduce(t), 1, comm)
        med = {s: statistics.median(v) for s, v in timings.items()}
        worst = {s: comm.allreduce(m, MPI.MAX) for s, m in med.items()}  # the slowest rank sets the pace
        rows.append((label, size * 4, worst))
    if rank == 0:
        print(f"{n} ranks on one machine, {MPI.Get_library_version().splitlines()[0]}")
        print("| buffer | mpi4py | retrograd | mpi4py bus GB/s | retrograd bus GB/s | ratio (bandwidth) |")
        print("|---|---|---|---|---|---|")
        for label, nbytes, worst in rows:
            bus = {s: 2 * (n - 1) / n * nbytes / v / 1e9 for s, v in worst.items()}
            ratio = worst["mpi4py"] / worst["retrograd"]
            print(
                f"| {label} | {worst['mpi4py'] * 1e3:.3f} ms | {worst['retrograd'] * 1e3:.3f} ms | "
                f"{bus['mpi4py']:.2f} | {bus['retrograd']:.2f} | {ratio:.3f} |"
            )
    dist.destroy_process_group()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=100.0)
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--nproc", type=int, default=2)
    args = p.parse_args()
    if _under_mpi():
        measure(args.mb, args.reps)
        return 0
    import subprocess

    from retrograd.distributed.run import mpiexec_command

    program = [sys.executable, "-m", "benchmarks.distributed", "--mb", str(args.mb), "--reps", str(args.reps)]
    command, env = mpiexec_command(args.nproc, program)
    return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main())

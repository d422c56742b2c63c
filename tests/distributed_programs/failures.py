"""Run on 2 ranks: how failures end the job. Usage: failures.py raise|kill|hang|mismatch|monitored"""

import os
import signal
import sys
import time
from datetime import timedelta

import retrograd as torch
import retrograd.distributed as dist

BACKEND = os.environ.get("RETROGRAD_TEST_BACKEND", "mpi")  # "gloo": the ranks were started without MPI

mode = sys.argv[1]
dist.init_process_group(BACKEND, timeout=timedelta(seconds=3))
rank = dist.get_rank()
t = torch.ones(4)
dist.all_reduce(t)  # both ranks are up
if mode == "monitored":  # rank 1 is late for a monitored barrier: rank 0 names it
    if rank == 1:
        time.sleep(3)
    try:
        dist.monitored_barrier(timeout=timedelta(seconds=1), wait_all_ranks=True)
    except RuntimeError as e:
        print(f"rank {rank} caught: {e}", flush=True)
    sys.exit(0)
if mode == "mismatch":
    for mine, theirs in (((3,), (4,)), ("broadcast", "all_reduce")):
        try:
            if mine == "broadcast":
                dist.broadcast(torch.ones(2), src=0) if rank == 0 else dist.all_reduce(torch.ones(2))
            else:
                dist.all_reduce(torch.ones(mine if rank == 0 else theirs))
        except RuntimeError as e:
            print(f"rank {rank} caught: {e}", flush=True)
    dist.all_reduce(t)  # still usable afterwards
    dist.destroy_process_group()
    sys.exit(0)
if rank == 1:
    if mode == "raise":
        raise ValueError("rank 1 failed on purpose")
    if mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "hang":
        time.sleep(60)
dist.all_reduce(t)  # rank 0 waits here for a rank that will never come
print("rank 0 should not get here", flush=True)

"""Corners of torch.distributed's API as programs meet them, on 3 ranks started by `mp.spawn`.

Runs unchanged on PyTorch (`python spawn_api.py PORT`) and on retrograd (`python -m retrograd run
spawn_api.py PORT`); rank 0 prints, and both must print the same (tests/test_distributed.py).
"""

import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def reduce_ops(rank):
    for op in (dist.ReduceOp.SUM, dist.ReduceOp.MAX, dist.ReduceOp.PRODUCT):
        t = torch.tensor([1.0, 2.0]) * (rank + 1)
        dist.all_reduce(t, op=op)
        if rank == 0:
            print(op, f"{op}", repr(op), t)


def subgroups(rank):
    low = dist.new_group([0, 1])
    high = dist.new_group([1, 2])
    if rank == 0:  # PyTorch's answers for a rank outside a group
        print(dist.get_rank(high), dist.get_world_size(high), dist.get_process_group_ranks(high))
    if rank != 2:
        t = torch.tensor([float(rank + 1)])
        dist.all_reduce(t, group=low)
        if rank == 0:
            print("low", t)


def worker(rank, world_size, port):
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", port
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    reduce_ops(rank)
    subgroups(rank)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    mp.spawn(worker, args=(3, sys.argv[1]), nprocs=3, join=True)

"""Corners of torch.distributed's API as programs meet them, on 3 ranks started by `mp.spawn`.

Runs unchanged on PyTorch (`python spawn_api.py PORT`) and on retrograd (`python -m retrograd run
spawn_api.py PORT`); rank 0 prints, and both must print the same (tests/test_distributed.py).
"""

import os
import sys
import warnings

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


def single_collectives(rank):
    gathered = torch.zeros(9)
    dist.all_gather_single(gathered, torch.full((3,), float(rank)))
    if rank == 0:
        print("all_gather_single", gathered)
    stacked = torch.zeros(3, 2)
    try:  # gloo takes only the concatenated form
        dist.all_gather_single(stacked, torch.ones(2))
    except RuntimeError as e:
        if rank == 0:
            print("RuntimeError:", e)
    got = torch.zeros(2)
    dist.reduce_scatter_single(got, torch.arange(6, dtype=torch.float32) * (rank + 1))
    if rank == 0:
        print("reduce_scatter_single", got)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dist.all_gather_into_tensor(gathered, torch.ones(3))
        dist.reduce_scatter_tensor(got, torch.ones(6))
    if rank == 0:
        print([(w.category.__name__, str(w.message).split("`")[1].split(".")[-1]) for w in caught])


def lists_and_futures(rank):
    outs = [torch.zeros(2, dtype=torch.int64) for k in range(3)]
    dist.all_to_all(outs, [torch.full((2,), 10 * rank + j) for j in range(3)])
    if rank == 0:
        print("all_to_all", outs)
    try:  # gloo wants one shape throughout
        dist.all_to_all([torch.zeros(k + 1) for k in range(3)], [torch.ones(rank + 1) for j in range(3)])
    except RuntimeError as e:
        if rank == 0:
            print("RuntimeError:", e)
    dist.monitored_barrier()
    work = dist.all_reduce(torch.ones(2) * rank, async_op=True)
    fut = work.get_future().then(lambda f: f.value()[0] * 2)
    value = fut.wait()
    work.wait()  # PyTorch's gloo work may report is_completed() False for a moment after its future ran
    if rank == 0:
        print("future", value, work.is_completed(), dist.is_torchelastic_launched())


def worker(rank, world_size, port):
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", port
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    reduce_ops(rank)
    subgroups(rank)
    single_collectives(rank)
    lists_and_futures(rank)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    mp.spawn(worker, args=(3, sys.argv[1]), nprocs=3, join=True)

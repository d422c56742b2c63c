"""DDP communication hooks as people use them: PyTorch's stock hooks and hand-written ones returning futures.

Runs unchanged on PyTorch (`python ddp_comm_hooks.py PORT`) and on retrograd (`python -m retrograd run
ddp_comm_hooks.py PORT`); rank 0 prints, and both must print the same (tests/test_distributed.py).
"""

import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from torch.distributed.algorithms.ddp_comm_hooks import default_hooks
from torch.nn.parallel import DistributedDataParallel as DDP


def custom_hook(state, bucket):
    # counts its calls; halves the sum itself (2 ranks) in a chained callback
    state["calls"] += 1
    t = bucket.buffer()
    fut = dist.all_reduce(t, async_op=True).get_future()

    def after(f):
        return f.value()[0] * 0.5

    return fut.then(after)


def noop_hook(state, bucket):
    fut = torch.futures.Future()
    fut.set_result(bucket.buffer())
    return fut


def train(rank, ws, hook, state, tag):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 2))
    ddp = DDP(model)
    if hook is not None:
        ddp.register_comm_hook(state, hook)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1)
    torch.manual_seed(rank)
    for _ in range(2):
        opt.zero_grad()
        ddp(torch.randn(3, 5)).pow(2).sum().backward()
        opt.step()
    if rank == 0:
        print(tag, model[0].bias.grad, model[2].weight.data[0])


def worker(rank, ws):
    dist.init_process_group("gloo", rank=rank, world_size=ws)
    train(rank, ws, None, None, "none")
    train(rank, ws, default_hooks.allreduce_hook, None, "allreduce")
    train(rank, ws, default_hooks.fp16_compress_hook, None, "fp16")
    try:
        train(rank, ws, default_hooks.bf16_compress_hook, None, "bf16")
    except TypeError as e:
        print("TypeError", e) if rank == 0 else None
    st = {"calls": 0}
    train(rank, ws, custom_hook, st, "custom")
    if rank == 0:
        print("calls", st)
    train(rank, ws, noop_hook, None, "noop")
    dist.destroy_process_group()


if __name__ == "__main__":
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=sys.argv[1])
    mp.spawn(worker, args=(2,), nprocs=2, join=True)

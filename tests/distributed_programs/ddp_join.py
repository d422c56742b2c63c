"""Uneven inputs with `Join`, as people write it: DDP with buffers, unused-parameter detection, a comm hook,
and `throw_on_early_termination`; training goes on evenly after the context.

Runs unchanged on PyTorch (`python ddp_join.py PORT`) and on retrograd (`python -m retrograd run ddp_join.py
PORT`); rank 0 prints, and both must print the same (tests/test_distributed.py).
"""

import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from torch.distributed.algorithms.ddp_comm_hooks import default_hooks
from torch.distributed.algorithms.join import Join
from torch.nn.parallel import DistributedDataParallel as DDP


def run(rank, ws, tag, **ddp_kwargs):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 2))
    model = DDP(net, **ddp_kwargs)
    if tag == "fp16":
        model.register_comm_hook(None, default_hooks.fp16_compress_hook)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    torch.manual_seed(rank)
    batches = [torch.randn(3, 4) for _ in range(2 + 3 * rank)]
    with Join([model]):
        for x in batches:
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()
    # after the context, training goes on evenly
    opt.zero_grad()
    model(torch.ones(3, 4)).sum().backward()
    opt.step()
    if rank == 0:
        print(tag, net[0].weight.data[0], net[1].running_mean[:3], net[3].bias.data)


def worker(rank, ws):
    dist.init_process_group("gloo", rank=rank, world_size=ws)
    run(rank, ws, "plain")
    run(rank, ws, "unused", find_unused_parameters=True)
    run(rank, ws, "fp16")
    torch.manual_seed(0)
    model = DDP(nn.Linear(2, 1))
    message = None
    try:
        with model.join(throw_on_early_termination=True):
            for _ in range(1 + rank):
                model(torch.ones(1, 2)).sum().backward()
    except RuntimeError as e:
        message = f"RuntimeError: {e}"
    messages = [None] * ws
    dist.all_gather_object(messages, message)
    if rank == 0:
        print(*messages, sep="\n")
    try:
        Join([])
    except ValueError as e:
        if rank == 0:
            print("ValueError:", e)
    dist.destroy_process_group()


if __name__ == "__main__":
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=sys.argv[1])
    mp.spawn(worker, args=(2,), nprocs=2, join=True)

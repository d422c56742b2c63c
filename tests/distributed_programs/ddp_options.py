"""DDP's options as PyTorch 2.13 has them: the deprecated `broadcast_buffers` (which also keeps buffers out of
the sync at construction), `forward_sync_buffers`, `gradient_as_bucket_view`, tiny buckets; env:// set up by
hand; and what a second init or destroy raises.

Runs unchanged on PyTorch (`python ddp_options.py PORT`) and on retrograd (`python -m retrograd run
ddp_options.py PORT`); rank 0 prints, and both must print the same (tests/test_distributed.py).
"""

import os
import sys
import warnings

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel as DDP


def train(rank, tag, **options):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    torch.manual_seed(rank)  # different data and buffers on each rank: the options decide whose survive
    net[1].running_mean.fill_(float(rank))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = DDP(net, **options)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(4, 3)).pow(2).mean().backward()
        opt.step()
    means = [None, None]
    dist.all_gather_object(means, net[1].running_mean)
    if rank == 0:
        print(tag, [w.category.__name__ for w in caught], model.broadcast_buffers, model.forward_sync_buffers)
        print(*means, net[2].weight.data, net[2].weight.grad, sep="\n")


def worker(rank, world_size, port):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=port, RANK=str(rank), WORLD_SIZE=str(world_size))
    dist.init_process_group(backend="gloo", init_method="env://")
    try:
        dist.init_process_group(backend="gloo")
    except ValueError as e:
        if rank == 0:
            print("ValueError:", e)
    train(rank, "default")
    train(rank, "no broadcast", broadcast_buffers=False, gradient_as_bucket_view=True, bucket_cap_mb=0.0001)
    train(rank, "no forward sync", forward_sync_buffers=False, gradient_as_bucket_view=True)
    dist.destroy_process_group()
    try:
        dist.destroy_process_group()
    except AssertionError as e:
        if rank == 0:
            print("AssertionError:", e)


if __name__ == "__main__":
    mp.spawn(worker, args=(2, sys.argv[1]), nprocs=2, join=True)

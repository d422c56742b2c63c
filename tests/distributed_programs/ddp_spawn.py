"""PyTorch's DDP tutorial, as people write it: `mp.spawn` starts the ranks, which meet over "gloo".

Runs unchanged on PyTorch (`python ddp_spawn.py`) and on retrograd (`python -m retrograd run
ddp_spawn.py`); the port comes from the command line so parallel runs do not collide.
"""

import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.optim as optim
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler


def setup(rank, world_size):
    os.environ["MASTER_ADDR"] = "localhost"
    os.environ["MASTER_PORT"] = sys.argv[1]
    dist.init_process_group("gloo", rank=rank, world_size=world_size)


def cleanup():
    dist.destroy_process_group()


class ToyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.net1 = nn.Linear(10, 10)
        self.relu = nn.ReLU()
        self.net2 = nn.Linear(10, 5)

    def forward(self, x):
        return self.net2(self.relu(self.net1(x)))


def demo_basic(rank, world_size):
    setup(rank, world_size)
    torch.manual_seed(0)
    model = ToyModel()
    ddp_model = DDP(model)
    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(ddp_model.parameters(), lr=0.001)
    g = torch.Generator().manual_seed(1)
    data = TensorDataset(torch.randn(64, 10, generator=g), torch.randn(64, 5, generator=g))
    sampler = DistributedSampler(data, num_replicas=world_size, rank=rank, shuffle=True, seed=3)
    loader = DataLoader(data, batch_size=8, sampler=sampler)
    for epoch in range(2):
        sampler.set_epoch(epoch)
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(ddp_model(x), y)
            loss.backward()
            optimizer.step()
        t = torch.tensor([loss.item()])
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        if rank == 0:
            print(f"epoch {epoch} mean loss {t.item() / world_size:.6f}")
    dist.barrier()
    if rank == 0:
        print(sum(p.sum() for p in ddp_model.module.parameters()).item())
        print(dist.get_world_size(), dist.is_initialized(), dist.get_backend())
    cleanup()


if __name__ == "__main__":
    world_size = 2
    mp.spawn(demo_basic, args=(world_size,), nprocs=world_size, join=True)

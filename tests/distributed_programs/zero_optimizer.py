"""ZeroRedundancyOptimizer as people use it with DDP: Adam state sharded over two ranks, a second parameter
group added mid-training, an lr change through `param_groups`, the state consolidated on rank 0, saved
and loaded into a fresh ZeRO optimizer, and the error for `state_dict` before consolidation.

Runs unchanged on PyTorch (`python zero_optimizer.py PORT`) and on retrograd (`python -m retrograd run
zero_optimizer.py PORT`); rank 0 prints, and both must print the same (tests/test_distributed.py).
"""

import io
import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from torch.distributed.optim import ZeroRedundancyOptimizer
from torch.nn.parallel import DistributedDataParallel as DDP


def make():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2), nn.Linear(2, 1))


def worker(rank, ws):
    dist.init_process_group("gloo", rank=rank, world_size=ws)
    net = make()
    model = DDP(net)
    opt = ZeroRedundancyOptimizer(
        list(net[0].parameters()) + list(net[2].parameters()), optimizer_class=torch.optim.Adam, lr=0.05
    )
    shard = [tuple(p.shape) for g in opt.optim.param_groups for p in g["params"]]
    shards = [None] * ws
    dist.all_gather_object(shards, shard)
    torch.manual_seed(rank)
    for step in range(4):
        if step == 2:
            opt.add_param_group({"params": list(net[3].parameters()), "lr": 0.1})
            opt.param_groups[0]["lr"] = 0.02
        opt.zero_grad()
        model(torch.randn(5, 4)).pow(2).mean().backward()
        opt.step()
    try:
        opt.state_dict()
    except RuntimeError as e:
        message = f"RuntimeError: {e}"
    opt.consolidate_state_dict(to=0)
    if rank == 0:
        print(shards, message.replace(". ", ".\n"), sep="\n")
        print(net[0].weight.data[0], net[2].bias.data, net[3].weight.data)
        sd = opt.state_dict()
        print(sorted(sd["state"]), [{k: v for k, v in g.items() if k in ("lr", "params")} for g in sd["param_groups"]])
        print(sd["state"][1]["step"], sd["state"][4]["exp_avg"], sd["state"][5]["exp_avg_sq"])
        buf = io.BytesIO()
        torch.save(sd, buf)
        buf.seek(0)
        saved = torch.load(buf)
    else:
        saved = None
    box = [saved]
    dist.broadcast_object_list(box, src=0)
    fresh = make()
    opt2 = ZeroRedundancyOptimizer(
        list(fresh[0].parameters()) + list(fresh[2].parameters()), optimizer_class=torch.optim.Adam, lr=0.05
    )
    opt2.add_param_group({"params": list(fresh[3].parameters()), "lr": 0.1})
    opt2.load_state_dict(box[0])
    mine = sorted(tuple(p.shape) for p in opt2.optim.state)
    kept = [None] * ws
    dist.all_gather_object(kept, mine)
    if rank == 0:
        print(kept, [g["lr"] for g in opt2.param_groups], [g["lr"] for g in opt2.optim.param_groups])
    dist.destroy_process_group()


if __name__ == "__main__":
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=sys.argv[1])
    mp.spawn(worker, args=(2,), nprocs=2, join=True)

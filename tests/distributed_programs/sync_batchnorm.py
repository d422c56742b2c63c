"""Run on 2 ranks: SyncBatchNorm on half a batch each equals BatchNorm on the whole batch.

Checks the outputs, the input gradients, the (all-reduced) parameter gradients and the running
statistics, for (N, C) and (N, C, H, W) inputs.
"""

import os

import numpy as np

import retrograd as torch
import retrograd.distributed as dist
from retrograd import nn

BACKEND = os.environ.get("RETROGRAD_TEST_BACKEND", "mpi")  # "gloo": the ranks were started without MPI

dist.init_process_group(backend=BACKEND)
rank, world = dist.get_rank(), dist.get_world_size()
assert world == 2


def check(shape: tuple, bn_cls: type) -> None:
    rng = np.random.default_rng(7)
    full = rng.standard_normal(shape).astype(np.float64) * 3 + 1
    weights = rng.standard_normal(shape).astype(np.float64)  # the loss is sum(y * weights)
    reference = bn_cls(shape[1], dtype=torch.float64)
    with torch.no_grad():
        reference.weight.copy_(torch.tensor(rng.standard_normal(shape[1])))
        reference.bias.copy_(torch.tensor(rng.standard_normal(shape[1])))
    synced = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(bn_cls(shape[1], dtype=torch.float64)))[0]
    synced.load_state_dict(reference.state_dict())
    half = shape[0] // 2
    part = slice(rank * half, (rank + 1) * half)
    for step in range(2):
        x_full = torch.tensor(full + step, requires_grad=True)
        y_full = reference(x_full)
        (y_full * torch.tensor(weights)).sum().backward()
        x = torch.tensor(full[part] + step, requires_grad=True)
        y = synced(x)
        (y * torch.tensor(weights[part])).sum().backward()
        np.testing.assert_allclose(y.detach().numpy(), y_full.detach().numpy()[part], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), x_full.grad.numpy()[part], rtol=1e-9, atol=1e-11)
    for p, q in zip(synced.parameters(), reference.parameters()):
        dist.all_reduce(p.grad)
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(synced, name).numpy(), getattr(reference, name).numpy(), rtol=1e-12)
    synced.eval()
    reference.eval()
    with torch.no_grad():
        ours, theirs = synced(torch.tensor(full[part])), reference(torch.tensor(full))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy()[part])


check((8, 3), nn.BatchNorm1d)
check((4, 2, 3, 3), nn.BatchNorm2d)
print(f"rank {rank}: SyncBatchNorm checks passed", flush=True)
dist.destroy_process_group()

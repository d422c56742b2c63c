"""Run on 2 ranks: DDP training equals one process training on the concatenated batch.

Usage: ddp.py [--launcher]  (with --launcher, also checks torchrun's environment variables)
"""

import os
import sys

import numpy as np

import retrograd as torch
import retrograd.distributed as dist
from retrograd import nn
from retrograd.nn.parallel import DistributedDataParallel as DDP

BACKEND = os.environ.get("RETROGRAD_TEST_BACKEND", "mpi")  # "gloo": the ranks were started without MPI

if "--launcher" in sys.argv:
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        assert name in os.environ, name
dist.init_process_group(backend=BACKEND)
rank, world = dist.get_rank(), dist.get_world_size()
if "--launcher" in sys.argv:
    assert int(os.environ["RANK"]) == rank and int(os.environ["WORLD_SIZE"]) == world == 2
    assert int(os.environ["LOCAL_RANK"]) == rank
    # torchrun's agent variables, which scripts test to see they were launched
    assert dist.is_torchelastic_launched() and os.environ["TORCHELASTIC_RUN_ID"] == "none"
    assert (os.environ["GROUP_WORLD_SIZE"], os.environ["ROLE_NAME"], os.environ["TORCHELASTIC_RESTART_COUNT"]) == (
        "1", "default", "0")


class Net(nn.Module):
    def __init__(self, unused_branch: bool = False):
        super().__init__()
        self.fc1 = nn.Linear(5, 16)
        self.fc2 = nn.Linear(16, 16)
        self.fc3 = nn.Linear(16, 3)
        self.spare = nn.Linear(16, 3) if unused_branch else None
        self.register_buffer("scale", torch.ones(1) * (1.0 + rank))  # differs per rank until broadcast

    def forward(self, x):
        return self.fc3(torch.tanh(self.fc2(torch.tanh(self.fc1(x))))) * self.scale


def make(seed: int, unused: bool = False) -> nn.Module:
    torch.manual_seed(seed)
    return Net(unused)


torch.manual_seed(1234)
X, Y = torch.randn(6, 8, 5), torch.randn(6, 8, 3)  # 6 steps of a global batch of 8
share = slice(4 * rank, 4 * rank + 4)
loss_fn = nn.MSELoss()


def reference(steps, micro: int = 1, unused: bool = False):
    model = make(0, unused)
    model.scale.fill_(1.0)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for s in range(steps):
        opt.zero_grad()
        for m in range(micro):
            loss_fn(model(X[(s * micro + m) % 6]), Y[(s * micro + m) % 6]).backward()
        opt.step()
    return model


def distributed(steps, micro: int = 1, unused: bool = False, **kw):
    model = DDP(make(rank, unused), bucket_cap_mb=0.0001, **kw)  # 3 buckets: fc3, fc2, fc1
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for s in range(steps):
        opt.zero_grad()
        for m in range(micro):
            batch = (s * micro + m) % 6
            if m < micro - 1:
                with model.no_sync():
                    loss_fn(model(X[batch][share]), Y[batch][share]).backward()
            else:
                loss_fn(model(X[batch][share]), Y[batch][share]).backward()
        opt.step()
    return model


def compare(ddp, ref, what):
    worst = 0.0
    for (name, p), q in zip(ddp.module.named_parameters(), ref.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
        worst = max(worst, float(np.abs(p.detach().numpy() - q.detach().numpy()).max()))
    print(f"rank {rank}: {what}: parameters match one process (max abs difference {worst:.2e})", flush=True)


ddp = distributed(5)
assert len(ddp.reducer.buckets) >= 3, len(ddp.reducer.buckets)
assert ddp.communication_stats["all_reduces"] == 5 * len(ddp.reducer.buckets)
compare(ddp, reference(5), "5 steps")
assert float(ddp.module.scale) == 1.0  # buffers come from rank 0
assert list(ddp.state_dict()) == ["module." + k for k in ddp.module.state_dict()]
assert "module.fc1.weight" in ddp.state_dict() and "module.scale" in ddp.state_dict()
compare(distributed(3, micro=2), reference(3, micro=2), "3 steps of 2 micro-batches with no_sync")

# find_unused_parameters: the spare layer gets no gradient on any rank and keeps grad None
ddp = distributed(3, unused=True, find_unused_parameters=True)
assert ddp.module.spare.weight.grad is None
compare(ddp, reference(3, unused=True), "find_unused_parameters")

# without find_unused_parameters, an unused parameter is reported at the next forward
ddp = DDP(make(0, unused=True))
loss_fn(ddp(X[0][share]), Y[0][share]).backward()
try:
    ddp(X[0][share])
    raise AssertionError("expected the unfinished-reduction error")
except RuntimeError as e:
    assert "Expected to have finished reduction in the prior iteration" in str(e)

# overlap: the first bucket's all-reduce starts while backward has not yet reached the first layer
ddp = DDP(make(0), bucket_cap_mb=0.0001)
seen = {}
ddp.module.fc2.bias.register_post_accumulate_grad_hook(
    lambda p: seen.update(started=ddp.reducer.next_bucket, first_ready=ddp.reducer.ready[0])
)
loss_fn(ddp(X[0][share]), Y[0][share]).backward()
assert seen["started"] >= 1 and not seen["first_ready"], seen
print(f"rank {rank}: bucket 1 of {len(ddp.reducer.buckets)} started before backward reached fc1", flush=True)
dist.destroy_process_group()
print(f"rank {rank}: DDP checks passed", flush=True)

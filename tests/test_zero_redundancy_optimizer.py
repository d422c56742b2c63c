"""`distributed.optim.ZeroRedundancyOptimizer` in a gloo group of one process: it must train exactly like the
optimizer it wraps, and keep PyTorch's checks and state_dict layout. (Two ranks: the spawned program
tests/distributed_programs/zero_optimizer.py, run by tests/test_distributed.py.)"""

from __future__ import annotations

import socket

import numpy as np
import pytest

import retrograd
import retrograd.distributed as dist
from retrograd.distributed.optim import ZeroRedundancyOptimizer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def group_of_one():
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{_free_port()}", rank=0, world_size=1)
    yield
    dist.destroy_process_group()


def _train(m, opt_of):
    m.manual_seed(0)
    net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.Tanh(), m.nn.Linear(4, 1))
    opt = opt_of(m, net)
    x = m.from_numpy(np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3))
    for _ in range(3):
        opt.zero_grad()
        net(x).pow(2).mean().backward()
        opt.step()
    return net, opt


def test_one_rank_trains_like_the_wrapped_optimizer(group_of_one):
    plain, adam = _train(retrograd, lambda m, net: m.optim.Adam(net.parameters(), lr=0.1))
    zeroed, zero = _train(
        retrograd, lambda m, net: ZeroRedundancyOptimizer(net.parameters(), optimizer_class=m.optim.Adam, lr=0.1)
    )
    for a, b in zip(plain.parameters(), zeroed.parameters()):
        assert retrograd.equal(a, b)
    assert isinstance(zero, retrograd.optim.Optimizer) and isinstance(zero.optim, retrograd.optim.Adam)
    assert zero.world_size == 1 and zero.rank == 0 and zero.param_groups[0]["lr"] == 0.1
    with pytest.raises(RuntimeError, match=r"Please call `consolidate_state_dict\(to=0\)` on all ranks"):
        zero.state_dict()
    zero.consolidate_state_dict()
    state = zero.state_dict()
    expected = adam.state_dict()
    assert sorted(state["state"]) == [0, 1, 2, 3]
    assert [g["params"] for g in state["param_groups"]] == [[0, 1, 2, 3]]
    for i in range(4):
        assert retrograd.equal(state["state"][i]["exp_avg"], expected["state"][i]["exp_avg"])
    zero.load_state_dict(state)
    assert list(zero.optim.state) == list(zero.optim.param_groups[0]["params"])


def test_constructor_checks(group_of_one):
    with pytest.raises(ValueError, match="ZeroRedundancyOptimizer got an empty parameter list"):
        ZeroRedundancyOptimizer([], optimizer_class=retrograd.optim.SGD, lr=0.1)
    with pytest.raises(TypeError, match="should be an iterable of Tensors, but got torch.FloatTensor"):
        ZeroRedundancyOptimizer(retrograd.ones(2), optimizer_class=retrograd.optim.SGD, lr=0.1)
    weight = [retrograd.nn.Parameter(retrograd.ones(2))]
    for unsupported in ("parameters_as_bucket_view", "overlap_with_ddp"):  # refused, not ignored
        with pytest.raises(NotImplementedError, match=f"does not support {unsupported}=True"):
            ZeroRedundancyOptimizer(weight, optimizer_class=retrograd.optim.SGD, lr=0.1, **{unsupported: True})


@pytest.mark.pytorch
def test_one_rank_state_dict_vs_torch(group_of_one):
    torch = pytest.importorskip("torch")
    import torch.distributed as tdist
    from torch.distributed.optim import ZeroRedundancyOptimizer as TorchZero

    tdist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{_free_port()}", rank=0, world_size=1)
    try:

        def build(m, zero_class):
            return lambda m, net: zero_class(net.parameters(), optimizer_class=m.optim.AdamW, lr=0.1)

        net_t, zero_t = _train(torch, build(torch, TorchZero))
        net_r, zero_r = _train(retrograd, build(retrograd, ZeroRedundancyOptimizer))
        zero_t.consolidate_state_dict()
        zero_r.consolidate_state_dict()
        st, sr = zero_t.state_dict(), zero_r.state_dict()
    finally:
        tdist.destroy_process_group()
    for a, b in zip(net_t.parameters(), net_r.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)
    assert st["param_groups"] == sr["param_groups"]
    assert sorted(st["state"]) == sorted(sr["state"])
    for i in st["state"]:
        np.testing.assert_allclose(
            st["state"][i]["exp_avg_sq"].numpy(), sr["state"][i]["exp_avg_sq"].numpy(), rtol=1e-5
        )

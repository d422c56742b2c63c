"""retrograd.optim.swa_utils against PyTorch: averaged weights, SWALR schedules, update_bn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import retrograd as rg
from retrograd.optim import swa_utils

torch = pytest.importorskip("torch")


def _model(lib: Any) -> Any:
    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))
    start = np.random.default_rng(0)
    with lib.no_grad():
        for p in net.parameters():
            p.copy_(lib.tensor(start.standard_normal(tuple(p.shape)), dtype=p.dtype))
    return net


def _values(module: Any) -> list[np.ndarray]:
    return [t.detach().numpy().copy() for t in list(module.parameters()) + list(module.buffers())]


AVERAGING = {
    "swa": lambda m: {},
    "ema-multi": lambda m: {"multi_avg_fn": m.get_ema_multi_avg_fn(0.9)},
    "ema": lambda m: {"avg_fn": m.get_ema_avg_fn(0.8)},
    "swa-fn": lambda m: {"avg_fn": m.get_swa_avg_fn()},
    "swa-multi": lambda m: {"multi_avg_fn": m.get_swa_multi_avg_fn()},
    "ema-multi-buffers": lambda m: {"multi_avg_fn": m.get_ema_multi_avg_fn(0.7), "use_buffers": True},
}


def _average(lib: Any, options: dict) -> list[np.ndarray]:
    module = swa_utils if lib is rg else torch.optim.swa_utils
    net = _model(lib)
    averaged = module.AveragedModel(net, **options(module))
    opt = (rg.optim if lib is rg else torch.optim).SGD(net.parameters(), lr=0.05)
    x = lib.tensor(np.random.default_rng(1).standard_normal((8, 3)), dtype=lib.float32)
    for _ in range(4):
        opt.zero_grad()
        net(x).tanh().sum().backward()
        opt.step()
        averaged.update_parameters(net)
    return _values(averaged) + [averaged(x).detach().numpy()]


@pytest.mark.parametrize("name", list(AVERAGING))
def test_averaged_model_vs_torch(name: str) -> None:
    ours, theirs = _average(rg, AVERAGING[name]), _average(torch, AVERAGING[name])
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_averaged_model_counts_updates_and_checks_arguments() -> None:
    net = rg.nn.Linear(2, 2)
    averaged = swa_utils.AveragedModel(net)
    assert averaged.n_averaged.dtype == rg.int64 and int(averaged.n_averaged) == 0
    averaged.update_parameters(net)
    assert int(averaged.n_averaged) == 1
    assert "n_averaged" in averaged.state_dict()
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(net, avg_fn=swa_utils.get_swa_avg_fn(), multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided. Please provide a value in \[0,1\] range."):
        swa_utils.get_ema_multi_avg_fn(1.5)


SCHEDULES = [
    {"swa_lr": 0.05},
    {"swa_lr": [0.01, 0.2], "anneal_epochs": 3, "anneal_strategy": "linear"},
    {"swa_lr": 0.3, "anneal_epochs": 0},
]


@pytest.mark.parametrize("kwargs", SCHEDULES, ids=str)
def test_swalr_vs_torch(kwargs: dict) -> None:
    runs = []
    for lib, module in ((rg, swa_utils), (torch, torch.optim.swa_utils)):
        a, b = lib.nn.Parameter(lib.zeros(2)), lib.nn.Parameter(lib.zeros(3))
        opt = (rg.optim if lib is rg else torch.optim).SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
        scheduler = module.SWALR(opt, **kwargs)
        lrs = [scheduler.get_last_lr()]
        for _ in range(14):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        state = scheduler.state_dict()
        runs.append((lrs, sorted(state), opt.param_groups[1]["swa_lr"]))
    assert runs[0] == runs[1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"swa_lr": 0.1, "anneal_strategy": "exp"},
            "anneal_strategy must be one of 'cos' or 'linear', instead got exp",
        ),
        ({"swa_lr": 0.1, "anneal_epochs": -1}, "anneal_epochs must be equal or greater than 0, got -1"),
        ({"swa_lr": [0.1, 0.2, 0.3]}, "swa_lr must have the same length as optimizer.param_groups"),
    ],
)
def test_swalr_errors(kwargs: dict, message: str) -> None:
    opt = rg.optim.SGD([{"params": [rg.nn.Parameter(rg.zeros(2))]}, {"params": [rg.nn.Parameter(rg.zeros(1))]}], lr=0.1)
    with pytest.raises(ValueError, match=message):
        swa_utils.SWALR(opt, **kwargs)


def test_update_bn_vs_torch() -> None:
    stats = []
    for lib, module in ((rg, swa_utils), (torch, torch.optim.swa_utils)):
        net = _model(lib)
        data = [lib.tensor(np.random.default_rng(i).standard_normal((5, 3)), dtype=lib.float32) for i in range(3)]
        loader = [data[0], (data[1], None), [data[2]]]
        net.eval()
        module.update_bn(loader, net)
        bn = net[1]
        assert not net.training and bn.momentum == 0.1
        stats.append([bn.running_mean.numpy().copy(), bn.running_var.numpy().copy(), int(bn.num_batches_tracked)])
    np.testing.assert_allclose(stats[0][0], stats[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(stats[0][1], stats[1][1], rtol=1e-5, atol=1e-6)
    assert stats[0][2] == stats[1][2]

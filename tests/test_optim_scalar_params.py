"""Optimizers on 0-d parameters (a scalar bias, a log-scale: what Pyro's AutoNormal guide learns).

NumPy's arithmetic on 0-d arrays gives scalars, which the update rules' in-place steps cannot write
into; the rules see a 0-d parameter and its state as one-element views of themselves.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

from .torch_machine import assert_pytorch_bits

try:
    import torch
except ImportError:  # pragma: no cover - PyTorch is optional
    torch = None

CONFIGS = [
    ("Adam", {}), ("Adam", {"amsgrad": True, "weight_decay": 0.1}), ("Adam", {"foreach": True}),
    ("AdamW", {}), ("SGD", {"momentum": 0.9, "nesterov": True}), ("SGD", {"weight_decay": 0.1}),
    ("RMSprop", {}), ("RMSprop", {"centered": True, "momentum": 0.5}), ("Adagrad", {}),
    ("NAdam", {}), ("NAdam", {"foreach": True}), ("RAdam", {}), ("RAdam", {"foreach": True}),
    ("Adamax", {}), ("Adadelta", {}), ("Adadelta", {"maximize": True}), ("ASGD", {}), ("Rprop", {}),
    ("LBFGS", {}),
]  # fmt: skip


def _train(lib, name: str, kwargs: dict, shape: tuple[int, ...]) -> list[float]:
    p = lib.nn.Parameter(lib.tensor(1.5).reshape(shape))
    q = lib.nn.Parameter(lib.tensor([[0.5]]))
    opt = getattr(lib.optim, name)([p, q], lr=0.1, **kwargs)

    def closure():
        opt.zero_grad()
        loss = (p * p * q).sum() + (q**2).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    assert tuple(p.shape) == shape
    return [p.item(), q.item()]


def test_adam_steps_a_0d_parameter():
    p = rg.nn.Parameter(rg.tensor(1.0))
    opt = rg.optim.Adam([p], lr=0.1)
    (p * p).backward()
    opt.step()  # Adam's first step moves by lr·g/(|g|+eps)
    assert p.shape == () and p.item() == pytest.approx(0.9, abs=1e-6)
    assert opt.state[p]["exp_avg"].shape == () and opt.state[p]["exp_avg"].item() == pytest.approx(0.2)


@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_a_0d_parameter_steps_as_its_one_element_vector(name, kwargs):
    np.testing.assert_array_equal(_train(rg, name, kwargs, ()), _train(rg, name, kwargs, (1,)))


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_0d_parameter_steps_vs_torch(name, kwargs):
    assert_pytorch_bits(_train(rg, name, kwargs, ()), _train(torch, name, kwargs, ()))  # (LBFGS: nan in both)

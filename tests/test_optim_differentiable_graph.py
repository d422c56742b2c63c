"""differentiable=True optimizer steps record PyTorch's graph: its nodes, its float32 arithmetic
(Adam's bias corrections from the step counter tensor, NAdam's step sizes from the running product
tensor) and its saved tensors, so a meta-learning loop through several steps gives PyTorch's
numbers, or PyTorch's in-place error naming the same op."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import retrograd as rg
import retrograd.optim as optim

from .test_optim import needs_torch, torch


def _unrolled(lib: Any, name: str, kwargs: dict, steps: int) -> tuple[Any, ...]:
    """float32 steps with the gradient of Σ p³ (recorded), then the gradient of Σ p² at the end
    with respect to the start point: (parameter bits, its grad_fn's name, the hypergradient)."""
    w0 = lib.tensor([0.5, -1.0, 2.0, 0.25], requires_grad=True)
    p = w0.clone()
    opt = getattr(optim if lib is rg else torch.optim, name)([p], differentiable=True, **kwargs)
    for _ in range(steps):
        (p.grad,) = lib.autograd.grad((p * p * p).sum(), p, create_graph=True)
        opt.step()
    (hyper,) = lib.autograd.grad((p * p).sum(), w0)
    return p.detach().numpy(), p.grad_fn.name(), hyper.numpy()


def _outcome(lib: Any, name: str, kwargs: dict, steps: int) -> tuple[Any, ...]:
    try:
        return _unrolled(lib, name, kwargs, steps)
    except RuntimeError as error:
        return ("RuntimeError", str(error).replace("torch.", "retrograd."))


CASES = [
    ("Adam", {"lr": 0.05}, 4),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}, 3),
    ("Adam", {"lr": 0.05, "amsgrad": True}, 1),
    ("AdamW", {"lr": 0.05, "amsgrad": True}, 3),  # PyTorch's own step saves and then changes a moment
    ("NAdam", {"lr": 0.05}, 4),
    ("NAdam", {"lr": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.1}, 3),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5}, 3),
    ("RMSprop", {"lr": 0.01, "centered": True}, 1),
    ("RMSprop", {"lr": 0.01, "centered": True}, 2),
    ("Adamax", {"lr": 0.05}, 1),
    ("Rprop", {"lr": 0.05}, 1),
    ("Rprop", {"lr": 0.05}, 2),
    ("RAdam", {"lr": 0.05}, 8),
]


@needs_torch
@pytest.mark.parametrize("name, kwargs, steps", CASES, ids=lambda c: str(c))
def test_unrolled_differentiable_steps_vs_torch(name: str, kwargs: dict, steps: int) -> None:
    ours, theirs = _outcome(rg, name, kwargs, steps), _outcome(torch, name, kwargs, steps)
    assert type(ours[0]) is type(theirs[0]) and ours[1] == theirs[1], (ours, theirs)
    if ours[0] == "RuntimeError":
        return
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)


def test_differentiable_adam_takes_bias_corrections_from_the_step_tensor() -> None:
    """Adam's recorded step folds lr/(1-β₁ᵗ) into the denominator in float32 (PyTorch's
    differentiable branch), a few ulp away from the plain step's float64 bias corrections."""
    w0 = rg.tensor([0.5, -1.0, 2.0, 0.25], requires_grad=True)
    p = w0.clone()
    opt = optim.Adam([p], lr=0.05, differentiable=True)
    for _ in range(3):
        (p.grad,) = rg.autograd.grad((p * p * p).sum(), p, create_graph=True)
        opt.step()
    assert p.grad_fn.name() == "AddcdivBackward0"
    assert opt.state[p]["step"].item() == 3.0
    expected = np.array([0.5, -1.0, 2.0, 0.25], np.float32)
    m = v = np.zeros(4, np.float32)
    for t in range(1, 4):
        g = 3 * expected * expected
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        step_size_neg = -(np.float32(0.05) / (1 - np.float32(0.9) ** np.float32(t)))
        denom = np.sqrt(v) / (np.sqrt(1 - np.float32(0.999) ** np.float32(t)) * step_size_neg) + 1e-8 / step_size_neg
        expected = expected + m / denom
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-6)

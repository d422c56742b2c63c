"""ASGD, Rprop, Adafactor and SparseAdam against PyTorch (trajectories, state, errors, printing)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import retrograd as rg
import retrograd.optim as optim

from .test_optim import _both, _case_id, _flat, _loss, _params, _train, needs_torch, torch

CASES = [
    ("ASGD", {}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.02, "t0": 0, "maximize": True}),
    ("Rprop", {}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)}),
    ("Rprop", {"lr": 0.02, "maximize": True}),
    ("Adafactor", {}),
    ("Adafactor", {"lr": 0.05, "beta2_decay": -0.5, "eps": (1e-20, 1e-2), "d": 1.5, "weight_decay": 0.1}),
    ("Adafactor", {"lr": 0.02, "maximize": True}),
]
NAMES = ["ASGD", "Rprop", "Adafactor"]


@needs_torch
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_trajectory_vs_torch(case: tuple[str, dict]) -> None:
    name, kwargs = case
    ours, theirs = _train(rg, _both(name, kwargs)), _train(torch, _both(name, kwargs))
    for step, (a, b) in enumerate(zip(ours, theirs), 1):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"{name} {kwargs} step {step}")


@needs_torch
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_state_after_steps_vs_torch(case: tuple[str, dict]) -> None:
    name, kwargs = case
    states = {}
    for lib in (rg, torch):
        W, b, x = _params(lib)
        opt = _both(name, kwargs)(lib, W, b)
        for _ in range(5):
            opt.zero_grad()
            _loss(lib, W, b, x).backward()
            opt.step()
        states[lib.__name__] = opt.state_dict()
    ours, theirs = states["retrograd"], states["torch"]
    assert ours["param_groups"] == theirs["param_groups"]
    for index, buffers in theirs["state"].items():
        assert list(ours["state"][index]) == list(buffers)
        for key, value in buffers.items():
            mine = ours["state"][index][key]
            assert str(mine.dtype).split(".")[1] == str(value.dtype).split(".")[1], key
            np.testing.assert_allclose(mine.numpy(), value.numpy(), rtol=1e-10, atol=1e-12, err_msg=key)


@needs_torch
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_float32_steps_vs_torch(case: tuple[str, dict]) -> None:
    name, kwargs = case
    rng = np.random.default_rng(1)
    start = rng.standard_normal((3, 4)).astype(np.float32)
    grads = rng.standard_normal((20, 3, 4)).astype(np.float32)
    rows = {}
    for lib in (rg, torch):
        p = lib.nn.Parameter(lib.tensor(start))
        opt = getattr(optim if lib is rg else torch.optim, name)([p], **kwargs)
        out = []
        for g in grads:
            p.grad = lib.tensor(g * (1.0 + np.abs(p.detach().numpy())))
            opt.step()
            out.append(p.detach().numpy().copy())
        assert p.dtype == lib.float32
        rows[lib.__name__] = np.array(out)
    np.testing.assert_allclose(rows["retrograd"], rows["torch"], rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_state_dict_round_trip_continues_the_same_trajectory(case: tuple[str, dict]) -> None:
    name, kwargs = case
    W, b, x = _params(rg)
    opt = getattr(optim, name)([W, b], **kwargs)

    def run(opt: Any, W: Any, b: Any, steps: int) -> np.ndarray:
        rows = []
        for _ in range(steps):
            opt.zero_grad()
            _loss(rg, W, b, x).backward()
            opt.step()
            rows.append(_flat(W, b))
        return np.array(rows)

    run(opt, W, b, 5)
    saved = copy.deepcopy(opt.state_dict())
    W2, b2 = rg.nn.Parameter(W.detach().clone()), rg.nn.Parameter(b.detach().clone())
    fresh = getattr(optim, name)([W2, b2], **kwargs)
    fresh.load_state_dict(saved)
    resumed, continued = run(fresh, W2, b2, 10), run(opt, W, b, 10)
    # loading casts ASGD's float32 eta/mu to the parameter's dtype (as PyTorch does): roundings may differ
    np.testing.assert_allclose(resumed, continued, rtol=1e-6)


@needs_torch
@pytest.mark.parametrize("name, kwargs, steps", [("ASGD", {"lr": 0.1, "t0": 0}, 2), ("Rprop", {"lr": 0.1}, 1)])
def test_differentiable_step_vs_torch(name: str, kwargs: dict, steps: int) -> None:
    """A second Rprop step changes in place a step size the first one saved: PyTorch's backward refuses it too."""
    results = {}
    for lib in (rg, torch):
        lib.set_default_dtype(lib.float64)
        try:
            w0 = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
            g = lib.tensor([0.3, -0.2, 0.1], requires_grad=True)
            p = w0.clone()
            opt = getattr(optim if lib is rg else torch.optim, name)([p], differentiable=True, **kwargs)
            for _ in range(steps):
                p.grad = g * 1.0
                opt.step()
            (p * p * p).sum().backward()
            results[lib.__name__] = _flat(p, w0.grad, g.grad)
        finally:
            lib.set_default_dtype(lib.float32)
    np.testing.assert_allclose(results["retrograd"], results["torch"], rtol=1e-12, atol=1e-14)


@needs_torch
def test_repr_vs_torch() -> None:
    for name in NAMES + ["SparseAdam"]:
        ours = getattr(optim, name)([rg.nn.Parameter(rg.zeros(2))])
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(2))])
        assert repr(ours) == repr(theirs)


ERRORS = [
    ("ASGD", {"lr": -1.0}),
    ("ASGD", {"weight_decay": -0.1}),
    ("Rprop", {"etas": (1.5, 1.2)}),
    ("Rprop", {"lr": -0.1}),
    ("Adafactor", {"lr": -1.0}),
    ("Adafactor", {"beta2_decay": 0.5}),
    ("Adafactor", {"eps": (-1.0, 1e-3)}),
    ("Adafactor", {"eps": (None, -1.0)}),
    ("Adafactor", {"d": 0.5}),
    ("Adafactor", {"weight_decay": -1.0}),
    ("SparseAdam", {"lr": 0.0}),
    ("SparseAdam", {"eps": 0.0}),
    ("SparseAdam", {"betas": (1.0, 0.9)}),
    ("SparseAdam", {"betas": (0.9, -0.1)}),
]


@needs_torch
@pytest.mark.parametrize("case", ERRORS, ids=_case_id)
def test_constructor_errors_vs_torch(case: tuple[str, dict]) -> None:
    name, kwargs = case
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(2))], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([rg.nn.Parameter(rg.zeros(2))], **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_sparse_adam_refuses_dense_gradients_like_pytorch() -> None:
    p = rg.nn.Parameter(rg.ones(3))
    opt = optim.SparseAdam([p])
    assert opt.step() is None  # no gradient yet: nothing to do
    p.grad = rg.ones(3)
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients, please consider Adam"):
        opt.step()


def test_adafactor_keeps_factored_state_for_matrices() -> None:
    W, b = rg.nn.Parameter(rg.ones(3, 4)), rg.nn.Parameter(rg.ones(4))
    opt = optim.Adafactor([W, b])
    W.grad, b.grad = rg.ones(3, 4), rg.ones(4)
    opt.step()
    assert list(opt.state[W]) == ["step", "row_var", "col_var"]
    assert opt.state[W]["row_var"].shape == (3, 1) and opt.state[W]["col_var"].shape == (1, 4)
    assert list(opt.state[b]) == ["step", "variance"]

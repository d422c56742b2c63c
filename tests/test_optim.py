"""retrograd.optim: optimizers and lr schedulers against PyTorch and hand-computed values.

Tests named `*_vs_torch` compare with PyTorch (float64 trajectories from the same
start, lrs, state dicts, printing, errors) and skip without it; the others run
everywhere.
"""

from __future__ import annotations

import copy
import math
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import retrograd as rg
import retrograd.optim as optim
from retrograd.optim import lr_scheduler

from .torch_machine import assert_pytorch_bits

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

OPTIMIZER_NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"]

# (optimizer, keyword arguments): every option of every optimizer appears at least once.
OPTIMIZER_CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "maximize": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "fused": True}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.8), "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "maximize": True, "eps": 1e-3, "foreach": False}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "fused": True}),
    ("AdamW", {"lr": 0.1}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.3, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "eps": 1e-4, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.2, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-3, "maximize": True, "fused": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {"lr": 0.1}),
    ("Adamax", {"lr": 0.05, "betas": (0.2, 0.9), "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.1}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.1, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {"lr": 0.1}),
    ("RAdam", {"lr": 0.05, "betas": (0.8, 0.6), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True, "maximize": True}),
]


def _case_id(case: tuple[str, dict]) -> str:
    name, kwargs = case
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


# --- a small problem, built the same way in retrograd and in PyTorch ---------------------------


def _start_values(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((5, 3))


def _loss(lib: Any, W: Any, b: Any, x: Any) -> Any:
    """A smooth, non-quadratic loss of W (3, 4) and b (4,) built from +, *, @, tanh, exp and sum."""
    h = lib.tanh(x @ W + b)
    return (h * h).sum() + (W * W * W).sum() * 0.1 + lib.exp(b * 0.3).sum()


def _params(lib: Any, dtype_name: str = "float64", seed: int = 0) -> tuple[Any, Any, Any]:
    W0, b0, x0 = _start_values(seed)
    dt = getattr(lib, dtype_name)
    W = lib.nn.Parameter(lib.tensor(W0, dtype=dt))
    b = lib.nn.Parameter(lib.tensor(b0, dtype=dt))
    return W, b, lib.tensor(x0, dtype=dt)


def _flat(*tensors: Any) -> np.ndarray:
    return np.concatenate([t.detach().numpy().ravel() for t in tensors])


def _train(lib: Any, make_opt: Callable, steps: int = 20, dtype_name: str = "float64") -> np.ndarray:
    """Parameters after each of `steps` optimizer steps, as rows."""
    W, b, x = _params(lib, dtype_name)
    opt = make_opt(lib, W, b)
    rows = []
    for _ in range(steps):
        opt.zero_grad()
        _loss(lib, W, b, x).backward()
        opt.step()
        rows.append(_flat(W, b))
    return np.array(rows)


def _both(name: str, kwargs: dict) -> Callable:
    def make(lib: Any, W: Any, b: Any) -> Any:
        module = optim if lib is rg else torch.optim
        return getattr(module, name)([W, b], **kwargs)

    return make


# --- trajectories against PyTorch -----------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("case", OPTIMIZER_CASES, ids=_case_id)
def test_trajectory_vs_torch(case: tuple[str, dict]) -> None:
    name, kwargs = case
    ours = _train(rg, _both(name, kwargs))
    theirs = _train(torch, _both(name, kwargs))
    for step, (a, b) in enumerate(zip(ours, theirs), 1):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"{name} {kwargs} step {step}")


@needs_torch
@pytest.mark.parametrize("case", OPTIMIZER_CASES, ids=_case_id)
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
    assert list(ours["state"]) == list(theirs["state"])
    for index, buffers in theirs["state"].items():
        assert list(ours["state"][index]) == list(buffers)
        for key, value in buffers.items():
            mine = ours["state"][index][key]
            assert str(mine.dtype).split(".")[1] == str(value.dtype).split(".")[1], key
            np.testing.assert_allclose(mine.numpy(), value.numpy(), rtol=1e-10, atol=1e-12, err_msg=key)


@needs_torch
@pytest.mark.parametrize("case", OPTIMIZER_CASES, ids=_case_id)
def test_float32_step_vs_torch(case: tuple[str, dict]) -> None:
    """Same float32 gradients in both libraries: parameters and state stay float32 and agree to rounding."""
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
        assert all(t.dtype == lib.float32 for t in opt.state[p].values())
        rows[lib.__name__] = np.array(out)
    np.testing.assert_allclose(rows["retrograd"], rows["torch"], rtol=2e-5, atol=2e-5)


@needs_torch
@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_param_groups_with_own_hyperparameters_vs_torch(name: str) -> None:
    extra = {"SGD": {"momentum": 0.5}, "RMSprop": {"momentum": 0.3}, "Adam": {"betas": (0.5, 0.9)}}.get(name, {})

    def make(lib: Any, W: Any, b: Any) -> Any:
        module = optim if lib is rg else torch.optim
        groups = [{"params": [W]}, {"params": [b], "lr": 0.02, "weight_decay": 0.1, **extra}]
        return getattr(module, name)(groups, lr=0.07)

    np.testing.assert_allclose(_train(rg, make), _train(torch, make), rtol=1e-10, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_tensor_learning_rate_vs_torch(name: str) -> None:
    def make(lib: Any, W: Any, b: Any) -> Any:
        module = optim if lib is rg else torch.optim
        return getattr(module, name)([W, b], lr=lib.tensor(0.03, dtype=lib.float64))

    np.testing.assert_allclose(_train(rg, make), _train(torch, make), rtol=1e-10, atol=1e-12)


# --- complex parameters: PyTorch updates them as (real, imag) pairs of reals ------------------------

COMPLEX_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1, "maximize": True, "foreach": False}),
    ("AdamW", {"lr": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.1}),
    ("RMSprop", {"lr": 0.1, "centered": True, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.3, "lr_decay": 0.1, "weight_decay": 0.1}),
    ("Adadelta", {"lr": 1.0, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {"lr": 0.1, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.1, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.1, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.1, "t0": 1, "weight_decay": 0.1}),
    ("Rprop", {"lr": 0.1, "maximize": True}),
]
_COMPLEX_STARTS = [np.array([1 + 2j, -0.5 + 0.1j, 0.3 - 0.7j]), np.array([[0.2 - 0.1j, 1.5 + 0.5j], [1j, -2 - 0.3j]])]


def _complex_run(lib: Any, name: str, kwargs: dict, dtype: str) -> tuple[list[np.ndarray], dict]:
    """Five steps on two complex parameters with gradients set by hand (they depend on the parameters)."""
    params = [lib.nn.Parameter(lib.tensor(a.astype(dtype))) for a in _COMPLEX_STARTS]
    opt = getattr(optim if lib is rg else torch.optim, name)(params, **kwargs)
    for k in range(5):
        for p in params:
            g = p.detach().numpy() * (1.5 - 0.4j) + (0.3 * k - 0.2j) * (-1) ** k
            p.grad = lib.tensor(g.astype(dtype))
        opt.step()
    return [p.detach().numpy().copy() for p in params], opt.state_dict()["state"]


@needs_torch
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("case", COMPLEX_CASES, ids=_case_id)
def test_complex_parameters_vs_torch(case: tuple[str, dict], dtype: str) -> None:
    """Parameters and state (complex-typed, one running average per real and imaginary part) agree."""
    name, kwargs = case
    (ours, our_state), (theirs, their_state) = (_complex_run(lib, name, kwargs, dtype) for lib in (rg, torch))
    tol = {"rtol": 2e-5, "atol": 1e-6} if dtype == "complex64" else {"rtol": 1e-10, "atol": 1e-12}
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, **tol)
    for index, buffers in their_state.items():
        assert list(our_state[index]) == list(buffers)
        for key, value in buffers.items():
            mine = our_state[index][key]
            assert str(mine.dtype).split(".")[1] == str(value.dtype).split(".")[1], key
            np.testing.assert_allclose(mine.numpy(), value.numpy(), err_msg=key, **tol)


def _one_complex_step(make: Callable, grad: complex = 2 + 4j) -> tuple[Any, Any]:
    """w = 1+2j after one step with gradient `grad` (2w: the gradient of |w|²), and the optimizer."""
    w = rg.nn.Parameter(rg.tensor([1 + 2j], dtype=rg.complex128))
    opt = make([w])
    w.grad = rg.tensor([grad], dtype=rg.complex128)
    opt.step()
    return w, opt


def test_complex_parameters_are_pairs_of_reals_by_hand() -> None:
    """Each part keeps its own squared-gradient average: (2², 4²), not (2+4j)² = -12+16j."""
    w, opt = _one_complex_step(lambda ps: optim.Adam(ps, lr=0.1))
    assert opt.state[w]["exp_avg_sq"].dtype == rg.complex128
    np.testing.assert_allclose(opt.state[w]["exp_avg_sq"].numpy(), [0.004 + 0.016j], rtol=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), [0.9 + 1.9j], rtol=1e-9)  # each part moves by lr
    w, opt = _one_complex_step(lambda ps: optim.RMSprop(ps, lr=0.1))
    # square_avg = 0.01·(4, 16); each part moves by 0.1·g/√(0.01·g²) = 1
    np.testing.assert_allclose(opt.state[w]["square_avg"].numpy(), [0.04 + 0.16j], rtol=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), [0 + 1j], atol=1e-7)
    # Adagrad's accumulator and Rprop's step sizes start at (value, value) in both parts
    w, opt = _one_complex_step(lambda ps: optim.Adagrad(ps, lr=0.1, initial_accumulator_value=0.5))
    np.testing.assert_allclose(opt.state[w]["sum"].numpy(), [4.5 + 16.5j], rtol=1e-12)
    w, opt = _one_complex_step(lambda ps: optim.Rprop(ps, lr=0.1))
    np.testing.assert_allclose(opt.state[w]["step_size"].numpy(), [0.1 + 0.1j], rtol=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), [0.9 + 1.9j], rtol=1e-12)


@needs_torch
def test_repr_vs_torch() -> None:
    for name in OPTIMIZER_NAMES:
        ours = getattr(optim, name)([rg.nn.Parameter(rg.zeros(2))])
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(2))])
        assert repr(ours) == repr(theirs)
    groups = [{"params": [rg.nn.Parameter(rg.zeros(1))]}, {"params": [rg.nn.Parameter(rg.zeros(1))], "lr": 0.5}]
    tgroups = [
        {"params": [torch.nn.Parameter(torch.zeros(1))]},
        {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.5},
    ]
    assert repr(optim.Adam(groups, betas=(0.5, 0.6))) == repr(torch.optim.Adam(tgroups, betas=(0.5, 0.6)))


# --- state_dict -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", OPTIMIZER_CASES, ids=_case_id)
def test_state_dict_round_trip_continues_the_same_trajectory(case: tuple[str, dict]) -> None:
    name, kwargs = case
    W, b, x = _params(rg)
    opt = getattr(optim, name)([W, b], **kwargs)

    def run(opt: Any, W: Any, b: Any, steps: int) -> list[np.ndarray]:
        rows = []
        for _ in range(steps):
            opt.zero_grad()
            _loss(rg, W, b, x).backward()
            opt.step()
            rows.append(_flat(W, b))
        return rows

    run(opt, W, b, 5)
    saved = copy.deepcopy(opt.state_dict())
    W2, b2 = rg.nn.Parameter(W.detach().clone()), rg.nn.Parameter(b.detach().clone())
    fresh = getattr(optim, name)([W2, b2], **kwargs)
    fresh.load_state_dict(saved)
    assert fresh.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    resumed, continued = np.array(run(fresh, W2, b2, 15)), np.array(run(opt, W, b, 15))
    if name == "NAdam":
        # As in PyTorch, loading casts every state tensor but 'step' to the parameter's dtype,
        # so the float32 'mu_product' comes back as float64 and later roundings differ slightly.
        assert fresh.state[W2]["mu_product"].dtype == rg.float64
        np.testing.assert_allclose(resumed, continued, rtol=1e-7)
    else:
        np.testing.assert_array_equal(resumed, continued)


def test_state_dict_layout() -> None:
    a, b = rg.nn.Parameter(rg.ones(2)), rg.nn.Parameter(rg.ones(3))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert opt.state_dict()["state"] == {}
    a.grad, b.grad = rg.ones(2), rg.ones(3)
    opt.step()
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.5]
    assert sorted(sd["state"]) == [0, 1]
    assert sd["state"][1]["momentum_buffer"] is opt.state[b]["momentum_buffer"]


def test_state_dict_names_and_adam_state() -> None:
    a, b = rg.nn.Parameter(rg.ones(2)), rg.nn.Parameter(rg.ones(3))
    opt = optim.Adam([("a", a), ("b", b)], amsgrad=True)
    a.grad = rg.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["param_names"] == ["a", "b"]
    assert list(sd["state"]) == [0]  # b had no gradient, so no state
    assert list(sd["state"][0]) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    assert sd["state"][0]["step"].item() == 1.0 and sd["state"][0]["step"].dtype == rg.float32


def test_load_state_dict_casts_buffers_to_parameter_dtype() -> None:
    p32 = rg.nn.Parameter(rg.ones(2))
    opt = optim.Adam([p32])
    p32.grad = rg.ones(2)
    opt.step()
    p64 = rg.nn.Parameter(rg.ones(2, dtype=rg.float64))
    other = optim.Adam([p64])
    other.load_state_dict(copy.deepcopy(opt.state_dict()))
    assert other.state[p64]["exp_avg"].dtype == rg.float64
    assert other.state[p64]["step"].dtype == rg.float32  # the step counter keeps its dtype


def test_load_state_dict_errors() -> None:
    a, b = rg.nn.Parameter(rg.ones(2)), rg.nn.Parameter(rg.ones(2))
    with pytest.raises(ValueError, match="loaded state dict has a different number of parameter groups"):
        optim.SGD([a]).load_state_dict(optim.SGD([{"params": [a]}, {"params": [b]}]).state_dict())
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.SGD([a]).load_state_dict(optim.SGD([a, b]).state_dict())


def _step_with_loaded_state(lib: Any, name: str, kwargs: dict, state_shape: tuple, param_shape: tuple) -> None:
    """One step of `name` whose state was saved for a parameter of `state_shape` and loaded into one
    of `param_shape` (a checkpoint loaded into a model whose parameters changed shape or order)."""
    saved = lib.nn.Parameter(lib.ones(state_shape))
    opt = getattr(lib.optim, name)([saved], lr=0.1, **kwargs)
    saved.grad = lib.ones(state_shape)
    opt.step()
    p = lib.nn.Parameter(lib.ones(param_shape))
    p.grad = lib.ones(param_shape)
    resumed = getattr(lib.optim, name)([p], lr=0.1, **kwargs)
    resumed.load_state_dict(opt.state_dict())
    resumed.step()


_MISFIT_STATES = [  # (state shape, parameter shape, PyTorch's error for the first in-place op on a buffer)
    ((2,), (4, 3), r"The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 1"),
    ((4, 3), (2,), r"The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dimension 1"),
    ((3,), (4, 3), r"output with shape \[3\] doesn't match the broadcast shape \[4, 3\]"),
    ((4, 1), (4, 3), r"output with shape \[4, 1\] doesn't match the broadcast shape \[4, 3\]"),
]
_MISFIT_OPTIMIZERS = [("Adam", {}), ("AdamW", {"amsgrad": True}), ("SGD", {"momentum": 0.9}), ("RMSprop", {}),
                      ("Adagrad", {}), ("ASGD", {})]


@pytest.mark.parametrize("state_shape, param_shape, message", _MISFIT_STATES)
@pytest.mark.parametrize("name, kwargs", _MISFIT_OPTIMIZERS)
def test_step_with_misfit_loaded_state_raises_runtime_error(name, kwargs, state_shape, param_shape, message) -> None:
    """NumPy's ValueError from the update becomes PyTorch's RuntimeError naming the shapes."""
    with pytest.raises(RuntimeError, match=message):
        _step_with_loaded_state(rg, name, kwargs, state_shape, param_shape)


def test_rprop_misfit_state_names_the_gradient_first() -> None:
    with pytest.raises(RuntimeError, match=r"tensor a \(3\) must match the size of tensor b \(2\)"):
        _step_with_loaded_state(rg, "Rprop", {}, (2,), (4, 3))


@needs_torch
@pytest.mark.parametrize("state_shape, param_shape", [s[:2] for s in _MISFIT_STATES])
@pytest.mark.parametrize("name, kwargs", _MISFIT_OPTIMIZERS + [("Rprop", {}), ("NAdam", {}), ("Adadelta", {})])
def test_step_with_misfit_loaded_state_vs_torch(name, kwargs, state_shape, param_shape) -> None:
    errors = []
    for lib in (rg, torch):
        with pytest.raises(Exception) as info:
            _step_with_loaded_state(lib, name, kwargs, state_shape, param_shape)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]


# --- hand-computed values (no PyTorch needed) ------------------------------------------------------------


def test_sgd_momentum_by_hand() -> None:
    p = rg.nn.Parameter(rg.tensor([1.0, 2.0], dtype=rg.float64))
    g = np.array([0.5, -1.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    expected, buf = np.array([1.0, 2.0]), None
    for _ in range(3):
        p.grad = rg.tensor(g)
        opt.step()
        buf = g.copy() if buf is None else 0.9 * buf + g  # b1 = g, then b ← 0.9·b + g
        expected = expected - 0.1 * buf
        np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-15)
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), 2.71 * g, rtol=1e-15)


def test_sgd_nesterov_and_weight_decay_by_hand() -> None:
    p = rg.nn.Parameter(rg.tensor([2.0], dtype=rg.float64))
    opt = optim.SGD([p], lr=0.5, momentum=0.5, nesterov=True, weight_decay=0.25)
    p.grad = rg.tensor([1.0], dtype=rg.float64)
    opt.step()
    # g = 1 + 0.25·2 = 1.5;  b = 1.5;  update = g + 0.5·b = 2.25;  p = 2 - 0.5·2.25
    assert p.item() == 2 - 0.5 * 2.25


def test_adam_first_step_by_hand() -> None:
    """After one step Adam moves each coordinate by lr·g/(|g| + eps): the bias corrections cancel."""
    p = rg.nn.Parameter(rg.tensor([1.0, -2.0, 3.0], dtype=rg.float64))
    g = np.array([0.5, -4.0, 1e-3])
    p.grad = rg.tensor(g)
    opt = optim.Adam([p], lr=0.1)
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [1.0, -2.0, 3.0] - 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-12)
    state = opt.state[p]
    assert state["step"].item() == 1.0
    np.testing.assert_allclose(state["exp_avg"].numpy(), 0.1 * g, rtol=1e-15)
    np.testing.assert_allclose(state["exp_avg_sq"].numpy(), 0.001 * g * g, rtol=1e-12)


def test_adamw_decays_weights_before_the_adam_step() -> None:
    p = rg.nn.Parameter(rg.tensor([1.0, 1.0], dtype=rg.float64))
    p.grad = rg.tensor([1.0, -1.0], dtype=rg.float64)
    optim.AdamW([p], lr=0.1, weight_decay=0.5).step()
    np.testing.assert_allclose(p.detach().numpy(), [0.95 - 0.1, 0.95 + 0.1], rtol=1e-7)


def test_adagrad_state_exists_from_construction() -> None:
    p = rg.nn.Parameter(rg.ones(2))
    opt = optim.Adagrad([p], initial_accumulator_value=0.5)
    assert opt.state[p]["step"].item() == 0.0
    np.testing.assert_array_equal(opt.state[p]["sum"].numpy(), [0.5, 0.5])


def test_step_updates_in_place_without_recording() -> None:
    W, b, x = _params(rg)
    data_before, version_before = W._data, W._version
    opt = optim.Adam([W, b])
    _loss(rg, W, b, x).backward()
    opt.step()
    assert W._data is data_before and W._version > version_before
    assert W.is_leaf and W.grad_fn is None and W.requires_grad
    assert opt.state[W]["exp_avg"].grad_fn is None


def test_parameters_without_grad_are_skipped() -> None:
    a, b = rg.nn.Parameter(rg.ones(2)), rg.nn.Parameter(rg.ones(2))
    for name in OPTIMIZER_NAMES:
        opt = getattr(optim, name)([a, b])
        a.grad = rg.ones(2)
        opt.step()
        np.testing.assert_array_equal(b.detach().numpy(), [1.0, 1.0])
        assert name == "Adagrad" or b not in opt.state


def test_closure_zero_grad_and_hooks() -> None:
    p = rg.nn.Parameter(rg.tensor([3.0]))
    opt = optim.SGD([p], lr=0.1)

    def closure() -> Any:
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    calls: list = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt, len(args))))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", o is opt)))
    glob = optim.optimizer.register_optimizer_step_pre_hook(lambda o, args, kwargs: calls.append("global"))
    loss = opt.step(closure)
    assert loss.item() == 9.0 and p.item() == pytest.approx(3.0 - 0.1 * 6.0)
    assert calls == ["global", ("pre", True, 2), ("post", True)]
    pre.remove()
    glob.remove()
    opt.step(closure)
    assert calls[3:] == [("post", True)]
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.item() == 0.0
    opt.zero_grad()
    assert p.grad is None


def test_pre_hook_can_replace_arguments() -> None:
    p = rg.nn.Parameter(rg.tensor([1.0]))
    opt = optim.SGD([p], lr=1.0)
    p.grad = rg.tensor([1.0])
    opt.register_step_pre_hook(lambda o, args, kwargs: (args, {"closure": lambda: "replaced"}))
    assert opt.step() == "replaced"
    opt.register_step_pre_hook(lambda o, args, kwargs: "nonsense")
    with pytest.raises(RuntimeError, match="must return None or a tuple of"):
        opt.step()


def test_add_param_group_and_custom_optimizer() -> None:
    a, b = rg.nn.Parameter(rg.ones(1)), rg.nn.Parameter(rg.ones(1))
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.2})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.2]
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)

    class Halve(optim.Optimizer):
        def __init__(self, params: Any) -> None:
            super().__init__(params, {"factor": optim.optimizer.required})

        def step(self, closure: Any = None) -> None:
            with rg.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        p.mul_(group["factor"])

    with pytest.raises(ValueError, match="didn't specify a value of required optimization parameter factor"):
        Halve([a])
    custom = Halve([{"params": [a], "factor": 0.5}])
    custom.step()
    assert a.item() == 0.5 and custom._opt_called


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda p: optim.SGD([p], lr=-1), ValueError, "Invalid learning rate: -1"),
        (lambda p: optim.SGD([p], momentum=-0.5), ValueError, "Invalid momentum value: -0.5"),
        (lambda p: optim.SGD([p], weight_decay=-0.5), ValueError, "Invalid weight_decay value: -0.5"),
        (lambda p: optim.SGD([p], nesterov=True), ValueError, "Nesterov momentum requires a momentum and zero"),
        (lambda p: optim.Adam([p], eps=-1.0), ValueError, "Invalid epsilon value: -1.0"),
        (lambda p: optim.Adam([p], betas=(1.0, 0.9)), ValueError, "Invalid beta parameter at index 0: 1.0"),
        (lambda p: optim.Adam([p], betas=(0.9, -0.1)), ValueError, "Invalid beta parameter at index 1: -0.1"),
        (lambda p: optim.Adam([p], betas=(0, 0.9)), ValueError, "betas must be either both floats or both Tensors"),
        (lambda p: optim.Adam([p], lr=rg.tensor([0.1, 0.2])), ValueError, "Tensor lr must be 1-element"),
        (lambda p: optim.Adam([p], fused=True, differentiable=True), RuntimeError, "`fused` does not support"),
        (lambda p: optim.SGD([p], fused=True, foreach=True), RuntimeError, "`fused` and `foreach` cannot be"),
        (lambda p: optim.RMSprop([p], alpha=-1), ValueError, "Invalid alpha value: -1"),
        (lambda p: optim.Adagrad([p], lr_decay=-1), ValueError, "Invalid lr_decay value: -1"),
        (lambda p: optim.Adagrad([p], initial_accumulator_value=-1), ValueError, "Invalid initial_accumulator_value"),
        (lambda p: optim.Adadelta([p], rho=1.5), ValueError, "Invalid rho value: 1.5"),
        (lambda p: optim.NAdam([p], momentum_decay=-1), ValueError, "Invalid momentum_decay value: -1"),
        (lambda p: optim.SGD(p), TypeError, "should be an iterable of Tensors or dicts, but got torch.FloatT"),
        (lambda p: optim.SGD([]), ValueError, "optimizer got an empty parameter list"),
        (lambda p: optim.SGD([1.0]), TypeError, "optimizer can only optimize Tensors, but one of the params is float"),
        (lambda p: optim.SGD([p * 2]), ValueError, "can't optimize a non-leaf Tensor"),
        (
            lambda p: optim.SGD([{"params": {p}}]),
            TypeError,
            "optimizer parameters need to be organized in ordered collections",
        ),
        (lambda p: optim.SGD([{"lr": 0.1}]), KeyError, "params"),
        (lambda p: optim.SGD([{"params": [p]}, {"params": [p]}]), ValueError, "some parameters appear in more than"),
        (lambda p: optim.SGD([("w", p), rg.nn.Parameter(rg.ones(1))]), ValueError, "Some param names are missing"),
        (lambda p: optim.Adam([p], capturable=True).step(), AssertionError, "If capturable=True, params and state"),
    ],
)
def test_errors(build: Callable, error: type, message: str) -> None:
    p = rg.nn.Parameter(rg.ones(2))
    p.grad = rg.ones(2)
    with pytest.raises(error, match=message.replace("(", r"\(").replace("[", r"\[")):
        build(p)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_fused_steps_on_the_cpu_with_capturable(name: str) -> None:
    """The fused kernels have no capturable device check: the flag is kept and the step runs."""
    p = rg.nn.Parameter(rg.ones(2))
    opt = getattr(optim, name)([p], lr=0.1, capturable=True, fused=True)
    p.grad = rg.ones(2)
    opt.step()
    assert opt.param_groups[0]["capturable"] is True
    assert opt.state[p]["step"].dtype == rg.float32 and opt.state[p]["step"].item() == 1.0
    assert p.detach().tolist() != [1.0, 1.0]


def test_duplicate_parameters_warn() -> None:
    p = rg.nn.Parameter(rg.ones(1))
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate parameters"):
        optim.SGD([p, p])


@needs_torch
def test_errors_vs_torch() -> None:
    def outcome(lib: Any, build: Callable) -> tuple[str, str]:
        p = lib.nn.Parameter(lib.ones(2))
        p.grad = lib.ones(2)
        try:
            build(lib, optim if lib is rg else torch.optim, p)
        except Exception as e:  # noqa: BLE001 - the point is to compare whatever is raised
            return type(e).__name__, str(e).replace("torch.", "retrograd.")
        return "no error", ""

    builds = [
        lambda lib, m, p: m.Adam([p], lr=-0.5),
        lambda lib, m, p: m.RMSprop([p], momentum=-1.0),
        lambda lib, m, p: m.Adamax([p], betas=(0.9, 1.0)),
        lambda lib, m, p: m.RAdam([p], weight_decay=-1e-3),
        lambda lib, m, p: m.SGD([{"params": [p]}, {"params": [p]}]),
        lambda lib, m, p: m.SGD([p], momentum=0.9, dampening=0.1, nesterov=True),
        lambda lib, m, p: m.Adadelta([p], capturable=True).step(),
        lambda lib, m, p: m.NAdam([p], capturable=True).step(),
        lambda lib, m, p: m.AdamW([p], capturable=True, fused=True).step(),
        lambda lib, m, p: m.Adam([p], lr=lib.tensor(0.1), foreach=True),
        lambda lib, m, p: m.SGD([p]).add_param_group([p]),
        lambda lib, m, p: m.SGD(p),
    ]
    for build in builds:
        assert outcome(rg, build) == outcome(torch, build)


@needs_torch
@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
        ("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1}),
        ("AdamW", {"lr": 0.1}),
        ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
        ("Adagrad", {"lr": 0.1}),
        ("Adadelta", {}),
        ("Adamax", {"lr": 0.1}),
        ("NAdam", {"lr": 0.1}),
        ("RAdam", {"lr": 0.1, "betas": (0.9, 0.5)}),
    ],
)
def test_differentiable_step_vs_torch(name: str, kwargs: dict) -> None:
    """With differentiable=True the update is recorded: gradients flow to the start point and the grad."""
    results = {}
    for lib in (rg, torch):
        lib.set_default_dtype(lib.float64)
        try:
            w0 = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
            g = lib.tensor([0.3, -0.2, 0.1], requires_grad=True)
            p = w0.clone()
            p.grad = g * 1.0
            getattr(optim if lib is rg else torch.optim, name)([p], differentiable=True, **kwargs).step()
            (p * p * p).sum().backward()
            results[lib.__name__] = _flat(p, w0.grad, g.grad)
        finally:
            lib.set_default_dtype(lib.float32)
    np.testing.assert_allclose(results["retrograd"], results["torch"], rtol=1e-12, atol=1e-14)


def test_differentiable_step_records_the_update() -> None:
    w0 = rg.tensor([1.0, 2.0], requires_grad=True)
    p = w0 * 1.0
    p.grad = rg.tensor([1.0, 1.0])
    optim.SGD([p], lr=0.5, differentiable=True).step()
    assert p.grad_fn is not None
    p.sum().backward()
    np.testing.assert_array_equal(w0.grad.numpy(), [1.0, 1.0])


# --- learning-rate schedulers ----------------------------------------------------------------------


def _sched_optimizer(lib: Any, name: str = "SGD", **kwargs: Any) -> Any:
    module = optim if lib is rg else torch.optim
    a, b = lib.nn.Parameter(lib.zeros(2)), lib.nn.Parameter(lib.zeros(3))
    if name == "SGD":
        kwargs.setdefault("momentum", 0.9)
    return getattr(module, name)([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, **kwargs)


SCHEDULERS: dict[str, Callable[[Any, Any], Any]] = {
    "LambdaLR": lambda m, o: m.LambdaLR(o, lambda e: 0.95**e),
    "LambdaLR-per-group": lambda m, o: m.LambdaLR(o, [lambda e: 0.95**e, lambda e: 1 / (e + 1)]),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.9),
    "StepLR": lambda m, o: m.StepLR(o, 4, gamma=0.5),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, [3, 7, 7, 15], gamma=0.3),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.4, total_iters=6),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=10),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, 0.87),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=12, power=2.0),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.001),
    "CyclicLR-triangular2": lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=3, step_size_down=5, mode="triangular2"),
    "CyclicLR-exp_range": lambda m, o: m.CyclicLR(o, [0.01, 0.02], 0.1, step_size_up=4, mode="exp_range", gamma=0.97),
    "OneCycleLR-cos": lambda m, o: m.OneCycleLR(o, 1.0, total_steps=30),
    "OneCycleLR-linear-three-phase": lambda m, o: m.OneCycleLR(
        o, [1.0, 0.5], epochs=3, steps_per_epoch=10, anneal_strategy="linear", three_phase=True
    ),
    "SequentialLR": lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, 0.2, total_iters=4), m.ExponentialLR(o, 0.9), m.StepLR(o, 3)], milestones=[5, 12]
    ),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler([m.ConstantLR(o, 0.5, total_iters=3), m.ExponentialLR(o, 0.9)]),
}


def _schedule(lib: Any, build: Callable, steps: int = 25, opt_name: str = "SGD", metrics: list | None = None) -> tuple:
    """lrs after construction and after each step, and the first group's momentum/beta1 after each step."""
    opt = _sched_optimizer(lib, opt_name)
    scheduler = build(optim.lr_scheduler if lib is rg else torch.optim.lr_scheduler, opt)
    lrs, momenta = [list(scheduler.get_last_lr())], []
    for i in range(steps):
        opt.step()
        scheduler.step() if metrics is None else scheduler.step(metrics[i])
        lrs.append(list(scheduler.get_last_lr()))
        group = opt.param_groups[0]
        momenta.append(group["betas"][0] if "betas" in group else group["momentum"])
    return lrs, momenta


@needs_torch
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_lrs_vs_torch(name: str) -> None:
    ours, theirs = _schedule(rg, SCHEDULERS[name]), _schedule(torch, SCHEDULERS[name])
    assert ours == theirs  # the recursive forms are PyTorch's, so the floats agree exactly


@needs_torch
@pytest.mark.parametrize("name", ["OneCycleLR-cos", "OneCycleLR-linear-three-phase", "CyclicLR-triangular2"])
def test_momentum_cycling_of_adam_betas_vs_torch(name: str) -> None:
    ours, theirs = _schedule(rg, SCHEDULERS[name], opt_name="Adam"), _schedule(torch, SCHEDULERS[name], opt_name="Adam")
    assert ours == theirs


PLATEAU_METRICS = [5, 4, 4.2, 4.1, 4.0, 4.3, 4.5, 3.0, 3.1, 3.05, 3.2, 3.3, 3.3, 3.3, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5]


@needs_torch
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"patience": 2, "factor": 0.5, "cooldown": 1, "threshold": 0.01},
        {"mode": "max", "patience": 1, "threshold_mode": "abs", "threshold": 0.05, "min_lr": [0.01, 0.02]},
        {"mode": "min", "patience": 0, "threshold_mode": "abs", "min_lr": 0.004, "eps": 1e-3},
    ],
)
def test_reduce_lr_on_plateau_vs_torch(kwargs: dict) -> None:
    def build(m: Any, o: Any) -> Any:
        return m.ReduceLROnPlateau(o, **kwargs)

    steps = len(PLATEAU_METRICS)
    ours = _schedule(rg, build, steps, metrics=PLATEAU_METRICS)
    assert ours == _schedule(torch, build, steps, metrics=PLATEAU_METRICS)


def test_reduce_lr_on_plateau_by_hand() -> None:
    opt = _sched_optimizer(rg)
    plateau = lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5, cooldown=1, threshold=0.01)
    lrs = []
    for metric in [5, 4, 4.2, 4.1, 4.0, 4.3, 4.5, 3.0, 3.1, 3.05, 3.2, 3.3]:
        plateau.step(metric)
        lrs.append(plateau.get_last_lr()[0])
    # 4.0 is not 1% better than 4 (rel threshold): bad epochs 4.2, 4.1, 4.0 → halve after the third;
    # one cooldown epoch (4.3 ignored), 4.5 bad, 3.0 best, then 3.1, 3.05, 3.2 bad → halve again;
    # 3.3 falls in the new cooldown, so the bad-epoch count stays 0.
    assert lrs == [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025]
    assert plateau.best == 3.0 and plateau.num_bad_epochs == 0 and plateau.last_epoch == 12


def test_schedules_by_hand() -> None:
    cases = {
        "StepLR": ([0.1, 0.1, 0.05, 0.05, 0.025], lambda o: lr_scheduler.StepLR(o, 2, gamma=0.5)),
        "MultiStepLR": ([0.1, 0.01, 0.01, 0.001, 0.001], lambda o: lr_scheduler.MultiStepLR(o, [1, 3])),
        "ConstantLR": ([0.05, 0.05, 0.1, 0.1, 0.1], lambda o: lr_scheduler.ConstantLR(o, 0.5, total_iters=2)),
        "LinearLR": ([0.05, 0.075, 0.1, 0.1, 0.1], lambda o: lr_scheduler.LinearLR(o, 0.5, total_iters=2)),
        "ExponentialLR": ([0.1, 0.05, 0.025, 0.0125, 0.00625], lambda o: lr_scheduler.ExponentialLR(o, 0.5)),
        "CosineAnnealingLR": ([0.1, 0.05, 0.0, 0.05, 0.1], lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=2)),
        "PolynomialLR": ([0.1, 0.075, 0.05, 0.025, 0.0], lambda o: lr_scheduler.PolynomialLR(o, total_iters=4)),
        "LambdaLR": ([0.1, 0.05, 0.1 / 3, 0.025, 0.02], lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (e + 1))),
    }
    for name, (expected, build) in cases.items():
        p = rg.nn.Parameter(rg.zeros(1))
        opt = optim.SGD([p], lr=0.1)
        scheduler = build(opt)
        lrs = [scheduler.get_last_lr()[0]]
        for _ in range(4):
            opt.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr()[0])
        np.testing.assert_allclose(lrs, expected, rtol=1e-12, atol=1e-15, err_msg=name)
        assert opt.param_groups[0]["initial_lr"] == 0.1 and scheduler.base_lrs == [0.1]


def test_one_cycle_by_hand() -> None:
    p = rg.nn.Parameter(rg.zeros(1))
    opt = optim.Adam([p], lr=0.1)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=11, pct_start=0.5, anneal_strategy="linear")
    lrs, betas = [sched.get_last_lr()[0]], [opt.param_groups[0]["betas"][0]]
    for _ in range(10):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        betas.append(opt.param_groups[0]["betas"][0])
    # Warm-up phase ends at step 0.5·11 - 1 = 4.5 (lr max_lr/25 → 1, beta1 0.95 → 0.85); the
    # second phase runs from 4.5 to 10 (lr 1 → max_lr/25/1e4, beta1 0.85 → 0.95).
    assert lrs[0] == pytest.approx(0.04) and lrs[-1] == pytest.approx(0.04 / 1e4)
    assert lrs[4] == pytest.approx(0.04 + 0.96 * 4 / 4.5)
    assert lrs[5] == pytest.approx(1.0 + (4e-6 - 1.0) * 0.5 / 5.5)
    assert betas[0] == 0.95 and betas[4] == pytest.approx(0.95 - 0.1 * 4 / 4.5)
    assert betas[5] == pytest.approx(0.85 + 0.1 * 0.5 / 5.5) and betas[-1] == pytest.approx(0.95)
    sched.step()  # epoch 11 is still accepted, as in PyTorch
    with pytest.raises(ValueError, match="Tried to step 12 times. The specified number of total steps is 11"):
        sched.step()


@needs_torch
@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR"])
def test_closed_form_epoch_argument_vs_torch(name: str) -> None:
    results = []
    for lib in (rg, torch):
        opt = _sched_optimizer(lib)
        scheduler = SCHEDULERS[name](optim.lr_scheduler if lib is rg else torch.optim.lr_scheduler, opt)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lrs = []
            for epoch in [3, 4, 9, 2, 15]:
                opt.step()
                scheduler.step(epoch)
                lrs.append(scheduler.get_last_lr())
        results.append((lrs, [str(w.message) for w in caught]))
    assert results[0] == results[1]
    assert "The epoch parameter in `scheduler.step()` was not necessary" in results[0][1][0]


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_state_dict_round_trip(name: str) -> None:
    def fresh() -> tuple[Any, Any]:
        opt = _sched_optimizer(rg)
        return opt, SCHEDULERS[name](lr_scheduler, opt)

    opt, scheduler = fresh()
    for _ in range(7):
        opt.step()
        scheduler.step()
    saved = copy.deepcopy(scheduler.state_dict())
    assert "optimizer" not in saved
    opt2, scheduler2 = fresh()
    opt2.load_state_dict(copy.deepcopy(opt.state_dict()))
    scheduler2.load_state_dict(saved)
    for _ in range(10):
        for o, s in ((opt, scheduler), (opt2, scheduler2)):
            o.step()
            s.step()
        assert scheduler2.get_last_lr() == scheduler.get_last_lr()


@needs_torch
@pytest.mark.parametrize("name", ["StepLR", "OneCycleLR-cos", "CyclicLR-exp_range", "CosineAnnealingWarmRestarts"])
def test_scheduler_state_dict_vs_torch(name: str) -> None:
    dicts = []
    for lib in (rg, torch):
        opt = _sched_optimizer(lib)
        scheduler = SCHEDULERS[name](optim.lr_scheduler if lib is rg else torch.optim.lr_scheduler, opt)
        opt.step()
        scheduler.step()
        dicts.append(
            (scheduler.state_dict(), [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups])
        )
    assert dicts[0] == dicts[1]


_SCHEDULER_CLASSES = [
    "LRScheduler", "_LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
    "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau",
    "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR",
]  # fmt: skip


def test_scheduler_classes_name_their_public_module() -> None:
    # defined in private modules, they print as PyTorch's do: <...optim.lr_scheduler.LinearLR object at 0x...>
    for name in _SCHEDULER_CLASSES:
        assert getattr(lr_scheduler, name).__module__ == "retrograd.optim.lr_scheduler"
    opt = optim.SGD([rg.nn.Parameter(rg.zeros(1))], lr=0.1)
    assert repr(lr_scheduler.LinearLR(opt)).startswith("<retrograd.optim.lr_scheduler.LinearLR object at 0x")


@needs_torch
def test_scheduler_class_modules_vs_torch() -> None:
    for name in _SCHEDULER_CLASSES:
        ours = getattr(lr_scheduler, name).__module__
        assert ours.replace("retrograd", "torch") == getattr(torch.optim.lr_scheduler, name).__module__


_OPTIMIZER_MODULES = {
    "ASGD": "asgd", "Adadelta": "adadelta", "Adagrad": "adagrad", "Adam": "adam", "AdamW": "adamw",
    "Adamax": "adamax", "LBFGS": "lbfgs", "NAdam": "nadam", "Optimizer": "optimizer", "RAdam": "radam",
    "RMSprop": "rmsprop", "Rprop": "rprop", "SGD": "sgd", "SparseAdam": "sparse_adam",
}  # fmt: skip


def test_optimizer_classes_live_in_pytorchs_modules() -> None:
    # `from torch.optim.adamw import AdamW` (and sklearn-style reprs such as pytorch-tabnet's, which
    # print `optimizer_fn=<class 'torch.optim.adamw.AdamW'>`) need AdamW in its own module
    import importlib

    for name, module in _OPTIMIZER_MODULES.items():
        assert getattr(optim, name).__module__ == f"retrograd.optim.{module}"
        assert getattr(importlib.import_module(f"retrograd.optim.{module}"), name) is getattr(optim, name)


@needs_torch
def test_optimizer_class_modules_vs_torch() -> None:
    for name in _OPTIMIZER_MODULES:
        assert getattr(optim, name).__module__.replace("retrograd", "torch") == getattr(torch.optim, name).__module__


def _capitalised_names(module: Any) -> list[str]:
    # fast.ai's course lists the schedulers this way: `dir(lr_scheduler)`, names like `StepLR`
    return [n for n in dir(module) if n[0].isupper() and n[1].islower()]


def test_lr_scheduler_module_holds_pytorchs_helper_names() -> None:
    names = _capitalised_names(lr_scheduler)
    for name in ["Counter", "Literal", "Optimizer", "Self", "SupportsFloat", "Tensor", "TypedDict", "StepLR"]:
        assert name in names
    assert lr_scheduler.Optimizer is optim.Optimizer and lr_scheduler.Tensor is rg.Tensor
    assert lr_scheduler.EPOCH_DEPRECATION_WARNING.startswith("The epoch parameter in `scheduler.step()`")


@needs_torch
def test_lr_scheduler_capitalised_names_vs_torch() -> None:
    assert _capitalised_names(lr_scheduler) == _capitalised_names(torch.optim.lr_scheduler)


def test_scheduler_warnings() -> None:
    p = rg.nn.Parameter(rg.zeros(1))
    opt = optim.SGD([p], lr=0.1)
    scheduler = lr_scheduler.StepLR(opt, 2)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        scheduler.step()
    opt2 = optim.SGD([p], lr=0.1)
    scheduler2 = lr_scheduler.StepLR(opt2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt2.step()
        scheduler2.step()
    with pytest.warns(UserWarning, match=r"please use `get_last_lr\(\)`"):
        scheduler2.get_lr()



def _step_override_warnings(lib: Any, after: bool, call_step: bool) -> list[str]:
    """The scheduler's first-step warnings when `optimizer.step` is set on the instance before
    (or after) the scheduler is built, as a notebook wrapping its optimizer's step does."""
    import types

    opt = lib.optim.SGD([lib.nn.Parameter(lib.zeros(1))], lr=0.1)
    calls = []
    plain_step = types.MethodType(lambda self, closure=None: calls.append(self), opt)
    if not after:
        opt.step = plain_step
    scheduler = lib.optim.lr_scheduler.StepLR(opt, 2)
    if after:
        opt.step = plain_step
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if call_step:
            opt.step()
        scheduler.step()
    assert calls == ([opt] if call_step else [])
    return [str(w.message)[:40] for w in caught]


def test_step_set_on_the_optimizer_before_the_scheduler_is_tracked() -> None:
    # wrapped by the scheduler, as PyTorch does: a call counts, and it is not "overridden"
    assert _step_override_warnings(rg, after=False, call_step=True) == []
    assert _step_override_warnings(rg, after=False, call_step=False) == [
        "Detected call of `lr_scheduler.step()` b"
    ]
    assert _step_override_warnings(rg, after=True, call_step=True) == [
        "Seems like `optimizer.step()` has been o"
    ]


@needs_torch
def test_step_set_on_the_optimizer_before_the_scheduler_vs_torch() -> None:
    for after in (False, True):
        for call_step in (False, True):
            ours = _step_override_warnings(rg, after, call_step)
            assert ours == _step_override_warnings(torch, after, call_step), (after, call_step)


def test_scheduler_errors() -> None:
    p = rg.nn.Parameter(rg.zeros(1))
    with pytest.raises(TypeError, match="object is not an Optimizer"):
        lr_scheduler.StepLR(object(), 2)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
        lr_scheduler.StepLR(optim.SGD([p]), 2, last_epoch=3)
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        lr_scheduler.ReduceLROnPlateau(optim.SGD([p]), factor=1.0)
    with pytest.raises(ValueError, match="threshold mode foo is unknown!"):
        lr_scheduler.ReduceLROnPlateau(optim.SGD([p]), threshold_mode="foo")
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([p]), 1.0, total_steps=5)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        lr_scheduler.OneCycleLR(optim.SGD([p]), 1.0)
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        lr_scheduler.LambdaLR(optim.SGD([p]), [lambda e: 1.0, lambda e: 1.0])
    opt = optim.SGD([p])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.ReduceLROnPlateau(opt), lr_scheduler.StepLR(opt, 2)], [3])
    with pytest.raises(ValueError, match="Sequential Schedulers expects number of schedulers provided to be one more"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(opt, 2)], [3])
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)


def test_tensor_lr_is_filled_in_place_by_schedulers() -> None:
    p = rg.nn.Parameter(rg.zeros(1))
    lr = rg.tensor(0.1, dtype=rg.float64)
    opt = optim.SGD([p], lr=lr)
    scheduler = lr_scheduler.ExponentialLR(opt, 0.5)
    opt.step()
    scheduler.step()
    assert opt.param_groups[0]["lr"] is lr and math.isclose(lr.item(), 0.05)


def _warmup_run(lib: Any) -> tuple[list, dict]:
    """A scheduler written the pre-rename way: a subclass of `_LRScheduler` with its own get_lr."""
    module = lr_scheduler if lib is rg else torch.optim.lr_scheduler

    class WarmUp(module._LRScheduler):
        def __init__(self, optimizer: Any, warmup: int, last_epoch: int = -1) -> None:
            self.warmup = warmup
            super().__init__(optimizer, last_epoch)

        def get_lr(self) -> list[float]:
            return [base * min(1.0, (self.last_epoch + 1) / self.warmup) for base in self.base_lrs]

    opt = (optim if lib is rg else torch.optim).SGD([lib.nn.Parameter(lib.ones(2))], lr=0.5)
    scheduler = WarmUp(opt, 4)
    lrs = []
    for _ in range(5):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    return lrs, scheduler.state_dict()


def test_old_lr_scheduler_name_is_a_subclass_for_old_schedulers() -> None:
    old = lr_scheduler._LRScheduler
    assert old.__name__ == "_LRScheduler" and issubclass(old, lr_scheduler.LRScheduler)
    assert not issubclass(lr_scheduler.StepLR, old) and not issubclass(lr_scheduler.ReduceLROnPlateau, old)
    assert "_LRScheduler" not in lr_scheduler.__all__
    lrs, state = _warmup_run(rg)
    assert lrs == [[0.25], [0.375], [0.5], [0.5], [0.5]]
    assert state["warmup"] == 4 and state["last_epoch"] == 5


@needs_torch
def test_old_lr_scheduler_name_vs_torch() -> None:
    ours, theirs = lr_scheduler, torch.optim.lr_scheduler
    for name in ("LRScheduler", "StepLR", "LambdaLR", "ReduceLROnPlateau", "OneCycleLR"):
        assert issubclass(getattr(ours, name), ours._LRScheduler) == issubclass(
            getattr(theirs, name), theirs._LRScheduler
        ), name
    assert issubclass(ours._LRScheduler, ours.LRScheduler) == issubclass(theirs._LRScheduler, theirs.LRScheduler)
    assert _warmup_run(rg) == _warmup_run(torch)


@needs_torch
def test_state_dict_indices_with_repeated_parameters_vs_torch() -> None:
    layouts = []
    for lib in (rg, torch):
        a, b, c = (lib.nn.Parameter(lib.ones(1)) for _ in range(3))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt = (optim if lib is rg else torch.optim).SGD([{"params": [a, a, b]}, {"params": [c]}])
        layouts.append([g["params"] for g in opt.state_dict()["param_groups"]])
    assert layouts[0] == layouts[1] == [[1, 1, 2], [3]]


def test_subclass_calling_super_step_runs_hooks_once() -> None:
    class LoggedSGD(optim.SGD):
        def step(self, closure: Any = None) -> Any:
            return super().step(closure)

    p = rg.nn.Parameter(rg.ones(1))
    p.grad = rg.ones(1)
    opt = LoggedSGD([p], lr=0.5)
    calls: list = []
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))
    opt.step()
    assert calls == ["post"] and p.item() == 0.5


def _wrapper_optimizer_steps(m: Any) -> list:
    """torch-optimizer's Lookahead: an Optimizer subclass that never calls Optimizer.__init__."""

    class Wrapper(m.optim.Optimizer):
        def __init__(self, inner: Any) -> None:
            self.inner = inner
            self.param_groups = inner.param_groups

        def step(self, closure: Any = None) -> Any:
            return self.inner.step(closure)

    p = m.nn.Parameter(m.ones(1))
    p.grad = m.ones(1)
    inner = m.optim.SGD([p], lr=0.5)
    calls: list = []
    inner.register_step_post_hook(lambda o, args, kwargs: calls.append("inner post"))
    Wrapper(inner).step()
    return [calls, p.item()]


def test_an_optimizer_that_skips_optimizer_init_steps_bare() -> None:
    # PyTorch wraps `step` with the hooks in Optimizer.__init__: without it, no hooks of its own
    # (it has no hook tables), while the inner optimizer's run as usual
    assert _wrapper_optimizer_steps(rg) == [["inner post"], 0.5]


@pytest.mark.pytorch
def test_an_optimizer_that_skips_optimizer_init_vs_torch() -> None:
    torch = pytest.importorskip("torch")
    assert _wrapper_optimizer_steps(rg) == _wrapper_optimizer_steps(torch)


def _wrapper_scheduler_warnings(m: Any) -> list:
    """Accelerate's AcceleratedOptimizer (no Optimizer.__init__) with a scheduler built on it, as
    transformers' Trainer does: the scheduler sees the wrapper's steps, so no step-order warning."""

    class Wrapper(m.optim.Optimizer):
        def __init__(self, inner: Any) -> None:
            self.optimizer = inner
            self.param_groups = inner.param_groups
            self.defaults = inner.defaults

        def step(self, closure: Any = None) -> Any:
            return self.optimizer.step(closure)

    p = m.nn.Parameter(m.ones(1))
    p.grad = m.ones(1)
    opt = Wrapper(m.optim.SGD([p], lr=0.5))
    scheduler = m.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opt.step()
        scheduler.step()
    return [str(w.message)[:40] for w in caught] + [p.item(), scheduler.get_last_lr()]


def test_scheduler_sees_steps_of_an_optimizer_that_skips_optimizer_init() -> None:
    assert _wrapper_scheduler_warnings(rg) == [0.5, [0.25]]


@pytest.mark.pytorch
def test_scheduler_sees_steps_of_an_optimizer_that_skips_optimizer_init_vs_torch() -> None:
    torch = pytest.importorskip("torch")
    assert _wrapper_scheduler_warnings(rg) == _wrapper_scheduler_warnings(torch)


# --- LBFGS: closure-driven, several evaluations per step ---------------------------------------------

LBFGS_CASES = [
    {},
    {"line_search_fn": "strong_wolfe"},
    {"lr": 0.5, "max_iter": 5, "history_size": 3},
    {"lr": 0.8, "max_iter": 4, "history_size": 2, "line_search_fn": "strong_wolfe"},
    {"max_iter": 1},
    {"tolerance_grad": 1e-3, "tolerance_change": 1e-4, "max_eval": 7},
    {"lr": 10, "max_iter": 3, "line_search_fn": "strong_wolfe"},  # brackets, zooms, runs out of evaluations
    {"lr": 0.05, "history_size": 1, "line_search_fn": "strong_wolfe"},
]


def _lbfgs_loss(lib: Any, W: Any, b: Any, x: Any) -> Any:
    """Smooth and bounded below (L-BFGS runs to the minimum): tanh features, quartic and exp terms."""
    h = lib.tanh(x @ W + b)
    return ((h - 0.5) ** 2).sum() + (W * W).sum() * 0.5 + (W**4).sum() * 0.1 + (lib.exp(b * 0.3) - b + b * b).sum()


def _lbfgs_run(lib: Any, kwargs: dict, steps: int = 20, lr_tensor: bool = False) -> tuple[np.ndarray, Any]:
    """Parameters and the returned loss after each `step(closure)`, and the optimizer."""
    W, b, x = _params(lib)
    if lr_tensor:
        kwargs = dict(kwargs, lr=lib.tensor(kwargs.get("lr", 1.0), dtype=lib.float64))
    opt = (optim if lib is rg else torch.optim).LBFGS([W, b], **kwargs)

    def closure() -> Any:
        opt.zero_grad()
        loss = _lbfgs_loss(lib, W, b, x)
        loss.backward()
        return loss

    rows = [np.append(_flat(W, b), float(opt.step(closure).detach())) for _ in range(steps)]
    return np.array(rows), opt


@needs_torch
@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=lambda k: "-".join(f"{a}={v}" for a, v in k.items()) or "default")
def test_lbfgs_trajectory_vs_torch(kwargs: dict) -> None:
    (ours, mine), (theirs, ref) = _lbfgs_run(rg, kwargs), _lbfgs_run(torch, kwargs)
    for step, (a, b) in enumerate(zip(ours, theirs), 1):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"LBFGS {kwargs} step {step}")
    state, expected = mine.state[mine._params[0]], ref.state[ref._params[0]]
    assert sorted(state) == sorted(expected)
    for key in ("func_evals", "n_iter"):
        assert state[key] == expected[key], key
    assert len(state["old_dirs"]) == len(expected["old_dirs"])
    np.testing.assert_allclose(state["d"].numpy(), expected["d"].numpy(), rtol=1e-8, atol=1e-12)


@needs_torch
def test_lbfgs_tensor_lr_vs_torch() -> None:
    kwargs = {"lr": 0.7, "line_search_fn": "strong_wolfe"}
    np.testing.assert_allclose(
        _lbfgs_run(rg, kwargs, lr_tensor=True)[0], _lbfgs_run(torch, kwargs, lr_tensor=True)[0], rtol=1e-10, atol=1e-12
    )


@needs_torch
def test_lbfgs_repr_and_defaults_vs_torch() -> None:
    ours = optim.LBFGS([rg.nn.Parameter(rg.zeros(2))], max_iter=8)
    theirs = torch.optim.LBFGS([torch.nn.Parameter(torch.zeros(2))], max_iter=8)
    assert repr(ours) == repr(theirs)
    assert ours.defaults == theirs.defaults


def test_lbfgs_errors() -> None:
    p = rg.nn.Parameter(rg.ones(2))
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.LBFGS([p], lr=-1)
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        optim.LBFGS([{"params": [p]}, {"params": [rg.nn.Parameter(rg.ones(1))]}])
    opt = optim.LBFGS([p], line_search_fn="armijo")

    def closure() -> Any:
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)
    with pytest.raises(TypeError):
        opt.step()  # type: ignore[call-arg]


def test_lbfgs_solves_a_quadratic_and_round_trips_its_state() -> None:
    A = rg.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=rg.float64)
    target = rg.tensor([1.0, -1.0], dtype=rg.float64)
    x = rg.nn.Parameter(rg.zeros(2, dtype=rg.float64))
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe")

    def closure() -> Any:
        opt.zero_grad()
        loss = 0.5 * x @ A @ x - target @ x
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), np.linalg.solve(A.numpy(), target.numpy()), rtol=1e-5)
    saved = copy.deepcopy(opt.state_dict())
    fresh = optim.LBFGS([rg.nn.Parameter(x.detach().clone())], line_search_fn="strong_wolfe")
    fresh.load_state_dict(saved)
    assert fresh.state_dict()["state"][0]["n_iter"] == saved["state"][0]["n_iter"]
    assert sorted(fresh.state_dict()["state"][0]) == sorted(saved["state"][0])


def _complex_lbfgs(lib: Any, kwargs: dict) -> tuple[np.ndarray, Any]:
    w = lib.nn.Parameter(lib.tensor(np.array([1 + 2j, -0.5 + 0.1j])))
    z = lib.tensor(np.array([0.3 - 0.2j, 1 + 1j]))
    opt = (optim if lib is rg else torch.optim).LBFGS([w], lr=0.5, max_iter=4, **kwargs)

    def closure() -> Any:
        opt.zero_grad()
        loss = ((w - z).abs() ** 2).sum() + (w.real**4).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    return w.detach().numpy(), opt.state[w]


@needs_torch
@pytest.mark.parametrize("kwargs", [{}, {"line_search_fn": "strong_wolfe"}], ids=["fixed", "strong_wolfe"])
def test_lbfgs_complex_parameters_vs_torch(kwargs: dict) -> None:
    """A complex parameter is two real coordinates: the flat vectors have 2n entries, as in PyTorch."""
    (ours, state), (theirs, expected) = _complex_lbfgs(rg, kwargs), _complex_lbfgs(torch, kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    assert state["d"].shape == tuple(expected["d"].shape) == (4,)
    np.testing.assert_allclose(state["d"].numpy(), expected["d"].numpy(), rtol=1e-8, atol=1e-12)


def test_lbfgs_complex_parameter_by_hand() -> None:
    """min |w - z|²: the gradient 2(w - z) as (real, imag) pairs; a fixed step of 1/4 lands on z."""
    w = rg.nn.Parameter(rg.tensor([1 + 2j], dtype=rg.complex128))
    z = rg.tensor([0.5 - 1j], dtype=rg.complex128)
    opt = optim.LBFGS([w], lr=0.5, max_iter=1)

    def closure() -> Any:
        opt.zero_grad()
        loss = ((w - z).abs() ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)  # first iteration: t = min(1, 1/|g|₁)·lr = lr/7, g = (1, 6)
    np.testing.assert_allclose(opt.state[w]["prev_flat_grad"].numpy(), [1.0, 6.0], rtol=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), [1 + 2j - (0.5 / 7) * (1 + 6j)], rtol=1e-12)


def test_lbfgs_steps_do_not_warn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The closure's loss becomes a float outside grad mode, so float() of it does not warn."""
    # the warning shows once per process: make it due again, whatever ran before
    monkeypatch.setitem(sys.modules["retrograd.tensor"]._scalar_warning, "shown", False)
    W, b, x = _params(rg)
    for kwargs in ({"max_iter": 4}, {"max_iter": 4, "line_search_fn": "strong_wolfe"}):
        opt = optim.LBFGS([W, b], **kwargs)

        def closure(opt: Any = opt) -> Any:
            opt.zero_grad()
            loss = _lbfgs_loss(rg, W, b, x)
            loss.backward()
            return loss

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in range(3):
                opt.step(closure)


def test_lbfgs_step_records_nothing_and_closure_sees_grad_mode() -> None:
    p = rg.nn.Parameter(rg.tensor([2.0, -1.0]))
    modes = []
    opt = optim.LBFGS([p], max_iter=3)

    def closure() -> Any:
        modes.append(rg.is_grad_enabled())
        opt.zero_grad()
        loss = (p**2).sum()
        loss.backward()
        return loss

    with rg.no_grad():
        opt.step(closure)
    assert modes and all(modes)
    assert p.grad_fn is None and p.requires_grad


# --- float16/bfloat16 parameters: each in-place op in float32, rounded once, as PyTorch's kernels -------


def _half(values, dtype: str) -> np.ndarray:
    """float32 `values` rounded to `dtype` and back (by way of retrograd's conversion)."""
    return rg.tensor(np.asarray(values, np.float32)).to(getattr(rg, dtype)).float().numpy()


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_adamw_step_on_half_parameter_rounds_once_per_op(dtype):
    p0, g = np.float32([0.75, -1.5, 0.3]), np.float32([0.2, -0.05, 1.3])
    p0, g = _half(p0, dtype), _half(g, dtype)
    lr, wd, (b1, b2), eps = 1e-2, 0.1, (0.9, 0.999), 1e-8
    p = rg.tensor(p0).to(getattr(rg, dtype)).requires_grad_()
    p.grad = rg.tensor(g).to(p.dtype)
    optim.AdamW([p], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd).step()
    # PyTorch's sequence, each in-place op computed in float32 (numbers too) and rounded to the dtype;
    # NumPy's half arithmetic would round 0.1, 0.999 and each intermediate to the dtype first
    param = _half(p0 * np.float32(1 - lr * wd), dtype)
    exp_avg = _half(np.float32(1 - b1) * g, dtype)
    exp_avg_sq = _half(np.float32(1 - b2) * g * g, dtype)
    denom = _half(np.sqrt(exp_avg_sq), dtype)
    denom = _half(denom / np.float32(math.sqrt(1 - b2)), dtype)
    denom = _half(denom + _half(eps, dtype), dtype)
    expected = _half(param + np.float32(-lr / (1 - b1)) * exp_avg / denom, dtype)
    assert p.detach().float().numpy().tolist() == expected.tolist()


@pytest.mark.pytorch
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize(("name", "options"), [
    ("AdamW", {"lr": 3e-2, "weight_decay": 0.1}), ("Adam", {"lr": 3e-2, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"lr": 1e-2, "momentum": 0.5, "centered": True}),
])
def test_half_parameter_steps_match_pytorch(dtype, name, options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    # whole vectors of PyTorch's kernels (64 elements a row): their scalar tail computes Adam's
    # `grad.add(param, alpha=weight_decay)` with alpha·param rounded to the dtype first
    start, grads = rng.normal(size=(8, 64)), rng.normal(size=(3, 8, 64))
    seen = []
    for m in (rg, torch):
        p = m.tensor(start).to(getattr(m, dtype)).requires_grad_()
        opt = getattr(m.optim, name)([p], **options)
        for g in grads:
            p.grad = m.tensor(g).to(p.dtype)
            opt.step()
        seen.append([p.detach().float().numpy()] + [b.float().numpy() for b in opt.state[p].values() if b.dim()])
    for ours, theirs in zip(*seen):  # (float16 underflows some squared averages to 0: NaN in both)
        np.testing.assert_array_equal(ours, theirs)


# --- 0-d parameters (Accelerate's RegressionModel: Parameter(torch.tensor(a).float())) -------------

_SCALAR_CASES = [
    ("SGD", {}), ("SGD", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}), ("Adam", {}),
    ("AdamW", {"amsgrad": True}), ("RMSprop", {"momentum": 0.5, "centered": True}), ("RMSprop", {}),
    ("Adagrad", {}), ("Adadelta", {}), ("Adamax", {}), ("NAdam", {}), ("RAdam", {}), ("ASGD", {}),
    ("Rprop", {}), ("Adafactor", {}),
]  # fmt: skip


def _scalar_param_steps(m: Any, name: str, options: dict, shape: tuple) -> tuple:
    """Eight steps fitting y = x (RAdam rectifies from step 6); the values and the state's shapes."""
    a = m.nn.Parameter(m.zeros(shape))
    b = m.nn.Parameter(m.full(shape, 0.5))
    x = m.arange(4.0)
    opt = getattr(m.optim, name)([a, b], lr=0.1, **options)
    for _ in range(8):
        opt.zero_grad()
        ((x * a + b - x) ** 2).mean().backward()
        opt.step()
    shapes = {k: tuple(v.shape) for k, v in opt.state[a].items() if isinstance(v, m.Tensor) and k != "step"}
    return a.reshape(-1).tolist(), b.reshape(-1).tolist(), shapes


@pytest.mark.parametrize(("name", "options"), _SCALAR_CASES)
def test_zero_dim_parameters_step(name: str, options: dict) -> None:
    # NumPy makes scalars of 0-d arithmetic, which in-place steps cannot change: SGD raised
    # "return arrays must be of ArrayType" and centered RMSprop skipped its variance correction
    scalar = _scalar_param_steps(rg, name, options, ())
    vector = _scalar_param_steps(rg, name, options, (1,))
    assert scalar[:2] == vector[:2]
    assert all(shape == () for shape in scalar[2].values())


@pytest.mark.pytorch
@pytest.mark.parametrize(("name", "options"), _SCALAR_CASES)
def test_zero_dim_parameters_step_vs_torch(name: str, options: dict) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _scalar_param_steps(rg, name, options, ()), _scalar_param_steps(torch, name, options, ())
    assert ours[2] == theirs[2]  # the state's shapes
    assert_pytorch_bits(ours[:2], theirs[:2])

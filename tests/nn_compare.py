"""Helpers for comparing a retrograd module with the same PyTorch module (same weights, same inputs).

`compare_modules` runs both forwards on the same float64 inputs, checks every output,
then back-propagates the same random weighting of all outputs and checks the gradient
of every input and of every parameter, by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

ATOL = 1e-10


def load_from_torch(rg_module: Any, torch_module: Any) -> None:
    """Copy the torch module's state_dict into the retrograd module through numpy arrays."""
    state = {k: rg.tensor(v.detach().numpy()) for k, v in torch_module.state_dict().items()}
    rg_module.load_state_dict(state)


def make_inputs(shapes: Sequence[tuple[int, ...] | None], seed: int = 0) -> tuple[list, list]:
    """The same float64 leaf tensors (requiring grad) for torch and retrograd; None stays None."""
    rng = np.random.default_rng(seed)
    t_in, r_in = [], []
    for shape in shapes:
        if shape is None:
            t_in.append(None)
            r_in.append(None)
            continue
        x = rng.standard_normal(shape)
        t_in.append(torch.tensor(x, requires_grad=True))
        r_in.append(rg.tensor(x, requires_grad=True))
    return t_in, r_in


def flatten(value: Any) -> list:
    """The tensors of a nested tuple/list output, in order (None entries kept)."""
    out, stack = [], [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (tuple, list)):
            stack.extend(reversed(v))
        else:
            out.append(v)
    return out


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


def compare_outputs(t_out: Any, r_out: Any, atol: float = ATOL) -> None:
    """Same structure, shapes, dtypes and values."""
    t_flat, r_flat = flatten(t_out), flatten(r_out)
    assert len(t_flat) == len(r_flat)
    for i, (t, r) in enumerate(zip(t_flat, r_flat)):
        if t is None:
            assert r is None, f"output {i}: expected None"
            continue
        assert tuple(r.shape) == tuple(t.shape), f"output {i}: shape {tuple(r.shape)} != {tuple(t.shape)}"
        assert str(r.dtype) == str(t.dtype).replace("torch.", "retrograd.")
        assert np.isfinite(_np(t)).all(), f"output {i}: the comparison needs finite values"
        np.testing.assert_allclose(_np(r), _np(t), atol=atol, rtol=1e-9, err_msg=f"output {i}")


def compare_modules(
    t_module: Any,
    r_module: Any,
    t_inputs: Sequence[Any],
    r_inputs: Sequence[Any],
    call: Callable[..., Any] | None = None,
    atol: float = ATOL,
) -> tuple[Any, Any]:
    """Forward both, compare outputs, backward a random weighting, compare input and parameter grads."""
    call = call or (lambda m, *a: m(*a))
    t_out, r_out = call(t_module, *t_inputs), call(r_module, *r_inputs)
    compare_outputs(t_out, r_out, atol)
    rng = np.random.default_rng(123)
    t_loss, r_loss = 0.0, 0.0
    for t, r in zip(flatten(t_out), flatten(r_out)):
        if t is None or not t.requires_grad:
            continue
        w = rng.standard_normal(tuple(t.shape))
        t_loss = t_loss + (t * torch.tensor(w)).sum()
        r_loss = r_loss + (r * rg.tensor(w)).sum()
    t_loss.backward()
    r_loss.backward()
    for i, (t, r) in enumerate(zip(flatten(t_inputs), flatten(r_inputs))):
        if t is not None and t.requires_grad:
            np.testing.assert_allclose(_np(r.grad), _np(t.grad), atol=atol, rtol=1e-9, err_msg=f"input {i} grad")
    t_params = dict(t_module.named_parameters())
    r_params = dict(r_module.named_parameters())
    assert list(r_params) == list(t_params)
    for name, tp in t_params.items():
        rp = r_params[name]
        if tp.grad is None:
            assert rp.grad is None or not np.any(_np(rp.grad)), f"{name}: torch has no grad"
            continue
        np.testing.assert_allclose(_np(rp.grad), _np(tp.grad), atol=atol, rtol=1e-9, err_msg=f"grad of {name}")
    return t_out, r_out

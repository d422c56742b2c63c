"""Tensor methods called through the class (`torch.Tensor.detach(t)`) on tensors vmap batches.

einx's generated code calls `torch.Tensor.detach` for its stop_gradient (its softmax subtracts the
detached maximum), so with the `torch.vmap` backend the unbound method meets a batched tensor.
Each case runs on retrograd and, where installed, on PyTorch, with the values spelled out.
"""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])


@pytest.mark.parametrize("lib", LIBS)
def test_unbound_detach_keeps_the_vmap_batch(lib):
    x = lib.arange(24.0, dtype=lib.float64).reshape(2, 3, 4)

    def shift_by_max(c):  # einx.softmax's first step, as einx writes it
        d = lib.amax(c, dim=(0, 1), keepdim=True)
        d = lib.Tensor.detach(d)
        return lib.subtract(c, d)

    out = lib.vmap(shift_by_max)(x)
    assert tuple(out.shape) == (2, 3, 4)
    assert out[0].reshape(-1).tolist() == [float(v) for v in range(-11, 1)]
    assert out[1].tolist() == out[0].tolist()


@pytest.mark.parametrize("lib", LIBS)
def test_unbound_detach_in_nested_vmaps_and_under_grad(lib):
    x = lib.arange(6.0, dtype=lib.float64).reshape(2, 3)
    out = lib.vmap(lib.vmap(lambda v: lib.Tensor.detach(v) * 2))(x)
    assert out.tolist() == [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]

    def loss(v):  # d/dv (v * stop_gradient(v)) = stop_gradient(v)
        return (v * lib.Tensor.detach(v)).sum()

    grads = lib.vmap(lib.func.grad(loss))(x)
    assert grads.tolist() == x.tolist()


@pytest.mark.parametrize("lib", LIBS)
def test_unbound_detach_result_shares_the_version(lib):
    x = lib.zeros(2, 3)

    def f(row):
        d = lib.Tensor.detach(row)
        d.add_(1.0)  # writes through to the batched input, as `row.detach().add_(1)` does
        return row * 1

    out = lib.vmap(f)(x)
    assert out.tolist() == [[1.0, 1.0, 1.0]] * 2 and x.tolist() == [[1.0, 1.0, 1.0]] * 2

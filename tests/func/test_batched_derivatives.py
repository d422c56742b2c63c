"""Derivatives under vmap that gradcheck's batched checks found wrong or failing.

Each batched result is compared with the same computation one example at a time.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import func as rf


def _loop_vs_vmap(fn, batch):
    batched = rf.vmap(fn)(batch)
    looped = rg.stack([fn(batch[i]) for i in range(batch.shape[0])])
    np.testing.assert_allclose(batched.numpy(), looped.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("reduce", [lambda a: a.var(), lambda a: a.std(), lambda a: rg.var_mean(a)[0]])
def test_forward_derivative_of_a_full_reduction_under_vmap(reduce):
    x = rg.randn(3, 4, dtype=rg.float64)
    _loop_vs_vmap(lambda t: rf.jvp(reduce, (x,), (t,))[1], rg.randn(2, 3, 4, dtype=rg.float64))


def test_as_strided_of_a_transposed_example_reads_its_own_storage():
    # under vmap each example is a storage of its own, laid out as the example is (PyTorch's semantics)
    x = rg.arange(24, dtype=rg.float64).reshape(2, 3, 4)
    out = rf.vmap(lambda a: a.t().as_strided((2, 2), (1, 2), 1))(x)
    assert out.tolist() == [[[1.0, 3.0], [2.0, 4.0]], [[13.0, 15.0], [14.0, 16.0]]]


@pytest.mark.parametrize(
    "op",
    [
        lambda a: rg.nn.functional.grid_sample(a, rg.zeros(1, 2, 2, 2, dtype=rg.float64) + 0.25, align_corners=False),
        lambda a: rg.nn.functional.scaled_dot_product_attention(a[0], a[0], a[0]),
        lambda a: a.cumprod(-1),
        lambda a: rg.linalg.eigh(a[0, 0, :2, :2] + a[0, 0, :2, :2].mT)[1],
    ],
)
def test_backward_under_vmap_of_fused_and_value_dependent_ops(op):
    x = rg.randn(1, 1, 3, 3, dtype=rg.float64, requires_grad=True)
    with rg.no_grad():
        x[0, 0, 0, 0] = 0.0  # a zero: cumprod's value-dependent rule
    out = op(x)
    cotangents = rg.randn(3, *out.shape, dtype=rg.float64)
    (batched,) = rg.autograd.grad(out, x, cotangents, retain_graph=True, is_grads_batched=True)
    for i in range(3):
        (one,) = rg.autograd.grad(out, x, cotangents[i], retain_graph=True)
        np.testing.assert_allclose(batched[i].numpy(), one.numpy(), rtol=1e-12, atol=1e-14)


def test_vectorized_hessian_through_attention_equals_the_loop():
    # autograd.functional.hessian(vectorize=True) vmaps the backward of the fused attention
    w = rg.randn(4, 4, dtype=rg.float64)
    f = lambda a: rg.nn.functional.scaled_dot_product_attention(a, a @ w, a).square().sum()  # noqa: E731
    x = rg.randn(2, 3, 4, dtype=rg.float64)
    looped = rg.autograd.functional.hessian(f, x)
    np.testing.assert_allclose(rg.autograd.functional.hessian(f, x, vectorize=True).numpy(), looped.numpy(), rtol=1e-10)
    np.testing.assert_allclose(rf.hessian(f)(x).numpy(), looped.numpy(), rtol=1e-10)

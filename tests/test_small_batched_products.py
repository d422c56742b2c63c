"""Small batched matrix products take PyTorch's CPU loop, not BLAS (ops/kernels/small_bmm.py).

PyTorch's CPU bmm, which 3-D matmul and einsum reach, sums each entry `a[i, l] * b[l, j]` over l
in order, every product and sum rounded on its own, when k·n·p < 400; BLAS (fused multiply-adds,
blocked sums) from 400 on. Detection code meets it in box-centre einsums and small
attention-style products: the float32 results then agree with PyTorch's bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def _sequential(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The loop PyTorch runs, spelled out: acc = 0, then acc += a[..., i, l] * b[..., l, j] for each l."""
    acc = np.zeros(a.shape[:-1] + b.shape[-1:], a.dtype)
    for l in range(a.shape[-1]):
        acc = acc + a[..., :, l : l + 1] * b[..., l : l + 1, :]
    return acc


def _operands(shape_a, shape_b, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 60, shape_a).astype(dtype), rng.uniform(0, 60, shape_b).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_bmm_sums_in_order_and_large_ones_are_blas(dtype):
    a, b = _operands((2, 20, 2), (2, 2, 3), dtype)  # k·n·p = 120: the loop
    ta, tb = rg.from_numpy(a), rg.from_numpy(b)
    expected = _sequential(a, b)
    assert not np.array_equal(expected, np.matmul(a, b)) or dtype is np.float64  # the orders differ here
    for got in (rg.bmm(ta, tb), ta @ tb, rg.einsum("bnk,bkp->bnp", ta, tb), rg.einsum("nk,kp->np", ta[0], tb[0])):
        np.testing.assert_array_equal(got.numpy().reshape(-1), expected[: got.shape[0]].reshape(-1)[: got.numel()])
    a, b = _operands((2, 10, 4), (2, 4, 10), dtype)  # k·n·p = 400: BLAS
    np.testing.assert_array_equal(rg.bmm(rg.from_numpy(a), rg.from_numpy(b)).numpy(), np.matmul(a, b))


def test_small_bmm_gradients_take_the_same_loop():
    a, b = _operands((3, 7, 8), (3, 8, 7), np.float32)  # 392
    g = _operands((3, 7, 7), (1,), np.float32, seed=1)[0]
    ta, tb = rg.from_numpy(a).requires_grad_(), rg.from_numpy(b).requires_grad_()
    ga, gb = rg.autograd.grad(rg.bmm(ta, tb), (ta, tb), rg.from_numpy(g))
    np.testing.assert_array_equal(ga.numpy(), _sequential(g, b.transpose(0, 2, 1)))
    np.testing.assert_array_equal(gb.numpy(), _sequential(a.transpose(0, 2, 1), g))


def test_a_sum_of_negative_zeros_is_positive_zero():
    a, b = rg.tensor([[[-1.0, 0.0]]]), rg.tensor([[[0.0], [-1.0]]])
    assert str(rg.bmm(a, b)) == "tensor([[[0.]]])"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("sizes", [(2, 20, 2, 3), (3, 7, 8, 7), (2, 3, 100, 1), (1, 5, 15, 5), (4, 1, 399, 1)])
def test_small_batched_products_vs_torch(sizes, dtype):
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    B, n, k, p = sizes
    a, b = _operands((B, n, k), (B, k, p), getattr(np, dtype))
    g = _operands((B, n, p), (1,), getattr(np, dtype), seed=2)[0]

    def run(m):
        ta, tb = m.from_numpy(a).requires_grad_(), m.from_numpy(b).requires_grad_()
        outs = [m.bmm(ta, tb), ta @ tb, m.einsum("bnk,bkp->bnp", ta, tb), m.einsum("nk,kp->np", ta[0], tb[0]),
                ta[:1].detach() @ tb, ta[0].detach() @ tb]  # a batch of one, a matrix: broadcast into bmm
        grads = m.autograd.grad(outs[0], (ta, tb), m.from_numpy(g))
        return [t.detach().numpy() for t in outs + list(grads)]

    for ours, theirs in zip(run(rg), run(torch)):
        np.testing.assert_array_equal(ours, theirs)


def test_matmul_folds_where_pytorch_folds_into_one_mm():
    # a 2-D operand that requires grad is folded into one BLAS mm (no loop), as PyTorch's should_fold
    a, b = _operands((20, 2), (2, 2, 3), np.float32)
    ta, tb = rg.from_numpy(a), rg.from_numpy(b)
    np.testing.assert_array_equal((ta @ tb).numpy(), _sequential(a, b))
    folded = (ta.requires_grad_() @ tb).detach().numpy()
    np.testing.assert_array_equal(folded, np.matmul(a, b))

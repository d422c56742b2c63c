"""A product's gradient in a transposed operand is laid out as that operand, also under create_graph.

PyTorch's mm computes the gradient for a column-major `B` (a Linear's `weight.t()`) as (Gᵀ A)ᵀ, so
the weight's own gradient is row-major whether or not the backward records a graph. Code that
flattens gradients with `.view(-1)` (Hessian-vector products in TRPO, natural gradients) relies on
it. A batched product's gradient in a 2-D right operand is Aᴴ G for complex inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def _weight_grad(m, forward, create_graph):
    m.manual_seed(0)
    x = m.randn(5, 4, dtype=m.float64)
    w = m.randn(3, 4, dtype=m.float64, requires_grad=True)
    (g,) = m.autograd.grad(forward(m, x, w).pow(2).sum(), w, create_graph=create_graph)
    return g


_FORWARDS = {
    "linear": lambda m, x, w: m.nn.functional.linear(x, w, m.ones(3, dtype=m.float64)),
    "linear_batched": lambda m, x, w: m.nn.functional.linear(x[None], w, m.ones(3, dtype=m.float64)),
    "mm": lambda m, x, w: m.mm(x, w.t()),
    "matmul_batched": lambda m, x, w: x.unsqueeze(0) @ w.t(),
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", list(_FORWARDS))
def test_a_weight_gradient_is_row_major_and_flattens_with_view(name, create_graph):
    g = _weight_grad(rg, _FORWARDS[name], create_graph)
    assert g.is_contiguous() and g.stride() == (4, 1)
    assert g.view(-1).shape == (12,)
    if create_graph:  # recorded as PyTorch records it: Tᵀ of the product, under weight.t()'s T
        assert g.grad_fn.name() == "TBackward0"
        assert g.grad_fn.next_functions[0][0].name() == "TBackward0"


def test_a_hessian_vector_product_of_a_linear_layer():
    rg.manual_seed(0)
    layer = rg.nn.Linear(3, 2).double()
    x = rg.randn(4, 3, dtype=rg.float64)
    grads = rg.autograd.grad(layer(x).pow(2).sum(), layer.parameters(), create_graph=True)
    flat = rg.cat([g.view(-1) for g in grads])
    v = rg.ones_like(flat)
    hv = rg.autograd.grad((flat * v).sum(), layer.parameters())
    # d²/dW² of Σ (xWᵀ + b)² is 2 xᵀx per output row; with v = 1: 2 Σ_j (xᵀx)_{ij} + 2 Σ_n x_ni
    xtx = x.numpy().T @ x.numpy()
    expected_w = 2 * (xtx.sum(1) + x.numpy().sum(0))
    np.testing.assert_allclose(hv[0].numpy(), np.tile(expected_w, (2, 1)))
    np.testing.assert_allclose(hv[1].numpy(), 2 * (x.numpy().sum() + 4) * np.ones(2))


def test_a_batched_complex_product_conjugates_the_left_operand():
    a = rg.tensor([[[1 + 1j, 2.0]], [[0.5j, -1.0]]], dtype=rg.complex128, requires_grad=True)
    b = rg.tensor([[1.0, 1j], [2.0, -1.0]], dtype=rg.complex128, requires_grad=True)
    v = rg.tensor([1j, 1.0], dtype=rg.complex128, requires_grad=True)
    (a @ b).sum().real.backward()
    (a @ v).sum().real.backward()
    # d Re Σ (AB) / dB̄ = Aᴴ 1: the conjugated column sums of the stacked rows of A
    rows = a.detach().numpy().reshape(2, 2)
    np.testing.assert_allclose(b.grad.numpy(), rows.conj().T @ np.ones((2, 2)))
    np.testing.assert_allclose(v.grad.numpy(), rows.conj().T @ np.ones(2))
    # and dA: 1 Bᴴ + 1 vᴴ in every row
    row = np.ones(2) @ b.detach().numpy().conj().T + v.detach().numpy().conj()
    np.testing.assert_allclose(a.grad.numpy(), np.broadcast_to(row, (2, 1, 2)))
    u = rg.tensor([1j, 2.0], dtype=rg.complex128, requires_grad=True)
    (u @ b.detach().expand(3, 2, 2)).sum().real.backward()  # (k,) @ (..., k, n): B̄ 1 per batch
    np.testing.assert_allclose(u.grad.numpy(), 3 * b.detach().numpy().conj() @ np.ones(2))


@pytest.mark.pytorch
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", list(_FORWARDS))
def test_weight_gradient_layouts_vs_torch(name, create_graph):
    torch = pytest.importorskip("torch")
    ours, theirs = _weight_grad(rg, _FORWARDS[name], create_graph), _weight_grad(torch, _FORWARDS[name], create_graph)
    assert ours.stride() == theirs.stride()
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)


_BATCHED_SHAPES = [((2, 3, 4), (4, 5)), ((2, 3, 4), (4,)), ((4,), (2, 4, 5)), ((3, 4), (2, 4, 5)),
                   ((2, 3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 5))]


@pytest.mark.pytorch
@pytest.mark.parametrize("shapes", _BATCHED_SHAPES, ids=str)
def test_batched_complex_product_gradients_vs_torch(shapes):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) + 1j * rng.standard_normal(s) for s in shapes]
    results = []
    for m in (rg, torch):
        a, b = (m.tensor(x, requires_grad=True) for x in arrays)
        (a @ b).abs().sum().backward()
        results.append([t.grad.numpy() for t in (a, b)])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)

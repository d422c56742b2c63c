"""The first-order shortcuts of derivative rules (matrix products, views, tanh/sigmoid) give the
composed rules' answers under vmap (batched operands), create_graph and compile recording."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as r
from retrograd import func

rng = np.random.default_rng(0)
W = r.tensor(rng.standard_normal((5, 3, 4)))
X = r.tensor(rng.standard_normal((5, 2, 3)))
w = r.tensor(rng.standard_normal((3, 4)))
x = r.tensor(rng.standard_normal((2, 3)))

CASES = {
    "matmul": lambda w, x: (x @ w).tanh().sum(),
    "mm": lambda w, x: r.mm(x, w).sigmoid().sum(),
    "addmm": lambda w, x: r.addmm(r.ones(4, dtype=r.float64), x, w).tanh().sum(),
    "batched matmul": lambda w, x: (x.unsqueeze(0) @ w.unsqueeze(0)).sum(),
    "linear and views": lambda w, x: r.nn.functional.linear(x, w.t()).reshape(-1).relu().sum(),
    "transpose": lambda w, x: (w.transpose(0, 1) @ x.t()).permute(1, 0).tanh().sum(),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("in_dims", [(0, None), (None, 0), (0, 0)])
def test_vmap_of_grad_matches_a_loop(name, in_dims):
    f = CASES[name]
    args = (W if in_dims[0] == 0 else w, X if in_dims[1] == 0 else x)
    got = func.vmap(func.grad(f, argnums=(0, 1)), in_dims=in_dims)(*args)
    for i in range(5):
        one = [t[i] if d == 0 else t for t, d in zip(args, in_dims)]
        want = func.grad(f, argnums=(0, 1))(*one)
        for g_batched, g_one in zip(got, want):
            np.testing.assert_allclose(g_batched[i].numpy(), g_one.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_second_order_and_compiled_agree_with_finite_differences(name):
    f = CASES[name]
    a, b = w.clone().requires_grad_(), x.clone().requires_grad_()
    assert r.autograd.gradgradcheck(f, (a, b))
    compiled = r.compile(f)
    a2, b2 = w.clone().requires_grad_(), x.clone().requires_grad_()
    compiled(a2, b2).backward()
    f(a, b).backward()
    np.testing.assert_allclose(a2.grad.numpy(), a.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b2.grad.numpy(), b.grad.numpy(), rtol=1e-12)


def test_double_backward_of_mm_records_pytorchs_nodes():
    a = r.randn(3, 4, requires_grad=True)
    b = r.randn(4, 2, requires_grad=True)
    (ga,) = r.autograd.grad((a @ b).sum(), a, create_graph=True)
    assert type(ga.grad_fn).__name__ == "MmBackward0"
    names = [type(n).__name__ if n is not None else None for n, _ in ga.grad_fn.next_functions]
    assert names == [None, "TBackward0"]  # PyTorch's: grad.mm(mat2.t())

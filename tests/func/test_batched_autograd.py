"""autograd.grad(is_grads_batched=True) and autograd.functional's vectorize / forward-mode, against torch."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
A = RNG.standard_normal((5, 4))
X = RNG.standard_normal(4)
Y = RNG.standard_normal(3)


def flat(o):
    if isinstance(o, (tuple, list)):
        return [leaf for item in o for leaf in flat(item)]
    return [o]


def close(ours, theirs):
    a, b = flat(ours), flat(theirs)
    assert len(a) == len(b)
    for p, q in zip(a, b):
        if q is None:
            assert p is None
            continue
        assert tuple(p.shape) == tuple(q.shape)
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_is_grads_batched_matches_torch():
    def build(m):
        x = m.tensor(X, requires_grad=True)
        z = m.tensor(Y, requires_grad=True)
        y = (m.tensor(A) @ x).sin()
        cot = m.tensor(RNG_COT)
        first = m.autograd.grad(y, (x, z), cot, retain_graph=True, allow_unused=True, is_grads_batched=True)
        (g,) = m.autograd.grad(y, x, cot, create_graph=True, is_grads_batched=True)
        (second,) = m.autograd.grad(g.pow(2).sum(), x)
        return [first, g, second]

    close(build(rg), build(torch))


RNG_COT = RNG.standard_normal((6, 5))


def test_is_grads_batched_checks_the_batch_dim():
    x = rg.tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match="we interpret the first dimension of each grad_output as the batch"):
        rg.autograd.grad(x * 2, x, rg.ones(3, 2), is_grads_batched=True)


OPTIONS = [
    {},
    {"vectorize": True},
    {"vectorize": True, "strategy": "forward-mode"},
    {"vectorize": True, "create_graph": True},
    {"create_graph": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_functional_jacobian_and_hessian_match_torch(options):
    def build(m):
        a, x, y = m.tensor(A), m.tensor(X), m.tensor(Y)
        F = m.autograd.functional
        hess = {k: v for k, v in options.items() if k != "strategy"}
        if "strategy" in options:
            hess["outer_jacobian_strategy"] = options["strategy"]
        return [
            F.jacobian(lambda x, y: ((a @ x).sin() * y.sum(), x * 2), (x, y), **options),
            F.jacobian(lambda x: (a @ x).tanh(), x, **options),
            F.jacobian(lambda x: y * 1.0, x, **options),  # independent of the input: zeros
            F.hessian(lambda x, y: (a @ x).tanh().sum() * y.prod(), (x, y), **hess),
            F.hessian(lambda x: (a @ x).exp().sum(), x, **hess),
        ]

    close(build(rg), build(torch))


def test_functional_strict_vectorize_refused_like_torch():
    for m in (rg, torch):
        with pytest.raises(RuntimeError, match="`strict=True` and `vectorized=True` are not supported together"):
            m.autograd.functional.jacobian(lambda x: x * 2, m.tensor(X), strict=True, vectorize=True)


def test_functional_loop_kept_for_custom_functions_and_hooks():
    """vectorize=False batches the rows only through retrograd's own rules: user code sees one row at a time."""
    seen = []

    class Double(rg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            seen.append(tuple(g.shape))
            return g * 2

    jac = rg.autograd.functional.jacobian(Double.apply, rg.tensor(X))
    np.testing.assert_allclose(jac.numpy(), 2 * np.eye(4))
    assert seen == [(4,)] * 4

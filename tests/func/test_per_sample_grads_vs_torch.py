"""Per-sample gradients (the torch.func tutorial pattern) against torch.func: values, dtype and layout.

vmap(grad(loss)) over a Linear-ReLU-Linear model with functional_call: each parameter's
per-example grads come back in the parameter's dtype and contiguous, as PyTorch's do, so
`g.view(B, -1)` (flattening for per-example norms) works on them.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

torch = pytest.importorskip("torch")

B, D, H, C = 5, 7, 6, 3


def _per_sample_grads(m, dtype):
    rng = np.random.default_rng(3)
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(D, H), m.nn.ReLU(), m.nn.Linear(H, C)).to(dtype)
    weights = {
        "0.weight": rng.standard_normal((H, D)),
        "0.bias": rng.standard_normal(H),
        "2.weight": rng.standard_normal((C, H)),
        "2.bias": rng.standard_normal(C),
    }
    params = {k: m.tensor(v, dtype=dtype) for k, v in weights.items()}
    x = m.tensor(rng.standard_normal((B, D)), dtype=dtype)
    y = m.tensor(rng.integers(0, C, B))

    def loss(p, xb, yb):
        out = m.func.functional_call(model, p, (xb.unsqueeze(0),))
        return m.nn.functional.cross_entropy(out, yb.unsqueeze(0))

    return m.func.vmap(m.func.grad(loss), in_dims=(None, 0, 0))(params, x, y)


@pytest.mark.parametrize("name", ["float32", "float64"])
def test_per_sample_grads_match_torch(name):
    ours = _per_sample_grads(rg, getattr(rg, name))
    theirs = _per_sample_grads(torch, getattr(torch, name))
    tol = 1e-5 if name == "float32" else 1e-12
    for key, expected in theirs.items():
        got = ours[key]
        assert got.dtype == getattr(rg, name), key
        assert tuple(got.shape) == tuple(expected.shape), key
        assert got.is_contiguous() == expected.is_contiguous(), key
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=tol, atol=tol)
        assert got.view(B, -1).shape == (B, expected[0].numel())


def test_transposed_batched_operand_grad_is_contiguous():
    """d(A @ Bᵀ)/dB for stacked matrices comes out row-major, like B (PyTorch's mm layout rule)."""
    rng = np.random.default_rng(0)
    a, b, g = rng.standard_normal((3, 2, 4)), rng.standard_normal((3, 5, 4)), rng.standard_normal((3, 2, 5))
    grads = []
    for m in (rg, torch):
        ta, tb = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        m.matmul(ta, tb.mT).backward(m.tensor(g))
        assert tb.grad.is_contiguous()
        grads.append((ta.grad.detach().numpy(), tb.grad.detach().numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-12, atol=1e-12)


def test_results_are_freed_without_the_cyclic_gc():
    """No reference cycle keeps a transform's results alive: dropping them frees their memory at once.

    (A cycle would hold each call's 25 MiB of per-sample grads until the GC runs, so every call
    would write its grads into fresh, page-faulting memory.)
    """
    import gc
    import weakref

    def arrays_of(grads):
        out = []
        for g in grads.values():
            data = g.detach().numpy()
            out.append(weakref.ref(data.base if data.base is not None else data))
        return out

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        refs = arrays_of(_per_sample_grads(rg, rg.float32))
        assert all(r() is None for r in refs)
    finally:
        if was_enabled:
            gc.enable()

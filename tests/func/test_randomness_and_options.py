"""vmap's randomness= modes, and the transform options PyTorch defines (strict, vjp_fn's arguments,
_preallocate_and_copy), and when a transform's result keeps its graph (create_graph)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import func as rf

torch = pytest.importorskip("torch")

F = rg.nn.functional
X = np.random.default_rng(0).normal(size=(4, 3))

# f(x) -> a random tensor of x's example shape, drawn in different ways
DRAWS = {
    "rand": lambda m, x: m.rand(3) + 0 * x,
    "randn_like": lambda m, x: m.randn_like(x),
    "randint": lambda m, x: m.randint(0, 1000, (3,)) + 0 * x,
    "normal_": lambda m, x: (x * 1).normal_(),
    "bernoulli": lambda m, x: m.bernoulli(m.full((3,), 0.5, dtype=x.dtype)) + 0 * x,
    "dropout": lambda m, x: m.nn.functional.dropout(m.ones(3, dtype=x.dtype) + 0 * x, 0.5),
}


def _rows_equal(out):
    a = out.detach().numpy() if hasattr(out, "detach") else out
    return all(np.array_equal(a[0], a[i]) for i in range(1, len(a)))


@pytest.mark.parametrize("name", list(DRAWS))
def test_randomness_error_refuses_like_pytorch(name):
    for m, vmap in ((rg, rf.vmap), (torch, torch.func.vmap)):
        with pytest.raises(RuntimeError, match="called random operation while in randomness error mode"):
            vmap(lambda x, m=m: DRAWS[name](m, x))(m.tensor(X))


@pytest.mark.parametrize("name", list(DRAWS))
@pytest.mark.parametrize("mode", ["same", "different"])
def test_randomness_same_and_different(name, mode):
    ours = rf.vmap(lambda x: DRAWS[name](rg, x), randomness=mode)(rg.tensor(X))
    theirs = torch.func.vmap(lambda x: DRAWS[name](torch, x), randomness=mode)(torch.tensor(X))
    assert tuple(ours.shape) == tuple(theirs.shape)
    if name in ("rand", "randn_like", "normal_", "randint"):  # draws that differ with probability ~1
        assert _rows_equal(ours) == _rows_equal(theirs) == (mode == "same")
    else:
        assert _rows_equal(ours) or mode == "different"


def test_randomness_different_inplace_on_unbatched_tensor():
    for m, vmap in ((rg, rf.vmap), (torch, torch.func.vmap)):
        with pytest.raises(RuntimeError, match="Cannot ask for different inplace randomness on an unbatched tensor"):
            vmap(lambda x, m=m: m.zeros(3, dtype=x.dtype).normal_() + x, randomness="different")(m.tensor(X))


def test_randomness_nested_levels():
    """Outer 'different', inner 'same': rows differ across the outer batch only."""
    out = rf.vmap(rf.vmap(lambda x: rg.rand(()) + 0 * x, randomness="same"), randomness="different")(
        rg.tensor(np.zeros((3, 2)))
    )
    a = out.numpy()
    assert (a[:, 0] == a[:, 1]).all() and len(set(a[:, 0].tolist())) == 3


def test_randomness_bad_value():
    with pytest.raises(RuntimeError, match="Only allowed values for randomness"):
        rf.vmap(lambda x: x, randomness="sometimes")


# --- transform options -------------------------------------------------------------------------


def test_jvp_strict_refuses_independent_outputs():
    x = np.arange(3.0)
    for m, fn in ((rg, rf), (torch, torch.func)):
        w = m.tensor(x)
        with pytest.raises(RuntimeError, match="independent of the inputs"):
            fn.jvp(lambda a, w=w: w * 2, (m.tensor(x),), (m.tensor(x),), strict=True)
        _, t = fn.jvp(m.sin, (m.tensor(x),), (m.tensor(x),), strict=True)
        np.testing.assert_allclose(t.numpy(), np.cos(x) * x)


def test_vjp_fn_retain_graph_and_create_graph():
    x = np.arange(3.0)
    for m, fn in ((rg, rf), (torch, torch.func)):
        _, vjp_fn = fn.vjp(m.sin, m.tensor(x, requires_grad=True))
        assert vjp_fn(m.ones(3))[0].requires_grad
        assert not vjp_fn(m.ones(3), create_graph=False)[0].requires_grad
        with m.no_grad():
            assert not vjp_fn(m.ones(3))[0].requires_grad
        vjp_fn(m.ones(3), retain_graph=False)
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            vjp_fn(m.ones(3))


@pytest.mark.parametrize("chunk_size", [None, 1, 2])
def test_jacrev_preallocate_and_copy(chunk_size):
    x = np.arange(4.0)
    ours = rf.jacrev(rg.sin, _preallocate_and_copy=True, chunk_size=chunk_size)(rg.tensor(x))
    theirs = torch.func.jacrev(torch.sin, _preallocate_and_copy=True, chunk_size=chunk_size)(torch.tensor(x))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())


def test_closure_tensor_keeps_the_graph_at_top_level():
    """PyTorch: a transform's result keeps its history towards tensors the function closes over."""
    x = np.random.default_rng(1).normal(size=3)
    results = []
    for m, fn in ((rg, rf), (torch, torch.func)):
        w = m.tensor(x, requires_grad=True)
        g = fn.grad(lambda a, w=w: (a * w).sin().sum())(m.tensor(x))
        assert g.requires_grad and g.grad_fn is not None
        (gw,) = m.autograd.grad(g.sum(), w)
        results.append(gw.numpy())
        with m.no_grad():
            assert not fn.grad(lambda a, w=w: (a * w).sin().sum())(m.tensor(x)).requires_grad
        # nothing requires grad: a plain result
        assert not fn.grad(lambda a: a.sin().sum())(m.tensor(x)).requires_grad
    np.testing.assert_allclose(results[0], results[1])


def test_same_randomness_is_one_draw_across_chunks():
    rg.manual_seed(0)
    out = rg.func.vmap(lambda x: x + rg.rand(()), chunk_size=1, randomness="same")(rg.zeros(3))
    assert len(set(out.tolist())) == 1
    after_chunks = rg.rand(1).tolist()
    rg.manual_seed(0)
    whole = rg.func.vmap(lambda x: x + rg.rand(()), randomness="same")(rg.zeros(3))
    assert out.tolist() == whole.tolist()  # as without chunks, as PyTorch does
    assert rg.rand(1).tolist() == after_chunks  # and the generator moved on by that one draw only

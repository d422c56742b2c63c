"""Forward-mode AD: dual tensors through ops, against PyTorch and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.autograd.forward_ad as fwAD

try:
    import torch
    import torch.autograd.forward_ad as tfwAD
except ImportError:
    torch = None


def f(m, x, y):
    return (x.sin() * y).exp().sum(0) + (x * x).mean()


def test_tangent_matches_finite_differences():
    x = rg.tensor([[0.1, 0.2], [0.3, -0.4]], dtype=rg.float64)
    y = rg.tensor([1.0, -2.0], dtype=rg.float64)
    v = rg.tensor([[1.0, 0.0], [0.5, 2.0]], dtype=rg.float64)
    with fwAD.dual_level():
        out = f(rg, fwAD.make_dual(x, v), y)
        primal, tangent = fwAD.unpack_dual(out)
    eps = 1e-6
    numeric = (f(rg, x + eps * v, y) - f(rg, x - eps * v, y)) / (2 * eps)
    np.testing.assert_allclose(tangent.numpy(), numeric.numpy(), rtol=1e-6)
    np.testing.assert_allclose(primal.numpy(), f(rg, x, y).numpy())
    assert fwAD.unpack_dual(primal).tangent is None


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_tangent_matches_pytorch():
    a = np.array([[0.1, 0.2], [0.3, -0.4]])
    b = np.array([1.0, -2.0])
    v = np.array([[1.0, 0.0], [0.5, 2.0]])
    w = np.array([0.3, 0.7])
    results = []
    for m, ad in ((rg, fwAD), (torch, tfwAD)):
        with ad.dual_level():
            x = ad.make_dual(m.tensor(a), m.tensor(v))
            y = ad.make_dual(m.tensor(b), m.tensor(w))
            results.append(ad.unpack_dual(f(m, x, y)).tangent.numpy())
    np.testing.assert_allclose(results[0], results[1])


def test_make_dual_errors():
    with pytest.raises(RuntimeError, match=r"^Trying to create a dual Tensor for forward AD but no level exists"):
        fwAD.make_dual(rg.zeros(2), rg.zeros(2))
    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match="different size"):
            fwAD.make_dual(rg.zeros(2), rg.zeros(3))
        # the dtype is checked before the size, as PyTorch does
        with pytest.raises(ValueError, match="^Expected primal to be floating point or complex, but got: "):
            fwAD.make_dual(rg.zeros(2, dtype=rg.int64), rg.zeros(3))


def test_tangents_are_dropped_after_the_level():
    with fwAD.dual_level():
        d = fwAD.make_dual(rg.ones(2), rg.ones(2))
        assert fwAD.unpack_dual(d * 2).tangent.tolist() == [2.0, 2.0]
    assert fwAD.unpack_dual(d).tangent is None


def test_forward_over_reverse_gives_hessian_vector_product():
    x = rg.tensor([0.5, -1.0], dtype=rg.float64, requires_grad=True)
    v = rg.tensor([1.0, 2.0], dtype=rg.float64)
    with fwAD.dual_level():
        dx = fwAD.make_dual(x, v)
        (g,) = rg.autograd.grad((dx**3).sum(), dx, create_graph=True)
        hv = fwAD.unpack_dual(g).tangent
    np.testing.assert_allclose(hv.detach().numpy(), 6 * np.array([0.5, -1.0]) * v.numpy())


@pytest.mark.parametrize(
    "lib, ad",
    [pytest.param(rg, fwAD, id="retrograd")]
    + ([pytest.param(torch, tfwAD, id="pytorch")] if torch is not None else []),
)
def test_unpacked_primal_is_an_identity_view(lib, ad):
    # PyTorch records the primal with a C++ node that has no Python class: type CppFunction,
    # name torch::autograd::Identity, and reprs print its last part
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    with ad.dual_level():
        out = ad.make_dual(lib.tensor([3.0, 4.0]), lib.ones(2)) * w
        primal = ad.unpack_dual(out).primal
    node = primal.grad_fn
    assert (type(node).__name__, node.name()) == ("CppFunction", "torch::autograd::Identity")
    assert repr(node).startswith("<CppFunction object at 0x")
    assert node.next_functions[0][0] is out.grad_fn
    assert primal._base is out
    assert repr(primal) == "tensor([3., 8.], grad_fn=<Identity>)"
    primal.sum().backward()
    assert w.grad.tolist() == [3.0, 4.0]


def _joined_tangents(lib, ad):
    """cat/stack tangents as PyTorch's jvp makes them: the inputs' tangents joined, zeros where one has
    none, so -0.0 entries (cos' tangent 0·(-sin x) where x > 0) keep their sign."""
    x = lib.tensor([0.5, -0.3], dtype=lib.float64)
    y = lib.tensor([2.0, 1.0], dtype=lib.float64, requires_grad=True)
    with ad.dual_level():
        d = ad.make_dual(x, lib.tensor([0.0, 1.0], dtype=lib.float64))
        stacked = ad.unpack_dual(lib.stack([d.sin(), d.cos()])).tangent
        joined = ad.unpack_dual(lib.cat([d.cos(), x, d * y], 0)).tangent
    joined.sum().backward()  # the tangent d·y keeps its graph to y
    return stacked.numpy(), joined.detach().numpy(), y.grad.tolist()


def test_cat_and_stack_tangents_keep_negative_zeros():
    stacked, joined, y_grad = _joined_tangents(rg, fwAD)
    assert stacked.tolist() == [[0.0, np.cos(-0.3)], [0.0, np.sin(0.3)]]
    assert np.signbit(stacked).tolist() == [[False, False], [True, False]]
    assert joined.tolist() == [0.0, np.sin(0.3), 0.0, 0.0, 0.0, 1.0]
    assert np.signbit(joined).tolist() == [True, False, False, False, False, False]
    assert y_grad == [0.0, 1.0]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_cat_and_stack_tangents_match_pytorch():
    for ours, theirs in zip(_joined_tangents(rg, fwAD), _joined_tangents(torch, tfwAD)):
        np.testing.assert_array_equal(ours, theirs)
        assert np.signbit(ours).tolist() == np.signbit(theirs).tolist()

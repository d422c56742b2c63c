"""A leaf's first gradient becomes `.grad` without a copy when nothing else holds it (PyTorch steals it too).

The engine counts references (engine/backward.py `_unshared`); these tests pin both sides: a fresh
gradient is taken as it is, and every way another holder can keep the same array (a hook, retain_grad,
a second edge, a Function's saved output, a view, the user's own `gradient=`) gets a copy, so that
no two `.grad`s, and no `.grad` and another tensor, ever share memory.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as torch
from retrograd.autograd import Function


def _address(t):
    return t._data.__array_interface__["data"][0]


def _doubling(keep):
    """An identity Function whose backward returns 2·g as a new tensor and hands it to `keep` first
    (what `keep` holds on to decides whether the engine may take it as `.grad`)."""

    class _Doubling(Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            out = g * 2.0
            keep(out)
            return out

    return _Doubling


def test_a_fresh_gradient_becomes_grad_without_a_copy():
    seen = []
    w = torch.randn(4, 3, requires_grad=True)
    _doubling(lambda out: seen.append(_address(out))).apply(w).sum().backward()  # only the address kept
    assert _address(w.grad) == seen[0]
    np.testing.assert_array_equal(w.grad.numpy(), np.full((4, 3), 2.0, np.float32))


def test_matmul_weight_gradient_is_taken_and_stays_writeable():
    x = torch.randn(5, 4)
    w = torch.randn(4, 3, requires_grad=True)
    (x @ w).tanh().sum().backward()
    expected = w.grad.clone()
    w.grad.add_(1.0)  # an optimizer's in-place use of the gradient
    np.testing.assert_allclose(w.grad.numpy(), expected.numpy() + 1.0)


def test_a_gradient_the_function_kept_is_copied():
    kept_list = []
    w = torch.randn(3, requires_grad=True)
    _doubling(kept_list.append).apply(w).sum().backward()  # the tensor itself kept, as a user's cache might
    kept = kept_list[0]
    assert not np.shares_memory(w.grad._data, kept._data)
    w.grad.zero_()
    np.testing.assert_array_equal(kept.numpy(), np.full(3, 2.0, np.float32))


def test_one_gradient_sent_to_two_leaves_is_not_shared():
    a = torch.randn(3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    (a + b).mul(3.0).sum().backward()  # add hands the same gradient to both inputs
    assert not np.shares_memory(a.grad._data, b.grad._data)
    a.grad.zero_()
    np.testing.assert_array_equal(b.grad.numpy(), np.full(3, 3.0, np.float32))


def test_retained_intermediate_gradient_is_not_shared_with_the_leaf():
    w = torch.randn(3, requires_grad=True)
    h = w.clone()
    h.retain_grad()
    (h * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert not np.shares_memory(w.grad._data, h.grad._data)
    w.grad.zero_()
    np.testing.assert_array_equal(h.grad.numpy(), [1.0, 2.0, 3.0])


def test_a_hook_that_keeps_the_gradient_gets_its_own_array():
    seen = []
    w = torch.randn(3, requires_grad=True)
    y = w * torch.tensor([1.0, 2.0, 3.0])
    y.register_hook(lambda g: seen.append(g))
    (y * 2.0).sum().backward()
    w.grad.zero_()
    np.testing.assert_array_equal(seen[0].numpy(), [2.0, 2.0, 2.0])


def test_a_leaf_hook_that_keeps_the_gradient():
    seen = []
    w = torch.randn(3, requires_grad=True)
    w.register_hook(lambda g: seen.append(g))
    (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    w.grad.zero_()
    np.testing.assert_array_equal(seen[0].numpy(), [1.0, 2.0, 3.0])


def test_the_users_gradient_argument_is_never_taken():
    w = torch.randn(3, requires_grad=True)
    given = torch.tensor([1.0, 2.0, 3.0])
    w.backward(given)
    w.grad.zero_()
    np.testing.assert_array_equal(given.numpy(), [1.0, 2.0, 3.0])
    y = w.clone()  # the gradient passes through clone's backward unchanged
    y.backward(given)
    w.grad.zero_()
    np.testing.assert_array_equal(given.numpy(), [1.0, 2.0, 3.0])


def test_a_broadcast_gradient_is_copied_into_a_writeable_array():
    w = torch.randn(4, 3, requires_grad=True)
    w.sum().backward()  # sum's gradient is a broadcast (read-only) view
    assert w.grad._data.flags.writeable
    w.grad.mul_(2.0)
    np.testing.assert_array_equal(w.grad.numpy(), np.full((4, 3), 2.0, np.float32))


def test_a_gradient_whose_view_is_held_elsewhere_is_copied():
    views = []
    w = torch.randn(3, requires_grad=True)
    _doubling(lambda out: views.append(out._data[:1])).apply(w).sum().backward()  # a view of the array only
    w.grad.zero_()
    assert views[0][0] == 2.0


def test_second_backward_accumulates_into_the_taken_gradient():
    x = torch.randn(5, 4)
    w = torch.randn(4, 3, requires_grad=True)
    (x @ w).sum().backward()
    first = w.grad.clone()
    (x @ w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * first.numpy(), rtol=1e-6)


def test_autograd_grad_results_are_not_shared_with_grad():
    x = torch.randn(5, 4)
    w = torch.randn(4, 3, requires_grad=True)
    loss = (x @ w).sum()
    (g,) = torch.autograd.grad(loss, w, retain_graph=True)
    loss.backward()
    assert not np.shares_memory(g._data, w.grad._data)


def _reshaping(keep_base):
    """A Function whose backward returns a whole reshape of a fresh array (as the engine's bias sums
    are), recording the view's address; `keep_base` may hold on to the array behind the view."""
    seen: list = []

    class _Reshaping(Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            base = np.array(g.numpy()).reshape(1, -1) * 2.0  # fresh, owns its memory
            keep_base(base)
            view = torch.from_numpy(base.reshape(g.shape))
            seen.append(_address(view))
            return view

    return _Reshaping, seen


def test_a_whole_view_of_an_unheld_array_is_taken():
    fn, seen = _reshaping(lambda base: None)
    x = torch.ones(6, requires_grad=True)
    fn.apply(x).sum().backward()
    assert _address(x.grad) == seen[0]
    assert x.grad.tolist() == [2.0] * 6


def test_a_view_whose_array_is_held_elsewhere_is_copied():
    kept: list = []
    fn, seen = _reshaping(kept.append)
    x = torch.ones(6, requires_grad=True)
    fn.apply(x).sum().backward()
    assert _address(x.grad) != seen[0]
    kept[0][...] = 0  # the holder's writes do not reach .grad
    assert x.grad.tolist() == [2.0] * 6


def test_a_partial_view_is_copied():
    y = torch.ones(3, dtype=torch.float64, requires_grad=True)

    class _Slice(Function):
        @staticmethod
        def forward(ctx, t):
            return t.clone()

        @staticmethod
        def backward(ctx, g):
            return torch.from_numpy(np.full(6, 3.0)[:3])  # half of a fresh array: not the whole of it

    _Slice.apply(y).sum().backward()
    assert y.grad.tolist() == [3.0] * 3 and y.grad._data.base is None



def test_a_linear_weight_gradient_is_computed_in_the_weights_layout():
    # as PyTorch's mm: the product for weight.t() is (gᵀ x)ᵀ, so the weight's gradient is row-major
    # and is taken as it is: a view of the product's own array, not a copy
    layer = torch.nn.Linear(5, 7)
    x = torch.randn(4, 5)
    layer(x).pow(2).sum().backward()
    grad = layer.weight.grad
    assert grad.is_contiguous() and grad._data.flags.writeable and not grad._data.flags.owndata
    np.testing.assert_allclose(grad.numpy(), (2 * layer(x)).detach().numpy().T @ x.numpy(), rtol=1e-5)


def test_a_compiled_linear_weight_gradient_is_taken_too():
    layer = torch.nn.Linear(5, 7)
    step = torch.compile(layer)
    x = torch.randn(4, 5)
    step(x).sum().backward()  # the first call records
    expected = layer.weight.grad.clone()
    layer.zero_grad(set_to_none=True)
    step(x).sum().backward()
    assert not layer.weight.grad._data.flags.owndata
    assert np.array_equal(layer.weight.grad.numpy(), expected.numpy())


def test_the_product_for_a_transposed_matrix_is_laid_out_as_it():
    from retrograd.ops.linalg.products import at_g_like, column_major

    rng = np.random.default_rng(0)
    a, g, w = rng.standard_normal((4, 3)), rng.standard_normal((4, 5)), rng.standard_normal((5, 3))
    assert column_major(w.T) and not column_major(np.ascontiguousarray(w.T))
    column_major = at_g_like(np, a, g, True)
    row_major = at_g_like(np, a, g, False)
    assert column_major.T.flags.c_contiguous and row_major.flags.c_contiguous
    np.testing.assert_allclose(column_major, a.T @ g)
    np.testing.assert_allclose(row_major, a.T @ g)


def test_a_weight_changed_in_place_after_the_forward_still_gets_its_gradient():
    # only the weight requires grad: its gradient reads the input, never the weight (PyTorch saves
    # the weight only for the input's gradient), so no_grad updates in between are fine
    w = torch.ones(3, 2, requires_grad=True)
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    for forward in (lambda: torch.nn.functional.linear(x, w), lambda: x @ w.t(), lambda: torch.mm(x, w.t()),
                    lambda: torch.nn.functional.linear(x[None], w)):
        w.grad = None
        y = forward()
        with torch.no_grad():
            w.mul_(2)
        y.sum().backward()
        np.testing.assert_allclose(w.grad.numpy(), [[4.0, 6.0]] * 3)
    x.requires_grad_()  # now the weight is saved, for x's gradient: changing it is an error
    y = x @ w.t()
    with torch.no_grad():
        w.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_retained_create_graph_gradient_is_a_recorded_copy():
    """PyTorch's retain_grad hook clones the gradient also under create_graph: `.grad` is a
    CloneBackward0 output of its own, not the tensor that flows on to the leaf, and differentiable."""
    a = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    m = a.sin()
    m.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the reference-cycle warning comes once per process)
        (m * m).sum().backward(create_graph=True)
    assert m.grad.grad_fn.name() == "CloneBackward0"
    assert not np.shares_memory(m.grad._data, a.grad._data)
    np.testing.assert_allclose(m.grad.detach().numpy(), 2 * np.sin([0.5, -1.0, 2.0]), rtol=1e-6)
    (second,) = torch.autograd.grad(m.grad.sum(), a)  # d/da Σ 2 sin a = 2 cos a
    np.testing.assert_allclose(second.numpy(), 2 * np.cos([0.5, -1.0, 2.0]), rtol=1e-6)

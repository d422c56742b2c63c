"""Second derivatives through piecewise-linear activations: zeros w.r.t. the input, as in PyTorch.

The backward of relu, leaky_relu, hardtanh, threshold, rrelu, prelu and the shrinks is an op of the
incoming gradient and the input (PyTorch's `<op>_backward`), flat in the input between kinks; it
stays in the graph, so a Hessian or a gradient penalty's derivative w.r.t. the input is zeros
instead of an "appears to not have been used in the graph" error. Max pooling's backward (max_pool
1-3d, adaptive_max_pool) likewise takes the input, whose derivative is zeros outside the graph.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd import nn

try:  # the comparisons skip without PyTorch; the other tests run anyway
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

X = np.array([[-1.2, 0.3], [0.7, -0.05], [2.5, -3.0]])

ACTIVATIONS = {
    "relu": lambda m, t: m.relu(t),
    "relu_": lambda m, t: t.clone().relu_(),
    "leaky_relu": lambda m, t: m.nn.functional.leaky_relu(t, 0.2),
    "leaky_relu_inplace": lambda m, t: m.nn.functional.leaky_relu(t.clone(), 0.2, inplace=True),
    "hardtanh": lambda m, t: m.nn.functional.hardtanh(t),
    "relu6": lambda m, t: m.nn.functional.relu6(t * 3),
    "threshold": lambda m, t: m.nn.functional.threshold(t, 0.1, -1.0),
    "rrelu_eval": lambda m, t: m.nn.functional.rrelu(t, training=False),
    "rrelu_train": lambda m, t: m.nn.functional.rrelu(t, training=True),
    "hardshrink": lambda m, t: m.nn.functional.hardshrink(t),
    "softshrink": lambda m, t: m.nn.functional.softshrink(t),
    "prelu": lambda m, t: m.nn.functional.prelu(t, m.tensor([0.25], dtype=m.float64)),
}


def _second_derivative(m, name):
    """(first derivative, its node, its inputs' nodes, the derivative of its square w.r.t. x)."""
    x = m.tensor(X, requires_grad=True)
    weights = m.arange(6.0, dtype=m.float64).view(3, 2)
    (g,) = m.autograd.grad((ACTIVATIONS[name](m, x * 1.5) * weights).sum(), x, create_graph=True)
    backward = g.grad_fn.next_functions[0][0]
    (h,) = m.autograd.grad(g.pow(2).sum(), x)
    return g, backward.name(), h


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_second_derivative_wrt_the_input_is_zeros(name):
    g, _, h = _second_derivative(retrograd, name)
    assert g.requires_grad
    assert h.tolist() == np.zeros_like(X).tolist()


@needs_torch
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_second_derivative_matches_pytorch(name):
    ours, theirs = _second_derivative(retrograd, name), _second_derivative(torch, name)
    if name != "rrelu_train":  # the drawn slopes come from each library's generator
        np.testing.assert_allclose(ours[0].detach().numpy(), theirs[0].detach().numpy())
    assert ours[1] == theirs[1]
    assert str(ours[2].tolist()) == str(theirs[2].tolist())  # +0.0, as PyTorch, not -0.0


BACKWARD_OF = [n for n in ACTIVATIONS if n != "rrelu_train"]


@pytest.mark.parametrize("name", BACKWARD_OF)
def test_backward_op_gradients(name):
    # the backward as a function of (g, x): linear in g, flat in x away from the kinks
    def backward(g, x):
        return retrograd.autograd.grad(ACTIVATIONS[name](retrograd, x * 1.5), x, g, create_graph=True)[0]

    rng = np.random.default_rng(0)
    g = retrograd.tensor(rng.standard_normal(X.shape), requires_grad=True)
    x = retrograd.tensor(X, requires_grad=True)
    assert retrograd.autograd.gradcheck(backward, (g, x))
    assert retrograd.autograd.gradgradcheck(backward, (g, x))


def test_prelu_backward_gradients_in_its_weight():
    def backward(g, x, w):
        y = retrograd.nn.functional.prelu(x, w)
        return retrograd.autograd.grad(y, x, g, create_graph=True)[0]

    rng = np.random.default_rng(1)
    x = retrograd.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    g = retrograd.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    w = retrograd.tensor([0.1, -0.3, 0.5], dtype=retrograd.float64, requires_grad=True)
    assert retrograd.autograd.gradcheck(backward, (g, x, w))
    assert retrograd.autograd.gradgradcheck(backward, (g, x, w))


def test_hessian_of_a_piecewise_linear_network_is_zeros():
    retrograd.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    x = retrograd.randn(1, 2)
    h = retrograd.autograd.functional.hessian(lambda t: net(t).sum(), x)
    assert h.shape == (1, 2, 1, 2) and not h.any()


@needs_torch
def test_gradient_penalty_matches_pytorch():
    def penalty(m):
        m.manual_seed(3)
        net = m.nn.Sequential(
            m.nn.Linear(2, 8), m.nn.LeakyReLU(0.2), m.nn.Linear(8, 8), m.nn.Hardtanh(), m.nn.Linear(8, 1)
        )
        x = m.randn(4, 2, requires_grad=True)
        (g,) = m.autograd.grad(net(x).sum(), x, create_graph=True)
        ((g.norm(2, dim=1) - 1) ** 2).mean().backward()
        return net[0].weight.grad.numpy(), x.grad.numpy()

    for ours, theirs in zip(penalty(retrograd), penalty(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


# --- max pooling: its backward takes the input too, flat in it ---------------------------------

POOLS = {
    "max_pool2d": (lambda F, t: F.max_pool2d(t, 2), "MaxPool2DWithIndicesBackwardBackward0"),
    "max_pool2d_overlapping": (lambda F, t: F.max_pool2d(t, 3, 1, 1), "MaxPool2DWithIndicesBackwardBackward0"),
    "max_pool2d_indices": (
        lambda F, t: F.max_pool2d(t, 2, return_indices=True)[0], "MaxPool2DWithIndicesBackwardBackward0"
    ),
    "max_pool3d": (lambda F, t: F.max_pool3d(t, 2), "MaxPool3DWithIndicesBackwardBackward0"),
    "adaptive_max_pool2d": (lambda F, t: F.adaptive_max_pool2d(t, 3), "AdaptiveMaxPool2DBackwardBackward0"),
    "adaptive_max_pool3d": (lambda F, t: F.adaptive_max_pool3d(t, 2), "AdaptiveMaxPool3DBackwardBackward0"),
}
IMAGE = np.random.default_rng(2).standard_normal((1, 2, 4, 4))


def _pool_second_derivative(m, name):
    """(gradient w.r.t. x, its node's name, d/dx of the gradient's sum, d/dx of its square's sum)."""
    x = m.tensor(IMAGE, requires_grad=True)
    (g,) = m.autograd.grad(POOLS[name][0](m.nn.functional, x).sum(), x, create_graph=True)
    (h,) = m.autograd.grad(g.sum(), x, create_graph=True)
    (h2,) = m.autograd.grad(g.pow(2).sum(), x, create_graph=True)
    return g, g.grad_fn.name(), h, h2


@pytest.mark.parametrize("name", POOLS)
def test_max_pool_second_derivative_wrt_the_input_is_zeros(name):
    g, node, h, h2 = _pool_second_derivative(retrograd, name)
    assert g.requires_grad and node == POOLS[name][1]
    for d in (h, h2):  # zeros left out of the graph, as PyTorch's zeros_like(self)
        assert not d.any() and not d.requires_grad and d.grad_fn is None


@needs_torch
@pytest.mark.parametrize("name", POOLS)
def test_max_pool_second_derivative_matches_pytorch(name):
    ours, theirs = _pool_second_derivative(retrograd, name), _pool_second_derivative(torch, name)
    np.testing.assert_array_equal(ours[0].detach().numpy(), theirs[0].detach().numpy())
    assert ours[1] == theirs[1]
    for a, b in zip(ours[2:], theirs[2:]):
        assert a.tolist() == b.tolist() and a.requires_grad == b.requires_grad


@pytest.mark.parametrize("name", ["max_pool2d_overlapping", "adaptive_max_pool2d"])
def test_max_pool_backward_gradients(name):
    def backward(g, x):
        pooled = POOLS[name][0](retrograd.nn.functional, x)
        return retrograd.autograd.grad(pooled, x, g, create_graph=True)[0]

    x = retrograd.tensor(IMAGE, requires_grad=True)
    shape = POOLS[name][0](retrograd.nn.functional, x).shape
    g = retrograd.tensor(np.random.default_rng(3).standard_normal(tuple(shape)), requires_grad=True)
    assert retrograd.autograd.gradcheck(backward, (g, x))
    assert retrograd.autograd.gradgradcheck(backward, (g, x))


def _pool_then_modify_input(m):
    x = m.randn(1, 1, 4, 4, requires_grad=True) * 1
    y = m.nn.functional.max_pool2d(x, 2)
    x.mul_(2)
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    return str(info.value)


def test_max_pool_saves_its_input_so_an_inplace_change_raises():
    assert "modified by an inplace operation" in _pool_then_modify_input(retrograd)


@needs_torch
def test_max_pool_inplace_change_message_matches_pytorch():
    ours = _pool_then_modify_input(retrograd).replace("retrograd.", "torch.")  # the name under the torch alias
    assert ours == _pool_then_modify_input(torch)

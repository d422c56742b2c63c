"""F.linear takes PyTorch's paths: which one names the result's node and decides the errors.

A 2-D input with a bias is one addmm; a contiguous input of any other rank with a row bias is
flattened to rows for one addmm and viewed back (so `nn.Linear` on one 1-D sample prints
`grad_fn=<ViewBackward0>`); anything else is matmul plus an add that may not grow the result.
"""

from __future__ import annotations

import math

import pytest

import retrograd as rg

F = rg.nn.functional

INPUTS = {
    "1d": lambda m: m.arange(3.0),
    "2d": lambda m: m.arange(6.0).reshape(2, 3),
    "3d": lambda m: m.arange(12.0).reshape(2, 2, 3),
    "3d_transposed": lambda m: m.arange(12.0).reshape(2, 2, 3).transpose(0, 1),
    "4d": lambda m: m.arange(24.0).reshape(2, 2, 2, 3),
    "empty_rows": lambda m: m.zeros(2, 0, 3),
}
BIASES = [(), (1,), (2,), (1, 2), (2, 2), (1, 1, 2)]


def outcome(m, x_name, bias_shape):
    """The result's node name and shape, or the error, of `linear(x, w, bias)` on fixed values."""
    w = m.arange(6.0).reshape(2, 3).requires_grad_()
    bias = m.ones(bias_shape) if bias_shape is not None else None
    try:
        y = m.nn.functional.linear(INPUTS[x_name](m), w, bias)
    except RuntimeError as e:
        return "RuntimeError", str(e).split("torch.")[-1].split("retrograd.")[-1]
    return type(y.grad_fn).__name__, tuple(y.shape), y.tolist()


def test_each_path_names_its_node():
    assert outcome(rg, "1d", (2,)) == ("ViewBackward0", (2,), [6.0, 15.0])
    assert outcome(rg, "1d", ())[0] == "AddBackward0"
    assert outcome(rg, "1d", None)[0] == "SqueezeBackward4"
    assert outcome(rg, "2d", ())[0] == "AddmmBackward0"
    assert outcome(rg, "3d", (1, 2))[0] == "ViewBackward0"
    assert outcome(rg, "3d", (2, 2))[0] == "AddBackward0"  # not a row: matmul, then the add
    assert outcome(rg, "3d_transposed", (2,))[0] == "AddBackward0"  # not contiguous
    assert outcome(rg, "empty_rows", (2,))[:2] == ("ViewBackward0", (2, 0, 2))
    grown = "output with shape [2] doesn't match the broadcast shape [2, 2]"
    assert outcome(rg, "1d", (2, 2)) == ("RuntimeError", grown)
    with pytest.raises(RuntimeError, match="both arguments to linear need to be at least 1D, but they are 0D and 2D"):
        F.linear(rg.tensor(1.0), rg.ones(2, 3))


def test_paths_give_the_gradients_of_the_formula():
    for x_name in ("1d", "3d", "3d_transposed"):
        x = INPUTS[x_name](rg).double().requires_grad_()
        w = rg.arange(6.0, dtype=rg.float64).reshape(2, 3).requires_grad_()
        b = rg.tensor([0.5, -1.0], dtype=rg.float64, requires_grad=True)
        assert rg.autograd.gradcheck(F.linear, (x, w, b))
        assert rg.autograd.gradgradcheck(F.linear, (x, w, b))


def test_linear_paths_vs_torch():
    torch = pytest.importorskip("torch")
    for x_name in INPUTS:
        for bias_shape in [None, *BIASES]:
            assert outcome(rg, x_name, bias_shape) == outcome(torch, x_name, bias_shape), (x_name, bias_shape)


def bilinear_outcome(m, lead: tuple, with_bias: bool):
    """The node name, its children's names, the shape and the values of `bilinear` on fixed values."""
    x1 = m.arange(2.0 * math.prod(lead)).reshape(*lead, 2).requires_grad_()
    x2 = m.arange(3.0).expand(*lead, 3)
    w = m.arange(12.0).reshape(2, 2, 3)
    bias = m.tensor([0.5, -1.0], requires_grad=True) if with_bias else None
    y = m.nn.functional.bilinear(x1, x2, w, bias)
    children = [type(n).__name__ for n, _ in y.grad_fn.next_functions]
    return type(y.grad_fn).__name__, children[1:], tuple(y.shape), y.tolist()


def test_bilinear_adds_the_bias_after_viewing_back():
    # PyTorch: _trilinear, a view back to (*, out), then the bias's add
    values = [[14.5, 31.0], [52.5, 141.0]]  # x1ᵀ W_k x2 + b_k by hand
    assert bilinear_outcome(rg, (2,), True) == ("AddBackward0", ["AccumulateGrad"], (2, 2), values)
    assert bilinear_outcome(rg, (), True)[:3] == ("AddBackward0", ["AccumulateGrad"], (2,))
    assert bilinear_outcome(rg, (2,), False)[0] == "ViewBackward0"


def test_bilinear_node_names_vs_torch():
    torch = pytest.importorskip("torch")
    for lead in [(), (2,), (1, 2)]:
        for with_bias in (False, True):
            ours, theirs = bilinear_outcome(rg, lead, with_bias), bilinear_outcome(torch, lead, with_bias)
            assert ours[0] == theirs[0] and ours[2:] == theirs[2:], (lead, with_bias)

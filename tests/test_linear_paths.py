"""F.linear takes PyTorch's paths: which one names the result's node and decides the errors.

A 2-D input with a bias is one addmm; a contiguous input of any other rank with a row bias is
flattened to rows for one addmm and viewed back (so `nn.Linear` on one 1-D sample prints
`grad_fn=<ViewBackward0>`); anything else is matmul plus an add that may not grow the result.
"""

from __future__ import annotations

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


def _bilinear_node_names(m):
    w = m.ones(4, 2, 3, requires_grad=True)
    b = m.zeros(4, requires_grad=True)
    calls = [(m.ones(1, 2), m.ones(1, 3), b), (m.ones(2, 5, 2), m.ones(2, 5, 3), b), (m.ones(1, 2), m.ones(1, 3), None)]
    return [type(m.nn.functional.bilinear(x1, x2, w, bias).grad_fn).__name__ for x1, x2, bias in calls]


def test_bilinear_adds_its_bias_last():
    # PyTorch reshapes the products to (*, out) and then adds the bias
    assert _bilinear_node_names(rg) == ["AddBackward0", "AddBackward0", "ViewBackward0"]
    out = rg.nn.functional.bilinear(rg.ones(2, 5, 2), rg.ones(2, 5, 3), rg.ones(4, 2, 3), rg.arange(4.0))
    assert out.shape == (2, 5, 4) and out[1, 4].tolist() == [6.0, 7.0, 8.0, 9.0]


def test_bilinear_node_names_vs_torch():
    torch = pytest.importorskip("torch")
    assert _bilinear_node_names(rg) == _bilinear_node_names(torch)

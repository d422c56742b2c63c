"""Numbers given where PyTorch's parser wants a Number (a fill value, a bound, a scale), as programs
pass them: complex numbers into real tensors, and 0-d tensors.

A complex number fits a real dtype only with a zero imaginary part (C10's checked conversion:
"value cannot be converted to type float without overflow"); `clamp` of a float tensor reads
number bounds as doubles, clamp_min/clamp_max and integer tensors promote to complex and refuse;
index_fill refuses any complex Scalar for a real tensor. A 0-d tensor stands for its number
(full's dtype is then inferred from the number, not the tensor's dtype), unless it requires grad
(its graph would be lost: PyTorch's TypeError). dist's 0-d operand does not widen a float dtype.
"""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the comparisons below skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

CALLS = {
    "masked_fill 0.5+0j": lambda m, y: y.masked_fill(y > 0, 0.5 + 0j),
    "masked_fill 0.5j": lambda m, y: y.masked_fill(y > 0, 0.5j),
    "masked_fill int 2j": lambda m, y: m.arange(3).masked_fill(y > 0, 2j),
    "masked_fill int tensor(2j)": lambda m, y: m.arange(3).masked_fill(y > 0, m.tensor(2j)),
    "full 1j float32": lambda m, y: m.full((2,), 1j, dtype=m.float32),
    "full 1+0j float32": lambda m, y: m.full((2,), 1 + 0j, dtype=m.float32),
    "full 1j bool": lambda m, y: m.full((2,), 1j, dtype=m.bool),
    "fill_ 1j": lambda m, y: y.clone().fill_(1j),
    "index_fill 1+0j": lambda m, y: y.index_fill(0, m.tensor([0]), 1 + 0j),
    "index_fill tensor(1j)": lambda m, y: y.index_fill(0, m.tensor([0]), m.tensor(1j)),
    "clamp min=1j": lambda m, y: m.clamp(y, min=1j),
    "clamp max=1+0j": lambda m, y: m.clamp(y, max=0.5 + 0j),
    "clamp float64 min=1j": lambda m, y: m.clamp(y.double(), min=1j),
    "clamp int min=1+0j": lambda m, y: m.clamp(m.arange(3), min=1 + 0j),
    "clamp_min 1+0j": lambda m, y: m.clamp_min(y, 1 + 0j),
    "clamp_ max=2j": lambda m, y: y.clone().clamp_(max=2j),
    "full tensor(0.5, float64)": lambda m, y: m.full((2,), m.tensor(0.5, dtype=m.float64)),
    "full tensor(3)": lambda m, y: m.full((2,), m.tensor(3)),
    "full tensor(1j, complex128)": lambda m, y: m.full((2,), m.tensor(1j, dtype=m.complex128)),
    "full tensor([1.0])": lambda m, y: m.full((2,), m.tensor([1.0])),
    "full tensor requiring grad": lambda m, y: m.full((2,), m.tensor(0.5, requires_grad=True)),
    "addcmul value=tensor(0.5, float64)": lambda m, y: m.addcmul(y, y, y, value=m.tensor(0.5, dtype=m.float64)),
    "addcdiv value=tensor(0.5)": lambda m, y: m.addcdiv(y, y, y, value=m.tensor(0.5)),
    "addcmul_ value=tensor(2)": lambda m, y: y.clone().addcmul_(y, y, value=m.tensor(2)),
    "addcmul value=tensor([0.5])": lambda m, y: m.addcmul(y, y, y, value=m.tensor([0.5])),
    "addcdiv value requiring grad": lambda m, y: m.addcdiv(y, y, y, value=m.tensor(0.5, requires_grad=True)),
    "addcmul value=tensor(1j)": lambda m, y: m.addcmul(y, y, y, value=m.tensor(1j)),
    "dist float32, 0-d float64": lambda m, y: m.dist(y, m.tensor(0.5, dtype=m.float64)),
    "dist 0-d float64, float32": lambda m, y: m.dist(m.tensor(0.5, dtype=m.float64), y),
    "dist float32, float64": lambda m, y: m.dist(y, m.ones(3, dtype=m.float64)),
    "dist float32, 0-d complex128": lambda m, y: m.dist(y, m.tensor(0.5j, dtype=m.complex128)),
    # activations' Scalar arguments (BoTorch's log_softplus passes beta=1 / tau, a 0-d tensor)
    "softplus beta=tensor(2.0), threshold=tensor(1)": lambda m, y: m.nn.functional.softplus(
        y, m.tensor(2.0), m.tensor(1)
    ),
    "softplus beta='a'": lambda m, y: m.nn.functional.softplus(y, "a"),
    "elu alpha=tensor(2.0, float64)": lambda m, y: m.nn.functional.elu(-y, m.tensor(2.0, dtype=m.float64)),
    "elu_ alpha requiring grad": lambda m, y: m.nn.functional.elu_(y.clone(), m.tensor(1.0, requires_grad=True)),
    "leaky_relu slope=tensor(0.25)": lambda m, y: m.nn.functional.leaky_relu(-y, m.tensor(0.25)),
    "leaky_relu_ slope=tensor([0.25])": lambda m, y: m.nn.functional.leaky_relu_(-y, m.tensor([0.25])),
    "hardtanh bounds tensor(0), tensor(2.0)": lambda m, y: m.nn.functional.hardtanh(3 * y, m.tensor(0), m.tensor(2.0)),
    "hardtanh_ min_val > max_val": lambda m, y: m.nn.functional.hardtanh_(y.clone(), 2.0, 0.5),
    "threshold tensor(1.5), tensor(-1.0)": lambda m, y: m.nn.functional.threshold(y, m.tensor(1.5), m.tensor(-1.0)),
    "threshold_ value=tensor([0.0])": lambda m, y: m.threshold_(y.clone(), 0.5, m.tensor([0.0])),
    "hardshrink lambd=tensor(2.0)": lambda m, y: m.nn.functional.hardshrink(y, m.tensor(2.0)),
    "softshrink lambd=tensor(0.25)": lambda m, y: m.nn.functional.softshrink(y, m.tensor(0.25)),
}


def outcome(m, name):
    try:
        r = CALLS[name](m, m.ones(3))
    except (RuntimeError, TypeError, NotImplementedError) as e:
        return type(e).__name__, str(e)
    return str(r.dtype).split(".")[1], r.tolist()


OVERFLOW = "value cannot be converted to type {} without overflow"
NOT_NUMBER = "{}(): argument '{}'{} must be Number, not Tensor"
INDEX_FILL_COMPLEX = "index_fill_(): Converting complex Scalar to non-complex type is not supported"
EXPECTED = {
    "masked_fill 0.5+0j": ("float32", [0.5, 0.5, 0.5]),
    "masked_fill 0.5j": ("RuntimeError", OVERFLOW.format("float")),
    "masked_fill int 2j": ("RuntimeError", OVERFLOW.format("int64_t")),
    "masked_fill int tensor(2j)": ("RuntimeError", OVERFLOW.format("int64_t")),
    "full 1j float32": ("RuntimeError", OVERFLOW.format("float")),
    "full 1+0j float32": ("float32", [1.0, 1.0]),
    "full 1j bool": ("bool", [True, True]),
    "fill_ 1j": ("RuntimeError", OVERFLOW.format("float")),
    "index_fill 1+0j": ("RuntimeError", INDEX_FILL_COMPLEX),
    "index_fill tensor(1j)": ("RuntimeError", INDEX_FILL_COMPLEX),
    "clamp min=1j": ("RuntimeError", OVERFLOW.format("double")),
    "clamp max=1+0j": ("float32", [0.5, 0.5, 0.5]),
    "clamp float64 min=1j": ("RuntimeError", OVERFLOW.format("double")),
    "clamp int min=1+0j": ("NotImplementedError", "clamp is not supported for complex types"),
    "clamp_min 1+0j": ("NotImplementedError", "clamp is not supported for complex types"),
    "clamp_ max=2j": ("RuntimeError", OVERFLOW.format("double")),
    "full tensor(0.5, float64)": ("float32", [0.5, 0.5]),
    "full tensor(3)": ("int64", [3, 3]),
    "full tensor(1j, complex128)": ("complex64", [1j, 1j]),
    "full tensor([1.0])": ("TypeError", NOT_NUMBER.format("full", "fill_value", " (position 2)")),
    "full tensor requiring grad": ("TypeError", NOT_NUMBER.format("full", "fill_value", " (position 2)")),
    "addcmul value=tensor(0.5, float64)": ("float32", [1.5, 1.5, 1.5]),
    "addcdiv value=tensor(0.5)": ("float32", [1.5, 1.5, 1.5]),
    "addcmul_ value=tensor(2)": ("float32", [3.0, 3.0, 3.0]),
    "addcmul value=tensor([0.5])": ("TypeError", NOT_NUMBER.format("addcmul", "value", "")),
    "addcdiv value requiring grad": ("TypeError", NOT_NUMBER.format("addcdiv", "value", "")),
    "addcmul value=tensor(1j)": ("RuntimeError", OVERFLOW.format("float")),
    "dist float32, 0-d float64": ("float32", pytest.approx(0.8660254)),
    "dist 0-d float64, float32": ("float32", pytest.approx(0.8660254)),
    "dist float32, float64": ("float64", 0.0),
    "dist float32, 0-d complex128": ("float32", pytest.approx(1.9364917)),
    "softplus beta=tensor(2.0), threshold=tensor(1)": ("float32", [1.0, 1.0, 1.0]),  # beta·x > threshold: x itself
    "softplus beta='a'": ("TypeError", "softplus(): argument 'beta' (position 2) must be Number, not str"),
    "elu alpha=tensor(2.0, float64)": ("float32", pytest.approx([-1.2642411] * 3)),  # 2 (e^-1 - 1)
    "elu_ alpha requiring grad": ("TypeError", NOT_NUMBER.format("elu_", "alpha", " (position 2)")),
    "leaky_relu slope=tensor(0.25)": ("float32", [-0.25, -0.25, -0.25]),
    "leaky_relu_ slope=tensor([0.25])": (
        "TypeError", NOT_NUMBER.format("leaky_relu_", "negative_slope", " (position 2)")
    ),
    "hardtanh bounds tensor(0), tensor(2.0)": ("float32", [2.0, 2.0, 2.0]),
    "hardtanh_ min_val > max_val": ("float32", [0.5, 0.5, 0.5]),  # only F.hardtanh checks the bounds' order
    "threshold tensor(1.5), tensor(-1.0)": ("float32", [-1.0, -1.0, -1.0]),
    "threshold_ value=tensor([0.0])": ("TypeError", NOT_NUMBER.format("threshold_", "value", " (position 3)")),
    "hardshrink lambd=tensor(2.0)": ("float32", [0.0, 0.0, 0.0]),
    "softshrink lambd=tensor(0.25)": ("float32", [0.75, 0.75, 0.75]),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_number_argument(name):
    assert outcome(rg, name) == EXPECTED[name]


@needs_torch
@pytest.mark.parametrize("name", sorted(CALLS))
def test_number_argument_vs_torch(name):
    ours, theirs = outcome(rg, name), outcome(torch, name)
    assert ours[0] == theirs[0]
    if isinstance(ours[1], str):
        assert ours[1] == theirs[1]
    else:
        assert ours[1] == pytest.approx(theirs[1])


def test_fill_with_a_complex_0d_tensor_warns_and_keeps_the_real_part():
    with pytest.warns(UserWarning, match="Casting complex values to real discards the imaginary part") as record:
        y = rg.ones(3).fill_(rg.tensor(2 + 1j))
    assert record[0].filename == __file__
    assert y.tolist() == [2.0, 2.0, 2.0]

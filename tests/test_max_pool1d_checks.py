"""F.max_pool1d's own checks (PyTorch's `check_max_pool1d`, its CPU kernel's dtypes, the with-indices parser)
and the max pools' dtype refusals: PyTorch's error types and messages, not the 2-D pooling's.

A text CNN whose sequence is shorter than its pooling window (`F.max_pool1d(conv, 3)` on a length-2
output) is the everyday case.
"""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

F_CASES = {  # name: (call on a torch-like module, PyTorch's error type and message)
    "window longer than the input": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 2), 3),
        ("RuntimeError", "max_pool1d() Invalid computed output size: 0"),
    ),
    "window longer than the input, recorded": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 2, requires_grad=True), 3),
        ("RuntimeError", "max_pool1d() Invalid computed output size: 0"),
    ),
    "MaxPool1d longer than an unbatched input": (
        lambda m: m.nn.MaxPool1d(3, dilation=2)(m.ones(4, 4)),
        ("RuntimeError", "max_pool1d() Invalid computed output size: 0"),
    ),
    "two kernel sizes": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), (3, 2)),
        ("RuntimeError", "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got "
                         "size 2"),
    ),
    "empty padding": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), 2, padding=[]),
        ("RuntimeError", "max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got "
                         "size 0"),
    ),
    "two strides": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), 2, stride=(1, 1)),
        ("RuntimeError", "max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but "
                         "got size 2"),
    ),
    "zero kernel": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), 0),
        ("RuntimeError", "max_pool1d() kernel_size must be greater than zero, but got 0"),
    ),
    "zero stride": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), 3, stride=0),
        ("RuntimeError", "max_pool1d() stride must be greater than zero, but got 0"),
    ),
    "negative padding": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), 3, padding=-1),
        ("RuntimeError", "max_pool1d() padding must be non-negative, but got -1"),
    ),
    "padding over half the kernel": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), 3, padding=2),
        ("RuntimeError", "max_pool1d() padding should be at most half of kernel size, but got padding=2 and "
                         "kernel_size=3"),
    ),
    "zero dilation": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), 3, dilation=0),
        ("RuntimeError", "max_pool1d() dilation must be greater than zero, but got 0"),
    ),
    "no channels": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 0, 5), 1),
        ("RuntimeError", "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                         "input, but got:[2, 0, 5]"),
    ),
    "integer input": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5, dtype=m.long), 2),
        ("NotImplementedError", "\"max_pool1d_impl\" not implemented for 'Long'"),
    ),
    "two kernel sizes with indices": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), (3, 2), return_indices=True),
        ("RuntimeError", "max_pool1d() argument 'kernel_size' should contain one int (got 2)"),
    ),
    "negative padding with indices": (
        lambda m: m.nn.functional.max_pool1d(m.ones(2, 4, 5), 3, padding=-1, return_indices=True),
        ("RuntimeError", "pad must be non-negative, but got pad: -1"),
    ),
    "negative padding in 2-D": (
        lambda m: m.nn.functional.max_pool2d(m.ones(2, 4, 5, 5), 3, padding=-1),
        ("RuntimeError", "pad must be non-negative, but got pad: -1"),
    ),
    "bool input in 2-D": (
        lambda m: m.nn.functional.max_pool2d(m.ones(2, 4, 4, dtype=m.bool), 2),
        ("NotImplementedError", "\"max_pool2d\" not implemented for 'Bool'"),
    ),
    "complex input in 3-D": (
        lambda m: m.nn.functional.max_pool3d(m.ones(2, 4, 4, 4, dtype=m.complex64), 2),
        ("NotImplementedError", "\"max_pool3d\" not implemented for 'ComplexFloat'"),
    ),
}


def _outcome(m, call):
    try:
        call(m)
    except Exception as e:  # noqa: BLE001 - the outcome is what is compared
        return type(e).__name__, str(e)
    return "ok", ""


@pytest.mark.parametrize("name", sorted(F_CASES))
def test_max_pool_error(name):
    call, expected = F_CASES[name]
    assert _outcome(rg, call) == expected
    if torch is not None:
        assert _outcome(torch, call) == expected


@pytest.mark.parametrize("return_indices", [False, True])
def test_valid_arguments_still_pool(return_indices):
    x = rg.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]])
    out = rg.nn.functional.max_pool1d(x, [3], stride=[], padding=[1], dilation=(1,), return_indices=return_indices)
    values = out[0] if return_indices else out
    assert values.tolist() == [[[3.0, 5.0]]]
    half = rg.nn.functional.max_pool1d(x.half(), 2)
    assert half.dtype == rg.float16 and half.tolist() == [[[3.0, 5.0]]]

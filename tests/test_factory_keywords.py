"""The factories' keyword arguments: each does what PyTorch's does or raises, never accepted and ignored.

One table: a factory call (written against a module, so the same row runs on PyTorch), a keyword,
and what comes out: the result's dtype, shape, layout, device and requires_grad, or the error type
and the start of its message.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd

CALLS = {
    "zeros": lambda m, **k: m.zeros(2, 3, **k),
    "empty": lambda m, **k: m.empty(2, 3, **k),
    "ones": lambda m, **k: m.ones(2, 3, **k),
    "full": lambda m, **k: m.full((2, 3), 1.0, **k),
    "arange": lambda m, **k: m.arange(3, **k),
    "range": lambda m, **k: m.range(0, 3, **k),
    "linspace": lambda m, **k: m.linspace(0, 1, 3, **k),
    "logspace": lambda m, **k: m.logspace(0, 1, 3, **k),
    "eye": lambda m, **k: m.eye(2, 3, **k),
    "zeros_like": lambda m, **k: m.zeros_like(m.ones(2, 3), **k),
    "ones_like": lambda m, **k: m.ones_like(m.ones(2, 3), **k),
    "full_like": lambda m, **k: m.full_like(m.ones(2, 3), 2, **k),
    "empty_like": lambda m, **k: m.empty_like(m.ones(2, 3), **k),
    "rand_like": lambda m, **k: m.rand_like(m.ones(2, 3), **k),
    "randn_like": lambda m, **k: m.randn_like(m.ones(2, 3), **k),
    "randint_like": lambda m, **k: m.randint_like(m.ones(2, 3), 3, **k),
    "randint": lambda m, **k: m.randint(0, 3, (2,), **k),
    "randperm": lambda m, **k: m.randperm(3, **k),
    "normal": lambda m, **k: m.normal(0.0, 1.0, (2,), **k),
    "normal_tensors": lambda m, **k: m.normal(m.zeros(2), m.ones(2), **k),
    "tril_indices": lambda m, **k: m.tril_indices(3, 3, **k),
    "triu_indices": lambda m, **k: m.triu_indices(3, 3, **k),
    "scalar_tensor": lambda m, **k: m.scalar_tensor(1, **k),
    "tensor": lambda m, **k: m.tensor([1.0, 2.0], **k),
    "new_zeros": lambda m, **k: m.ones(2).new_zeros(2, **k),
    "new_empty": lambda m, **k: m.ones(2).new_empty(2, **k),
    "hann_window": lambda m, **k: m.hann_window(4, **k),
    "sparse_coo_tensor": lambda m, **k: m.sparse_coo_tensor([[0]], [1.0], (2,), **k),
}

# (call, keyword, value: a module attribute name, or a Python value in a 1-tuple, expected)
CASES = [
    *[(c, "layout", "strided", ok) for c, ok in [
        ("arange", "int64 (3,) strided"), ("range", "float32 (4,) strided"), ("linspace", "float32 (3,) strided"),
        ("logspace", "float32 (3,) strided"), ("eye", "float32 (2, 3) strided"),
        ("zeros_like", "float32 (2, 3) strided"), ("ones_like", "float32 (2, 3) strided"),
        ("full_like", "float32 (2, 3) strided"), ("empty_like", "float32 (2, 3) strided"),
        ("tril_indices", "int64 (2, 6) strided"), ("triu_indices", "int64 (2, 6) strided"),
        ("scalar_tensor", "float32 () strided"),
    ]],  # fmt: skip
    *[(c, "pin_memory", (False,), ok) for c, ok in [
        ("rand_like", "float32 (2, 3) strided"), ("randn_like", "float32 (2, 3) strided"),
        ("randint_like", "float32 (2, 3) strided"), ("tril_indices", "int64 (2, 6) strided"),
        ("scalar_tensor", "float32 () strided"),
    ]],  # fmt: skip
    *[(c, "pin_memory", (True,), "RuntimeError: pin_memory=True requires a CUDA")
      for c in ("rand_like", "randint_like", "tril_indices", "scalar_tensor")],
    # a sparse layout: zeros and empty make a sparse tensor with no entries
    ("zeros", "layout", "sparse_coo", "float32 (2, 3) sparse_coo"),
    ("zeros", "layout", "sparse_csr", "float32 (2, 3) sparse_csr"),
    ("empty", "layout", "sparse_coo", "float32 (2, 3) sparse_coo"),
    ("zeros_like", "layout", "sparse_coo", "float32 (2, 3) sparse_coo"),
    ("zeros_like", "layout", "sparse_csr", "float32 (2, 3) sparse_csr"),
    ("new_zeros", "layout", "sparse_coo", "float32 (2,) sparse_coo"),
    ("new_empty", "layout", "sparse_coo", "float32 (2,) sparse_coo"),
    ("ones", "layout", "sparse_coo", "RuntimeError: full(...) is not implemented for sparse layout"),
    ("full", "layout", "sparse_coo", "RuntimeError: full(...) is not implemented for sparse layout"),
    *[(c, "layout", "sparse_coo", "NotImplementedError") for c in ("arange", "eye", "rand", "ones_like", "empty_like")
      if c in CALLS],
    # not a layout, not a dtype: PyTorch's TypeError (retrograd's message names the argument)
    *[(c, "layout", ("strided",), "TypeError") for c in ("zeros", "empty", "arange", "eye", "zeros_like", "randint")],
    *[(c, "dtype", ("float32",), "TypeError") for c in (
        "zeros", "empty", "full", "arange", "zeros_like", "full_like", "rand_like", "randint", "randperm",
        "tril_indices", "scalar_tensor", "tensor", "hann_window")],
    # Python types as dtypes
    *[(c, "dtype", (float,), ok) for c, ok in [
        ("randint_like", "float64 (2, 3) strided"), ("scalar_tensor", "float64 () strided"),
        ("hann_window", "float64 (4,) strided"), ("zeros_like", "float64 (2, 3) strided")]],
    *[(c, "dtype", (int,), ok) for c, ok in [
        ("randint_like", "int64 (2, 3) strided"), ("tril_indices", "int64 (2, 6) strided"),
        ("scalar_tensor", "int64 () strided")]],
    ("randperm", "dtype", (None,), "int64 (3,) strided"),
    # complex dtypes the range and integer kernels refuse
    ("arange", "dtype", "complex64", "NotImplementedError: \"arange_cpu\" not implemented for 'ComplexFloat'"),
    ("range", "dtype", "complex64", "NotImplementedError: \"range_cpu\" not implemented for 'ComplexFloat'"),
    ("randperm", "dtype", "complex64", "NotImplementedError: \"randperm\" not implemented for 'ComplexFloat'"),
    ("randint", "dtype", "complex64", "RuntimeError: check_random_bounds handles only integral"),
    ("randint_like", "dtype", "complex64", "RuntimeError: check_random_bounds handles only integral"),
    # the tensor form of normal takes no factory keywords: refused, not ignored
    *[("normal_tensors", k, v, "TypeError: normal() received an invalid combination of arguments") for k, v in [
        ("dtype", "float64"), ("device", ("cpu",)), ("requires_grad", (True,)), ("layout", "strided")]],
    # device= honoured
    ("normal", "device", ("meta",), "float32 (2,) strided meta"),
    ("tril_indices", "device", ("meta",), "int64 (2, 6) strided meta"),
    ("tril_indices", "requires_grad", (True,), "RuntimeError: Only Tensors of floating point and complex dtype"),
    # a half-precision sparse tensor keeps its dtype
    ("sparse_coo_tensor", "dtype", "float16", "float16 (2,) sparse_coo"),
]


def _outcome(module, call: str, keyword: str, value) -> str:
    arg = value[0] if isinstance(value, tuple) else getattr(module, value)
    try:
        r = CALLS[call](module, **{keyword: arg})
    except Exception as e:  # noqa: BLE001 - the outcome is compared
        return f"{type(e).__name__}: {e}"
    dtype, layout = str(r.dtype).split(".")[-1], str(r.layout).split(".")[-1]
    text = f"{dtype} {tuple(r.shape)} {layout}"
    return text + (f" {r.device.type}" if r.device.type != "cpu" else "") + (" grad" if r.requires_grad else "")


def _id(case) -> str:
    return f"{case[0]}-{case[1]}={case[2]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_factory_keyword(case):
    call, keyword, value, expected = case
    assert _outcome(retrograd, call, keyword, value).startswith(expected)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_factory_keyword_vs_torch(case):
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    call, keyword, value, _ = case
    ours, theirs = _outcome(retrograd, call, keyword, value), _outcome(torch, call, keyword, value)
    if theirs.split(":")[0] in ("TypeError", "NotImplementedError", "RuntimeError") and ":" in ours:
        # the same error type; PyTorch's sparse dispatch messages name its C++ kernels
        assert ours.split(":")[0] == theirs.split(":")[0] or "sparse" in keyword + str(value), (ours, theirs)
    else:
        assert ours == theirs.replace("torch", "retrograd")


def test_sparse_zeros_hold_no_entries():
    z = retrograd.zeros(2, 3, layout=retrograd.sparse_coo, dtype=retrograd.float64, requires_grad=True)
    assert z._nnz() == 0 and z.requires_grad and z.dtype == retrograd.float64
    np.testing.assert_array_equal(z.to_dense().detach().numpy(), np.zeros((2, 3)))
    c = retrograd.zeros_like(retrograd.ones(2, 3), layout=retrograd.sparse_csc)
    assert c.layout == retrograd.sparse_csc and c.ccol_indices().tolist() == [0, 0, 0, 0]
    dense = retrograd.zeros_like(retrograd.zeros(2, layout=retrograd.sparse_coo), layout=retrograd.strided)
    assert dense.layout == retrograd.strided and dense.tolist() == [0.0, 0.0]

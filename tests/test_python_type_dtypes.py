"""`dtype=float` (int, bool, complex): Python's number types as dtype arguments, as PyTorch reads
them: float64, int64, bool and complex128 (the dtypes of the tensors Python numbers make)."""

from __future__ import annotations

import pytest

import retrograd as rg

PYTHON_TYPES = {float: rg.float64, int: rg.int64, bool: rg.bool, complex: rg.complex128}


def _calls(lib, t):
    """(name, call) pairs that pass Python's `t` as a dtype, each returning a tensor."""
    x = lib.tensor([1.0, 2.0])
    return [
        ("zeros", lambda: lib.zeros(2, dtype=t)),
        ("ones", lambda: lib.ones(2, dtype=t)),
        ("empty", lambda: lib.empty(2, dtype=t)),
        ("full", lambda: lib.full((2,), 1, dtype=t)),
        ("eye", lambda: lib.eye(2, dtype=t)),
        ("tensor", lambda: lib.tensor([1, 0], dtype=t)),
        ("as_tensor", lambda: lib.as_tensor([1, 0], dtype=t)),
        ("asarray", lambda: lib.asarray([1, 0], dtype=t)),
        ("zeros_like", lambda: lib.zeros_like(x, dtype=t)),
        ("full_like", lambda: lib.full_like(x, 1, dtype=t)),
        ("new_zeros", lambda: x.new_zeros(2, dtype=t)),
        ("new_tensor", lambda: x.new_tensor([1, 0], dtype=t)),
        ("to", lambda: x.to(t)),
        ("to(dtype=)", lambda: x.to(dtype=t)),
        ("to(device, dtype)", lambda: x.to("cpu", t)),
        ("sum", lambda: x.sum(dtype=t)),
        ("prod", lambda: x.prod(dtype=t)),
        ("cumsum", lambda: lib.tensor([1, 0]).cumsum(0, dtype=t)),
    ]


@pytest.mark.parametrize("python_type", list(PYTHON_TYPES))
def test_python_number_types_are_their_dtypes(python_type):
    for name, call in _calls(rg, python_type):
        if python_type is bool and name in ("prod", "cumsum"):
            continue  # PyTorch has no bool kernels there (tested against it below)
        assert call().dtype is PYTHON_TYPES[python_type], name


def test_floating_only_calls():
    assert rg.randn(2, dtype=float).dtype is rg.float64
    assert rg.rand(2, dtype=float).dtype is rg.float64
    assert rg.arange(3, dtype=float).tolist() == [0.0, 1.0, 2.0]
    assert rg.linspace(0, 1, 3, dtype=float).dtype is rg.float64
    assert rg.tensor([1.0, 2.0]).mean(dtype=float).dtype is rg.float64
    assert rg.softmax(rg.tensor([1.0, 2.0]), 0, dtype=float).dtype is rg.float64
    assert rg.randint(0, 5, (2,), dtype=float).dtype is rg.float64
    assert rg.tensor([1.5, -2.5], dtype=int).tolist() == [1, -2]
    with pytest.raises(NotImplementedError, match="\"linspace_cpu\" not implemented for 'Bool'"):
        rg.linspace(0, 1, 3, dtype=bool)


def test_other_types_are_still_refused():
    with pytest.raises(TypeError, match="argument 'dtype' must be retrograd.dtype, not type"):
        rg.zeros(2, dtype=str)
    with pytest.raises(TypeError, match="to\\(\\) received an invalid combination of arguments"):
        rg.ones(2).to(str)


@pytest.mark.pytorch
@pytest.mark.parametrize("python_type", list(PYTHON_TYPES))
def test_python_number_types_match_pytorch(python_type):
    torch = pytest.importorskip("torch")

    def outcomes(lib):
        found = []
        for name, call in _calls(lib, python_type):
            try:
                result = call()
                values = None if name == "empty" else result.tolist()  # (empty's values are garbage)
                found.append((name, str(result.dtype).split(".")[-1], values))
            except Exception as e:  # noqa: BLE001 - compared with PyTorch's
                found.append((name, type(e).__name__))
        return found

    assert outcomes(rg) == outcomes(torch)

"""vmap over the searching and counting ops computed in NumPy (searchsorted, bucketize, isin,
bincount, histc): once per example, as PyTorch's fallback does; unique refuses, its size varies.

Each case runs on retrograd and, where installed, on PyTorch (the `pytorch` id).
"""

from __future__ import annotations

import warnings

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])


def _vmap(lib, fn, *args, **kwargs):
    with warnings.catch_warnings():  # PyTorch warns that its fallback is slow
        warnings.simplefilter("ignore")
        return lib.func.vmap(fn, **kwargs)(*args)


@pytest.mark.parametrize("lib", LIBS)
def test_searchsorted_and_bucketize(lib):
    seqs = lib.tensor([[0.0, 1.0, 2.0], [10.0, 20.0, 30.0]])
    values = lib.tensor([[1.5, -1.0], [25.0, 30.0]])
    assert _vmap(lib, lib.searchsorted, seqs, values).tolist() == [[2, 0], [2, 2]]
    assert _vmap(lib, lambda s, v: lib.searchsorted(s, v, right=True), seqs, values).tolist() == [[2, 0], [2, 3]]
    bounds = lib.tensor([0.0, 1.0])
    assert _vmap(lib, lambda v: lib.bucketize(v, bounds), lib.tensor([[-1.0, 0.5], [2.0, 1.0]])).tolist() == [
        [0, 1],
        [2, 1],
    ]


@pytest.mark.parametrize("lib", LIBS)
def test_isin(lib):
    x = lib.tensor([[1.0, 2.0, 3.0], [3.0, 4.0, 1.0]])
    out = _vmap(lib, lambda a: lib.isin(a, lib.tensor([1.0, 3.0])), x)
    assert out.tolist() == [[True, False, True], [True, False, True]]


@pytest.mark.parametrize("lib", LIBS)
def test_bincount_and_histc(lib):
    counts = _vmap(lib, lambda a: lib.bincount(a, minlength=4), lib.tensor([[0, 1, 1], [3, 3, 2]]))
    assert counts.tolist() == [[1, 2, 0, 0], [0, 0, 1, 2]]
    hist = _vmap(lib, lambda a: lib.histc(a, bins=2, min=0, max=2), lib.tensor([[0.5, 1.5, 1.7], [0.1, 0.2, 2.0]]))
    assert hist.tolist() == [[1.0, 2.0], [2.0, 1.0]]


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "fn, op",
    [
        (lambda lib: lambda a: lib.unique(a), "_unique2"),
        (lambda lib: lambda a: lib.unique(a, dim=0), "unique_dim"),
        (lambda lib: lambda a: lib.unique_consecutive(a), "unique_consecutive"),
    ],
    ids=["unique", "unique_dim", "unique_consecutive"],
)
def test_unique_is_refused(lib, fn, op):
    with pytest.raises(RuntimeError) as info:
        _vmap(lib, fn(lib), lib.ones(2, 3))
    assert str(info.value) == (
        "vmap: We do not support batching operators that can output dynamic shape. Attempted to vmap over "
        f"aten::{op}. Please file an issue at https://github.com/pytorch/pytorch/issues if you need this feature."
    )


@pytest.mark.parametrize("lib", LIBS)
def test_contiguous_lays_out_each_example(lib):
    x = lib.arange(12.0).reshape(2, 2, 3)
    out = _vmap(lib, lambda a: a.movedim(0, 1).contiguous().view(-1), x)
    assert out.tolist() == [[0.0, 3.0, 1.0, 4.0, 2.0, 5.0], [6.0, 9.0, 7.0, 10.0, 8.0, 11.0]]

"""ops/kernels/select.py: the bitwise `where` gives exactly NumPy's `where`, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.ops.kernels.select import select


def _bits(a):
    return a.view(np.dtype(f"i{a.dtype.itemsize}")) if a.dtype.kind == "f" else a


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.int8, np.uint16, np.bool_])
def test_matches_where_bit_for_bit(dtype):
    rng = np.random.default_rng(0)
    shape = (64, 130)
    a = (rng.standard_normal(shape) * 10).astype(dtype)
    b = (rng.standard_normal(shape) * 10).astype(dtype)
    if a.dtype.kind == "f":
        a[0, :3] = [np.nan, -0.0, np.inf]
        b[1, :3] = [-np.nan, 0.0, -np.inf]
    cond = rng.random(shape) > 0.5
    got, want = select(np, cond, a, b), np.where(cond, a, b)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(_bits(got), _bits(want))


def test_broadcasts_condition_and_operands():
    rng = np.random.default_rng(1)
    cond = rng.random((8, 1, 700)) > 0.3
    a = rng.standard_normal((5, 700)).astype(np.float32)
    b = np.zeros((), np.float32)
    got = select(np, cond, a, b)
    assert got.shape == (8, 5, 700)
    np.testing.assert_array_equal(got, np.where(cond, a, b))
    assert not np.signbit(got[~np.broadcast_to(cond, got.shape)]).any()  # +0 where b was chosen


def test_other_cases_fall_back_to_where():
    cond = np.array([True, False])
    assert select(np, cond, np.array([1.0, 2.0]), np.array([3.0, 4.0], np.float32)).dtype == np.float64
    assert select(np, cond, np.array([1.0, 2.0]), 0.0).tolist() == [1.0, 0.0]


def test_where_op_and_activations_use_it():
    x = retrograd.randn(100, 100)
    np.testing.assert_array_equal(retrograd.where(x > 0, x, -x).numpy(), np.abs(x.numpy()))
    y = retrograd.nn.functional.leaky_relu(x, 0.1).numpy()
    np.testing.assert_array_equal(y, np.where(x.numpy() > 0, x.numpy(), x.numpy() * np.float32(0.1)))


@pytest.mark.parametrize("shape", [(), (1,), (3, 5000)])
def test_zero_where_keeps_g_where_not_blocked_bit_for_bit(shape):
    from retrograd.ops.kernels.select import zero_where

    rng = np.random.default_rng(2)
    g = rng.standard_normal(shape)
    y = rng.standard_normal(shape)
    got = np.asarray(zero_where(np, y <= 0, g))
    want = np.where(y <= 0, 0.0, g)
    np.testing.assert_array_equal(got, want)
    assert not np.signbit(got[np.asarray(y <= 0)]).any()

"""Everyday numerics data scientists lean on, at their edges: the replacement values of nan_to_num
in each float dtype (and complex), quantiles that interpolate next to an infinity.

Each behaviour is spelled out as PyTorch 2.13 gives it, and compared with PyTorch when it is installed.
"""

from __future__ import annotations

import math

import pytest

import retrograd as rg

INF, NAN = math.inf, math.nan


def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize(
    "dtype, largest",
    [("float16", 65504.0), ("bfloat16", 3.3895313892515355e38), ("float32", 3.4028234663852886e38),
     ("float64", 1.7976931348623157e308)],
)
def test_nan_to_num_defaults_to_the_dtypes_own_limits(dtype, largest):
    # half dtypes compute in float32, whose max would round to inf in them
    x = rg.tensor([NAN, INF, -INF, 1.5], dtype=getattr(rg, dtype))
    assert rg.nan_to_num(x).tolist() == [0.0, largest, -largest, 1.5]
    assert rg.nan_to_num(x, posinf=7.0).tolist() == [0.0, 7.0, -largest, 1.5]


def test_nan_to_num_replaces_each_part_of_a_complex_number():
    z = rg.tensor([complex(INF, NAN), complex(-INF, 2), complex(1, -INF)])
    big = 3.4028234663852886e38
    assert rg.nan_to_num(z, nan=0.5).tolist() == [complex(big, 0.5), complex(-big, 2), complex(1, -big)]
    with pytest.raises(RuntimeError, match="^nan_to_num does not support automatic differentiation for outputs "
                                           "with complex dtype.$"):
        rg.nan_to_num(z.requires_grad_())


@pytest.mark.pytorch
def test_nan_to_num_matches_pytorch_pytorch():
    torch = _torch()
    for m_dtype in ["float16", "bfloat16", "float32", "float64", "complex64", "complex128"]:
        values = [NAN, INF, -INF, 1.5] if "float" in m_dtype else [complex(INF, NAN), complex(-INF, 2)]
        ours = rg.nan_to_num(rg.tensor(values, dtype=getattr(rg, m_dtype)))
        theirs = torch.nan_to_num(torch.tensor(values, dtype=getattr(torch, m_dtype)))
        assert ours.tolist() == theirs.tolist(), m_dtype


def test_quantile_next_to_an_infinity_takes_it_as_lerp_does():
    # lerp(a, b, w) computes from the end nearer w, so -inf and 1 at w = 0.5 give -inf, not inf - inf
    x = rg.tensor([[1.0, NAN, 3.0, -INF], [-INF, -INF, INF, 1.0]])
    q = rg.nanquantile(x, rg.tensor([0.25, 0.5]), dim=1)  # (q, rows); -inf - -inf is still NaN
    assert str(q.tolist()) == str([[-INF, NAN], [1.0, -INF]])
    assert rg.quantile(x[1], 0.4, interpolation="midpoint").item() == -INF
    assert rg.quantile(rg.tensor([-INF, 1.0, 2.0]), 0.4).item() == -INF  # weight 0.8: from the end 1


@pytest.mark.pytorch
def test_quantile_next_to_an_infinity_matches_pytorch():
    torch = _torch()
    rows = [[1.0, NAN, 3.0, -INF], [2.0, 5.0, INF, 0.0], [-INF, -INF, INF, 1.0]]
    for interpolation in ["linear", "midpoint", "lower", "higher", "nearest"]:
        for q in [0.1, 0.25, 0.4, 0.5, 0.75]:
            ours = rg.nanquantile(rg.tensor(rows), q, dim=1, interpolation=interpolation)
            theirs = torch.nanquantile(torch.tensor(rows), q, dim=1, interpolation=interpolation)
            assert str(ours.tolist()) == str(theirs.tolist()), (interpolation, q)


_MEAN_REFUSALS = {
    "lib.tensor([1, 2]).mean(dtype=lib.int64)":
        "mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. "
        "Got: Long",
    "lib.tensor([1.0, 2.0]).mean(0, dtype=lib.bool)":
        "mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. "
        "Got: Bool",
    "lib.tensor([1, 2]).mean()":
        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long",
    "lib.tensor([1, 2]).nanmean(dtype=lib.int64)":
        "nanmean(): expected input to have floating point or complex dtype but got Long",
    "lib.tensor([1.0, 2.0]).nanmean(dtype=lib.int32)":
        "nanmean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. "
        "Got: Int",
    "lib.tensor([1 + 1j]).nanmean()": "nansum on CPU does not support complex inputs",
    "lib.nansum(lib.tensor([1 + 1j]))": "nansum on CPU does not support complex inputs",
}


@pytest.mark.parametrize("expression", _MEAN_REFUSALS)
def test_means_refuse_dtypes_in_pytorchs_words(expression):
    with pytest.raises(RuntimeError) as ours:
        eval(expression, {"lib": rg})
    assert str(ours.value) == _MEAN_REFUSALS[expression]


@pytest.mark.pytorch
@pytest.mark.parametrize("expression", _MEAN_REFUSALS)
def test_means_refuse_dtypes_as_pytorch(expression):
    torch = _torch()
    with pytest.raises(RuntimeError) as theirs:
        eval(expression, {"lib": torch})
    assert str(theirs.value) == _MEAN_REFUSALS[expression]


def test_means_in_a_floating_dtype_of_integers():
    assert rg.tensor([1, 2]).mean(dtype=rg.float64).item() == 1.5
    assert rg.tensor([1.0, NAN]).nanmean(dtype=rg.float64).dtype == rg.float64


def test_a_numpy_bool_is_a_float_number_beside_a_tensor():
    # PyTorch's argument parser takes only Python's bool as a bool; NumPy's it reads as a float number
    import numpy as np

    t = rg.tensor([1, 2])
    assert (t + np.bool_(True)).tolist() == [2.0, 3.0] and (t + np.bool_(True)).dtype == rg.float32
    assert (np.bool_(False) * t).dtype == rg.float32 and rg.full((2,), np.bool_(True)).dtype == rg.float32
    assert (t + True).dtype == rg.int64  # Python's bool stays a bool
    assert rg.tensor([np.bool_(True)]).dtype == rg.bool  # creation reads NumPy's dtype


@pytest.mark.pytorch
def test_a_numpy_bool_beside_a_tensor_as_pytorch():
    torch = _torch()
    import numpy as np

    for m in (rg, torch):
        t = m.tensor([1, 2])
        results = [t + np.bool_(True), np.bool_(True) * t, m.full((2,), np.bool_(True)),
                   m.tensor([1.0, 2.0]).masked_fill(m.tensor([True, False]), np.bool_(True))]
        if m is rg:
            ours = [(r.tolist(), str(r.dtype).split(".")[1]) for r in results]
        else:
            theirs = [(r.tolist(), str(r.dtype).split(".")[1]) for r in results]
    assert ours == theirs


# A number exponent of 3, -2, 0.5 or -0.5 is computed as products and square roots (PyTorch's CPU
# pow kernel for float and double), whose rounding differs from the C library's pow.
_CUBE_BASE = 0.3  # pow(x, 3) rounds one way, x·x·x the other


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pow_with_special_exponents_is_products_and_roots(dtype):
    import numpy as np

    a = np.random.default_rng(2).uniform(0, 2, 500).astype(dtype)
    x = rg.from_numpy(a)
    assert np.array_equal((x**3).numpy(), a * a * a)
    assert np.array_equal(x.pow(-2).numpy(), 1 / (a * a))
    assert np.array_equal((x**0.5).numpy(), rg.sqrt(x).numpy())
    assert np.array_equal((x**-0.5).numpy(), 1 / np.sqrt(a))
    assert np.array_equal(rg.pow(x, 3.0).numpy(), a * a * a)


def test_a_cube_rounds_as_three_products():
    x = rg.tensor([_CUBE_BASE], dtype=rg.float64)
    assert (x**3).item() == _CUBE_BASE * _CUBE_BASE * _CUBE_BASE
    assert (x**3).item() != math.pow(_CUBE_BASE, 3)


@pytest.mark.parametrize("exponent", [3, 3.0, -2, 0.5, -0.5, 1.5, -1])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pow_with_a_number_exponent_matches_pytorch_bits(dtype, exponent):
    torch = _torch()
    import numpy as np

    a = np.random.default_rng(2).uniform(0, 2, 500).astype(dtype)
    ours = (rg.from_numpy(a) ** exponent).numpy()
    theirs = (torch.from_numpy(a) ** exponent).numpy()
    if exponent in (0.5, 1.5):  # PyTorch's vectorised sqrt/pow differ from IEEE sqrt in the last bit on some CPUs
        np.testing.assert_allclose(ours, theirs, rtol=5e-16 if dtype == "float64" else 2.5e-7)
    else:
        assert np.array_equal(ours, theirs)

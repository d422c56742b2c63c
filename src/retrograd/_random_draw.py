"""Drawing arrays for `retrograd.random`: shapes, dtype rules, integer bounds, sampled tensors.

Samples are NumPy arrays drawn from a `np.random.Generator`; floats are drawn in
float32 or float64 directly (float16 through float32). Ops whose samples depend
on a tensor (normal, bernoulli, poisson) record a node with zero gradients, as
PyTorch does: sampling is not reparameterised.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes as _dt
from .engine.primitive import Primitive
from .ops.kernels.operands import shape_arg
from .tensor import Tensor

_KIND = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}
# integer dtypes narrower than int64: PyTorch's C type name and range, for randint's bound checks
_C_RANGE = {
    "int8": ("signed char", -(2**7), 2**7 - 1),
    "int16": ("short int", -(2**15), 2**15 - 1),
    "int32": ("int", -(2**31), 2**31 - 1),
    "uint8": ("unsigned char", 0, 2**8 - 1),
    "bool": ("bool", 0, 1),
}
P_IN_RANGE = (
    "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
    "improved?  If so, please report an enhancement request to PyTorch.)"
)


def shape_of(size: tuple, fn: str) -> tuple[int, ...]:
    """A factory's `*size` (ints, or one tuple/list/Size) as a shape with no negative entry."""
    if not size:
        raise TypeError(f"{fn}() received an invalid combination of arguments - got ()")
    shape = shape_arg(size)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def check_float(dt: _dt.dtype, kernel: str) -> _dt.dtype:
    """`dt` if it is a floating dtype, else PyTorch's 'not implemented' error for `kernel`."""
    if not dt.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_KIND[dt.name]}'")
    return dt


def _native(np_dtype: Any) -> Any:
    return np_dtype if np_dtype in (np.float32, np.float64) else np.float32


def uniform(rng: np.random.Generator, shape: tuple, np_dtype: Any, low: float, high: float) -> Any:
    """U[low, high) samples in `np_dtype`."""
    u = rng.random(shape, dtype=_native(np_dtype))
    if low != 0.0 or high != 1.0:
        u = u * (high - low) + low  # Python floats keep u's dtype
    return u.astype(np_dtype, copy=False)


def standard_normal(rng: np.random.Generator, shape: tuple, np_dtype: Any) -> Any:
    """N(0, 1) samples in `np_dtype`."""
    return rng.standard_normal(shape, dtype=_native(np_dtype)).astype(np_dtype, copy=False)


def draw_integers(rng: np.random.Generator, low: int, high: int, shape: tuple, dt: _dt.dtype) -> Any:
    """Integers uniform in [low, high) as dtype `dt`, with PyTorch's bound checks."""
    for v in (low, high):
        if not -(2**63) <= v < 2**63:
            raise ValueError("Overflow when unpacking long long")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt.name in _C_RANGE:
        c_name, lo, hi = _C_RANGE[dt.name]
        if not lo <= low <= hi:
            raise RuntimeError(f"from is out of bounds for {c_name}")
        if not lo <= high - 1 <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {c_name}")
    return rng.integers(low, high, size=shape, dtype=np.int64).astype(dt.np, copy=False)


def multinomial_indices(rng: np.random.Generator, rows: Any, k: int, replacement: bool) -> Any:
    """`k` category indices per row of non-negative weights `rows` (R, C) -> int64 (R, k)."""
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    cum = np.cumsum(rows, axis=1)
    total = cum[:, -1:] if rows.shape[1] else np.zeros((rows.shape[0], 1))
    if (total <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    n_rows, n_cat = rows.shape
    if not replacement:
        # keys p / Exp(1): the top-k keys are a weighted sample without replacement
        keys = rows / rng.standard_exponential((n_rows, n_cat))
        return np.argsort(-keys, axis=1, kind="stable")[:, :k].astype(np.int64)
    cdf = cum / total
    cdf[cum >= total] = 1.0  # the last category (and trailing zeros) end exactly at 1
    # one search for all rows: row i's cdf and draws are shifted by i, so rows never mix
    offsets = np.arange(n_rows)[:, None]
    draws = rng.random((n_rows, k)) + offsets
    found = np.searchsorted((cdf + offsets).ravel(), draws.ravel(), side="right")
    return np.minimum(found.reshape(n_rows, k) - offsets * n_cat, n_cat - 1).astype(np.int64)


def _zero(g: Tensor) -> Tensor:
    from .ops.creation import zeros_like

    return zeros_like(g)


def _sampler(node: str, inputs: tuple[str, ...]) -> Primitive:
    """A node for a sample drawn from tensors: the sample is passed in, the gradients are 0."""
    return Primitive("sample", lambda xp, *arrays, sample: sample, [_zero] * len(inputs), inputs=inputs, node_name=node)


_SAMPLERS = {
    "NormalBackward1": _sampler("NormalBackward1", ("mean",)),
    "NormalBackward2": _sampler("NormalBackward2", ("std",)),
    "NormalBackward3": _sampler("NormalBackward3", ("mean", "std")),
    "BernoulliBackward0": _sampler("BernoulliBackward0", ("p",)),
    "PoissonBackward0": _sampler("PoissonBackward0", ("rates",)),
}


def sampled(node: str, tensors: list, data: Any) -> Tensor:
    """`data` as the output of `node` on `tensors` (recorded when one of them requires grad)."""
    return _SAMPLERS[node](*tensors, sample=data)


def _bernoulli(rng: np.random.Generator, shape: tuple, np_dtype: Any, p: Any) -> Any:
    if isinstance(p, Tensor):
        probs = p._data
        if not ((probs >= 0) & (probs <= 1)).all():
            raise RuntimeError(P_IN_RANGE)
        probs = np.broadcast_to(probs, shape)
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        probs = p
    u = uniform(rng, shape, np_dtype if np.dtype(np_dtype).kind == "f" else np.float64, 0.0, 1.0)
    return (u < probs).astype(np_dtype)


def sample_kind(target: Tensor, kind: str, a: Any, b: Any, rng: np.random.Generator) -> Any:
    """An array of `target`'s shape and dtype drawn from `kind` (see `random.sample_like`)."""
    shape, np_dtype, dt = target._data.shape, target._data.dtype, target.dtype
    if kind == "uniform":
        check_float(dt, "check_uniform_bounds")
        if a > b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
        return uniform(rng, shape, np_dtype, float(a), float(b))
    if kind == "normal":
        check_float(dt, "normal_kernel_cpu")
        if b < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {b:g}")
        return standard_normal(rng, shape, np_dtype) * b + a
    if kind == "bernoulli":
        return _bernoulli(rng, shape, np_dtype, a)
    if kind == "exponential":
        check_float(dt, "exponential_cpu")
        draws = rng.standard_exponential(shape, dtype=_native(np_dtype))
        return (draws / a).astype(np_dtype, copy=False)
    if kind == "random":
        return draw_integers(rng, int(a), int(b), shape, dt)
    raise ValueError(f"unknown sampling kind {kind!r}")

"""Drawing arrays for `retrograd.random`: shapes, dtype rules, integer bounds, sampled tensors.

Samples are NumPy arrays drawn from a `Generator` by PyTorch's CPU algorithms
(`_cpu_sampling`), in the order PyTorch's kernels visit elements (memory order for
non-contiguous targets). Ops whose samples depend on a tensor (normal, bernoulli,
poisson) record a node with zero gradients, as PyTorch does: sampling is not
reparameterised.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _cpu_sampling as _cpu
from . import dtypes as _dt
from ._generator import Generator
from ._random_float_bounds import representable_bounds
from .backend import cuda_backend, is_cuda_array, meta
from .engine.primitive import Primitive
from .ops.kernels.operands import shape_arg
from .tensor import Tensor

# integer dtypes narrower than int64: their range, for randint's bound checks
_C_RANGE = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "uint8": (0, 2**8 - 1),
    "bool": (0, 1),
}
# the dtypes whose largest value an int64 bound can pass: random_'s bounds must fit them
_BOUNDED = {**_C_RANGE, "float16": (-65504, 65504)}
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
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dt.kind_name}'")
    return dt


def check_continuous(dt: _dt.dtype, distribution: str) -> None:
    """PyTorch's dtype check of exponential_ and cauchy_ (on every device): a RuntimeError naming
    the dtype as exponential_ prints it (ScalarType, "Long") or as cauchy_ does (C++ type, "long int")."""
    if not dt.is_floating_point:
        name = dt.kind_name if distribution == "Exponential" else dt.c10_name
        raise RuntimeError(
            f"{distribution} distribution is a continuous probability distribution. "
            f"dtype must be a floating point but you specified {name}"
        )


def iteration_axes(arr: Any) -> tuple[int, ...]:
    """The axis order PyTorch's TensorIterator walks `arr` in: memory order (by stride, largest first)."""
    if arr.flags.c_contiguous:
        return tuple(range(arr.ndim))
    return tuple(sorted(range(arr.ndim), key=lambda a: -abs(arr.strides[a])))


def in_iteration_order(values: Any, like: Any) -> Any:
    """Flat samples `values` laid out over an array shaped like `like`, in `like`'s iteration order."""
    axes = iteration_axes(like)
    if axes == tuple(range(like.ndim)):
        return values.reshape(like.shape)
    out = np.empty(like.shape, dtype=values.dtype)
    out.transpose(axes)[...] = values.reshape([like.shape[a] for a in axes])
    return out


def uniform(gen: Generator, shape: tuple, np_dtype: Any, low: float, high: float) -> Any:
    """U[low, high) samples of `shape` in `np_dtype`, PyTorch's bits."""
    n = math.prod(shape)
    return _cpu.uniform(gen, n, _float_kind(np_dtype), low, high).astype(np_dtype, copy=False).reshape(shape)


def normal(gen: Generator, shape: tuple, np_dtype: Any, mean: float = 0.0, std: float = 1.0) -> Any:
    """N(mean, std²) samples of a new (contiguous) `shape` in `np_dtype`, PyTorch's bits."""
    n = math.prod(shape)
    return _cpu.normal(gen, n, _float_kind(np_dtype), mean, std).astype(np_dtype, copy=False).reshape(shape)


def _float_kind(np_dtype: Any) -> Any:
    """The dtype whose PyTorch sampling path `np_dtype` takes: its own for the floats (bfloat16
    and float16 have the reduced-precision ones), float32's for the others."""
    if np_dtype is _dt.BFLOAT16_NP:
        return np_dtype
    kind = np.dtype(np_dtype)
    return kind if kind in (np.float16, np.float32, np.float64) else np.dtype(np.float32)


def _check_integer_bounds(low: int, high: int, dt: _dt.dtype) -> None:
    for v in (low, high):
        if not -(2**63) <= v < 2**63:
            raise ValueError("Overflow when unpacking long long")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt.name in _BOUNDED:
        lo, hi = _BOUNDED[dt.name]
        c_name = dt.c10_name
        if not lo <= low <= hi:
            raise RuntimeError(f"from is out of bounds for {c_name}")
        if not lo <= high - 1 <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {c_name}")


def draw_integers(gen: Generator, low: int, high: int, shape: tuple, dt: _dt.dtype) -> Any:
    """Integers uniform in [low, high) as dtype `dt`, with PyTorch's bound checks and bits."""
    _check_integer_bounds(low, high, dt)
    low, high = representable_bounds(low, high, dt)
    values = _cpu.integers(gen, math.prod(shape), low, high, dt.name)
    return values.astype(dt.np, copy=False).reshape(shape)


def multinomial_indices(gen: Generator, rows: Any, k: int, replacement: bool) -> Any:
    """`k` category indices per row of non-negative weights `rows` (R, C) -> int64 (R, k)."""
    if rows.shape[0] == 0:  # an empty result: PyTorch returns before looking at the weights
        return np.zeros((0, k), np.int64)
    if replacement and k > 1:
        _check_rows_entrywise(rows)
        return _cpu.multinomial_with_replacement(gen, rows, k)
    if rows.shape[1] == 0:  # PyTorch's shortcut checks the weights with max() and min()
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."
        )
    if not (np.isfinite(rows).all() and (rows >= 0).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    # PyTorch's shortcut: the top k of p / q with q ~ Exp(1) (one draw: argmax); as in PyTorch 2.13,
    # zero-probability categories come last once the others are drawn
    q = _cpu.exponential(gen, rows.size, 1.0).astype(rows.dtype).reshape(rows.shape)
    keys = rows / q
    if k == 1:
        return np.argmax(keys, axis=1)[:, None].astype(np.int64)
    return np.argsort(-keys, axis=1, kind="stable")[:, :k].astype(np.int64)


def _check_rows_entrywise(rows: Any) -> None:
    """PyTorch's with-replacement kernel checks each row's entries in order, then the row's sum:
    the first bad entry names the error (NaN fails `p >= 0`, so it reads as "< 0")."""
    for row in rows:
        bad = np.flatnonzero(~(row >= 0) | ~np.isfinite(row))
        if bad.size:
            what = "< 0" if not row[bad[0]] >= 0 else "= infinity or NaN"
            raise RuntimeError(f"invalid multinomial distribution (encountering probability entry {what})")
        if not row.sum() > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


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


def _bernoulli(gen: Generator, target: Any, p: Any) -> Any:
    if isinstance(p, Tensor):
        probs = p._data
        if not ((probs >= 0) & (probs <= 1)).all():
            raise RuntimeError(P_IN_RANGE)
        drawn = _cpu.bernoulli_tensor(gen, in_iteration_order_view(np.broadcast_to(probs, target.shape), target))
        return in_iteration_order(drawn.ravel(), target).astype(target.dtype)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    return in_iteration_order(_cpu.bernoulli_scalar(gen, target.size, p), target).astype(target.dtype)


def in_iteration_order_view(values: Any, like: Any) -> Any:
    """`values` (shaped like `like`) with its axes in `like`'s iteration order, flattened."""
    return values.transpose(iteration_axes(like)).ravel()


def sample_kind(target: Tensor, kind: str, a: Any, b: Any, gen: Generator) -> Any:
    """An array of `target`'s shape and dtype drawn from `kind` (see `random.sample_like`)."""
    arr, dt = target._data, target.dtype
    if is_cuda_array(arr) or type(arr) is meta.MetaArray:
        return _device_sample(target, kind, a, b)
    n, np_dtype = arr.size, arr.dtype
    if kind == "uniform":
        if not dt.is_complex:
            check_float(dt, "check_uniform_bounds")
        if a > b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
        if dt.is_complex:  # the real view: real and imaginary parts side by side
            values = _cpu.uniform(gen, 2 * n, dt.to_real().np, float(a), float(b)).view(np_dtype)
        else:
            values = _cpu.uniform(gen, n, np_dtype, float(a), float(b))
    elif kind == "normal":
        if not dt.is_complex:
            check_float(dt, "normal_kernel_cpu")
        if b < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {b:g}")
        if dt.is_complex:  # PyTorch draws the real view (real, imaginary pairs) with std / √2
            real = dt.to_real().np
            std = float(b) / math.sqrt(2.0)
            pairs = _cpu.normal(gen, 2 * n, real, float(a), std, contiguous=arr.flags.c_contiguous)
            values = pairs.astype(real, copy=False).view(np_dtype)
        else:
            values = _cpu.normal(gen, n, np_dtype, float(a), float(b), contiguous=arr.flags.c_contiguous)
    elif kind == "bernoulli":
        return _bernoulli(gen, arr, a)
    elif kind == "exponential":
        check_continuous(dt, "Exponential")
        if not a > 0.0:  # NaN fails too
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={a:g}")
        values = _cpu.exponential(gen, n, float(a))
    elif kind == "random":
        values = _random_values(gen, n, a, b, dt)
    elif kind in ("cauchy", "log_normal", "geometric"):
        values = _more_kinds(gen, n, kind, a, b, dt)
    else:
        raise ValueError(f"unknown sampling kind {kind!r}")
    return in_iteration_order(values.astype(np_dtype, copy=False), arr)


def _more_kinds(gen: Generator, n: int, kind: str, a: Any, b: Any, dt: _dt.dtype) -> Any:
    """cauchy_ (median a, scale b), log_normal_ (mean a, std b), geometric_ (p = a), with PyTorch's checks."""
    if kind == "cauchy":
        check_continuous(dt, "Cauchy")
        if not b > 0.0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={b:g}")
        return _cpu.cauchy(gen, n, float(a), float(b))
    if kind == "log_normal":
        check_float(dt, "log_normal_cpu")
        if not b > 0.0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={b:g}")
        return _cpu.log_normal(gen, n, float(a), float(b))
    if not 0 < a < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={a:g}")
    return _cpu.geometric(gen, n, float(a))


def _random_values(gen: Generator, n: int, low: Any, high: Any, dt: _dt.dtype) -> Any:
    """`random_()`: the dtype's whole range when both bounds are None, else [low, high)."""
    if low is None and high is None:
        return _cpu.full_range_integers(gen, n, dt.name)
    low = 0 if low is None else int(low)
    if high is None:
        if low == -(2**63) and dt.name in ("int64", "float64", "float32"):
            return _cpu.int64_full_span(gen, n)
        high = _FULL_TOP.get(dt.name, 2**63)
        if low >= high:
            raise RuntimeError(
                "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, "
                f"but got from={low} > to_inc={high - 1}"
            )
    else:
        _check_integer_bounds(low, int(high), dt)
        low, high = representable_bounds(low, int(high), dt)
    return _cpu.integers(gen, n, low, int(high), dt.name)


# `random_(from)` without `to`: to = the dtype's largest value + 1 (2**digits + 1 for floats)
_FULL_TOP = {"int32": 2**31, "int16": 2**15, "int8": 2**7, "uint8": 2**8, "bool": 2,
             "float64": 2**53 + 1, "float32": 2**24 + 1, "float16": 2**11 + 1, "bfloat16": 2**8 + 1}  # fmt: skip


# --- draws on a CUDA device: CuPy's generator of that device (seeded by manual_seed) -------------


def device_draw(dev: Any, kind: str, shape: tuple, np_dtype: Any, a: Any = None, b: Any = None) -> Any:
    """Samples of `shape` drawn on CUDA device `dev`: "uniform" U[a, b), "normal" N(a, b²),
    "bernoulli" with p = a (a number or a device array), "exponential" with rate a,
    "random" integers in [a, b), "perm" a permutation of range(shape[0]).

    On the meta device nothing is drawn (and no generator moves): the result has no values."""
    if dev.type == "meta":
        return meta.empty(shape, np_dtype)
    cuda = cuda_backend()
    gen = cuda.generator(dev.index)
    np_dtype = np.dtype(np_dtype)
    wide = np.float64 if np_dtype == np.float64 else np.float32
    with cuda.on(dev.index):
        if kind == "uniform":
            out = gen.random(shape, dtype=wide) * (b - a) + a
        elif kind == "normal":
            out = gen.standard_normal(shape, dtype=wide) * b + a
        elif kind == "bernoulli":
            out = gen.random(shape, dtype=np.float64) < a
        elif kind == "exponential":
            out = -cuda.xp.log1p(-gen.random(shape, dtype=np.float64)) / a
        elif kind == "random":
            out = gen.integers(a, b, size=shape, dtype=np.int64)
        elif kind == "perm":
            out = cuda.xp.argsort(gen.random(shape, dtype=np.float64))
        else:
            raise ValueError(f"unknown sampling kind {kind!r}")
        return out.astype(np_dtype)


def _device_sample(target: Tensor, kind: str, a: Any, b: Any) -> Any:
    """`sample_kind` for a tensor on a CUDA device (PyTorch's CUDA streams differ from its CPU ones too)
    or the meta device."""
    dt = target.dtype
    if kind in ("uniform", "normal"):
        check_float(dt, "check_uniform_bounds" if kind == "uniform" else "normal_cuda")
    elif kind == "exponential":
        check_continuous(dt, "Exponential")
    if kind == "random":
        if a is None and b is None:
            a, b = (0, 2**24 + 1) if dt.is_floating_point else (_C_RANGE.get(dt.name, (-(2**63), 2**63 - 1))[0], None)
        a, b = (0 if a is None else int(a)), (_C_RANGE.get(dt.name, (0, 2**63 - 1))[1] + 1 if b is None else int(b))
    if kind == "bernoulli" and isinstance(a, Tensor):
        a = a._data
    return device_draw(target.device, kind, target._data.shape, target._data.dtype, a, b)

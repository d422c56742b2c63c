"""Variance and standard deviation: var, std, var_mean, std_mean.

With N elements per result and a `correction` c (1 by default, Bessel's),
var = Σ(a - mean)² / max(N - c, 0) and d var/da = 2 (a - mean) / (N - c).
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

from ... import dtypes as _dt
from ..._user_frames import frames_up
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..elementwise.clamp_where import where
from ..kernels.accumulate import wide_mean
from ..kernels.arg_types import invalid_combination, keepdim_arg
from ..kernels.operands import numpy_alias
from ..kernels.out_arg import write_out
from .along import count, keep, reduce_dims

__all__ = ["var", "std", "var_mean", "std_mean"]


# how PyTorch lists var/std (and their _mean forms, which have no out=) for a non-tensor input
_MOMENT_SIGNATURES = (
    "Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False, *, Tensor out = None",
    "Tensor input, tuple of ints dim = None, *, Number correction = None, bool keepdim = False, Tensor out = None",
    "Tensor input, bool unbiased = True",
)
_MOMENTS_MEAN_SIGNATURES = tuple(s.replace(", *, Tensor out = None", "").replace(", Tensor out = None", "")
                                 for s in _MOMENT_SIGNATURES)

def _mean_array(a: Any, dims: tuple, keepdim: bool) -> Any:
    return wide_mean(a, dims, keepdim)


_WIDE = {"f": "float64", "c": "complex128"}


def _var_array(xp: Any, a: Any, dims: tuple, correction: float, keepdim: bool, root: bool = False) -> Any:
    # in float64 throughout (float32 data), rounded once, as PyTorch's double accumulators do
    # (complex data: |d|², in complex128, and a real result); `root`: the std, whose square root
    # PyTorch also takes in float64 before it rounds
    wide = a.astype(_WIDE[a.dtype.kind]) if a.dtype.kind in _WIDE and a.real.dtype.itemsize < 8 else a
    d = wide - wide.sum(axis=dims, keepdims=True) / count(a.shape, dims)
    squares = (d * d.conj()).real if d.dtype.kind == "c" else d * d
    dof = builtins.max(count(a.shape, dims) - correction, 0)
    var = squares.sum(axis=dims, keepdims=keepdim) / dof  # dof 0: inf or NaN, as PyTorch
    return (xp.sqrt(var) if root else var).astype(a.real.dtype)


def _var_grad(g: Tensor, a: Tensor, dims: tuple, correction: float, keepdim: bool, full: bool) -> Tensor:
    dof = count(a._data.shape, dims) - correction
    if full and len(dims) == a._data.ndim:  # (under vmap's batching, `a` has a batch dim the reduction keeps)
        if dof <= 0:  # 2/dof is infinite: inf · 0 = NaN where a equals its mean, inf elsewhere
            return g * where(a == a.mean(), math.nan, math.inf)
        return (2.0 / dof) * g * (a - a.mean())
    scale = 2.0 / dof if dof != 0 else math.inf
    return scale * keep(g, dims, keepdim) * (a - a.mean(dims, keepdim=True))


def _std_grad(g: Tensor, a: Tensor, out: Tensor, dims: tuple, correction: float, keepdim: bool, full: bool) -> Tensor:
    # d std = d var / (2 std), and 0 where the std is 0
    g_var = where(out == 0, 0.0, g / (2 * out))
    return _var_grad(g_var, a, dims, correction, keepdim, full)


def _mean_grad(g: Tensor, a_shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    return (keep(g, dims, keepdim) / count(a_shape, dims)).expand(a_shape)


_var = Primitive(
    "var", lambda xp, a, dims, correction, keepdim, full: _var_array(xp, a, dims, correction, keepdim),
    [lambda g, a, dims, correction, keepdim, full: _var_grad(g, a, dims, correction, keepdim, full)],
    node_name="VarBackward0",
    quiet=True,
)
_std = Primitive(
    "std", lambda xp, a, dims, correction, keepdim, full: _var_array(xp, a, dims, correction, keepdim, root=True),
    [lambda g, a, out, dims, correction, keepdim, full: _std_grad(g, a, out, dims, correction, keepdim, full)],
    node_name="StdBackward0",
    quiet=True,
)
_var_mean = Primitive(
    "var_mean",
    lambda xp, a, dims, correction, keepdim, full:
        (_var_array(xp, a, dims, correction, keepdim), _mean_array(a, dims, keepdim)),
    [lambda g, a, a_shape, dims, correction, keepdim, full:
        _var_grad(g[0], a, dims, correction, keepdim, full) + _mean_grad(g[1], a_shape, dims, keepdim)],
    node_name="VarMeanBackward0",
    n_outputs=2,
    quiet=True,
)
_std_mean = Primitive(
    "std_mean",
    lambda xp, a, dims, correction, keepdim, full:
        (_var_array(xp, a, dims, correction, keepdim, root=True), _mean_array(a, dims, keepdim)),
    [lambda g, a, a_shape, out, dims, correction, keepdim, full:
        _std_grad(g[0], a, out[0], dims, correction, keepdim, full) + _mean_grad(g[1], a_shape, dims, keepdim)],
    node_name="StdMeanBackward0",
    n_outputs=2,
    quiet=True,
)


def _call(prim: Primitive, name: str, input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any) -> Any:
    """Resolve PyTorch's overloads (`var(x, unbiased)`, `var(x, dim, unbiased, keepdim)`, `correction=`)."""
    if isinstance(dim, bool):  # var(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and type(unbiased) is not bool:  # (0 would otherwise read as True)
        signatures = _MOMENTS_MEAN_SIGNATURES if name.endswith("_mean") else _MOMENT_SIGNATURES
        raise invalid_combination(name, (input, dim, unbiased), signatures)
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both 'unbiased' and 'correction'")
    if not (_dt.is_floating(input._data.dtype) or input.is_complex()):
        what = name if name.endswith("_mean") else "std and var"  # PyTorch's std_mean/var_mean name themselves
        raise RuntimeError(f"{what} only support floating point and complex dtypes")
    c = correction if correction is not None else (0 if unbiased is False else 1)
    dims = reduce_dims(input._data.ndim, dim)
    if count(input._data.shape, dims) - c <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=frames_up(3),
        )
    full = dim is None or input._data.ndim == 0
    return prim(input, dims=dims, correction=c, keepdim=keepdim, full=full)


def var(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Variance over `dim` (all dims by default), dividing by N - correction (correction=1).

    Args:
        input (Tensor): a floating point or complex tensor.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        unbiased (bool, optional): the old spelling: True is `correction=1`, False `correction=0`.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        correction (float, optional): subtracted from N in the divisor (default 1, Bessel's).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the variance, reduced like `sum` (real for complex input).

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0, 3.0, 4.0])
        >>> retrograd.var(x)
        tensor(1.6667)
        >>> x.var(correction=0)
        tensor(1.2500)
    """
    keepdim_arg("var", keepdim)
    if not isinstance(input, Tensor):
        raise invalid_combination("var", (input,), _MOMENT_SIGNATURES)
    if out is not None:
        return write_out(out, var, locals())
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("var", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("var", keepdim, False, keepdims, "keepdims")
    return _call(_var, "var", input, dim, unbiased, keepdim, correction)


def std(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Standard deviation: the square root of `var` with the same arguments.

    Args:
        input (Tensor): a floating point or complex tensor.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        unbiased (bool, optional): the old spelling: True is `correction=1`, False `correction=0`.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        correction (float, optional): subtracted from N in the divisor (default 1, Bessel's).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the standard deviation, reduced like `sum`.

    Examples:
        >>> x = retrograd.tensor([[1.0, 3.0], [2.0, 6.0]])
        >>> retrograd.std(x, dim=1)
        tensor([1.4142, 2.8284])
        >>> x.std(correction=0)
        tensor(1.8708)
    """
    keepdim_arg("std", keepdim)
    if not isinstance(input, Tensor):
        raise invalid_combination("std", (input,), _MOMENT_SIGNATURES)
    if out is not None:
        return write_out(out, std, locals())
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("std", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("std", keepdim, False, keepdims, "keepdims")
    return _call(_std, "std", input, dim, unbiased, keepdim, correction)


def var_mean(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> tuple[Tensor, Tensor]:
    """Variance and mean over the same dims, in one pass.

    Args:
        input (Tensor): any shape, a floating dtype.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        unbiased (bool, optional): the older switch for `correction` (True: 1, False: 0).
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        correction (int or float, optional): subtracted from the element count in the divisor (default 1, Bessel's
            correction).

    Returns:
        tuple[Tensor, Tensor]: `(var, mean)`, each 0-d or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 9.0]])
        >>> retrograd.var_mean(x)
        (tensor(8.3000), tensor(3.5000))
        >>> retrograd.var_mean(x, dim=1, correction=0)
        (tensor([0.6667, 8.6667]), tensor([2., 5.]))
    """
    keepdim_arg("var_mean", keepdim)
    if not isinstance(input, Tensor):
        raise invalid_combination("var_mean", (input,), _MOMENTS_MEAN_SIGNATURES)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("var_mean", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("var_mean", keepdim, False, keepdims, "keepdims")
    return _call(_var_mean, "var_mean", input, dim, unbiased, keepdim, correction)


def std_mean(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> tuple[Tensor, Tensor]:
    """Standard deviation and mean over the same dims, in one pass.

    Args:
        input (Tensor): any shape, a floating dtype.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        unbiased (bool, optional): the older switch for `correction` (True: 1, False: 0).
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        correction (int or float, optional): subtracted from the element count in the divisor (default 1, Bessel's
            correction).

    Returns:
        tuple[Tensor, Tensor]: `(std, mean)`, each 0-d or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 9.0]])
        >>> retrograd.std_mean(x)
        (tensor(2.8810), tensor(3.5000))
        >>> retrograd.std_mean(x, dim=1, keepdim=True)
        (tensor([[1.0000],
                [3.6056]]), tensor([[2.],
                [5.]]))
    """
    keepdim_arg("std_mean", keepdim)
    if not isinstance(input, Tensor):
        raise invalid_combination("std_mean", (input,), _MOMENTS_MEAN_SIGNATURES)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("std_mean", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("std_mean", keepdim, False, keepdims, "keepdims")
    return _call(_std_mean, "std_mean", input, dim, unbiased, keepdim, correction)

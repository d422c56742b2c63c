"""Statistics along a dim: logcumsumexp, cov, corrcoef, quantile (diff and trapezoid: `sampled_calculus`).

Each op is composed of differentiable ops (slices, sums, sorts, gathers), so its gradients
of every order come from theirs; only `logcumsumexp` has a rule of its own.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._user_frames import user_stacklevel
from ...backend import namespace
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..elementwise.clamp_where import where
from ..elementwise.three_operand import lerp
from ..kernels.arg_types import invalid_combination, keepdim_arg
from ..kernels.operands import numpy_alias, tensor_of, wrap_dim
from ..kernels.out_arg import same, write_out
from ..kernels.scan import accumulate, complex_logcumsumexp
from ..shape.join import stack

__all__ = ["logcumsumexp", "cov", "corrcoef", "quantile", "nanquantile"]


# --- logcumsumexp ---------------------------------------------------------------------------


def _logcumsumexp_array(xp: Any, a: Any, dim: int) -> Any:
    if a.dtype.kind == "c":
        return complex_logcumsumexp(xp, a, dim)
    if a.ndim == 0 or not a.shape[dim]:
        return a.copy()
    with np.errstate(invalid="ignore"):  # -inf - -inf inside logaddexp is handled by it
        # + 0: PyTorch's running log-sum starts from -inf, so a leading -0 comes out as +0
        return accumulate(xp, "logaddexp", a, dim) + 0


def _logcumsumexp_grad(g: Tensor, a: Tensor, out: Tensor, dim: int) -> Tensor:
    # d out_i / d a_j = e^(a_j - out_i) for j <= i (holomorphic: the engine conjugates it for complex a);
    # the weights are at most 1, so an (n, n) matrix of them (rows i, columns j) is computed directly,
    # without overflow
    a_last, out_last, g_last = a.movedim(dim, -1), out.movedim(dim, -1), g.movedim(dim, -1)
    n = a_last.shape[-1]
    xp = namespace(a._data)
    keep = Tensor._make(xp.tril(xp.ones((n, n), dtype=bool)))
    exponent = where(keep, a_last.unsqueeze(-2) - out_last.unsqueeze(-1), 0.0)
    weights = where(keep, exponent.exp(), 0.0)
    return (g_last.unsqueeze(-1) * weights).sum(-2).movedim(-1, dim)


_logcumsumexp = Primitive(
    "logcumsumexp",
    _logcumsumexp_array,
    [_logcumsumexp_grad],
    node_name="LogcumsumexpBackward0",
    quiet=True,
    holomorphic=True,
)


def logcumsumexp(input: Tensor, dim: int | None = None, *, out: Any = None, axis: Any = None) -> Tensor:
    """Running `log(cumsum(exp(input)))` along `dim`, computed without overflow.

    Args:
        input (Tensor): any shape, a floating (or complex) dtype.
        dim (int): the dim to run along.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: same shape as `input`.

    Examples:
        >>> retrograd.logcumsumexp(retrograd.tensor([0.0, 0.0, 1000.0, 1000.0]), dim=0)
        tensor([0.0000e+00, 6.9315e-01, 1.0000e+03, 1.0007e+03])
    """
    if out is not None:
        return write_out(out, logcumsumexp, locals(), same("expected scalar_type {src} but found {dst}"))
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("logcumsumexp", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('logcumsumexp() missing 1 required positional arguments: "dim"')
    x = tensor_of(input)
    if not (x.is_floating_point() or x.is_complex()):
        kind = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
        name = kind.get(str(x.dtype).split(".")[-1], str(x.dtype))
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{name}'")
    if x.dim() == 0:
        return x.clone()
    return _logcumsumexp(x, dim=wrap_dim(dim, x.dim()))


# --- covariance -----------------------------------------------------------------------------


def cov(
    input: Tensor, *, correction: int = 1, fweights: Tensor | None = None, aweights: Tensor | None = None
) -> Tensor:
    """Covariance matrix of the variables in the rows of `input` (observations in the columns).

    Args:
        input (Tensor): a 1-d tensor (one variable) or a 2-d `(variables, observations)` tensor.
        correction (int): subtracted from the number of observations in the divisor (default 1; 0 gives the
            population covariance).
        fweights (Tensor, optional): 1-d integer frequency weights, one per observation.
        aweights (Tensor, optional): 1-d float importance weights, one per observation.

    Returns:
        Tensor: `(variables, variables)`, or 0-d for a single variable; integer inputs give the default float.

    Examples:
        >>> x = retrograd.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])
        >>> retrograd.cov(x)
        tensor([[ 1., -1.],
                [-1.,  1.]])
        >>> retrograd.cov(x, correction=0)
        tensor([[ 0.6667, -0.6667],
                [-0.6667,  0.6667]])
        >>> retrograd.cov(retrograd.tensor([1.0, 2.0, 4.0]))
        tensor(2.3333)
    """
    x = tensor_of(input)
    if x.dim() > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got an input with {x.dim()} dimensions"
        )
    if x.dtype == _dt.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(_dt.get_default_dtype())
    x = x.reshape(1, -1) if x.dim() < 2 else x
    # the weights keep their dtypes, so float64 aweights make a float64 covariance, as in PyTorch
    weights = _observation_weights(fweights, aweights, x.shape[1])
    if weights is None:
        total = x.shape[1]
        mean = x.mean(1, keepdim=True)
        norm = total - correction
    else:
        total = weights.sum()
        mean = (x * weights).sum(1, keepdim=True) / total
        if correction == 0:
            norm = total
        elif aweights is None:
            norm = total - correction
        else:
            norm = total - correction * (weights * aweights).sum() / total
    norm = _degrees_of_freedom(norm)
    centered = x - mean
    scaled = centered if weights is None else centered * weights
    result = scaled @ centered.mH / norm  # (the conjugate transpose: complex data as PyTorch)
    return result.squeeze()  # always, as PyTorch: one variable of (1, N) observations gives a 0-d result


def _check_weights(w: Tensor, name: str, n: int) -> None:
    """PyTorch's checks on fweights (integers) or aweights (floats): 1-d, one per observation, not negative."""
    if w.dim() > 1:
        raise RuntimeError(
            f"cov(): expected {name} to have one or fewer dimensions but got {name} with {w.dim()} dimensions"
        )
    if name == "fweights":  # counts: any integer dtype but bool
        kind, fits = "integral", not (w.is_floating_point() or w.is_complex() or w.dtype == _dt.bool_)
    else:
        kind, fits = "floating point", w.is_floating_point()
    if not fits:
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with {w.dtype.kind_name} dtype")
    if w.numel() != n:
        raise RuntimeError(
            f"cov(): expected {name} to have the same numel as there are observations in the input but got "
            f"{w.numel()} != {n}"
        )
    if n and not _vmap.active and bool((w < 0).any()):  # under vmap, reading values would be data-dependent
        raise RuntimeError(f"cov(): {name} cannot be negative")


def _observation_weights(fweights: Tensor | None, aweights: Tensor | None, n: int) -> Tensor | None:
    """fweights · aweights (either alone, or None), checked in PyTorch's order."""
    weights = None
    if fweights is not None:
        _check_weights(fweights, "fweights", n)
        weights = fweights
    if aweights is not None:
        _check_weights(aweights, "aweights", n)
        weights = aweights if weights is None else weights * aweights
    if weights is not None and not _vmap.active and not bool(weights.sum() != 0):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    return weights


def _degrees_of_freedom(norm: Any) -> Any:
    """cov's divisor, zero where it is not positive (PyTorch's inf/nan then, not a negative scale), with its warning.

    Under vmap a weighted divisor differs per example: it is zeroed where needed without a
    warning, since reading it would be data-dependent control flow.
    """
    if isinstance(norm, Tensor) and _vmap.active:
        return where(norm > 0, norm, 0.0)
    if bool(norm <= 0):
        warnings.warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of observations.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        return norm * 0
    return norm


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the variables in the rows of `input`, clipped to [-1, 1].

    Args:
        input (Tensor): a 1-d tensor (one variable) or a 2-d `(variables, observations)` tensor.

    Returns:
        Tensor: `(variables, variables)`, or 0-d for a single variable.

    Examples:
        >>> x = retrograd.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0], [1.0, 3.0, 2.0]])
        >>> retrograd.corrcoef(x)
        tensor([[ 1.0000, -1.0000,  0.5000],
                [-1.0000,  1.0000, -0.5000],
                [ 0.5000, -0.5000,  1.0000]])
    """
    if tensor_of(input).dim() > 2:
        raise RuntimeError(
            "corrcoef(): expected input to have two or fewer dimensions but got an input with "
            f"{tensor_of(input).dim()} dimensions"
        )
    c = cov(input)
    if c.dim() == 0:
        return c / c
    std = c.diagonal().sqrt()
    return (c / std.unsqueeze(1) / std.unsqueeze(0)).clamp(-1, 1)


# --- quantiles ------------------------------------------------------------------------------

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")
_QUANTILE_OUT = same("quantile() out tensor must be same dtype as the input tensor")


def quantile(
    input: Tensor,
    q: Any,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    interpolation: str = "linear",
    out: Any = None,
) -> Tensor:
    """The `q`-th quantiles of `input` along `dim` (of all values when None); NaN where a slice has NaN.

    `q` is a number or a 1-D tensor in [0, 1]; a tensor `q` puts its dim first in the result.
    `interpolation` picks between the two nearest ranks: linear, lower, higher, midpoint or nearest.
    """
    keepdim_arg("quantile", keepdim)
    if out is not None:
        return write_out(out, quantile, locals(), _QUANTILE_OUT, grad="copy")
    _check_quantile_types("quantile", input, q, dim)
    if _autocasting[0]:
        input, q = _float32(input, q)
    if _vmap.active and (
        r := batched("quantile", quantile, input, q, dim, keepdim, interpolation=interpolation)
    ) is not NOT_BATCHED:
        return r
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


def nanquantile(
    input: Tensor,
    q: Any,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    interpolation: str = "linear",
    out: Any = None,
) -> Tensor:
    """The `q`-th quantiles of `input`, ignoring NaN values (NaN only where a whole slice is NaN).

    Args:
        input (Tensor): any shape, float32 or float64.
        q (float or Tensor): quantile(s) in [0, 1]; a 1-d tensor adds a leading dim of its length.
        dim (int, optional): the dim to reduce; the flattened input when None.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        interpolation (str): between two data points: 'linear' (default), 'lower', 'higher', 'midpoint' or
            'nearest'.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input`'s shape without (or with size-1) `dim`, 0-d for a scalar `q` and no `dim`.

    Examples:
        >>> x = retrograd.tensor([[1.0, float('nan'), 3.0], [4.0, 5.0, 6.0]])
        >>> retrograd.nanquantile(x, 0.5)
        tensor(4.)
        >>> retrograd.nanquantile(x, 0.5, dim=1)
        tensor([2., 5.])
        >>> retrograd.nanquantile(x, retrograd.tensor([0.25, 0.75]), dim=1, interpolation='lower')
        tensor([[1., 4.],
                [1., 5.]])
    """
    keepdim_arg("nanquantile", keepdim)
    if out is not None:
        return write_out(out, nanquantile, locals(), _QUANTILE_OUT, grad="copy")
    _check_quantile_types("nanquantile", input, q, dim)
    if _autocasting[0]:
        input, q = _float32(input, q)
    if _vmap.active and (
        r := batched("quantile", nanquantile, input, q, dim, keepdim, interpolation=interpolation)
    ) is not NOT_BATCHED:
        return r
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)


_QUANTILE_SIGNATURES = tuple(
    f"Tensor input, {q}, int dim = None, bool keepdim = False, *, str interpolation = \"linear\", Tensor out = None"
    for q in ("Tensor q", "float q")
)


def _check_quantile_types(name: str, input: Any, q: Any, dim: Any) -> None:
    """PyTorch's parser: `q` a tensor or a real number (not a list, a string or None), `dim` an int."""
    q_ok = isinstance(q, (Tensor, int, float, np.integer, np.floating, np.bool_))
    if not q_ok or not (dim is None or isinstance(dim, (int, np.integer)) and not isinstance(dim, bool)):
        given = (input, q) if dim is None else (input, q, dim)
        raise invalid_combination(name, given, _QUANTILE_SIGNATURES)


def _checked_quantile_args(x: Tensor, q: Any, interpolation: str) -> Any:
    """q as a float64 array, after PyTorch's checks in its order (nanquantile's errors name quantile() too)."""
    q_array = np.asarray(q._data if isinstance(q, Tensor) else q, dtype=np.float64)
    if not isinstance(q, Tensor) and q_array.ndim == 0 and not 0 <= q <= 1:
        raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got "
            + interpolation
        )
    if x.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if q_array.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if x.dtype not in (_dt.float32, _dt.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if isinstance(q, Tensor) and q.dtype != x.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    if ((q_array < 0) | (q_array > 1)).any():
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    return q_array


# PyTorch's limit on the length reduced (it keeps ranks exact in a double); larger inputs raise there
_MAX_QUANTILE_SAMPLES = 2**24


def _quantile(input: Tensor, q: Any, dim: int | None, keepdim: bool, interpolation: str, ignore_nan: bool) -> Tensor:
    x = tensor_of(input)
    q_array = _checked_quantile_args(x, q, interpolation)
    if dim is not None and x.dim() == 0:  # dim 0 or -1 of a 0-d input: the one element is the slice
        wrap_dim(dim, 0)  # (checked: anything but 0 or -1 raises PyTorch's IndexError)
        dim = None
    if dim is None:
        values, out_shape = x.reshape(-1), [1] * x.dim() if keepdim else []
    else:
        d = wrap_dim(dim, x.dim())
        values = x.movedim(d, -1)
        out_shape = list(x.shape)
        if keepdim:
            out_shape[d] = 1
        else:
            del out_shape[d]
    if values.shape[-1] > _MAX_QUANTILE_SAMPLES:
        raise RuntimeError("quantile() input tensor is too large")
    ordered = values.sort(-1).values  # NaN sorts last
    n = ordered.shape[-1]
    nan_count = np.isnan(values._data).sum(-1, keepdims=True)
    valid = (n - nan_count) if ignore_nan else np.full_like(nan_count, n)
    # ranks in the input's dtype, as PyTorch computes them: a float32 rank rounds, and so does its weight
    dt = np.dtype(values._data.dtype)
    last = np.maximum(valid - 1, 0).astype(dt)
    ranks = q_array.astype(dt).reshape(-1, *([1] * ordered.dim())) * last  # (len(q), ..., 1)
    if not ignore_nan:
        ranks = np.where(nan_count > 0, n - 1, ranks)  # the NaN at the end
    results = [_pick(ordered, r, interpolation) for r in ranks]
    # the last step in place, as PyTorch's (its grad_fn reads SqueezeBackward4, from squeeze_(-1))
    stacked = [r.reshape(*out_shape, 1) for r in results]
    return (stacked[0] if q_array.ndim == 0 else stack(stacked)).squeeze_(-1)


def _pick(ordered: Tensor, rank: Any, interpolation: str) -> Tensor:
    """Values at fractional `rank` (shape `(..., 1)`) of the last dim of `ordered`."""
    below, above = np.floor(rank).astype(np.int64), np.ceil(rank).astype(np.int64)
    xp = namespace(ordered._data)
    if interpolation == "lower":
        return ordered.gather(-1, Tensor._make(xp.asarray(below)))
    if interpolation == "higher":
        return ordered.gather(-1, Tensor._make(xp.asarray(above)))
    if interpolation == "nearest":
        return ordered.gather(-1, Tensor._make(xp.asarray(np.round(rank).astype(np.int64))))
    lo = ordered.gather(-1, Tensor._make(xp.asarray(below)))
    hi = ordered.gather(-1, Tensor._make(xp.asarray(above)))
    weight = 0.5 if interpolation == "midpoint" else Tensor._make(xp.asarray(rank - below, dtype=ordered._data.dtype))
    # PyTorch's lerp, which takes the end nearer the weight: a quantile next to -inf is -inf, not NaN
    return lerp(lo, hi, weight)

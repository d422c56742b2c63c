"""Activations along one dimension: softmax, log_softmax, softmin and glu.

softmax and log_softmax are single fused primitives: the forward subtracts each row's
maximum (no overflow; softmax skips it when every score is within exp's normal range, and
short rows are worked on transposed), and the derivative rules use retrograd ops only, so
double backward works. softmax and log_softmax are also top-level names (`torch.softmax`).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._user_frames import frames_up
from ...backend.cuda_kernels import kernel
from ...engine.bfloat16 import forward as bfloat16_forward
from ...engine.primitive import Primitive
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..elementwise.pointwise import sigmoid
from ..kernels.accumulate import row_sums
from ..kernels.arg_types import dtype_arg
from ..kernels.operands import numpy_alias, wrap_dim
from ..kernels.special import rounded_once
from .smooth import sigmoid_array

__all__ = ["softmax", "log_softmax"]


def _row_max(xp: Any, a: Any, dim: int | None) -> Any:
    """`a.max(dim, keepdims=True)`. Given the identity -inf, NumPy reduces rows of 32 or 64 floats
    ~3x faster (attention's score rows); the result is the same, NaN included."""
    if xp is np and a.dtype.kind == "f":
        return np.maximum.reduce(a, axis=dim, keepdims=True, initial=-math.inf)  # the ufunc: no wrapper
    return a.max(axis=dim, keepdims=True)


# |x| below these, exp(x) is a normal float of the dtype (no overflow, no subnormal): the largest
# finite exp arguments are ~88.7 (float32) and ~709.8 (float64), the smallest normal ones -87.3, -708.4
_EXP_NORMAL_WITHIN = {np.dtype(np.float32): 80.0, np.dtype(np.float64): 700.0}
_RANGE_CHECK_FROM = 1024  # elements: below this the row maxima cost about what the check does


def exp_needs_no_shift(xp: Any, a: Any) -> bool:
    """Whether softmax may exponentiate `a` as it is: every element within ±80 (float32; ±700 for
    float64), found by two whole-array reductions (NaN and inf fail the test).

    exp(a) / Σ exp(a) is then the softmax to a few ulp with no overflow or underflow, one pass
    shorter than subtracting each row's maximum first, and the row maxima themselves are the
    expensive part for short rows (NumPy's reduction costs ~30-90 ns per row: attention's 2,048
    rows of 32 scores take ~65 µs, the two whole-array reductions ~8).
    """
    bound = _EXP_NORMAL_WITHIN.get(a.dtype) if xp is np and a.size >= _RANGE_CHECK_FROM else None
    return bound is not None and -bound < np.minimum.reduce(a, axis=None) and np.maximum.reduce(a, axis=None) < bound


def normalized_exp(xp: Any, e: Any, dim: int | None) -> Any:
    """e / Σ_dim e, in e's array (one array fewer to allocate and page in)."""
    e /= row_sums(xp, e, dim)
    return e


# Rows this short along the last dim (a classifier's 10 classes) are worked on transposed: NumPy
# pays ~30-90 ns per row for a reduction along a row and for each broadcast of a per-row value,
# while along the first axis of a contiguous (n, rows) copy every pass is one vectorised loop.
# (256, 10): log-softmax 26 -> 9 µs (the copies in and out included). Not its backward: there
# the one reduction is a BLAS product (`row_sums`), faster than the transposed copies.
# Their Σ exp runs element after element as PyTorch's kernel adds a row shorter than its vector, so
# with exp and log rounded once from float64 (as accurate as PyTorch's) 98% of a 10-class
# log-softmax's values are PyTorch's bits (NumPy's float32 exp and log: 89%), 90% of a softmax's (53%).
# Any number of rows takes this path: a batch of 8 has the same bits to match as one of 256.
_SHORT_ROW = 24
_exp, _log = rounded_once("exp"), rounded_once("log")


def _short_rows(xp: Any, a: Any, dim: int | None) -> bool:
    """Whether `a`'s softmax rows along `dim` take the transposed path (NumPy, the last dim, short)."""
    return (xp is np and dim is not None and a.ndim >= 1 and dim in (-1, a.ndim - 1)
            and a.shape[-1] <= _SHORT_ROW)


def _across(xp: Any, a: Any, dim: int) -> bool:
    """Whether softmax runs along a dim of NumPy data other than the last (a segmentation map's
    class dim), where PyTorch's kernel (`_vec_softmax`) works on all positions at once."""
    return xp is np and a.ndim >= 2 and dim % a.ndim != a.ndim - 1


def _sum_across(e: Any, dim: int) -> Any:
    """Σ of `e` along `dim` (kept) one slice after another, as PyTorch's kernel adds along a dim
    that is not the last. NumPy's reduction does so while later dims hold more than one element;
    with all of them 1 it would add pairwise, so there the running sum's last entry is taken."""
    if math.prod(e.shape[dim % e.ndim + 1:]) > 1:
        return np.add.reduce(e, axis=dim, keepdims=True)
    return np.take(np.add.accumulate(e, axis=dim), [-1], axis=dim)


def _transposed(a: Any) -> Any:
    """(..., n) as a fresh C-contiguous (n, rows) array (the caller's to overwrite): a copy even for
    one row, whose transpose is already contiguous (`ascontiguousarray` would hand back `a` itself)."""
    return a.reshape(-1, a.shape[-1]).T.copy()


def _shifted_columns(a: Any) -> Any:
    """`_transposed(a)` less each column's maximum (the softmax shift, one row of `a` per column)."""
    at = _transposed(a)
    at -= np.maximum.reduce(at, axis=0)
    return at


def _column_sums(at: Any) -> Any:
    """Σ down each column of `_transposed`'s (n, rows) array, element after element. NumPy adds down
    axis 0 in that order while there are several columns; one column (a single row, a per-example
    call under vmap) it would add pairwise, so there the running sum's last entry is taken."""
    if at.shape[1] > 1:
        return np.add.reduce(at, axis=0)
    return np.add.accumulate(at, axis=0)[-1]


def _untransposed(at: Any, shape: tuple) -> Any:
    return np.ascontiguousarray(at.T).reshape(shape)


def _row_major(xp: Any, a: Any) -> Any:
    """`a`, or a row-major copy of it: PyTorch's softmax kernels read `input.contiguous()` and
    write a result laid out so, whatever the input's strides (NumPy's would follow them)."""
    return a if xp is not np or a.flags.c_contiguous else np.ascontiguousarray(a)


def _softmax_forward(xp: Any, a: Any, dim: int | None) -> Any:
    a = _row_major(xp, a)
    if a.size == 0:
        return a.copy()
    if _short_rows(xp, a, dim):
        at = _shifted_columns(a)
        _exp(np, at, at)
        at *= 1 / _column_sums(at)  # by the reciprocal, as PyTorch's kernel scales
        return _untransposed(at, a.shape)
    if dim is not None and _across(xp, a, dim):  # exp rounded once, summed in PyTorch's order, divided
        e = a - _row_max(xp, a, dim)
        _exp(np, e, e)
        e /= _sum_across(e, dim)
        return e
    return normalized_exp(xp, xp.exp(a if exp_needs_no_shift(xp, a) else a - _row_max(xp, a, dim)), dim)


def _log_softmax_forward(xp: Any, a: Any, dim: int | None) -> Any:
    a = _row_major(xp, a)
    if a.size == 0:
        return a.copy()
    if _short_rows(xp, a, dim):
        at = _shifted_columns(a)
        at -= _log(np, _column_sums(_exp(np, at)))
        return _untransposed(at, a.shape)
    if dim is not None and _across(xp, a, dim):
        shifted = a - _row_max(xp, a, dim)
        shifted -= _log(np, _sum_across(_exp(np, shifted), dim))
        return shifted
    shifted = a - _row_max(xp, a, dim)
    shifted -= xp.log(row_sums(xp, xp.exp(shifted), dim))  # in place, as in softmax
    return shifted


def _log_softmax_half_forward(xp: Any, a: Any, dim: int | None) -> Any:
    """log_softmax of float16/bfloat16 `a` as PyTorch's kernels give it: along the last dim, in
    float32 with the row's Σ exp and then its log stored in `a`'s dtype (PyTorch keeps them in a
    buffer of that dtype) before they are subtracted; along another dim, rounded once at the end."""
    if dim is None or dim != a.ndim - 1 or a.size == 0:
        return bfloat16_forward(_log_softmax_forward, xp, (a,), {"dim": dim})
    wide = _row_major(xp, a.astype(np.float32))
    shifted = wide - _row_max(xp, wide, dim)
    row_sum = xp.exp(shifted).sum(axis=dim, keepdims=True).astype(a.dtype).astype(np.float32)
    shifted -= xp.log(row_sum).astype(a.dtype).astype(np.float32)
    return shifted.astype(a.dtype)


def _softmax_backward_forward(xp: Any, g: Any, y: Any, dim: int | None) -> Any:
    """y ⊙ (g - Σ g·y) on arrays, by the tensor ops the composed rule would call (the same bits);
    float16/bfloat16 arrays arrive here in float32 and the result is rounded once, as PyTorch's."""
    grad, out = Tensor._make(g), Tensor._make(y)
    return (out * (grad - (grad * out).sum(dim, keepdim=True)))._data


# the backward of softmax as one primitive (PyTorch's _softmax_backward_data): one rounding for
# float16/bfloat16, and a create_graph gradient records SoftmaxBackwardDataBackward0 as PyTorch's
_softmax_backward = Primitive(
    "softmax_backward",
    _softmax_backward_forward,
    [
        lambda gg, y, dim: _softmax_rule(gg, y, dim),  # linear in g: the same map applied to gg
        # ∂/∂y of y ⊙ (g - Σ g·y): gg ⊙ (g - Σ g·y) - g · Σ gg·y
        lambda gg, g, y, dim: gg * (g - (g * y).sum(dim, keepdim=True)) - g * (gg * y).sum(dim, keepdim=True),
    ],
    inputs=("g", "y"),
    node_name="SoftmaxBackwardDataBackward0",
)


def _plain_or_batched(t: Tensor) -> bool:
    """A plain tensor, or one batched by vmap (whose rule runs the backward kernel on every example at once)."""
    return type(t) is Tensor or (_vmap.is_batched is not None and _vmap.is_batched(t))


def _softmax_rule(g: Tensor, out: Tensor, dim: int | None) -> Tensor:
    if _plain_or_batched(g) and _plain_or_batched(out):
        return _softmax_backward(g, out, dim=dim)
    return out * (g - (g * out).sum(dim, keepdim=True))  # batched (vmap): composed of ops with batching rules


# `dim` is None for 0-d inputs: the whole (single-element) tensor is the dimension.
_softmax = Primitive("softmax", _softmax_forward, [_softmax_rule])  # y ⊙ (g - Σ g·y)
def _log_softmax_backward_forward(xp: Any, g: Any, y: Any, dim: int | None) -> Any:
    fused = kernel(xp, "log_softmax_backward", g, y)
    if fused is not None:
        return fused(g, y, g.sum(axis=dim, keepdims=True))
    if y.ndim == 0:  # NumPy gives scalars for 0-d operands: no array to write into
        return g - xp.exp(y) * g.sum(axis=dim, keepdims=True)
    # (short rows stay as they are here: `row_sums` is a BLAS product for all but the smallest
    # arrays, 1.3-2.5x faster than sums over a transposed copy, as measured at 2-24 classes)
    e = xp.exp(y)  # g - e^y · Σ g, written into e^y's array
    e *= row_sums(xp, g, dim)
    return xp.subtract(g, e, out=e)


# the backward of log_softmax as one primitive (PyTorch's _log_softmax_backward_data): one array
# expression for a first-order backward, and a recording (retrograd.compile) sees it as an operation
_log_softmax_backward = Primitive(
    "log_softmax_backward",
    _log_softmax_backward_forward,
    [
        lambda gg, y, dim: gg - (gg * y.exp()).sum(dim, keepdim=True),
        lambda gg, g, y, dim: -gg * y.exp() * g.sum(dim, keepdim=True),
    ],
    inputs=("g", "y"),
    node_name="LogSoftmaxBackwardDataBackward0",
    quiet=True,
)


def _log_softmax_rule(g: Tensor, out: Tensor, dim: int | None) -> Tensor:
    if _plain_or_batched(g) and _plain_or_batched(out):
        return _log_softmax_backward(g, out, dim=dim)
    return g - out.exp() * g.sum(dim, keepdim=True)  # batched (vmap): composed of ops with batching rules


_log_softmax = Primitive(
    "log_softmax", _log_softmax_forward, [_log_softmax_rule],
    array_rules=[lambda xp, g, out, dim: _log_softmax_backward_forward(xp, g, out, dim)],
    half_forward=_log_softmax_half_forward,
)


def log_softmax_kernel(input: Tensor, dim: int) -> Tensor:
    """`log_softmax(input, dim)` for a float tensor of 1 or more dims and a dim in range: the
    primitive itself, without the argument handling (cross_entropy's own checks came first)."""
    return _log_softmax(input, dim=dim)


def _along(prim: Primitive, kernel: str, input: Tensor, dim: int, dtype: _dt.dtype | None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype_arg(kernel, "dtype", 3, dtype))
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    if not _dt.is_floating(input._data.dtype):
        last = "_lastdim" if d == max(nd - 1, 0) else ""
        kind = input.dtype.kind_name
        raise NotImplementedError(f"\"{kernel}{last}_kernel_impl\" not implemented for '{kind}'")
    return prim(input, dim=d if nd else None)


def softmax(input: Tensor, dim: int | None = None, dtype: _dt.dtype | None = None, *, axis: Any = None) -> Tensor:
    """`exp(x) / exp(x).sum(dim)`, computed stably; `dtype` casts the input first.

    Args:
        input (Tensor): a floating point tensor (integer input needs `dtype`).
        dim (int): the dim whose entries sum to 1.
        dtype (dtype, optional): cast the input to this dtype first.

    Returns:
        Tensor: `input`'s shape, positive, summing to 1 along `dim`.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
        >>> retrograd.softmax(x, dim=1)
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
        >>> x.softmax(0)[:, 0]
        tensor([0.7311, 0.2689])
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("softmax", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('softmax() missing 1 required positional arguments: "dim"')
    return _along(_softmax, "softmax", input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, dtype: _dt.dtype | None = None, *, axis: Any = None) -> Tensor:
    """`x - logsumexp(x, dim)`, computed stably; `dtype` casts the input first.

    More accurate than `softmax(x).log()`; pairs with `nn.functional.nll_loss`.

    Args:
        input (Tensor): a floating point tensor (integer input needs `dtype`).
        dim (int): the dim to normalise over.
        dtype (dtype, optional): cast the input to this dtype first.

    Returns:
        Tensor: `input`'s shape; `exp` of it sums to 1 along `dim`.

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0, 3.0])
        >>> retrograd.log_softmax(x, dim=0)
        tensor([-2.4076, -1.4076, -0.4076])
        >>> x.log_softmax(0).exp()  # the softmax
        tensor([0.0900, 0.2447, 0.6652])
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("log_softmax", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('log_softmax() missing 1 required positional arguments: "dim"')
    return _along(_log_softmax, "log_softmax", input, dim, dtype)


def implicit_dim(name: str, ndim: int, stacklevel: int) -> int:
    """PyTorch's deprecated choice of dim when `F.softmax` gets none (with its warning)."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=frames_up(stacklevel),
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dt.dtype | None = None) -> Tensor:
    """`softmax(-input, dim)`.

    Args:
        input (Tensor): a floating tensor of any shape.
        dim (int): the dim whose slices sum to 1; None picks one from the rank, with a deprecation warning.
        _stacklevel (int): internal, the warning's stack level.
        dtype (dtype, optional): cast `input` to this dtype first.

    Returns:
        Tensor: `input`'s shape, `softmax(-input)` along `dim`.

    Examples:
        >>> F.softmin(retrograd.tensor([[1.0, 2.0, 3.0]]), dim=1)
        tensor([[0.6652, 0.2447, 0.0900]])
        >>> F.softmin(retrograd.tensor([1.0, 2.0]), dim=0, dtype=retrograd.float64)
        tensor([0.7311, 0.2689], dtype=retrograd.float64)
    """
    if dim is None:
        dim = implicit_dim("softmin", input.dim(), _stacklevel)
    return softmax(-input, dim, dtype)


# --- glu: first half times the sigmoid of the second half ---------------------------------


def _split(xp: Any, a: Any, dim: int) -> tuple:
    first, second = xp.split(a, 2, axis=dim)
    return first.copy(), second.copy()


def _join_rule(g: tuple, dim: int) -> Tensor:
    return _join(g[0], g[1], dim=dim)  # d split = concatenation of the halves' gradients


def _first_half(g: Tensor, dim: int) -> Tensor:
    return _halves(g, dim=dim)[0]  # d cat / d first = the first half of g


def _second_half(g: Tensor, dim: int) -> Tensor:
    return _halves(g, dim=dim)[1]


# Halving and joining are each other's derivative; glu's rule needs both.
_halves = Primitive("split_halves", _split, [_join_rule], n_outputs=2, node_name="SplitBackward0")
_join = Primitive(
    "cat_halves",
    lambda xp, a, b, dim: xp.concatenate((a, b), axis=dim),
    [_first_half, _second_half],
    inputs=("a", "b"),
    node_name="CatBackward0",
)


def _glu_rule(g: Tensor, a: Tensor, dim: int) -> Tensor:
    # ∂/∂first = σ(second); ∂/∂second = first·σ(second)(1 - σ(second))
    first, second = _halves(a, dim=dim)
    s = sigmoid(second)
    return _join(g * s, g * first * s * (1 - s), dim=dim)


def _glu_forward(xp: Any, a: Any, dim: int) -> Any:
    first, second = xp.split(a, 2, axis=dim)
    return first * sigmoid_array(xp, second)


_glu = Primitive("glu", _glu_forward, [_glu_rule])


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: `a * sigmoid(b)` where `a, b` are the halves of `input` along `dim`.

    Args:
        input (Tensor): a floating tensor of any shape.
        dim (int): the dim to halve; its size must be even (default -1).

    Returns:
        Tensor: `input`'s shape with `dim` halved: `a * sigmoid(b)` for the first half a and second half b.

    Examples:
        >>> F.glu(retrograd.tensor([[1.0, 2.0, 0.0, 0.0]]))
        tensor([[0.5000, 1.0000]])
        >>> F.glu(retrograd.ones(4, 6), dim=0).shape
        retrograd.Size([2, 6])
    """
    if input._data.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    return _glu(input, dim=d)

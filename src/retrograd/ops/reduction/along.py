"""What the reductions share: reduced shapes, picking values at indices, shifting, running sums.

`selection` builds the primitives of the ops that pick entries (max with `dim`, sort,
topk, median, cummax, ...); their gradient goes back to the picked positions through
the indexing rules (`indexing.keyed`). `shift` and `cumulative_sum` are the building
blocks of prod/cumprod; each one's derivative is another of them, so gradients of any
order need no extra code. Index arrays are keyword attributes (they carry no gradient);
they always have the input's number of dims, with a 0-d input treated as 1-d.
"""

from __future__ import annotations

from typing import Any

from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..elementwise.clamp_where import gated
from ..indexing.keyed import FlatKey, accumulate, along_dim_key
from ..kernels.accumulate import wide_cumsum
from ..kernels.operands import wrap_dims

__all__: list[str] = []


def _gather_array(xp: Any, a: Any, index: Any, dim: int, shape: tuple) -> Any:
    return xp.take_along_axis(a.reshape(a.shape or (1,)), index, axis=dim).reshape(shape)


def _key(index: Any, dim: int, ndim: int) -> tuple:
    """The NumPy key of `index` along `dim`; a 0-d input is addressed through its one element."""
    return along_dim_key(index, dim) if ndim else FlatKey((index.reshape(-1),))


def scatter_back(g: Tensor, a_shape: tuple, index: Any, dim: int, unique: bool = True) -> Tensor:
    """Zeros of `a_shape` with `g` added at `index` along `dim`: the gradient of picking values there.

    It is the transpose of reading at that key (`indexing.keyed`), whose own derivative reads
    the gradient back at the same positions. `unique` when no position is picked twice.
    """
    key = _key(index, dim, len(a_shape))
    return accumulate(g.reshape(index.shape), shape=tuple(a_shape), key=key, unique=unique)


def selection(node_name: str, unique: bool = True) -> Primitive:
    """A primitive that picks values at precomputed indices; the gradient flows back to them.

    The forward is a gather along `dim`; the node carries PyTorch's name for the op
    (MaxBackward0, SortBackward0, ...). The derivative scatters the gradient to the picked positions.
    """
    return Primitive(
        node_name[:-9].lower(), lambda xp, a, index, dim, shape: _gather_array(xp, a, index, dim, shape),
        [lambda g, a_shape, index, dim: scatter_back(g, a_shape, index, dim, unique)],
        node_name=node_name,
        saves_number=True,  # PyTorch saves the indices: a second backward raises
    )


def _shift_array(xp: Any, a: Any, dim: int, step: int, fill: float) -> Any:
    out = xp.full_like(a, fill)
    n = a.shape[dim]
    src = [slice(None)] * a.ndim
    dst = [slice(None)] * a.ndim
    src[dim], dst[dim] = (slice(0, n - 1), slice(1, n)) if step > 0 else (slice(1, n), slice(0, n - 1))
    out[tuple(dst)] = a[tuple(src)]
    return out


# step +1: out[i] = a[i-1], out[0] = fill; step -1: out[i] = a[i+1], out[n-1] = fill.
# The derivative moves the gradient back the other way, with zeros where `fill` was.
_shift = Primitive(
    "shift", lambda xp, a, dim, step, fill: _shift_array(xp, a, dim, step, fill),
    [lambda g, dim, step: shift(g, dim, -step, 0.0)],
)


def shift(a: Tensor, dim: int, step: int, fill: float) -> Tensor:
    """Move the values one place along `dim` (`step` = +1 or -1), filling the gap with `fill`."""
    return _shift(a, dim=dim, step=step, fill=fill)


def _cumsum_array(xp: Any, a: Any, dim: int, reverse: bool, dt: Any) -> Any:
    if a.ndim == 0:
        return a.astype(dt, copy=True)
    if reverse:
        return xp.flip(wide_cumsum(xp, xp.flip(a, dim), dim, dt), dim).copy()
    return wide_cumsum(xp, a, dim, dt)


def _cumsum_primitive(node_name: str | None) -> Primitive:
    # d/da_k Σ_{i<=j} a_i = [k <= j]: the gradient is the reversed cumulative sum, and back
    return Primitive(
        "cumsum", lambda xp, a, dim, reverse, dt: _cumsum_array(xp, a, dim, reverse, dt),
        [lambda g, dim, reverse: cumulative_sum(g, dim, not reverse)],
        node_name=node_name,
    )


_cumsum = _cumsum_primitive("CumsumBackward0")
_reversed_cumsum = _cumsum_primitive("ReversedCumsumBackward0")


def cumulative_sum(a: Tensor, dim: int, reverse: bool = False, dt: Any = None) -> Tensor:
    """Running sums along `dim` (from the end when `reverse`), in dtype `dt` (default: `a`'s)."""
    prim = _reversed_cumsum if reverse else _cumsum
    return prim(a, dim=dim, reverse=reverse, dt=a._data.dtype if dt is None else dt)


def reduce_dims(ndim: int, dim: Any) -> tuple[int, ...]:
    """The dims a reduction runs over: None, () and [] mean all; a 0-d input has none."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = wrap_dims(dim, ndim)
    return dims if ndim else ()


def keep(t: Tensor, dims: tuple, keepdim: bool) -> Tensor:
    """A reduced tensor with its reduced dims put back as size 1 (a no-op when `keepdim`)."""
    if keepdim or not dims:
        return t
    shape = list(t._data.shape)
    for d in dims:
        shape.insert(d, 1)
    return t.reshape(shape)


def reduced_shape(shape: tuple, dims: tuple, keepdim: bool) -> tuple:
    """The shape of a reduction's result."""
    if keepdim:
        return tuple(1 if i in dims else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def count(shape: tuple, dims: tuple) -> int:
    """How many elements each result of a reduction over `dims` combines."""
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def evenly(g: Tensor, a: Tensor, out: Tensor) -> Tensor:
    """The gradient of a full max/min/median: split evenly among the entries equal to the result."""
    mask = a.isnan() if bool(out._data != out._data) else a == out
    return gated(g / mask.sum(), mask)



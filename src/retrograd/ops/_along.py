"""Primitives that move values along one dim: gather, scatter-add, flip, shift, cumsum.

They are the building blocks of the derivatives of the selection ops (max with
`dim`, sort, topk, median, cummax, ...) and of prod/cumprod. Each one's
derivative is another of them, so gradients of any order need no extra code.
Index arrays are keyword attributes (they carry no gradient); they always have
the input's number of dims, with a 0-d input treated as 1-d.
"""

from __future__ import annotations

from typing import Any

from ..engine.primitive import Primitive
from ..tensor import Tensor
from ._accumulate import wide_cumsum
from ._util import wrap_dims

__all__: list[str] = []


def _grid(xp: Any, index: Any, dim: int) -> tuple:
    """Full index arrays addressing `index`'s positions, with `index` itself along `dim`."""
    grid = list(xp.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _scatter_add_array(xp: Any, src: Any, index: Any, dim: int, shape: tuple, unique: bool) -> Any:
    work = shape or (1,)
    out = xp.zeros(work, src.dtype)
    src = src.reshape(index.shape)
    if unique:  # every target is hit at most once: a plain assignment
        xp.put_along_axis(out, index, src, axis=dim)
    else:
        xp.add.at(out, _grid(xp, index, dim), src)
    return out.reshape(shape)


def _gather_array(xp: Any, a: Any, index: Any, dim: int, shape: tuple) -> Any:
    return xp.take_along_axis(a.reshape(a.shape or (1,)), index, axis=dim).reshape(shape)


# out = a[..., index, ...] along dim; its derivative adds g back at the same positions
_gather = Primitive(
    "gather", lambda xp, a, index, dim, shape, unique: _gather_array(xp, a, index, dim, shape),
    [lambda g, a_shape, index, dim, unique: scatter_add(g, index, dim, a_shape, unique)],
)
# out = zeros(shape); out[..., index, ...] += a; its derivative gathers g at those positions
_scatter_add = Primitive(
    "scatter_add", lambda xp, a, index, dim, shape, unique: _scatter_add_array(xp, a, index, dim, shape, unique),
    [lambda g, a_shape, index, dim, unique: gather(g, index, dim, a_shape, unique)],
)


def gather(a: Tensor, index: Any, dim: int, shape: tuple, unique: bool = True) -> Tensor:
    """`a`'s values at `index` along `dim`, reshaped to `shape` (differentiable in `a`)."""
    return _gather(a, index=index, dim=dim, shape=tuple(shape), unique=unique)


def scatter_add(src: Tensor, index: Any, dim: int, shape: tuple, unique: bool = True) -> Tensor:
    """Zeros of `shape` with `src` added at `index` along `dim`; `unique` when no target repeats."""
    return _scatter_add(src, index=index, dim=dim, shape=tuple(shape), unique=unique)


def selection(node_name: str, unique: bool = True) -> Primitive:
    """A primitive that picks values at precomputed indices; the gradient flows back to them.

    The forward is `gather`; the node carries PyTorch's name for the op (MaxBackward0,
    SortBackward0, ...). The derivative scatters the gradient to the picked positions.
    """
    return Primitive(
        node_name[:-9].lower(), lambda xp, a, index, dim, shape: _gather_array(xp, a, index, dim, shape),
        [lambda g, a_shape, index, dim: scatter_add(g, index, dim, a_shape, unique)],
        node_name=node_name,
    )


_flip = Primitive(
    "flip", lambda xp, a, dim: xp.flip(a, dim).copy(),
    [lambda g, dim: flip(g, dim)],  # reversing is its own inverse
)


def flip(a: Tensor, dim: int) -> Tensor:
    """Reverse the order along `dim`."""
    return _flip(a, dim=dim)


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

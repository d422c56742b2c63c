"""Function-level batching rules for the ops that read index arrays: gather/scatter, index_*, take/put.

These ops build NumPy keys from their index tensors before calling a Primitive, so a batched
index cannot reach the Primitive-level table. Each rule runs the op once on the batched values:

- along a dim (gather, scatter*, take_along_dim): the batch is one more dim of input, index and
  src alike, so the op runs as it is with `dim + 1`;
- whole slices (index_select/add/copy/fill): the batch is folded into the indexed dim, and each
  example's index is offset by `example * size`, so one op on dim 0 serves every example;
- flat positions (take, put): the same offsets over the flattened examples;
- index_put: an arange over the batch joins the indices, as `t[i, idx]` picks per example.

A batched index with entries out of range (or negative, where the fold would move them into a
neighbour) goes through the per-example loop, which raises the op's own error or wraps them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...dtypes import bool_
from ...tensor import Tensor
from .._batched import BatchedTensor, size_of
from .lifted import _value, innermost, loop, wrap_result
from .rules import _aligned


def _lead(t: Any, level: int, size: int) -> Any:
    """`t` with `level`'s batch in dim 0 (expanded when `t` is the same for every example); others as they are."""
    if not isinstance(t, Tensor):
        return t
    v = _value(t, level)
    return v if v is not None else t.unsqueeze(0).expand(size, *t.shape)


def _physical(t: Tensor) -> Any:
    """The array behind `t`, every vmap level's batch included."""
    while type(t) is BatchedTensor:
        t = t._value
    return t._data


def _in_range(index: Tensor, size: int, negative_ok: bool = False) -> bool:
    a = _physical(index)
    if a.size == 0:
        return True
    return bool(a.min() >= (-size if negative_ok else 0) and a.max() < size)


def _dim(dim: int, ndim: int) -> int:
    from ...ops.kernels.operands import wrap_dim

    return wrap_dim(dim, ndim)


def _offsets(index: Any, level: int, size: int, extent: int) -> Tensor:
    """Each example's (non-negative) index shifted by `example * extent`, flattened: positions in the folded tensor."""
    from ... import ops

    i = _lead(index, level, size).reshape(size, -1)
    i = i.remainder(extent) if extent else i  # negative positions count from the end (checked in range)
    return (i + ops.arange(size).unsqueeze(1) * extent).reshape(-1)


# --- along a dim: the batch is one more dim ---------------------------------------------------


def along_index(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`fn(input, dim, index, *rest)` (gather, scatter, scatter_add, scatter_reduce), dim shifted past the batch."""
    x, dim, index, *rest = args
    tensors = [t for t in (x, index, *rest, *kwargs.values()) if isinstance(t, Tensor)]
    if any(t._data.ndim == 0 for t in tensors) or index._data.size == 0:
        return loop(fn, args, kwargs, level)
    size = size_of(level)
    d = _dim(dim, x._data.ndim) + 1
    new_rest = [_lead(r, level, size) for r in rest]
    new_kwargs = {k: _lead(v, level, size) for k, v in kwargs.items()}
    return wrap_result(fn(_lead(x, level, size), d, _lead(index, level, size), *new_rest, **new_kwargs), level)


def take_along_dim(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`take_along_dim(input, indices, dim)`; dim None takes from each example's flattened values."""
    x, indices, *rest = args
    dim = rest[0] if rest else kwargs.get("dim")
    size = size_of(level)
    vx, vi = _lead(x, level, size), _lead(indices, level, size)
    if dim is None:
        return wrap_result(fn(vx.reshape(size, -1), vi.reshape(size, -1), 1), level)
    if x._data.ndim == 0 or indices._data.ndim != x._data.ndim:
        return loop(fn, args, kwargs, level)
    return wrap_result(fn(vx, vi, _dim(dim, x._data.ndim) + 1), level)


# --- whole slices: the batch folded into the indexed dim ---------------------------------------


def index_slices(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`fn(input, dim, index, *rest)` for index_select, index_add, index_copy and index_fill.

    With the index the same for every example the op runs on dim + 1. A batched index (or a
    batched fill value) folds the batch into the dim: (B, ..., n, ...) -> (B·n, ...), and each
    example's positions move by `example * n`.
    """
    x, dim, index, *rest = args
    nd = x._data.ndim
    if nd == 0 or index._data.ndim > 1:
        return loop(fn, args, kwargs, level)
    size = size_of(level)
    d = _dim(dim, nd)
    extent = x.shape[d]
    value = rest[0] if rest else None
    batched_value = isinstance(value, Tensor) and innermost((value,), {}) == level
    if _value(index, level) is None and not (batched_value and value._data.ndim == 0):
        # a source gets the batch like the input; index_fill's (unbatched) value stays as it is
        new_rest = rest if fn.__name__ == "index_fill" else [_lead(r, level, size) for r in rest]
        return wrap_result(fn(_lead(x, level, size), d + 1, index, *new_rest, **kwargs), level)
    if not _in_range(index, extent, negative_ok=fn.__name__ == "index_fill"):
        return loop(fn, args, kwargs, level)
    return wrap_result(_folded(fn, x, d, index, value, kwargs, level, size), level)


def _folded(fn: Callable, x: Tensor, d: int, index: Any, value: Any, kwargs: dict, level: int, size: int) -> Tensor:
    """One call of `fn` along dim 0 of the examples folded together (see `index_slices`)."""
    vx = _lead(x, level, size).movedim(d + 1, 1)  # (B, n, *rest)
    folded_shape = tuple(vx.shape)
    flat = vx.reshape((-1,) + folded_shape[2:])  # (B·n, *rest)
    k = index._data.size if index._data.ndim else 1  # a 0-d index keeps a size-1 dim, as PyTorch does
    positions = _offsets(index, level, size, folded_shape[1])
    name = fn.__name__
    if name == "index_select":
        return fn(flat, 0, positions).reshape((size, k) + folded_shape[2:]).movedim(1, d + 1)
    if name == "index_fill" and isinstance(value, Tensor):
        fill = _lead(value, level, size).to(x.dtype).reshape((size,) + (1,) * (len(folded_shape) - 1))
        src = fill.expand((size, k) + folded_shape[2:]).reshape((-1,) + folded_shape[2:])
        from ...ops.indexing.masking import index_copy

        out = index_copy(flat, 0, positions, src)
    elif name == "index_fill":
        out = fn(flat, 0, positions, value)
    else:  # index_add, index_copy: the source folds like the input
        src = _lead(value, level, size)
        src = src.reshape((size, 1) + tuple(src.shape[1:])) if value._data.ndim == 0 else src.movedim(d + 1, 1)
        out = fn(flat, 0, positions, src.reshape((-1,) + tuple(src.shape[2:])), **kwargs)
    return out.reshape(folded_shape).movedim(1, d + 1)


# --- flat positions -----------------------------------------------------------------------------


def take(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`take(input, index)`: a gather along each example's flattened values."""
    x, index = args
    n = x._data.size
    if index._data.dtype != "int64" or not _in_range(index, n, negative_ok=True) or n == 0:
        return loop(fn, args, kwargs, level)
    size = size_of(level)
    i = _lead(index, level, size).reshape(size, -1).remainder(n)
    out = _lead(x, level, size).reshape(size, n).gather(1, i)
    return wrap_result(out.reshape((size,) + tuple(index.shape)), level)


def put(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`put(input, index, source, accumulate)`: one put into the examples' values laid end to end."""
    x, index, source, *rest = args
    n = x._data.size
    if (
        index._data.dtype != "int64"
        or not _in_range(index, n, negative_ok=True)
        or n == 0
        or source._data.size != index._data.size
    ):
        return loop(fn, args, kwargs, level)
    size = size_of(level)
    positions = _offsets(index, level, size, n)
    src = _lead(source, level, size).reshape(-1)
    out = fn(_lead(x, level, size).reshape(-1), positions, src, *rest, **kwargs)
    return wrap_result(out.reshape((size,) + tuple(x.shape)), level)


def index_put(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`index_put(input, indices, values, accumulate)`: an arange over the batch joins the indices."""
    from ... import ops
    from .lifted import LIFT_MESSAGES

    x, indices, values, *rest = args
    indices = list(indices)
    if any(_value(i, level) is not None and i.dtype == bool_ for i in indices if isinstance(i, Tensor)):
        raise RuntimeError(LIFT_MESSAGES["boolean_mask"])
    if not all(isinstance(i, Tensor) for i in indices) or any(i._data.ndim == 0 for i in indices):
        return loop(fn, args, kwargs, level)
    ints: list = []
    for i in indices:  # a mask the same for every example: its positions, one index per dim it covers
        ints.extend(i.nonzero(as_tuple=True) if i.dtype == bool_ else (i,))
    size = size_of(level)
    rank = max(i._data.ndim for i in ints)
    keys = [i if _value(i, level) is None else _aligned(i._value, i._data.ndim, rank) for i in ints]
    batch_index = ops.arange(size).reshape((size,) + (1,) * rank)
    if len(ints) > x._data.ndim:
        return loop(fn, args, kwargs, level)
    target_rank = rank + x._data.ndim - len(ints)
    v = values if _value(values, level) is None else _aligned(values._value, values._data.ndim, target_rank)
    out = fn(_lead(x, level, size), (batch_index, *keys), v, *rest, **kwargs)
    return wrap_result(out, level)


def masked_fill(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`masked_fill(input, mask, value)` with a batched mask or value: `where(mask, value, input)` on the values."""
    from ... import ops

    x, mask, value = args
    rank = max(x._data.ndim, mask._data.ndim)

    def aligned(t: Tensor) -> Tensor:
        v = _value(t, level)
        return t if v is None else _aligned(v, t._data.ndim, rank)

    vx, vm = aligned(x), aligned(mask)
    if not isinstance(value, Tensor):
        return wrap_result(fn(vx, vm, value), level)
    if value._data.ndim:
        return fn(x, mask, value)  # the op's own error for a value with dims
    fill = _lead(value, level, size_of(level)).to(x.dtype).reshape((-1,) + (1,) * rank)
    out = ops.where(vm, fill, vx)
    size = size_of(level)
    if out.shape[0] != size:  # neither input nor mask batched: the fill alone brings the batch
        out = out.expand((size,) + tuple(out.shape[1:]))
    return wrap_result(out, level)


def one_hot(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`one_hot(tensor, num_classes)`: each value independent, so the batched values go through as they are."""
    t, *rest = args
    num_classes = rest[0] if rest else kwargs.get("num_classes", -1)
    if num_classes is None or num_classes < 0:
        raise RuntimeError(
            "When vmap-ing torch.nn.functional.one_hot, please provide an explicit positive num_classes argument."
        )
    return wrap_result(fn(t._value, num_classes), level)


def quantile(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`quantile(input, q, dim, keepdim)`: along dim + 1 (all of each example's values for None).

    A tensor `q` puts its dim first in the result: moved after the batch.
    """
    x, q, *rest = args
    dim = rest[0] if rest else kwargs.pop("dim", None)
    keepdim = rest[1] if len(rest) > 1 else kwargs.pop("keepdim", False)
    v = _value(x, level)
    nd = x._data.ndim
    if v is None or nd == 0 or (isinstance(q, Tensor) and innermost((q,), {}) == level):
        return loop(fn, args, kwargs, level)
    size = size_of(level)
    if dim is None:
        out = fn(v.reshape(size, -1), q, 1, False, **kwargs)
        if keepdim:
            out = out.reshape(tuple(out.shape) + (1,) * nd)
    else:
        out = fn(v, q, _dim(dim, nd) + 1, keepdim, **kwargs)
    if isinstance(q, Tensor) and q._data.ndim == 1:
        out = out.movedim(1, 0)
    return wrap_result(out, level)


INDEX_RULES = {
    "along_index": along_index,
    "take_along_dim": take_along_dim,
    "index_slices": index_slices,
    "take": take,
    "put": put,
    "index_put": index_put,
    "masked_fill": masked_fill,
    "one_hot": one_hot,
    "quantile": quantile,
}

"""Batching rules, one per op family: how an op runs on tensors batched at one vmap level.

Every rule takes `(prim, tensors, attrs, level)`: the primitive, its tensor arguments (some
batched at `level`, others not: those are the same for every example) and its attributes,
whose dims and shapes are the logical ones the function sees. A rule calls the primitive
(or public ops) on the batched tensors' values, whose dim 0 is the batch, with the dims and
shapes moved past it, and wraps the results back. Ops run through `Primitive`, so they
record graphs and batch again at outer levels like any other op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy

from .._batched import BatchedTensor, size_of, wrap

Rule = Callable[[Any, tuple, dict, int], Any]


def _value(t: Any, level: int) -> Any:
    """The batched value of `t` at `level`, or None when `t` is the same for every example."""
    return t._value if type(t) is BatchedTensor and t._level == level else None


def _wrap_out(out: Any, level: int) -> Any:
    if isinstance(out, tuple):
        return tuple(wrap(o, level) for o in out)
    return wrap(out, level)


def _aligned(v: Any, rank: int, to: int) -> Any:
    """A batched value of logical rank `rank` reshaped to rank `to` (size-1 dims after the batch)."""
    if rank == to:
        return v
    shape = tuple(v.shape)
    return v.reshape((shape[0],) + (1,) * (to - rank) + shape[1:])


def _shift(d: int) -> int:
    return d + 1 if d >= 0 else d


def _shift_all(dims: Any, ndim: int) -> Any:
    if dims is None:
        return tuple(range(1, ndim + 1))
    if isinstance(dims, int):
        return _shift(dims)
    return tuple(_shift(d) for d in dims)


# --- elementwise: broadcast, the batch dim in front and ranks aligned ------------------------


def elementwise(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    rank = max(t._data.ndim for t in tensors)
    for v in attrs.values():
        if isinstance(v, numpy.ndarray) and v.ndim > rank:  # a condition or mask given as an array
            rank = v.ndim
    args = []
    for t in tensors:
        v = _value(t, level)
        args.append(t if v is None else _aligned(v, t._data.ndim, rank))
    return _wrap_out(prim(*args, **attrs), level)


# --- one batched input whose dims (and shapes) move past the batch --------------------------


def _unary(transform: Callable[[dict, Any, int], dict | None]) -> Rule:
    def rule(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
        if len(tensors) != 1:
            return fallback(prim, tensors, attrs, level)
        t = tensors[0]
        if t._data.ndim == 0 and any(n in attrs for n in ("dim", "dims", "d0", "d1")):
            return fallback(prim, tensors, attrs, level)  # a 0-d input's dim means its one element
        new = transform(dict(attrs), t, size_of(level))
        if new is None:
            return fallback(prim, tensors, attrs, level)
        return _wrap_out(prim(t._value, **new), level)

    return rule


def _dims(*names: str, none_means_all: bool = True) -> Rule:
    def transform(attrs: dict, t: Any, size: int) -> dict | None:
        for name in names:
            if name in attrs:
                if attrs[name] is None and not none_means_all:
                    return None
                attrs[name] = _shift_all(attrs[name], t._data.ndim)
        return attrs

    return _unary(transform)


def _shaped(*dim_names: str) -> Rule:
    """Ops with a `shape` attribute (the logical output or input shape): the batch goes in front."""

    def transform(attrs: dict, t: Any, size: int) -> dict | None:
        if "key" in attrs:
            return None
        for name in dim_names:
            if name in attrs:
                attrs[name] = _shift_all(attrs[name], t._data.ndim)
        if "shape" in attrs:
            attrs["shape"] = (size,) + tuple(attrs["shape"])
        return attrs

    return _unary(transform)


def _prepend(attrs: dict, size: int) -> dict:
    attrs["shape"] = (size,) + tuple(attrs["shape"])
    return attrs


def permute(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    dims = (0,) + tuple(d + 1 for d in attrs["dims"])
    return wrap(prim(tensors[0]._value, dims=dims), level)


def expand(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    t = tensors[0]
    shape = tuple(attrs["shape"])
    v = _aligned(t._value, t._data.ndim, len(shape))
    return wrap(prim(v, shape=(size_of(level),) + shape), level)


def transpose_last(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    t = tensors[0]
    if t._data.ndim < 2:
        return t
    return wrap(t._value.transpose(-2, -1), level)


def keyed(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """Basic indexing (ints, slices, None, ...): a full slice in front selects every example."""
    key = attrs.get("key")
    if len(tensors) != 1 or type(key) is not tuple or not all(_basic(k) for k in key):
        return fallback(prim, tensors, attrs, level)
    new = dict(attrs, key=(slice(None),) + key)
    if "shape" in new:
        new["shape"] = (size_of(level),) + tuple(new["shape"])
    return wrap(prim(tensors[0]._value, **new), level)


def key_or(rule: Rule) -> Rule:
    """`rule`, or `keyed` for the variant of the op that takes an indexing key."""

    def either(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
        return (keyed if "key" in attrs else rule)(prim, tensors, attrs, level)

    return either


def _basic(k: Any) -> bool:
    return k is None or k is Ellipsis or isinstance(k, (int, slice, numpy.integer))


# --- matmul family: one batched matmul ------------------------------------------------------


def _matmul(a: Any, b: Any, level: int) -> Any:
    """Logical `a @ b` (each batched at `level` or not) as one matmul on the values."""
    from ... import ops

    va, vb = _value(a, level), _value(b, level)
    ra, rb = a._data.ndim, b._data.ndim
    if rb == 1 and ra <= 2 and (va is None or vb is None):
        return wrap(_one_side_times_vector(a, b, va, vb), level)
    squeeze = []
    if ra == 1:
        va = va.unsqueeze(-2) if va is not None else None
        a = a.unsqueeze(-2) if va is None else a
        squeeze.append(-2)
        ra = 2
    if rb == 1:
        vb = vb.unsqueeze(-1) if vb is not None else None
        b = b.unsqueeze(-1) if vb is None else b
        squeeze.append(-1)
        rb = 2
    rank = max(ra, rb)
    x = a if va is None else _aligned(va, ra, rank)
    y = b if vb is None else _aligned(vb, rb, rank)
    out = ops.matmul(x, y)
    if len(squeeze) == 2:
        out = out.squeeze(-1).squeeze(-1)
    elif squeeze:
        out = out.squeeze(squeeze[0])
    return wrap(out, level)


def _one_side_times_vector(a: Any, b: Any, va: Any, vb: Any) -> Any:
    """dot or mv with one side batched, as PyTorch's rules compute it (their graphs' nodes too):
    the batched vectors or matrices become one mv or mm with the other side."""
    from ... import ops
    from ...ops.shape.views import squeeze_dims

    if a._data.ndim == 1:  # dot: the batch of vectors is a matrix, on the side it came from
        if vb is None:
            return ops.mv(va, b)
        row = ops.mm(a.unsqueeze(0), vb.t())
        return squeeze_dims(row, shape=tuple(row.shape[1:]))
    if vb is None:  # a batch of matrices times one vector: one matmul over the stack
        return ops.matmul(va, b)
    return ops.mm(a, vb.t()).permute(1, 0)  # one matrix times a batch of vectors: columns, batch moved to front


def matmul(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    return _matmul(tensors[0], tensors[1], level)


def addmm(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """beta * c + alpha * (a @ b), written with batched ops (addmm, addmv, baddbmm)."""
    c, a, b = tensors
    prod = a @ b
    if prim.name == "addbmm":
        prod = prod.sum(0)
    alpha, beta = attrs["alpha"], attrs["beta"]
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:  # c is ignored, NaNs included, as PyTorch does
        return prod
    return prod + (c if beta == 1 else c * beta)


# --- ops that need every operand batched ----------------------------------------------------


def joined(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """cat / stack: every operand gets the batch (expanded where it has none), dim shifts.

    cat's `keep` (the operands joined) and `bounds` (each one's extent along dim) stay as they are.
    """
    size = size_of(level)
    args = []
    for t in tensors:
        v = _value(t, level)
        args.append(v if v is not None else t.unsqueeze(0).expand(size, *t.shape))
    new = dict(attrs, dim=_shift(attrs["dim"]))
    return wrap(prim(*args, **new), level)


# --- fallback: one call per example, stacked -------------------------------------------------


def along_dim(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """Ops of same-shaped tensors along one `dim` (softmax's and log_softmax's backwards): every input with
    the batch in front (one the same for every example expanded), the dim moved past the batch."""
    dim = attrs.get("dim")
    if dim is None:
        return fallback(prim, tensors, attrs, level)
    size = size_of(level)
    args = []
    for t in tensors:
        v = _value(t, level)
        args.append(t.unsqueeze(0).expand((size,) + tuple(t.shape)) if v is None else v)
    return _wrap_out(prim(*args, **dict(attrs, dim=_shift(dim))), level)


def fallback(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """Run the op once per example and stack the results (correct for any op with fixed shapes)."""
    from ... import ops

    size = size_of(level)
    if size == 0:  # no example to run: one stand-in of zeros gives the result's shape
        args = [t if _value(t, level) is None else ops.zeros(t.shape, dtype=t.dtype) for t in tensors]
        result = prim(*args, **attrs)
        empty = lambda r: wrap(r.unsqueeze(0)[:0], level)  # noqa: E731
        return tuple(empty(r) for r in result) if isinstance(result, tuple) else empty(result)
    pieces = [t._value.unbind(0) if _value(t, level) is not None else None for t in tensors]
    results = []
    for i in range(size):
        args = [t if p is None else p[i] for t, p in zip(tensors, pieces)]
        results.append(prim(*args, **attrs))
    if isinstance(results[0], tuple):
        return tuple(wrap(ops.stack([r[k] for r in results]), level) for k in range(len(results[0])))
    return wrap(ops.stack(results), level)


def dynamic_shape(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    raise RuntimeError(
        "vmap: We do not support batching operators that can output dynamic shape. Attempted to vmap over "
        f"aten::{prim.name}. Please file an issue at https://github.com/pytorch/pytorch/issues if you need this "
        "feature."
    )


# --- whole-tensor reductions and einsum ------------------------------------------------------


def reduce_all(public: str) -> Rule:
    """`sum()` and friends over every element: the same reduction over every dim past the batch."""

    def rule(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
        from ... import ops

        v = tensors[0]._value
        flat = v.reshape(v.shape[0], tensors[0]._data.size)  # not -1: the batch may be empty
        out = getattr(ops, public)(flat, 1)
        dt = attrs.get("dt")
        if dt is not None and out._data.dtype != dt:
            out = out.to(_dtype(dt))
        return wrap(out, level)

    return rule


def trace(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """Each example's trace as its diagonal summed, PyTorch's batching decomposition (one pass, no loop;
    recorded as DiagonalBackward0 and SumBackward1). Integer matrices sum to int64, as `trace`."""
    from ... import ops

    return wrap(ops.diagonal(tensors[0]._value, 0, 1, 2).sum(-1), level)


def _dtype(np_dtype: Any) -> Any:
    from ...dtypes import from_numpy

    return from_numpy(numpy.dtype(np_dtype))


def drop_first(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """The squeeze that removes dim 0 (of size 1): dim 1 of the value, recorded as PyTorch's squeeze_.dims."""
    from ...ops.shape.views import squeeze_dims_list

    v = tensors[0]._value
    return wrap(squeeze_dims_list(v, shape=(v.shape[0],) + tuple(v.shape[2:])), level)


def squeeze_all(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """`squeeze()` of a batched value: PyTorch's batching rule views it in the squeezed shape (ViewBackward0)."""
    v = tensors[0]._value
    return wrap(v.view((v.shape[0],) + tuple(attrs["shape"])), level)


def squeeze_dim(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """`squeeze(dim)` of a batched value: PyTorch's batching rule squeezes a list of dims (SqueezeBackward2)."""
    from ...ops.shape.views import squeeze_dims_tuple

    v = tensors[0]._value
    return wrap(squeeze_dims_tuple(v, shape=(v.shape[0],) + tuple(attrs["shape"])), level)


def einsum(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """Batched operands get a fresh subscript letter in front, and so does the output."""
    names = ("sa", "sb")[: len(tensors)]
    used = "".join(attrs[n] for n in names) + attrs["so"]
    if "." in used:
        return fallback(prim, tensors, attrs, level)
    letter = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA" if c not in used)
    new = dict(attrs, so=letter + attrs["so"])
    args = []
    for name, t in zip(names, tensors):
        v = _value(t, level)
        if v is not None:
            new[name] = letter + attrs[name]
        args.append(t if v is None else v)
    return wrap(prim(*args, **new), level)

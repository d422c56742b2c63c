"""Batching rules for the fused nn primitives: convolution, average pooling, embedding lookup.

No loop over examples: the batch is folded into a dim the op already handles.

- convolution, batched input only: the batch joins N, (B, N, C, *S) -> (B·N, C, *S);
- convolution with batched weights: the batch joins the channels and multiplies `groups`, so
  example b's channels meet only example b's filters: (N, B·C, *S) with (B·O, C/g, *k), B·g groups;
- average pooling (forward and its adjoint) treats every leading dim alike: the batch is one more;
- embedding with batched weights: the batch joins the row width, (V, B·D), rows still rows;
- pointwise losses (mse, smooth_l1, huber): every example's elementwise losses at once, then each
  example's mean or sum (PyTorch's rule, whose graph ends in that reduction).
"""

from __future__ import annotations

from typing import Any

from .._batched import size_of, wrap
from .indexed import _in_range
from .lifted import _value, innermost, loop
from .rules import fallback


def _lead(t: Any, level: int, size: int) -> Any:
    v = _value(t, level)
    return v if v is not None else t.unsqueeze(0).expand(size, *t.shape)


def convolution(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """`convolution(a, w[, b])`, plain or transposed (attrs carry `spatial`): see the module docstring."""
    a, w, *bias = tensors
    size = size_of(level)
    if size == 0 or a._data.ndim < 3:
        return fallback(prim, tensors, attrs, level)
    va = _value(a, level)
    if _value(w, level) is None and not (bias and _value(bias[0], level) is not None):
        n = a.shape[0]
        out = prim(va.reshape((size * n,) + tuple(a.shape[1:])), w, *bias, **attrs)
        return wrap(out.reshape((size, n) + tuple(out.shape[1:])), level)
    groups = attrs["groups"]
    n, c = a.shape[0], a.shape[1]
    x = _lead(a, level, size).movedim(0, 1).reshape((n, size * c) + tuple(a.shape[2:]))
    filters = _lead(w, level, size)
    filters = filters.reshape((size * w.shape[0],) + tuple(w.shape[1:]))
    extra = []
    if bias:
        extra.append(_lead(bias[0], level, size).reshape(-1))
    out = prim(x, filters, *extra, **dict(attrs, groups=groups * size))
    out = out.reshape((n, size, out.shape[1] // size) + tuple(out.shape[2:])).movedim(1, 0)
    return wrap(out, level)


def pointwise_loss(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """`loss(a, b, reduction)` of same-shaped operands: elementwise over the batch, reduced per example."""
    a, b = tensors
    size = size_of(level)
    rows = [_lead(t, level, size).reshape(size, -1) for t in (a, b)]  # each example flattened, as PyTorch's
    elems = prim(*rows, **dict(attrs, reduction="none"))
    reduction = attrs["reduction"]
    if reduction == "none":
        return wrap(elems.view((size,) + tuple(a.shape)), level)
    return wrap(elems.mean(1) if reduction == "mean" else elems.sum(1), level)


def leading_dims_alike(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """Ops that treat every leading dim alike (average pooling and its adjoint): the batch is one more."""
    if len(tensors) != 1:
        return fallback(prim, tensors, attrs, level)
    return wrap(prim(tensors[0]._value, **attrs), level)


def embedding_rows(prim: Any, tensors: tuple, attrs: dict, level: int) -> Any:
    """`embedding(w)` (the index an attribute) with batched weights: (B, V, D) looked up as (V, B·D)."""
    (w,) = tensors
    v = w._value
    size, rows, width = v.shape[0], w.shape[0], w.shape[1]
    table = v.movedim(0, 1).reshape(rows, size * width)
    out = prim(table, **attrs)  # (*idx, B·D)
    lead = tuple(out.shape[:-1])
    return wrap(out.reshape(lead + (size, width)).movedim(-2, 0), level)


def embedding_lookup(fn: Any, args: tuple, kwargs: dict, level: int) -> Any:
    """`F.embedding(input, weight, ...)` with a batched index: looked up at once; both batched: rows offset."""
    from ... import ops

    idx, weight, padding_idx, max_norm, _norm_type, scale_grad_by_freq, _sparse = args
    vi = _value(idx, level)
    if vi is None:
        from ...engine.vmap_hook import NOT_BATCHED

        return NOT_BATCHED  # only the weights are batched: the primitive's rule
    size = size_of(level)
    if innermost((weight,), {}) != level:
        return wrap(fn(vi, weight, *args[2:]), level)
    rows = weight.shape[0]
    if padding_idx is not None or max_norm is not None or scale_grad_by_freq or not _in_range(idx, rows):
        return loop(fn, args, kwargs, level)  # these read each example's indices against its own table
    table = weight._value.reshape(size * rows, weight.shape[1])
    offsets = ops.arange(size).reshape((size,) + (1,) * idx._data.ndim) * rows
    return wrap(fn(vi + offsets, table, *args[2:]), level)

"""Function-level batching rules: ops that are not one Primitive, run once on the batched values.

Comparisons, sorts, arg-reductions and fused kernels compute on arrays in Python (indices,
statistics) before or instead of calling a Primitive, so the Primitive-level table cannot
batch them. They call `engine.vmap_hook.batched(rule, fn, *args)`, and the rule named here
calls `fn` itself once on the batched values: the batch dim in front, ranks aligned, dims
shifted past it. `fn` may meet tensors batched at outer levels again; it lifts them the same
way, one level at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...dtypes import bool_, uint8
from ...engine.vmap_hook import NOT_BATCHED
from ...tensor import Tensor
from .._batched import BatchedTensor, size_of, wrap
from .rules import _aligned

_MASKS = (bool_, uint8)  # index tensors of these dtypes are masks
LiftRule = Callable[[Callable, tuple, dict, int], Any]


def _value(t: Any, level: int) -> Any:
    return t._value if type(t) is BatchedTensor and t._level == level else None


def _items(args: tuple, kwargs: dict) -> list:
    """The arguments, with tuples and lists (statistics pairs, tensor lists) opened one level."""
    out: list = []
    for a in (*args, *kwargs.values()):
        if isinstance(a, (tuple, list)):
            out.extend(a)
        else:
            out.append(a)
    return out


def innermost(args: tuple, kwargs: dict) -> int:
    """The innermost vmap level any argument is batched at (0: none is)."""
    level = 0
    for a in _items(args, kwargs):
        if type(a) is BatchedTensor and a._level > level:
            level = a._level
    return level


def lift(rule: str, fn: Callable, args: tuple, kwargs: dict) -> Any:
    """Run `fn(*args, **kwargs)` batched by `rule` (see `LIFT_RULES`); NOT_BATCHED when nothing is batched."""
    level = innermost(args, kwargs)
    if not level:
        return NOT_BATCHED
    return LIFT_RULES[rule](fn, args, kwargs, level)


def wrap_result(out: Any, level: int, shape: tuple | None = None) -> Any:
    """Tensors in `out` (alone, or in a (named) tuple or list) batched at `level`; others as they are."""
    if isinstance(out, Tensor):
        return wrap(out if shape is None else out.reshape(shape), level)
    if isinstance(out, tuple):
        items = [wrap_result(o, level, shape) for o in out]
        return type(out)(*items) if hasattr(out, "_fields") else tuple(items)
    if isinstance(out, list):
        return [wrap_result(o, level, shape) for o in out]
    return out


def _map_tensors(args: tuple, kwargs: dict, change: Callable[[Any], Any]) -> tuple[tuple, dict]:
    def one(a: Any) -> Any:
        if isinstance(a, (tuple, list)) and any(isinstance(x, Tensor) for x in a):
            return type(a)(change(x) for x in a)
        return change(a)

    return tuple(one(a) for a in args), {k: one(v) for k, v in kwargs.items()}


# --- the rules ----------------------------------------------------------------------------------


def elementwise(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """Broadcasting ops (and ops batched over leading dims, like linalg's): batch in front, ranks aligned."""
    rank = max((a._data.ndim for a in _items(args, kwargs) if isinstance(a, Tensor)), default=0)

    def change(a: Any) -> Any:
        v = _value(a, level)
        return a if v is None else _aligned(v, a._data.ndim, rank)

    new_args, new_kwargs = _map_tensors(args, kwargs, change)
    return wrap_result(fn(*new_args, **new_kwargs), level)


def along(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`fn(input, dim, ...)`: dim (an int, a tuple, or None for all) moves past the batch dim."""
    from ...ops.kernels.operands import wrap_dim

    x, dim, *rest = args
    v = _value(x, level)
    if v is None or innermost(tuple(rest), kwargs) == level:
        return loop(fn, args, kwargs, level)
    nd = x._data.ndim
    size = size_of(level)
    if nd == 0 and not isinstance(dim, (tuple, list)) and dim is not None:
        wrap_dim(dim, 0)  # PyTorch's IndexError for a dim out of range
        return wrap_result(fn(v.reshape(size, 1), 1, *rest, **kwargs), level, (size,))
    if dim is None:
        d: Any = tuple(range(1, nd + 1))
    elif isinstance(dim, (tuple, list)):
        d = tuple(wrap_dim(k, nd) + 1 for k in dim)
    else:
        d = wrap_dim(dim, nd) + 1
    return wrap_result(fn(v, d, *rest, **kwargs), level)


def flat(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`fn(input)` over all elements: the batched value seen as (B, everything else)."""
    x, *rest = args
    v = _value(x, level)
    if v is None or innermost(tuple(rest), kwargs) == level:
        return loop(fn, args, kwargs, level)
    return wrap_result(fn(v.reshape(size_of(level), x._data.size), *rest, **kwargs), level)  # an empty batch too


def loop(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """Any function of fixed-shape results: once per example, stacked (the last resort)."""
    from ... import ops

    size = size_of(level)
    results = []
    for i in range(max(size, 1)):  # an empty batch runs one stand-in of zeros for the result's shape

        def pick(a: Any, i: int = i) -> Any:
            v = _value(a, level)
            if v is None:
                return a
            return v[i] if size else ops.zeros(a.shape, dtype=a.dtype)

        new_args, new_kwargs = _map_tensors(args, kwargs, pick)
        results.append(fn(*new_args, **new_kwargs))
    return _stacked(results, level, ops.stack if size else lambda rs: rs[0].unsqueeze(0)[:0])


def _stacked(results: list, level: int, stack: Callable) -> Any:
    first = results[0]
    if isinstance(first, Tensor):
        return wrap(stack(results), level)
    if isinstance(first, tuple):
        items = [_stacked([r[k] for r in results], level, stack) for k in range(len(first))]
        return type(first)(*items) if hasattr(first, "_fields") else tuple(items)
    if isinstance(first, list):
        return [_stacked([r[k] for r in results], level, stack) for k in range(len(first))]
    return first


def normalize(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`nn_support.normalize(kind, input, weight, bias, view, dims, eps, stats)`, batched.

    Layer and group norm see their input as rows (`view[0]` of them), normalised alike: the
    batch multiplies the rows. Batch norm's statistics run over dims that exclude the batch.
    """
    kind, x, weight, bias, view, dims, eps, *stats_arg = args
    stats = stats_arg[0] if stats_arg else None
    size = size_of(level)
    rank = x._data.ndim
    v = _value(x, level)
    if v is None:
        v = x.unsqueeze(0).expand(size, *x.shape)
    w, b = (None if t is None else _lead(t, level, rank) for t in (weight, bias))
    if kind == "batch":
        new_view, new_dims = (size,) + tuple(view), tuple(d + 1 for d in dims)
        if stats is not None:
            stats = tuple(_lead(s, level, s._data.ndim) for s in stats)
    else:
        new_view, new_dims = (size * view[0],) + tuple(view[1:]), tuple(dims)
    out, mean, var = fn(kind, v, w, b, new_view, new_dims, eps, stats)
    if stats_arg and stats_arg[0] is not None:  # fixed statistics come back as they were given
        return wrap(out, level), stats_arg[0][0], stats_arg[0][1]
    kept = (size,) + tuple(1 if i in dims else n for i, n in enumerate(view))
    mean, var = mean.reshape(kept), var.reshape(kept)
    if _value(x, level) is None:  # only the affine parameters are batched: one set of statistics, as PyTorch's
        return wrap(out, level), mean[0], var[0]
    return wrap(out, level), wrap(mean, level), wrap(var, level)


def _lead(t: Any, level: int, rank: int) -> Any:
    """`t` batched at `level` with its batch in front, aligned to `rank` logical dims; else as it is."""
    v = _value(t, level)
    return t if v is None else _aligned(v, t._data.ndim, rank)


def getitem(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`t[key]` with index tensors: one advanced index on the batched value, the batch picked by an arange.

    Basic keys (ints, slices) are left to the primitives' rules (NOT_BATCHED). A batched boolean
    mask has a data-dependent shape: PyTorch's error.
    """
    from ... import ops

    t, index = args
    items = list(index) if isinstance(index, tuple) else [index]
    batched_keys = [k for k in items if _value(k, level) is not None]
    if any(k.dtype in _MASKS for k in batched_keys):
        raise RuntimeError(LIFT_MESSAGES["boolean_mask"])
    where = [i for i, k in enumerate(items) if isinstance(k, Tensor)]
    if not where:
        return NOT_BATCHED
    contiguous = where == list(range(where[0], where[-1] + 1))
    plain = all(isinstance(k, Tensor) or k is Ellipsis or k == slice(None) for k in items)
    if not (contiguous and plain) or any(items[i].dtype in _MASKS for i in where):
        return loop(fn, args, kwargs, level)
    size = size_of(level)
    v = _value(t, level)
    value = v if v is not None else t.unsqueeze(0).expand(size, *t.shape)
    if not batched_keys:  # only the tensor is batched: the batch dim stays a full slice in front
        return wrap(fn(value, (slice(None), *items)), level)
    if where[0] != 0:
        return loop(fn, args, kwargs, level)
    rank = max(items[i]._data.ndim for i in where)
    batch_index = ops.arange(size).reshape((size,) + (1,) * rank)
    keys = [batch_index] + [k if _value(k, level) is None else _aligned(k._value, k._data.ndim, rank) for k in items]
    return wrap(fn(value, tuple(keys)), level)


def class_loss(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`fn(input, target, reduction)` for nll_loss / cross_entropy: the batch merges into N, losses per element.

    The loss runs once with reduction="none" on (B·N, C, *) and (B·N, *); each example's sum, or
    its mean over the weights of its non-ignored targets (over its elements for probabilities),
    is taken after.
    """
    x, t = args
    weight, ignore_index, reduction = kwargs["weight"], kwargs["ignore_index"], kwargs["reduction"]
    if _value(weight, level) is not None:
        return loop(lambda x, t, **kw: fn(x, t, reduction), args, kwargs, level)
    size = size_of(level)
    vx, vt = (_value(a, level) for a in (x, t))
    vx = vx if vx is not None else x.unsqueeze(0).expand(size, *x.shape)
    vt = vt if vt is not None else t.unsqueeze(0).expand(size, *t.shape)
    if x._data.ndim >= 2:  # (N, C, *): the batch joins N
        vx = vx.reshape((size * x.shape[0],) + tuple(x.shape[1:]))
        vt = vt.reshape((size * t.shape[0],) + tuple(t.shape[1:]))
    losses = fn(vx, vt, "none")
    losses = losses.reshape(size, -1)
    if reduction == "none":
        return wrap(losses.reshape((size,) + (_none_shape(x, t) if x._data.ndim >= 2 else ())), level)
    total = losses.sum(1)
    if reduction == "sum":
        return wrap(total, level)
    if t.dtype.is_floating_point:  # class probabilities: the mean over the elements
        return wrap(total / losses.shape[1], level)
    labels = vt.reshape(size, -1)
    keep = labels != ignore_index
    counted = keep.to(x.dtype) if weight is None else weight[labels.masked_fill(~keep, 0)] * keep
    return wrap(total / counted.sum(1), level)


def _none_shape(x: Any, t: Any) -> tuple:
    """The logical shape of a class loss with reduction="none": the target's for indices, N and * for probabilities."""
    if t.dtype.is_floating_point:
        return (x.shape[0],) + tuple(x.shape[2:])
    return tuple(t.shape)


def masked_select(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`masked_select(input, mask)`: with the mask the same for every example, every example selects as
    many elements, so the batched value is indexed once; a batched mask is PyTorch's dynamic-shape error."""
    x, mask = args
    if _value(mask, level) is not None:
        raise RuntimeError(
            "vmap: Attempted to vmap over `mask` in torch.masked_select(self, mask) We cannot support this because "
            "for each batch this would return a differently shaped Tensor. Please file an issue at "
            "https://github.com/pytorch/pytorch/issues if you need this feature."
        )
    from ...ops.indexing.keyed import broadcast_shape

    shape = tuple(broadcast_shape(tuple(mask.shape), tuple(x.shape)))
    size = size_of(level)
    v = _aligned(x._value, x._data.ndim, len(shape)).expand((size,) + shape)
    return wrap(v[(slice(None), mask.expand(shape))], level)


def _refuse(message: str) -> LiftRule:
    def rule(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
        raise RuntimeError(message)

    return rule


def whole(fn: Callable, args: tuple, kwargs: dict, level: int) -> Any:
    """`fn` on the tensors' physical values, every level's batch included, its result as it is.

    For checks over all elements (are all probabilities in [0, 1]?) that end in a Python value.
    """

    def physical(a: Any) -> Any:
        while type(a) is BatchedTensor:
            a = a._value
        return a

    new_args, new_kwargs = _map_tensors(args, kwargs, physical)
    return fn(*new_args, **new_kwargs)


def _dynamic(op: str) -> str:
    return (
        "vmap: We do not support batching operators that can output dynamic shape. Attempted to vmap over "
        f"aten::{op}. Please file an issue at https://github.com/pytorch/pytorch/issues if you need this feature."
    )


DATA_DEPENDENT = (
    "vmap: It looks like you're attempting to use a Tensor in some data-dependent control flow. We don't "
    "support that yet, please file an issue at https://github.com/pytorch/pytorch/issues ."
)

LIFT_MESSAGES = {
    "boolean_mask": (
        "vmap: We do not support batching operators that can support dynamic shape. Attempting to batch over "
        "indexing with a boolean mask."
    ),
}

LIFT_RULES: dict[str, LiftRule] = {
    "getitem": getitem,
    "class_loss": class_loss,
    "elementwise": elementwise,
    "along": along,
    "flat": flat,
    "loop": loop,
    "normalize": normalize,
    "whole": whole,
    "data_dependent": _refuse(DATA_DEPENDENT),
    "nonzero": _refuse(_dynamic("nonzero")),
    "unique": _refuse(_dynamic("_unique2")),
    "unique_dim": _refuse(_dynamic("unique_dim")),
    "unique_consecutive": _refuse(_dynamic("unique_consecutive")),
    "masked_select": masked_select,
    "nonzero_numpy": _refuse(
        "Batching rule not implemented for aten::nonzero_numpy. We could not generate a fallback."
    ),
    "boolean_mask": _refuse(LIFT_MESSAGES["boolean_mask"]),
    "rrelu": _refuse("vmap: we do not yet support aten::rrelu. Please file an issue"),
    "allclose": _refuse(
        "vmap over torch.allclose isn't supported yet. Please file an issue at "
        "https://github.com/pytorch/pytorch/issues if you need this feature."
    ),
    "equal": _refuse("Batching rule not implemented for aten::equal. We could not generate a fallback."),
}

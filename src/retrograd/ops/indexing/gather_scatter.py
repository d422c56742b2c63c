"""Gather and scatter along a dim, and take/put on the flattened tensor.

For dim 0 of a 2-d tensor, with `index` of shape (I, J):

    gather:   out[i][j] = input[index[i][j]][j]
    scatter:  out[index[i][j]][j] = src[i][j]      (scatter_add adds, scatter_reduce reduces)

Both read or write `input` at one NumPy key (`keyed.along_dim_key`), so their
derivatives are the shared rules of `keyed`: gather's is a scatter-add of the
gradient, scatter's a gather of it. `take`/`put` do the same on the flattened
tensor.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..._user_frames import user_stacklevel
from ...backend import namespace
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.arg_types import bool_arg, check_tensors, int_arg, invalid_combination, is_int, tensor_arg
from ..kernels.guards import check_scalar_fits
from ..kernels.operands import constant, refuse_inference_index, wrap_dim, wrap_existing_dim
from ..kernels.out_arg import SAME, write_out
from ..sparse.layout import entries
from . import keyed as _keyed
from .keyed import FlatKey, along_dim_key, check_bounds, check_index_dtype, putter, taker

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "take", "take_along_dim", "put"]

_gather = taker("gather")
_take = taker("take")
_scatter = putter("scatter")
_scatter_value = putter("scatter", "ScatterBackward1")
_scatter_add = putter("scatter_add")
_put = putter("put")


def _sparse_gather_rule(g: Tensor, a_shape: tuple, key: tuple) -> Tensor:
    """PyTorch's _gather_sparse_backward: a sparse COO gradient with an entry per element of `g`
    (in row-major order, repeats kept) at the input position that element was read from."""
    xp = namespace(g._data)
    if not a_shape:  # a 0-d input: entries without coordinates
        coords = xp.zeros((0, g._data.size), np.int64)
    elif type(key) is FlatKey:  # a 0-d index into a 1-d input
        coords = xp.asarray(key[0]).reshape(1, -1)
    else:
        coords = xp.stack([xp.broadcast_to(xp.asarray(k), g._data.shape).reshape(-1) for k in key])
    return entries(g.reshape(-1), coords, a_shape)


# gather(..., sparse_grad=True): the same reading, the gradient sparse
_gather_sparse = Primitive(
    "gather", _keyed._take_forward, [_sparse_gather_rule], node_name="GatherBackward0", saves_number=True
)


def _scatter_reduced_forward(xp: Any, a: Any, v: Any, key: tuple, reduce: str) -> Any:
    out = a.copy(order="C")
    _keyed.reduce_at(out, key, v, xp.add if reduce == "add" else xp.multiply)
    return out


def _not_implemented(g: Tensor) -> None:
    raise RuntimeError("derivative for aten::scatter is not implemented")


# PyTorch has no derivative for scatter(..., reduce=...): its node says so at backward time
_scatter_reduced = Primitive(
    "scatter", _scatter_reduced_forward, [_not_implemented, _not_implemented],
    inputs=("a", "v"), node_name="NotImplemented",
)


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False, out: Any = None) -> Tensor:
    """Values of `input` along `dim` at `index`; the result has index's shape.

    For a 2-D input and `dim=1`, `out[i][j] = input[i][index[i][j]]`.

    Args:
        input (Tensor): the source.
        dim (int): the dim along which to pick.
        index (Tensor): an int64 tensor with as many dims as `input`; no larger than it in the
            other dims.
        sparse_grad (bool): give `input` a sparse COO gradient, an entry per element of `index`
            (default False: a dense gradient).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new tensor of `index`'s shape.

    Examples:
        >>> x = retrograd.tensor([[1, 2], [3, 4]])
        >>> x.gather(1, retrograd.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    if type(dim) is not int:
        dim = int_arg("gather", "dim", 2, dim)
    if not isinstance(index, Tensor):
        index = tensor_arg("gather", "index", 3, index)
    if out is not None:
        return write_out(out, gather, locals(), SAME)
    if _vmap.active and (r := batched("along_index", gather, input, dim, index)) is not NOT_BATCHED:
        return r
    _, key = _key_along(input, dim, index, "gather", None)
    return (_gather_sparse if sparse_grad else _gather)(input, key=key)


_SCATTER_SIGNATURES = (
    "Tensor input, int dim, Tensor index, Tensor src, *, Tensor out = None",
    "Tensor input, int dim, Tensor index, Tensor src, *, str reduce, Tensor out = None",
    "Tensor input, int dim, Tensor index, Number value, *, Tensor out = None",
    "Tensor input, int dim, Tensor index, Number value, *, str reduce, Tensor out = None",
)


def scatter(
    input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None, reduce: str | None = None,
) -> Tensor:
    """A copy of `input` with `src` (a tensor, or a number `value`) written along `dim` at `index`.

    The reverse of `gather`: for a 2-D input and `dim=1`, `out[i][index[i][j]] = src[i][j]`.
    `x.scatter_(...)` writes into `x` instead of copying.

    Args:
        input (Tensor): the tensor written into (a copy of it, for `scatter`).
        dim (int): the dim along which to write.
        index (Tensor): an int64 tensor with as many dims as `input`, where each value goes.
        src (Tensor or number): the values to write (a number acts like `value`).
        value (number, optional): one number written at every index, instead of `src`.
        reduce (str, optional): `'add'` or `'multiply'` to combine with what is there.

    Returns:
        Tensor: the result, of `input`'s shape and dtype.

    Examples:
        >>> x = retrograd.zeros(2, 3)
        >>> x.scatter_(1, retrograd.tensor([[2], [0]]), retrograd.tensor([[5.0], [7.0]]))
        tensor([[0., 0., 5.],
                [7., 0., 0.]])
        >>> retrograd.scatter(retrograd.zeros(3), 0, retrograd.tensor([1]), value=1.0)
        tensor([0., 1., 0.])
    """
    if (type(dim) is not int and not is_int(dim)) or not isinstance(index, Tensor):
        given = (input, dim, index) + ((src,) if src is not None else ())
        keywords = {k: v for k, v in (("value", value), ("reduce", reduce)) if v is not None}
        raise invalid_combination("scatter", given, _SCATTER_SIGNATURES, keywords)
    if _vmap.active and (
        r := batched("along_index", scatter, input, dim, index, src, value=value, reduce=reduce)
    ) is not NOT_BATCHED:
        return r
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    # PyTorch's deprecation comes first, before any check of the arguments (the reduce's name too)
    if reduce is not None and src is not None and not _reduce_src_warned:
        _warn_reduce_src_once()
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if src is None:
        _, key = _key_along(input, dim, index, "scatter", None)
        check_scalar_fits(value, input.dtype)
        v = constant(value, input.dtype)
        if reduce is not None:
            return _scatter_reduced(input, v, key=key, reduce=reduce)
        return _scatter_value(input, v, key=key, accumulate=False)
    _check_src_dtype(input, src)
    _, key = _key_along(input, dim, index, "scatter", src)
    v = _src_for(src, index)
    if reduce is not None:
        return _scatter_reduced(input, v, key=key, reduce=reduce)
    return _scatter(input, v, key=key, accumulate=False)


_reduce_src_warned = False


def _warn_reduce_src_once() -> None:
    """PyTorch's deprecation of scatter's `reduce` with a tensor src: once per process, naming the user's line."""
    global _reduce_src_warned
    _reduce_src_warned = True
    warnings.warn(
        "The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
        "future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
        UserWarning, stacklevel=user_stacklevel(),
    )


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of `input` with `src` added along `dim` at `index` (repeated indices add up).

    For a 2-D input and `dim=1`, `out[i][index[i][j]] += src[i][j]`.

    Args:
        input (Tensor): the tensor to add into.
        dim (int): the dim along which `index` points.
        index (Tensor): an int64 tensor with as many dims as `input`; no larger than `src`.
        src (Tensor): the values to add, `input`'s dtype.

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.zeros(2, 3)
        >>> retrograd.scatter_add(x, 1, retrograd.tensor([[0, 0, 2], [1, 1, 1]]), retrograd.ones(2, 3))
        tensor([[2., 0., 1.],
                [0., 3., 0.]])
    """
    if _vmap.active and (r := batched("along_index", scatter_add, input, dim, index, src)) is not NOT_BATCHED:
        return r
    _check_src_dtype(input, src)
    _, key = _key_along(input, dim, index, "scatter_add", src)
    return _scatter_add(input, _src_for(src, index), key=key, accumulate=True)


def take(input: Tensor, index: Tensor) -> Tensor:
    """Elements of the flattened `input` at `index` (negative indices count from the end).

    Args:
        input (Tensor): the source, read as if flattened to 1-D.
        index (Tensor): an int64 tensor of positions.

    Returns:
        Tensor: a new tensor of `index`'s shape and `input`'s dtype.

    Examples:
        >>> x = retrograd.tensor([[4, 3, 5], [6, 7, 8]])
        >>> retrograd.take(x, retrograd.tensor([0, 2, -1]))
        tensor([4, 5, 8])
    """
    if _vmap.active and (r := batched("take", take, input, index)) is not NOT_BATCHED:
        return r
    idx = check_index_dtype(index, ("int64",), lambda k: RuntimeError(
        f"take(): Expected a long tensor for index, but got {k}"))
    _check_flat_bounds(idx, input._data.size)
    return _take(input, key=FlatKey((idx.astype(np.intp),)))


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of `input` with `source` written (or added) at `index` of its flattened elements.

    Args:
        input (Tensor): the tensor to write into, read as if flattened.
        index (Tensor): an int64 tensor of flat positions (negative counts from the end).
        source (Tensor): the values, as many as `index` has, `input`'s dtype.
        accumulate (bool): add into the positions instead of overwriting them (default False).

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.zeros(2, 2)
        >>> retrograd.put(x, retrograd.tensor([0, 3]), retrograd.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [0., 2.]])
        >>> retrograd.put(x, retrograd.tensor([1, 1]), retrograd.tensor([1.0, 2.0]), accumulate=True)
        tensor([[0., 3.],
                [0., 0.]])
    """
    if _vmap.active and (r := batched("put", put, input, index, source, accumulate)) is not NOT_BATCHED:
        return r
    check_tensors("put", input=input, index=index, source=source)
    idx = check_index_dtype(index, ("int64",), lambda k: RuntimeError(
        f"put_(): Expected a long tensor for index, but got {k}"))
    _keyed.check_same_dtype(input, source, lambda a, b: (
        f"put_(): self and source expected to have the same dtype, but got self.dtype = {a} and "
        f"source.dtype = {b}"
    ))
    if source._data.size != idx.size:
        raise IndexError(
            "put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source._data.size}, index.numel() = {idx.size}"
        )
    _check_flat_bounds(idx, input._data.size)
    key = FlatKey((idx.astype(np.intp).reshape(source._data.shape),))
    return _put(input, source, key=key, accumulate=bool(accumulate))


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None, *, out: Any = None) -> Tensor:
    """`gather` with `indices` broadcast against `input` (all dims but `dim`); flattened if dim is None.

    Pairs well with the indices of `argsort`, `argmax` (keepdim=True) and the like.

    Args:
        input (Tensor): the source.
        indices (Tensor): an int64 tensor with as many dims as `input` (any shape when `dim` is None).
        dim (int, optional): the dim to pick along; None picks from the flattened `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the picked values.

    Examples:
        >>> x = retrograd.tensor([[10, 30, 20], [60, 40, 50]])
        >>> retrograd.take_along_dim(x, x.argsort(dim=1), dim=1)
        tensor([[10, 20, 30],
                [40, 50, 60]])
        >>> retrograd.take_along_dim(x, retrograd.tensor([5, 0]))
        tensor([50, 10])
    """
    if dim is not None and type(dim) is not int:
        dim = int_arg("take_along_dim", "dim", 3, dim)
    if out is not None:
        return write_out(out, take_along_dim, locals(), SAME)
    if _vmap.active and (r := batched("take_along_dim", take_along_dim, input, indices, dim)) is not NOT_BATCHED:
        return r
    check_index_dtype(indices, ("int64",), lambda k: RuntimeError(
        f"torch.take_along_dim(): dtype of indices should be Long but got {k}"))
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    n, m = input._data.ndim, indices._data.ndim
    if n != m:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{n} dimensions for input, and {m} dimensions for indices"
        )
    d = wrap_existing_dim(wrap_dim(dim, n), n)  # PyTorch names the wrapped dim: -1 of a 0-d input reads 0
    wanted = list(indices._data.shape)
    wanted[d] = input._data.shape[d]
    shape = list(_keyed.broadcast_shape(input._data.shape, tuple(wanted)))
    shape[d] = indices._data.shape[d]
    indices = indices.expand(shape) if tuple(shape) != indices._data.shape else indices
    shape[d] = input._data.shape[d]
    input = input.expand(shape) if tuple(shape) != input._data.shape else input
    # PyTorch's broadcasting helper hands gather a new tensor, so an inference `indices` passes here
    # (not with dim=None, which gathers from `indices` itself)
    return gather(input, d, Tensor._make(indices._data))


# --- scatter_reduce ---------------------------------------------------------------------------

_REDUCE_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


def _identity(reduce: str, dt: np.dtype) -> Any:
    """The value a reduction starts from when `include_self=False`."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dt.kind == "f" else np.iinfo(dt).max
    return -big if reduce == "amax" else big


def _counts(shape: tuple, key: tuple, include_self: bool, dt: np.dtype) -> np.ndarray:
    """How many values each position of the result reduces over (at least 1)."""
    n = np.full(shape, int(include_self), dtype=np.int64)
    _keyed.reduce_at(n, key, 1)
    return np.maximum(n, 1).astype(dt)


def _scatter_reduce_forward(xp: Any, a: Any, v: Any, key: tuple, reduce: str, include_self: bool) -> Any:
    out = a.copy(order="C")
    if not include_self:
        _keyed.write(out, key, _identity(reduce, a.dtype))
    _keyed.reduce_at(out, key, v, _REDUCE_UFUNC[reduce])
    if reduce == "mean":
        n = _counts(a.shape, key, include_self, a.dtype)
        out = out / n if a.dtype.kind == "f" else out // n
    return out


def _scatter_reduce_rule(which: int) -> Any:
    def rule(g: Tensor, a: Tensor, v: Tensor, out: Tensor, key: tuple, reduce: str, include_self: bool) -> Tensor:
        grads = _scatter_reduce_grads(g, a, v, out, key, reduce, include_self)
        return grads[which]

    return rule


_scatter_reduce = Primitive(
    "scatter_reduce", _scatter_reduce_forward, [_scatter_reduce_rule(0), _scatter_reduce_rule(1)],
    inputs=("a", "v"), saves_number=True,  # PyTorch saves the index: a second backward raises
)


def scatter_reduce(
    input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True,
) -> Tensor:
    """A copy of `input` with `src` reduced into it along `dim` at `index` (sum, prod, mean, amax, amin).

    Args:
        input (Tensor): the tensor to reduce into.
        dim (int): the dim along which `index` points.
        index (Tensor): an int64 tensor with as many dims as `input`; no larger than `src`.
        src (Tensor): the values, `input`'s dtype.
        reduce (str): 'sum', 'prod', 'mean', 'amax' or 'amin'.
        include_self (bool): whether `input`'s values at the targeted positions take part
            (default True).

    Returns:
        Tensor: a new tensor of `input`'s shape; positions no index targets keep `input`'s value.

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0, 3.0])
        >>> idx = retrograd.tensor([0, 0, 2, 2])
        >>> src = retrograd.tensor([5.0, 6.0, 7.0, 8.0])
        >>> retrograd.scatter_reduce(x, 0, idx, src, "amax")
        tensor([6., 2., 8.])
        >>> retrograd.scatter_reduce(x, 0, idx, src, "mean", include_self=False)
        tensor([5.5000, 2.0000, 7.5000])
    """
    if type(include_self) is not bool:  # PyTorch's parser: no truthy stand-ins
        include_self = bool_arg("scatter_reduce", "include_self", None, include_self)
    if _vmap.active and (
        r := batched("along_index", scatter_reduce, input, dim, index, src, reduce, include_self=include_self)
    ) is not NOT_BATCHED:
        return r
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    _check_src_dtype(input, src)
    _, key = _key_along(input, dim, index, "scatter_reduce", src)
    v = _src_for(src, index)
    return _scatter_reduce(input, v, key=key, reduce=reduce, include_self=bool(include_self))


def _scatter_reduce_grads(
    g: Tensor, a: Tensor, v: Tensor, out: Tensor, key: tuple, reduce: str, include_self: bool,
) -> tuple:
    """PyTorch's gradients of scatter_reduce w.r.t. (input, src); ties share amax/amin's gradient."""
    def at(t: Tensor) -> Tensor:  # gather at the key
        return _keyed.index(t, key=key)

    def const(x: Any) -> Tensor:
        return Tensor._make(namespace(g._data).asarray(x, dtype=g._data.dtype))

    if reduce == "sum":
        ga, gv = g, at(g)
    elif reduce == "mean":
        n = const(_counts(a._data.shape, key, include_self, g._data.dtype))
        ga, gv = g / n, at(g) / at(n)
    elif reduce in ("amax", "amin"):
        self_is = a._data == out._data
        src_is = v._data == _keyed.read(out._data, key)
        ties = self_is.astype(g._data.dtype)
        _keyed.reduce_at(ties, key, src_is)
        share = g / const(ties)  # the gradient split evenly between equal extremes
        ga, gv = share * const(self_is), at(share) * const(src_is)
    else:
        ga, gv = _prod_grads(g, a, v, out, key, include_self)
    if not include_self:
        ga = _keyed.index_put(ga, const(0), key=key, accumulate=False)
    return ga, gv


def _prod_grads(g: Tensor, a: Tensor, v: Tensor, out: Tensor, key: tuple, include_self: bool) -> tuple:
    """d prod / d x = product of the others; zeros are masked so that one zero still passes it on."""
    dt = g._data.dtype

    def const(x: Any) -> Tensor:
        return Tensor._make(namespace(g._data).asarray(x, dtype=dt))

    self_zero = a._data == 0
    masked_self = a * const(~self_zero) + const(self_zero)  # zeros replaced by ones
    ga = g * _scatter_reduce(masked_self, v, key=key, reduce="prod", include_self=include_self) / masked_self
    src_zero = v._data == 0
    zeros_at = np.zeros(a._data.shape, dt)
    _keyed.reduce_at(zeros_at, key, src_zero)
    single = src_zero & (_keyed.read(zeros_at, key) == 1)
    masked_src = v * const(~single) + const(single)
    with_one = _scatter_reduce(a, masked_src, key=key, reduce="prod", include_self=include_self)
    plain = _keyed.index(g * out, key=key) / (v * const(~src_zero) + const(src_zero))
    gv = _keyed.index(g * with_one, key=key) * const(single) + plain * const(~single)
    return ga, gv


# --- checks -------------------------------------------------------------------------------------


def _key_along(input: Tensor, dim: int, index: Tensor, op: str, src: Tensor | None) -> tuple[int, tuple]:
    """Check `index` for gather/scatter along `dim` and build its key."""
    name = "gather" if op == "gather" else "scatter"  # PyTorch's name for all the scatter ops
    refuse_inference_index(index, input, *([] if src is None else [src]))
    # PyTorch checks the dtype of an index with elements only: an empty edge list made by
    # `torch.tensor([[], []])` (float32) passes
    empty = isinstance(index, Tensor) and index._data.size == 0
    idx = index._data if empty else check_index_dtype(index, ("int64", "int32"), lambda k: RuntimeError(
        f"{name}(): Expected dtype int32/int64 for index"))
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    if idx.size == 0 and src is not None:
        return d, FlatKey((np.zeros(0, np.intp),))  # writes nothing, like PyTorch (no checks either)
    if max(idx.ndim, 1) != max(len(shape), 1):
        what = "input" if src is None and op == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} tensor")
    if src is not None:
        _compare_with_src_sizes(shape, idx.shape, d, src._data.shape)
    if src is not None and max(idx.ndim, 1) != max(src._data.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if idx.ndim and len(shape):
        _check_sizes(op, shape, idx.shape, d, None if src is None else src._data.shape)
    size = shape[d] if shape else 1
    check_bounds(idx, size, False, lambda v: RuntimeError(
        f"index {v} is out of bounds for dimension {d} with size {size}"))
    if idx.ndim == 0 or not shape:
        return d, FlatKey((idx.astype(np.intp),))
    return d, along_dim_key(idx, d)


def _compare_with_src_sizes(shape: tuple, ishape: tuple, d: int, sshape: tuple) -> None:
    """PyTorch compares the index with src dim by dim before it counts src's dims, so a src with
    fewer dims fails asking for a size it lacks (an IndexError), unless a size already failed."""
    if not sshape or any(s > shape[i] for i, s in enumerate(ishape) if i != d and i < len(shape)):
        return
    for i, s in enumerate(ishape or (1,)):
        wrap_dim(i, len(sshape))  # IndexError: Dimension out of range
        if s > sshape[i]:
            return


def _check_sizes(op: str, shape: tuple, ishape: tuple, d: int, sshape: tuple | None) -> None:
    too_big = [i for i, s in enumerate(ishape) if i != d and s > shape[i]]
    if op == "gather":
        if too_big:
            raise RuntimeError(
                f"Size does not match at dimension {too_big[0]} expected index {list(ishape)} to be no "
                f"larger than self {list(shape)} apart from dimension {d}"
            )
        return
    if sshape is None:
        if too_big:
            raise RuntimeError(
                f"Expected index {list(ishape)} to be no larger than self {list(shape)} apart from dimension {d}"
            )
        return
    if too_big or (sshape and any(s > sshape[i] for i, s in enumerate(ishape))):
        raise RuntimeError(
            f"Expected index {list(ishape)} to be no larger than self {list(shape)} apart from dimension "
            f"{d} and to be no larger size than src {list(sshape)}"
        )


def _check_src_dtype(input: Tensor, src: Tensor) -> None:
    if input._data.dtype != src._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")


def _check_flat_bounds(idx: np.ndarray, n: int) -> None:
    check_bounds(idx, n, True, lambda v: IndexError(
        f"out of range: tried to access index {v} on a tensor of {n} elements."))


def _src_for(src: Tensor, index: Tensor) -> Tensor:
    """The part of `src` that `index` covers (its leading block, of index's shape)."""
    ishape, sshape = index._data.shape, src._data.shape
    if ishape == sshape:
        return src
    if index._data.size == 0:
        return src.reshape(-1)[:0]
    if len(ishape) == len(sshape):
        return src[tuple(slice(0, s) for s in ishape)]
    return src.reshape(-1)[: index._data.size].reshape(ishape)  # 0-d and 1-d act alike

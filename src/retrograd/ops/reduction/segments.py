"""segment_reduce: sum, mean, prod, max or min over consecutive segments of one dim.

The segments are given by their lengths or by their offsets; rows of `lengths` (or `offsets`)
may differ along the dims before `axis`. Gradients are PyTorch's: sum and mean spread the
gradient over a segment, max and min share it equally among the elements that tie for the
extreme, prod takes `out / x` and, for a segment with one zero, the product of the others at
the zero. PyTorch differentiates the op once: its gradient comes from `_segment_reduce_backward`,
whose node refuses a second backward, and so does ours.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...backend import CPU, namespace, to_device
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..indexing.keyed import reduce_at
from ..kernels.arg_types import check_tensors
from ..kernels.operands import wrap_dim

__all__ = ["segment_reduce", "_segment_reduce"]

_KINDS = {"sum": "sum", "mean": "mean", "prod": "prod", "max": "max", "amax": "max", "min": "min", "amin": "min"}
_UFUNCS = {"sum": np.add, "mean": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}
_IDENTITY = {"sum": 0.0, "mean": 0.0, "prod": 1.0, "max": -np.inf, "min": np.inf}
_TORCH_CHECK_TAIL = "  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)"


def _as_rows(data: Any, axis: int) -> Any:
    """`data` as (rows before axis, axis, everything after)."""
    shape = data.shape
    return data.reshape(int(np.prod(shape[:axis])), shape[axis] if shape else 1, int(np.prod(shape[axis + 1 :])))


def _members(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, position, segment) of every element that lies in a segment."""
    rows, positions = np.nonzero(ids >= 0)
    return rows, positions, ids[rows, positions]


def _counts(ids: np.ndarray, n_segments: int) -> np.ndarray:
    """How many elements each (row, segment) holds."""
    rows, _, segments = _members(ids)
    counts = np.zeros((ids.shape[0], n_segments), np.int64)
    np.add.at(counts, (rows, segments), 1)
    return counts


def _forward(xp: Any, a: Any, ids: np.ndarray, n_segments: int, axis: int, kind: str, initial: Any) -> Any:
    rows, positions, segments = _members(ids)
    values = _as_rows(a, axis)
    start = _IDENTITY[kind] if initial is None else initial
    out = xp.full((values.shape[0], n_segments, values.shape[2]), start, a.dtype)
    reduce_at(out, (rows, segments), values[rows, positions], _UFUNCS[kind])
    if kind == "mean":  # (initial + sum) / count; an empty segment holds initial, or NaN without one
        counts = xp.asarray(_counts(ids, n_segments))[:, :, None]
        empty = np.nan if initial is None else initial
        out = xp.where(counts == 0, xp.asarray(empty, a.dtype), out / xp.maximum(counts, 1).astype(a.dtype))
    return out.reshape(a.shape[:axis] + (n_segments,) + a.shape[axis + 1 :]).astype(a.dtype, copy=False)


def _gradient(xp: Any, grad: Any, data: Any, result: Any, ids: np.ndarray, axis: int, kind: str, initial: Any) -> Any:
    """The gradient w.r.t. `data` on arrays: PyTorch's `_segment_reduce_backward`."""
    rows, positions, segments = _members(ids)
    g = _as_rows(grad, axis)[rows, segments]
    x = _as_rows(data, axis)[rows, positions]
    n_segments = result.shape[axis] if result.ndim else 1
    per_segment = (ids.shape[0], n_segments, x.shape[-1])
    if kind == "sum":
        values = g
    elif kind == "mean":
        values = g / xp.asarray(_counts(ids, n_segments))[rows, segments][:, None].astype(g.dtype)
    elif kind in ("max", "min"):  # the elements that equal the extreme share its gradient
        hit = x == _as_rows(result, axis)[rows, segments]
        ties = xp.zeros(per_segment, g.dtype)
        reduce_at(ties, (rows, segments), hit.astype(g.dtype))
        values = xp.where(hit, g / xp.maximum(ties[rows, segments], 1), 0)
    else:  # prod: out / x without zeros; at a segment's only zero, the product of the rest
        zero = x == 0
        zeros = xp.zeros(per_segment, g.dtype)
        reduce_at(zeros, (rows, segments), zero.astype(g.dtype))
        rest = xp.full(per_segment, 1.0 if initial is None else initial, g.dtype)
        reduce_at(rest, (rows, segments), xp.where(zero, 1, x), np.multiply)
        at_zero = xp.where(zeros[rows, segments] == 1, g * rest[rows, segments], 0)
        values = xp.where(zero, at_zero, g * _as_rows(result, axis)[rows, segments] / xp.where(zero, 1, x))
    out = xp.zeros(_as_rows(data, axis).shape, data.dtype)
    out[rows, positions] = values
    return out.reshape(data.shape)


def _transposed(v: Tensor, data: Tensor, result: Tensor, ids: np.ndarray, axis: int, kind: str, initial: Any) -> Any:
    """The gradient's own derivative w.r.t. the incoming gradient (what forward mode reads).

    The gradient is linear in it: element e gets grad[segment of e] · c[e], c the gradient of ones;
    so its transpose sums v · c over each segment.
    """
    xp = namespace(data._data)
    c = _gradient(xp, xp.ones_like(result._data), data._data, result._data, ids, axis, kind, initial)
    n_segments = result.shape[axis]
    return _reduce_segments(v * Tensor._make(c), ids=ids, n_segments=n_segments, axis=axis, kind="sum", initial=None)


def _refused(g: Tensor) -> None:  # PyTorch's gradient is not differentiable in data: a second order raises
    raise RuntimeError("derivative for aten::_segment_reduce_backward is not implemented")


_segment_reduce_backward = Primitive(
    "_segment_reduce_backward",
    _gradient,
    [_transposed, _refused, _refused],
    inputs=("grad", "data", "result"),
    node_name="NotImplemented",
)

_reduce_segments = Primitive(
    "segment_reduce",
    _forward,
    [
        lambda g, a, out, ids, axis, kind, initial: _segment_reduce_backward(
            g, a, out, ids=ids, axis=axis, kind=kind, initial=initial
        )
    ],
)


def _keyword_tensor(name: str, value: Any) -> Tensor:
    """`value` if it is a tensor; PyTorch's TypeError for a keyword-only argument (no position) otherwise."""
    if not isinstance(value, Tensor):
        raise TypeError(f"segment_reduce(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


def _host_index(t: Tensor, name: str) -> np.ndarray:
    a = to_device(t._data, CPU)
    if a.dtype not in (np.int64, np.int32):
        kernel = f"_segment_reduce_{name}_cpu_kernel1"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{t.dtype.kind_name}'")
    return a.astype(np.int64)


def _check_bounds(data: Tensor, bounds: Tensor, axis: int, name: str) -> None:
    """PyTorch's checks of `lengths`/`offsets` against `data`: rank, and axis as their last dim."""
    if data.dim() < bounds.dim():
        raise RuntimeError(f"Expected data.dim() >= {name}_value.dim() to be true, but got false.{_TORCH_CHECK_TAIL}")
    if axis != bounds.dim() - 1:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of {name} but got {axis}.")


def _check_rows(data: Tensor, bounds: Tensor, axis: int, name: str) -> None:
    """One row of `lengths`/`offsets` per row of `data` before axis (PyTorch does not check; it reads past them)."""
    if tuple(bounds.shape[:-1]) != tuple(data.shape[:axis]):
        raise RuntimeError(
            f"segment_reduce(): {name} of shape {list(bounds.shape)} has rows {list(bounds.shape[:-1])}, but data "
            f"has {list(data.shape[:axis])} before axis {axis}"
        )


def _as_table(bounds: np.ndarray) -> np.ndarray:
    """`lengths`/`offsets` (at least 1-D) as a table: one row per row of data before axis."""
    return bounds.reshape(int(np.prod(bounds.shape[:-1])), bounds.shape[-1])


def _offsets_from_lengths(data: Tensor, lengths: Tensor, axis: int, unsafe: bool) -> np.ndarray:
    _check_bounds(data, lengths, axis, "lengths")
    if not unsafe:
        if lengths.numel() == 0:  # PyTorch checks with lengths.min(), which has no value to give
            raise RuntimeError(
                "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
                "with the 'dim' argument."
            )
        counts = to_device(lengths._data, CPU)
        if counts.min() < 0:
            raise RuntimeError("lengths contains negative value!")
        if (counts.sum(-1) != data.shape[axis]).any():
            raise RuntimeError(
                "segment_reduce(): Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) "
                "when !unsafe."
            )
    _check_rows(data, lengths, axis, "lengths")
    counts = _as_table(_host_index(lengths, "lengths"))
    return np.concatenate([np.zeros((counts.shape[0], 1), np.int64), np.cumsum(counts, axis=1)], axis=1)


def _segment_ids(offsets: np.ndarray, size: int) -> np.ndarray:
    """For every row and position along the axis, the segment it lies in, or -1 outside all of them."""
    if (np.diff(offsets, axis=1) < 0).any():
        raise RuntimeError(f"Expected segment_length >= 0 to be true, but got false.{_TORCH_CHECK_TAIL}")
    if offsets.size and (offsets.min() < 0 or offsets.max() > size):  # PyTorch reads out of bounds here
        raise RuntimeError(f"segment_reduce(): offsets must lie in [0, {size}], the size of data along axis")
    positions = np.arange(size)
    ids = np.stack([np.searchsorted(row, positions, side="right") - 1 for row in offsets]).reshape(len(offsets), size)
    ids[(ids < 0) | (positions >= offsets[:, -1:])] = -1
    return ids


def segment_reduce(
    data: Tensor,
    reduce: str,
    *,
    lengths: Tensor | None = None,
    indices: Tensor | None = None,
    offsets: Tensor | None = None,
    axis: int = 0,
    unsafe: bool = False,
    initial: float | None = None,
) -> Tensor:
    """`reduce` over consecutive segments of `data` along `axis`: one value per segment.

    Args:
        data (Tensor): floating point, any shape.
        reduce (str): 'sum', 'mean', 'prod', 'max' ('amax') or 'min' ('amin').
        lengths (Tensor, optional): int64/int32, shape `data.shape[:axis] + (S,)`: the segments' lengths,
            which must sum to `data.shape[axis]` unless `unsafe`.
        indices (Tensor, optional): not supported, as in PyTorch.
        offsets (Tensor, optional): int64/int32, shape `data.shape[:axis] + (S + 1,)`: where segment s starts
            (`offsets[..., s]`) and ends; used instead of `lengths` when both are given.
        axis (int): the dim that is segmented; the last dim of `lengths`/`offsets` (default 0).
        unsafe (bool): skip the checks that lengths are non-negative and sum to the dim's size (default False).
        initial (float, optional): a value every segment's reduction starts from (empty segments give it);
            without it an empty segment gives 0, NaN (mean), 1, -inf (max) or inf (min).

    Returns:
        Tensor: `data`'s shape with `axis` replaced by S; differentiable once w.r.t. `data`.

    Examples:
        >>> data = retrograd.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        >>> retrograd.segment_reduce(data, "sum", lengths=retrograd.tensor([2, 0, 3, 1]))
        tensor([ 3.,  0., 12.,  6.])
        >>> retrograd.segment_reduce(data, "max", offsets=retrograd.tensor([0, 4, 6]))
        tensor([4., 6.])
    """
    check_tensors("segment_reduce", data=data)
    if not isinstance(reduce, str):
        raise TypeError(f"segment_reduce(): argument 'reduce' (position 2) must be str, not {type(reduce).__name__}")
    d = wrap_dim(axis, data.dim())
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    if reduce not in _KINDS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if offsets is not None:
        _check_bounds(data, _keyword_tensor("offsets", offsets), d, "offsets")
        _check_rows(data, offsets, d, "offsets")
        bounds = _as_table(_host_index(offsets, "offsets"))
    else:
        bounds = _offsets_from_lengths(data, _keyword_tensor("lengths", lengths), d, unsafe)
    if data.dtype.kind_name not in ("Float", "Double", "Half", "BFloat16"):
        raise NotImplementedError(f"\"_segment_reduce_cpu\" not implemented for '{data.dtype.kind_name}'")
    ids = _segment_ids(bounds, data.shape[d] if data.dim() else 1)
    start = None if initial is None else float(initial)
    return _reduce_segments(data, ids=ids, n_segments=bounds.shape[1] - 1, axis=d, kind=_KINDS[reduce], initial=start)


_segment_reduce = segment_reduce  # PyTorch's `torch._segment_reduce` is the same function (PyG calls it)

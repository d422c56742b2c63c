"""Finding values: unique, unique_consecutive, searchsorted, bucketize, isin, bincount, histc.

These ops return positions, counts or masks, which have no gradient; `unique` returns
input values, but PyTorch gives it no derivative either: it records them under a node whose
backward refuses (`Unique2Backward0`). Indices and counts are int64.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .. import dtypes as _dt
from .._user_frames import warn_once
from ..backend import namespace
from ..engine.primitive import Primitive
from ..engine.vmap_hook import NOT_BATCHED, batched
from ..engine.vmap_hook import hook as _vmap
from ..tensor import Tensor
from .kernels.arg_types import bool_arg, int_arg, invalid_combination, scalar_arg, tensor_arg
from .kernels.dtype_support import complex_result, no_complex_kernel, no_complex_or_wide_unsigned_kernel
from .kernels.operands import tensor_of, wrap_existing_dim
from .kernels.out_arg import Rule, same, write_out

__all__ = ["unique", "unique_consecutive", "searchsorted", "bucketize", "isin", "bincount", "histc"]


def _index_tensor(xp: Any, array: Any) -> Tensor:
    return Tensor._make(xp.asarray(array, dtype=xp.int64))


def _refusing(op: str, node: str) -> Primitive:
    """The node PyTorch records a `unique` result under: its backward refuses."""

    def no_derivative(g: Tensor) -> None:
        raise NotImplementedError(f"the derivative for '{op}' is not implemented.")

    return Primitive(op, lambda xp, a, result: result, [no_derivative], node_name=node)


_UNIQUE = _refusing("_unique2", "Unique2Backward0")
_UNIQUE_DIM = _refusing("unique_dim", "UniqueDimBackward0")
_UNIQUE_CONSECUTIVE = _refusing("unique_consecutive", "UniqueConsecutiveBackward0")


def _results(
    node: Primitive, input: Tensor, values: Any, inverse: Any, counts: Any, return_inverse: bool, return_counts: bool
) -> Any:
    xp = namespace(values)
    kept = node(input, result=values) if input.requires_grad else Tensor._make(values)
    out: list[Tensor] = [kept]
    if return_inverse:
        out.append(_index_tensor(xp, inverse))
    if return_counts:
        out.append(_index_tensor(xp, counts))
    return out[0] if len(out) == 1 else tuple(out)


def _flags(fn: str, **flags: Any) -> None:
    """The parser's check of flags passed by keyword: each a bool. PyTorch's Python wrapper first
    picks its variant by the truth of `return_inverse` and `return_counts` (a tensor of several
    values raises there)."""
    bool(flags["return_inverse"]), bool(flags["return_counts"])
    for name, value in flags.items():
        bool_arg(fn, name, None, value)


def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The distinct values of `input` (or distinct slices along `dim`), in ascending order.

    With `return_inverse`, also each element's position in the result (shaped like `input`,
    or like `input.shape[dim]` with `dim`); with `return_counts`, how often each value occurs.
    NaNs are all distinct, as in PyTorch. The values are sorted whatever `sorted` says (as on
    PyTorch's CPU).

    Args:
        input (Tensor): the tensor to search.
        sorted (bool): whether to sort the result (default True; it is sorted either way).
        return_inverse (bool): also return each element's index into the result (default False).
        return_counts (bool): also return each distinct value's count (default False).
        dim (int, optional): find distinct slices along `dim`; None flattens `input`.

    Returns:
        Tensor or tuple of Tensor: the distinct values, followed by the inverse indices and the
            counts (int64) when asked for.

    Examples:
        >>> x = retrograd.tensor([3, 1, 3, 2, 1])
        >>> retrograd.unique(x)
        tensor([1, 2, 3])
        >>> retrograd.unique(x, return_inverse=True, return_counts=True)
        (tensor([1, 2, 3]), tensor([2, 0, 2, 1, 0]), tensor([2, 1, 2]))
    """
    # PyTorch's unique calls _unique2, or unique_dim with a dim, with the flags as keywords
    _flags("_unique2" if dim is None else "unique_dim", sorted=sorted, return_inverse=return_inverse,
           return_counts=return_counts)
    if dim is not None:
        dim = int_arg("unique_dim", "dim", 2, dim)
    if _vmap.active:  # the number of distinct values differs per example: PyTorch refuses
        batched("unique" if dim is None else "unique_dim", unique, input)
    input = tensor_of(input)
    no_complex_kernel("unique" if dim is None else "unique_dim", input)  # NumPy orders complex lexicographically
    a = input._data
    xp = namespace(a)
    if dim is None:
        values, inverse, counts = np.unique(a.ravel(), return_inverse=True, return_counts=True, equal_nan=False)
        values = xp.asarray(values)
        return _results(_UNIQUE, input, values, inverse.reshape(a.shape), counts, return_inverse, return_counts)
    d = wrap_existing_dim(dim, a.ndim)
    moved = np.moveaxis(a, d, 0)
    if 0 in a.shape:  # PyTorch's rules for empty tensors: only the chosen dim may be empty
        if sum(n == 0 for n in a.shape) > 1:
            raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied here")
        if a.shape[d] != 0:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        empty = xp.zeros((0,), dtype=xp.int64)
        return _results(_UNIQUE_DIM, input, xp.asarray(a), empty, empty, return_inverse, return_counts)
    values, inverse, counts = np.unique(
        moved.reshape(moved.shape[0], -1), axis=0, return_inverse=True, return_counts=True
    )
    values = xp.asarray(np.moveaxis(values.reshape((-1,) + moved.shape[1:]), 0, d))
    return _results(_UNIQUE_DIM, input, values, inverse.reshape(-1), counts, return_inverse, return_counts)


def unique_consecutive(
    input: Tensor, return_inverse: bool = False, return_counts: bool = False, dim: int | None = None
) -> Any:
    """`input` with each run of equal consecutive values (or slices along `dim`) kept once.

    Args:
        input (Tensor): the tensor to compress.
        return_inverse (bool): also return each element's index into the result (default False).
        return_counts (bool): also return each run's length (default False).
        dim (int, optional): compare slices along `dim`; None flattens `input`.

    Returns:
        Tensor or tuple of Tensor: the kept values, followed by the inverse indices and the counts
            (int64) when asked for.

    Examples:
        >>> x = retrograd.tensor([1, 1, 2, 2, 3, 1, 1])
        >>> retrograd.unique_consecutive(x)
        tensor([1, 2, 3, 1])
        >>> retrograd.unique_consecutive(x, return_counts=True)
        (tensor([1, 2, 3, 1]), tensor([2, 2, 1, 2]))
    """
    _flags("unique_consecutive", return_inverse=return_inverse, return_counts=return_counts)
    if dim is not None:
        dim = int_arg("unique_consecutive", "dim", None, dim)
    if _vmap.active:
        batched("unique_consecutive", unique_consecutive, input)
    input = tensor_of(input)
    # as `unique`; PyTorch runs a 1-d input along its one dim with the flat kernel
    no_complex_kernel("unique" if dim is None or input.dim() == 1 else "unique_dim", input)
    a = input._data
    xp = namespace(a)
    d = None if dim is None else wrap_existing_dim(dim, a.ndim)
    rows = a.reshape(-1, 1) if d is None else np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
    starts = np.ones(rows.shape[0], dtype=bool)
    starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(np.flatnonzero(starts), rows.shape[0]))
    if d is None:
        values = a.reshape(-1)[starts]
        inverse = inverse.reshape(a.shape)
    else:
        values = xp.compress(starts, a, axis=d)
    return _results(_UNIQUE_CONSECUTIVE, input, xp.asarray(values), inverse, counts, return_inverse, return_counts)


def _index_dtype(out_int32: bool) -> Rule:
    """searchsorted's `out` rule: int64 results need int64, `out_int32` ones int32."""
    return same(
        "torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or Long(int64) depending "
        f"on whether out_int32 flag is True, but we got output tensor's dtype {{dst}} and out_int32 flag is {out_int32}"
    )


_HISTC_OUT = same(
    "torch.histogram: input tensor and hist tensor should have the same dtype, but got input {src_c} and hist {dst_c}"
)


_SEARCHSORTED_SIGNATURES = tuple(
    f"Tensor sorted_sequence, {values}, *, bool out_int32 = False, bool right = False, str side = None, "
    "Tensor sorter = None, Tensor out = None"
    for values in ("Tensor input", "Number self")
)
_BUCKETIZE_SIGNATURES = (
    "Tensor input, Tensor boundaries, *, bool out_int32 = False, bool right = False, Tensor out = None",
    "Number self, Tensor boundaries, *, bool out_int32 = False, bool right = False",
)


def searchsorted(
    sorted_sequence: Tensor,
    input: Any,
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Tensor | None = None,
    out: Any = None,
) -> Tensor:
    """For each value of `input`, the index where it would go in the last dim of `sorted_sequence`.

    `right=False` (`side="left"`) gives the first such index, `right=True` the last. A 1-D
    `sorted_sequence` serves every value; otherwise its leading dims match `input`'s.
    `sorter` holds indices that sort `sorted_sequence` when it is not sorted itself.

    Args:
        sorted_sequence (Tensor): ascending along its last dim (or put in order by `sorter`).
        input (Tensor or number): the values to place.
        out_int32 (bool): return int32 indices instead of int64 (default False).
        right (bool): place each value after equal entries (default False).
        side (str, optional): 'left' or 'right', the same choice as `right`.
        sorter (Tensor, optional): int64 indices that sort `sorted_sequence` along its last dim.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: indices of `input`'s shape (0-d for a number).

    Examples:
        >>> seq = retrograd.tensor([1, 3, 5, 7])
        >>> retrograd.searchsorted(seq, retrograd.tensor([3, 6, 9]))
        tensor([1, 3, 4])
        >>> retrograd.searchsorted(seq, retrograd.tensor([3, 6, 9]), right=True)
        tensor([2, 3, 4])
    """
    if out is not None:
        return write_out(out, searchsorted, locals(), _index_dtype(out_int32), grad="none")
    if not isinstance(sorted_sequence, Tensor) or not isinstance(input, (Tensor, numbers.Number, np.bool_)):
        raise invalid_combination("searchsorted", (sorted_sequence, input), _SEARCHSORTED_SIGNATURES)
    no_complex_or_wide_unsigned_kernel("searchsorted_out_cpu", sorted_sequence, input)
    if _dt.result_type(sorted_sequence, input) is _dt.bool_:
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True"
            )
        right = side == "right"
    # values computed in NumPy: under vmap, once per example (PyTorch batches it the same way)
    if (
        _vmap.active
        and (
            r := batched("loop", searchsorted, sorted_sequence, input, out_int32=out_int32, right=right, sorter=sorter)
        )
        is not NOT_BATCHED
    ):
        return r
    seq = tensor_of(sorted_sequence)._data
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._data
    order = None if sorter is None else _checked_sorter(seq, sorter)
    _check_searchsorted_dims(seq, values)
    if order is not None:
        seq = np.take_along_axis(seq, order, axis=-1)
    if seq.ndim == 1:
        found = _positions(seq, values, right)
    else:
        flat_seq, flat_val = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
        found = np.stack([_positions(s, v, right) for s, v in zip(flat_seq, flat_val)]).reshape(values.shape)
    _note_copies(input, sorted_sequence, sorter)
    xp = namespace(seq)
    return Tensor._make(xp.asarray(found, dtype=xp.int32 if out_int32 else xp.int64))


def _note_copies(values: Any, boundaries: Any, sorter: Any) -> None:
    """PyTorch's once-per-program warnings that a non-contiguous operand is copied (none for no values)."""
    if isinstance(values, Tensor) and values.numel() == 0:
        return
    for name, operand in (("input value", values), ("boundary", boundaries), ("sorter", sorter)):
        if isinstance(operand, Tensor) and not operand.is_contiguous():
            warn_once(
                f"searchsorted: {name}",
                f"torch.searchsorted(): {name} tensor is non-contiguous, this will lower the performance due to "
                "extra data copy when converting non-contiguous tensor to contiguous, please use contiguous "
                f"{name} tensor if possible. This message will only appear once per program.",
            )


def _positions(seq: Any, values: Any, right: bool) -> Any:
    """Where each of `values` goes in the 1-D `seq`: NumPy's search, or PyTorch's own bisection
    when `seq` holds NaN (NumPy orders NaN last; in PyTorch every comparison with NaN is false,
    so a NaN midpoint sends the search right, and the result depends on where the midpoints fall)."""
    if seq.dtype.kind == "f" and np.isnan(seq).any():
        return _bisect(seq, values, right)
    return np.searchsorted(seq, values, side="right" if right else "left")  # type: ignore[call-overload]


def _bisect(seq: Any, values: Any, right: bool) -> Any:
    """PyTorch's lower (upper) bound loop for all values at once: step right of `mid` unless
    `seq[mid] >= value` (`seq[mid] > value`) holds, until `start` meets `end`."""
    n = seq.shape[-1]
    start = np.zeros(np.shape(values), np.int64)
    end = np.full(np.shape(values), n, np.int64)
    while (live := start < end).any():
        mid = start + (end - start) // 2
        at_mid = seq[np.minimum(mid, n - 1)]
        step_right = ~(at_mid > values) if right else ~(at_mid >= values)
        start = np.where(live & step_right, mid + 1, start)
        end = np.where(live & ~step_right, mid, end)
    return start


def bucketize(
    input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False, out: Any = None
) -> Tensor:
    """The bucket of each value of `input` among the 1-D `boundaries`.

    `right=False`: `boundaries[i-1] < x <= boundaries[i]`; `right=True`: `boundaries[i-1] <= x < boundaries[i]`.

    Args:
        input (Tensor or number): the values to classify.
        boundaries (Tensor): 1-D, ascending.
        out_int32 (bool): return int32 indices instead of int64 (default False).
        right (bool): which side of a boundary its equal values fall on (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: bucket indices of `input`'s shape, from 0 to `len(boundaries)`.

    Examples:
        >>> b = retrograd.tensor([1, 3, 5])
        >>> retrograd.bucketize(retrograd.tensor([0, 3, 4, 6]), b)
        tensor([0, 1, 2, 3])
        >>> retrograd.bucketize(retrograd.tensor([0, 3, 4, 6]), b, right=True)
        tensor([0, 2, 2, 3])
    """
    if out is not None:
        return write_out(out, bucketize, locals(), _index_dtype(out_int32), grad="none")
    if not isinstance(boundaries, Tensor) or not isinstance(input, (Tensor, numbers.Number, np.bool_)):
        raise invalid_combination("bucketize", (input, boundaries), _BUCKETIZE_SIGNATURES)
    if tensor_of(boundaries).dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


_ISIN_SIGNATURES = tuple(
    f"{a}, *, bool assume_unique = False, bool invert = False, Tensor out = None"
    for a in ("Tensor elements, Tensor test_elements", "Number element, Tensor test_elements",
              "Tensor elements, Number test_element")
)  # fmt: skip


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each of `elements` occurs in `test_elements` (either may be a number); bool, shaped like `elements`.

    Args:
        elements (Tensor or number): the values to test.
        test_elements (Tensor or number): the values to look for.
        assume_unique (bool): a hint that both inputs hold no repeated values (default False).
        invert (bool): return True where an element does NOT occur (default False).

    Returns:
        Tensor: a bool tensor of `elements`' shape.

    Examples:
        >>> retrograd.isin(retrograd.tensor([[1, 2], [3, 4]]), retrograd.tensor([2, 3]))
        tensor([[False,  True],
                [ True, False]])
        >>> retrograd.isin(retrograd.tensor([1, 2, 3]), 2, invert=True)
        tensor([ True, False,  True])
    """
    if (
        _vmap.active
        and (r := batched("loop", isin, elements, test_elements, assume_unique=assume_unique, invert=invert))
        is not NOT_BATCHED
    ):
        return r
    tensors = isinstance(elements, Tensor), isinstance(test_elements, Tensor)
    numbers_ = [isinstance(v, (numbers.Number, np.bool_)) for v in (elements, test_elements)]
    if not (all(tensors) or (tensors[0] and numbers_[1]) or (numbers_[0] and tensors[1])):
        raise invalid_combination("isin", (elements, test_elements), _ISIN_SIGNATURES)
    dt = complex_result(elements, test_elements)
    if dt is not None:
        raise RuntimeError(f"Unsupported input type encountered for isin(): {dt.kind_name}")
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    xp = namespace(a if isinstance(elements, Tensor) else b)
    return Tensor._make(xp.asarray(np.isin(a, b, assume_unique=assume_unique, invert=invert)))


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value `0..max(input)` occurs in the 1-D non-negative integer `input`.

    With `weights`, each occurrence adds its weight instead of 1: the result is float64, or
    float32 for float32 weights (PyTorch's rule). At least `minlength` bins.

    Args:
        input (Tensor): a 1-D tensor of non-negative integers.
        weights (Tensor, optional): one weight per element of `input`.
        minlength (int): the least number of bins (default 0).

    Returns:
        Tensor: 1-D, `max(max(input) + 1, minlength)` bins; int64 without weights.

    Examples:
        >>> x = retrograd.tensor([0, 1, 1, 3])
        >>> retrograd.bincount(x)
        tensor([1, 2, 0, 1])
        >>> retrograd.bincount(x, weights=retrograd.tensor([0.5, 1.0, 1.0, 2.0]), minlength=5)
        tensor([0.5000, 2.0000, 0.0000, 2.0000, 0.0000])
    """
    if weights is not None:
        tensor_arg("bincount", "weights", 2, weights)
    minlength = int_arg("bincount", "minlength", 3, minlength)
    if _vmap.active and (r := batched("loop", bincount, input, weights, minlength)) is not NOT_BATCHED:
        return r
    a = tensor_of(input)._data
    if a.dtype.kind not in "iu":  # PyTorch's kernel has no float, complex or bool variant
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{input.dtype.kind_name}'")
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    xp = namespace(a)
    if weights is None:
        return Tensor._make(xp.asarray(np.bincount(a, minlength=minlength), dtype=xp.int64))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = w.dtype if w.dtype == np.float32 else np.float64
    return Tensor._make(xp.asarray(np.bincount(a, weights=w.astype(np.float64), minlength=minlength), dtype=dt))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0, *, out: Any = None) -> Tensor:
    """A histogram of `input` in `bins` equal bins over `[min, max]` (the data's range when both are 0).

    Values outside the range are not counted; the result has `input`'s float dtype.

    Args:
        input (Tensor): a floating-point tensor of any shape.
        bins (int): the number of bins (default 100).
        min (float): the lower end of the range (default 0).
        max (float): the upper end of the range, included in the last bin (default 0).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: 1-D, `bins` counts.

    Examples:
        >>> retrograd.histc(retrograd.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=4)
        tensor([0., 2., 1., 1.])
    """
    if out is not None:
        return write_out(out, histc, locals(), _HISTC_OUT, grad="none")
    if _vmap.active and (r := batched("loop", histc, input, bins, min, max)) is not NOT_BATCHED:
        return r
    t = tensor_of(input)
    bins = int_arg("histc", "bins", 2, bins)
    min, max = scalar_arg("histc", "min", 3, min), scalar_arg("histc", "max", 4, max)
    a = t._data
    if not t.dtype.is_floating_point:  # the first kernel on PyTorch's way that refuses the dtype names it
        kernel = "aminmax_cpu" if t.is_complex() else "linspace_cpu" if t.dtype == _dt.bool_ else "histogram_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{t.dtype.kind_name}'")
    if bins <= 0:  # PyTorch's histc checks its bins in histogram's code, which names histogram
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    low, high = _histc_range(a, float(min), float(max))
    # PyTorch's kernel in the data's dtype, each step rounded there (its edges are linspace's
    # ends in that dtype): (x - low) * bins / (high - low), truncated; float64 put a float32
    # 0.7 in bin 6 of 10 where PyTorch's float32 product rounds up to bin 7
    work = a.dtype.type
    left, right = work(low), work(high)
    flat = a.ravel()
    inside = flat[(flat >= left) & (flat <= right)]
    index = np.minimum(((inside - left) * work(bins) / (right - left)).astype(np.int64), bins - 1)
    xp = namespace(a)
    return Tensor._make(xp.asarray(np.bincount(index, minlength=bins), dtype=a.dtype))


def _histc_range(a: Any, low: float, high: float) -> tuple[float, float]:
    """histc's outer edges: `[min, max]`, the data's range when they are equal, widened by 1 when flat."""
    from_data = low == high and a.size > 0
    if from_data:
        low, high = float(a.min()), float(a.max())
    if low == high:
        low, high = low - 1, high + 1
    if not (np.isfinite(low) and np.isfinite(high)):
        ends = f"{_c_double(low, from_data)}, {_c_double(high, from_data)}"
        raise RuntimeError(f"torch.histc: range of [{ends}] is not finite")
    if low >= high:
        raise RuntimeError("torch.histc: max must be larger than min")
    return low, high


def _c_double(value: float, from_data: bool) -> str:
    """`value` as C++ streams print a double; a NaN PyTorch's aminmax found in the data prints as -nan."""
    if value != value:
        return "-nan" if from_data else "nan"
    return f"{value:g}"


def _check_searchsorted_dims(seq: Any, values: Any) -> None:
    """PyTorch's checks, in its order: a 0-d value needs 1-D boundaries; boundaries have a dim; N-D
    boundaries share all but the last dim with the values."""
    if values.ndim == 0 and seq.ndim != 1:
        raise RuntimeError(
            "torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we "
            f"got boundaries tensor dim({seq.ndim}) and input value's dim(0) numel(1)"
        )
    if seq.ndim == 0:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension"
        )
    if seq.ndim != 1 and seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
            f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
            f"{list(seq.shape)} and input value tensor {list(values.shape)}"
        )


def _checked_sorter(seq: Any, sorter: Tensor) -> Any:
    """searchsorted's `sorter`: int64 indices of `seq`'s shape, each inside the last dim."""
    order = sorter._data
    if order.shape != seq.shape:
        raise RuntimeError(
            f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor "
            f"{list(seq.shape)}and got sorter tensor {list(order.shape)}"  # sic: PyTorch's missing space
        )
    if order.dtype != np.int64:
        kind = sorter.dtype.kind_name
        raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype {kind}")
    if order.size and (order.min() < 0 or order.max() >= seq.shape[-1]):
        raise RuntimeError("torch.searchsorted(): sorter index out of range")
    return order

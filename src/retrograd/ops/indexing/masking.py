"""Whole slices along a dim (index_select/add/copy/fill) and boolean masks (masked_*).

Each op reads or writes its input at one NumPy key, so the derivatives are the
shared rules of `keyed` (see there). masked_fill is a `where` with a constant:

    masked_fill(a, m, v) = where(m, v, a)     d/da = g with m zeroed,  d/dv = sum of g over m
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...backend import namespace
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.arg_types import check_tensors, int_arg, invalid_combination
from ..kernels.guards import check_scalar_fits, overflow_error, store_scalar
from ..kernels.operands import constant, on_one_device, recorded, refuse_inference_index, wrap_dim
from ..kernels.out_arg import same, write_out
from . import keyed as _keyed
from .keyed import FlatKey, broadcast_shape, check_bounds, check_index_dtype, dim_key, putter, taker

__all__ = [
    "index_select", "index_add", "index_copy", "index_fill", "masked_fill", "masked_select",
    "masked_scatter",
]

_index_select = taker("index_select")
_masked_select = taker("masked_select")
_index_add = putter("index_add")
_index_copy = putter("index_copy")
_index_fill = putter("index_fill")
_index_fill_tensor = putter("index_fill", "IndexFillBackward1")
_masked_scatter = putter("masked_scatter")

_masked_fill: Primitive = Primitive(
    "masked_fill", lambda xp, a, mask, value: xp.where(mask, xp.asarray(value, a.dtype), a),
    [lambda g, mask: _masked_fill(g, mask=mask, value=0)],  # filled positions get no gradient
    saves_number=True,  # PyTorch saves the mask: a second backward raises
)
_masked_fill_tensor = Primitive(
    "masked_fill", lambda xp, a, v, mask: xp.where(mask, v.astype(a.dtype), a),
    [lambda g, mask: _masked_fill(g, mask=mask, value=0),
     lambda g, mask: _masked_fill(g, mask=~mask, value=0)],  # the engine sums it down to v's 0-d shape
    inputs=("a", "v"),
    node_name="MaskedFillBackward1",
    saves_number=True,
)

def index_select(input: Tensor, dim: int, index: Tensor, *, out: Any = None) -> Tensor:
    """The slices of `input` along `dim` at the positions in the 1-d `index`.

    Args:
        input (Tensor): the tensor to select from.
        dim (int): the dim to index.
        index (Tensor): a 1-d (or 0-d) int64 or int32 tensor of positions; they may repeat.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new tensor, `input`'s shape with `dim` of length `len(index)`.

    Examples:
        >>> x = retrograd.tensor([[1, 2, 3], [4, 5, 6]])
        >>> x.index_select(1, retrograd.tensor([2, 0]))
        tensor([[3, 1],
                [6, 4]])
        >>> retrograd.index_select(x, 0, retrograd.tensor([1, 1]))
        tensor([[4, 5, 6],
                [4, 5, 6]])
    """
    if type(dim) is not int:
        dim = int_arg("index_select", "dim", 2, dim)
    if out is not None:
        return write_out(
            out, index_select, locals(), same("index_select(): self and result must have the same scalar type")
        )
    if _vmap.active and (r := batched("index_slices", index_select, input, dim, index)) is not NOT_BATCHED:
        return r
    idx = check_index_dtype(index, ("int64", "int32"), lambda k: RuntimeError(
        "index_select(): Expected dtype int32 or int64 for index"))
    refuse_inference_index(index, input)
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d, size = _dim_and_size(input, dim)
    check_bounds(idx, size, False, lambda v: IndexError("index out of range in self") if d == 0 else RuntimeError(
        f"INDICES element is out of DATA bounds, id={v} axis_dim={size}"))  # PyTorch's two kernels
    return _index_select(input, key=_key(input, d, idx))


def select_along(input: Tensor, index: np.ndarray, dim: int) -> Tensor:
    """`index_select` for an index array already checked (repeat_interleave, combinations)."""
    return _index_select(input, key=_key(input, dim, index))


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """A copy of `input` with `alpha * source` added at the slices `index` along `dim`.

    Slice `i` of `source` along `dim` goes to slice `index[i]` of `input`; repeated indices add up.

    Args:
        input (Tensor): the tensor to add into.
        dim (int): the dim that `index` selects along.
        index (Tensor): a 1-D int64 (or int32) tensor, one entry per slice of `source`.
        source (Tensor): the slices to add; `input`'s shape except in `dim`.
        alpha (number): a factor for `source` (default 1).

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.zeros(3, 2)
        >>> retrograd.index_add(x, 0, retrograd.tensor([0, 2, 0]), retrograd.ones(3, 2), alpha=2)
        tensor([[4., 4.],
                [0., 0.],
                [2., 2.]])
    """
    if _vmap.active and (
        r := batched("index_slices", index_add, input, dim, index, source, alpha=alpha)
    ) is not NOT_BATCHED:
        return r
    idx = check_index_dtype(index, ("int64", "int32"), lambda k: RuntimeError(
        f"index_add_(): Expected dtype int32/int64 for index but got: {k}"))
    if idx.ndim > 1:

        raise IndexError(
            f"index_add_(): Index is supposed to be a vector, but got dim: {idx.ndim} with type: "
            f"{index.dtype.kind_name} and size: {list(idx.shape)}"
        )
    _keyed.check_same_dtype(input, source, lambda a, b: (
        f"index_add_(): self ({a}) and source ({b}) must have the same scalar type"))
    d, size = _dim_and_size(input, dim)
    _check_source_shape(input, source, d, idx)
    check_bounds(idx, size, False, _index_add_range_error(input, d, size, idx, alpha))
    refuse_inference_index(index, input, source)
    src = source if alpha == 1 else source * _alpha_in_dtype(alpha, input.dtype)
    return _index_add(input, src, key=_key(input, d, idx), accumulate=True)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of `input` with the slices `index` along `dim` replaced by those of `source`.

    Args:
        input (Tensor): the tensor to copy into.
        dim (int): the dim that `index` selects along.
        index (Tensor): a 1-D int64 tensor, one entry per slice of `source`.
        source (Tensor): the new slices; `input`'s shape except in `dim`, `input`'s dtype.

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.zeros(3, 2)
        >>> retrograd.index_copy(x, 0, retrograd.tensor([2, 0]), retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[3., 4.],
                [0., 0.],
                [1., 2.]])
    """
    if _vmap.active and (r := batched("index_slices", index_copy, input, dim, index, source)) is not NOT_BATCHED:
        return r
    idx = check_index_dtype(index, ("int64",), lambda k: RuntimeError(
        f"index_copy_(): Expected a long tensor for index, but got {k}"))
    if idx.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})")
    _keyed.check_same_dtype(input, source, lambda a, b: (
        f"index_copy_(): self and source expected to have the same dtype, but got (self) {a} and (source) {b}"))
    d, size = _dim_and_size(input, dim)
    _check_copy_shapes(input, source, d, idx)
    check_bounds(idx, size, False, lambda v: IndexError(
        f"index_copy_(): index {v} is out of bounds for dimension {d} with size {size}"))
    return _index_copy(input, source, key=_key(input, d, idx), accumulate=False)


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of `input` with the slices `index` along `dim` set to `value` (a number or 0-d tensor).

    Args:
        input (Tensor): the tensor to fill.
        dim (int): the dim that `index` selects along.
        index (Tensor): a 1-D (or 0-d) int64 tensor of slice positions.
        value (number or Tensor): the fill value.

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.tensor([[1, 2, 3], [4, 5, 6]])
        >>> retrograd.index_fill(x, 1, retrograd.tensor([0, 2]), -1)
        tensor([[-1,  2, -1],
                [-1,  5, -1]])
    """
    if _vmap.active and (r := batched("index_slices", index_fill, input, dim, index, value)) is not NOT_BATCHED:
        return r
    idx = check_index_dtype(index, ("int64",), lambda k: IndexError("index_fill_(): Expected dtype int64 for index."))
    if _is_complex_value(value) and not input.dtype.is_complex:
        raise RuntimeError("index_fill_(): Converting complex Scalar to non-complex type is not supported")
    if idx.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    d, size = _dim_and_size(input, dim)
    check_bounds(idx, size, True, lambda v: IndexError(
        f"index {v} is out of bounds for dimension {d} with size {size}"))
    key = _key(input, d, idx)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        check_scalar_fits(value.item(), input.dtype)  # PyTorch fills with the number it holds
        return _index_fill_tensor(input, value.to(input.dtype), key=key, accumulate=False)
    check_scalar_fits(value, input.dtype)
    return _index_fill(input, constant(value, input.dtype), key=key, accumulate=False)


def _is_complex_value(value: Any) -> bool:
    """A complex number, or a 0-d complex tensor (which PyTorch reads as its number)."""
    if isinstance(value, Tensor):
        return value.dtype.is_complex
    return isinstance(value, (complex, np.complexfloating))


_MASKED_FILL_SIGNATURES = ("Tensor input, Tensor mask, Tensor value", "Tensor input, Tensor mask, Number value")


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """`value` where `mask` is True, else `input` (mask and input broadcast together).

    Args:
        input (Tensor): the values kept where `mask` is False.
        mask (Tensor): a bool tensor that broadcasts to `input`'s shape.
        value (number or 0-d Tensor): the fill value, cast to `input`'s dtype.

    Returns:
        Tensor: a new tensor of `input`'s shape and dtype (`x.masked_fill_` writes in place).

    Examples:
        >>> x = retrograd.tensor([1.0, -2.0, 3.0])
        >>> x.masked_fill(x < 0, 0.0)
        tensor([1., 0., 3.])
        >>> scores = retrograd.zeros(2, 2)
        >>> scores.masked_fill(retrograd.tensor([[False, True], [False, False]]), float("-inf"))
        tensor([[0., -inf],
                [0., 0.]])
    """
    if _vmap.active and (r := batched("masked_fill", masked_fill, input, mask, value)) is not NOT_BATCHED:
        return r
    if not isinstance(mask, Tensor):
        raise invalid_combination("masked_fill", (input, mask, value), _MASKED_FILL_SIGNATURES)
    if mask._data.dtype != np.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype.c10_name}"
        )
    broadcast_shape(mask._data.shape, input._data.shape)
    mask, input = on_one_device("masked_fill", mask, input)  # PyTorch checks the mask's device first
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        check_scalar_fits(value.item(), input.dtype)  # PyTorch fills with the number it holds
        return _masked_fill_tensor(input, value, mask=mask._data.copy() if recorded(input, value) else mask._data)
    check_scalar_fits(value, input.dtype)
    kept = mask._data.copy() if recorded(input) else mask._data
    return _masked_fill(input, mask=kept, value=store_scalar(value, input._data.dtype))


_MASKED_SELECT_OUT = same("masked_select(): self and result must have the same scalar type")


def masked_select(input: Tensor, mask: Tensor, *, out: Any = None) -> Tensor:
    """The elements of `input` where `mask` is True, as a 1-d tensor (both broadcast first).

    Args:
        input (Tensor): the source.
        mask (Tensor): a bool tensor that broadcasts with `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new 1-D tensor, in row-major order of the broadcast shape.

    Examples:
        >>> x = retrograd.tensor([[1, -2], [-3, 4]])
        >>> retrograd.masked_select(x, x > 0)
        tensor([1, 4])
    """
    if out is not None:
        return write_out(out, masked_select, locals(), _MASKED_SELECT_OUT)
    check_tensors("masked_select", input=input, mask=mask)
    if _vmap.active and (r := batched("masked_select", masked_select, input, mask)) is not NOT_BATCHED:
        return r  # one mask for every example; a batched mask is PyTorch's dynamic-shape error
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = broadcast_shape(mask._data.shape, input._data.shape)
    a = input._data
    # each selected element's position in input's own flattened elements (broadcast dims repeat)
    xp = namespace(a)
    flat = xp.broadcast_to(xp.arange(a.size, dtype=np.intp).reshape(a.shape), shape)
    return _masked_select(input, key=FlatKey((flat[xp.broadcast_to(mask._data, shape)],)))


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of `input` with the True positions of `mask` filled, in order, from `source`.

    Args:
        input (Tensor): the tensor to fill.
        mask (Tensor): a bool tensor that broadcasts to `input`'s shape.
        source (Tensor): values of `input`'s dtype, at least as many as `mask` has True entries;
            read in row-major order.

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.zeros(2, 3)
        >>> mask = retrograd.tensor([[True, False, True], [False, True, False]])
        >>> retrograd.masked_scatter(x, mask, retrograd.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor([[1., 0., 2.],
                [0., 3., 0.]])
    """
    check_tensors("masked_scatter", input=input, mask=mask, source=source)
    if mask._data.dtype != np.bool_:

        raise RuntimeError(
            f"masked_scatter_ only supports boolean masks, but got mask with dtype {mask.dtype.kind_name}"
        )
    _keyed.check_same_dtype(input, source, lambda a, b: (
        f"masked_scatter: expected self and source to have same dtypes but got{a} and {b}"))
    shape = broadcast_shape(mask._data.shape, input._data.shape)
    positions = np.flatnonzero(np.broadcast_to(mask._data, shape))
    n = positions.size
    if source._data.size < n:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    a = input if input._data.shape == shape else input.expand(shape)
    v = source.reshape(-1)
    if v._data.size != n:
        v = v[:n]
    return _masked_scatter(a, v, key=FlatKey((positions,)), accumulate=False)


# --- helpers ---------------------------------------------------------------------------------


def _dim_and_size(input: Tensor, dim: int) -> tuple[int, int]:
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    return d, shape[d] if shape else 1


def _key(input: Tensor, d: int, idx: np.ndarray) -> tuple:
    """The key for slices `idx` along dim `d` (a 0-d input has one element, at 0)."""
    if input._data.ndim == 0:
        return FlatKey((idx.astype(np.intp).reshape(()),))
    return dim_key(d, idx)


def _index_add_range_error(
    input: Tensor, d: int, size: int, idx: np.ndarray, alpha: Any
) -> Callable[[int], Exception]:
    """The error of the kernel PyTorch picks for index_add: along the first or last dim of a matrix
    (or higher), with int64 indices and alpha 1, it runs scatter_add and raises that op's
    RuntimeError; otherwise its slice loop raises IndexError without naming the index."""
    if input.dim() > 1 and d in (0, input.dim() - 1) and alpha == 1 and idx.dtype == np.int64:
        return lambda v: RuntimeError(f"index {v} is out of bounds for dimension {d} with size {size}")
    return lambda v: IndexError("index out of range in self")


def _alpha_in_dtype(alpha: Any, dt: Any) -> Any:
    """index_add's alpha as PyTorch's kernel reads it: converted to the input's dtype, refused
    where it overflows that dtype (as `checked_convert`), truncated toward 0 for integers."""
    if isinstance(alpha, Tensor):
        return alpha
    if isinstance(alpha, complex) and not dt.is_complex:
        if alpha.imag:
            raise overflow_error(dt)
        alpha = alpha.real
    check_scalar_fits(alpha, dt)
    if dt.is_floating_point or dt.is_complex:
        return alpha
    return bool(alpha) if dt is _dt.bool_ else int(alpha)


def _check_source_shape(input: Tensor, source: Tensor, d: int, idx: np.ndarray) -> None:
    """index_add: source is input's shape with dim `d` as long as the index."""
    shape, sshape = input._data.shape, source._data.shape
    if len(shape) != len(sshape) or any(s != t for i, (s, t) in enumerate(zip(shape, sshape)) if i != d):
        if shape or sshape:
            raise RuntimeError(
                "source tensor shape must match self tensor shape, excluding the specified dimension. "
                f"Got self.shape = {list(shape)} source.shape = {list(sshape)}"
            )
    n = sshape[d] if sshape else 1
    if idx.size != n:
        raise RuntimeError(
            f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): ({n}), for dim: {d}"
        )


def _check_copy_shapes(input: Tensor, source: Tensor, d: int, idx: np.ndarray) -> None:
    """index_copy: the same slice shapes, and one source slice per index."""
    shape, sshape = input._data.shape, source._data.shape
    if shape and sshape and len(shape) != len(sshape):
        raise IndexError(
            "index_copy_(): When source and destination are not scalars, their dimensionality must match. "
            f"Source dimensionality ({len(sshape)}), destination dimensionality ({len(shape)})"
        )
    if not (shape and sshape):
        return
    dest_slice = [s for i, s in enumerate(shape) if i != d]
    src_slice = [s for i, s in enumerate(sshape) if i != d]
    if dest_slice != src_slice:
        raise RuntimeError(
            "index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: "
            f"{' '.join(map(str, dest_slice))} at dimension {d} and source slice shape: "
            f"{' '.join(map(str, src_slice))} at dimension 0."
        )
    if idx.size != sshape[d]:
        raise IndexError(
            f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) ({sshape[d]})"
        )

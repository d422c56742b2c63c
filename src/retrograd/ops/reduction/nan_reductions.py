"""NaN-ignoring reductions and counting: nansum, nanmean, count_nonzero.

nansum adds the non-NaN elements (a NaN contributes 0, and gets gradient 0); nanmean divides
that by how many there were, so a slice of NaNs only gives NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...engine.primitive import Primitive, not_a_tensor
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.accumulate import wide_sum
from ..kernels.arg_types import keepdim_arg
from ..kernels.operands import numpy_alias
from ..kernels.out_arg import floating, write_out
from .along import keep, reduce_dims
from .sum_prod import _sum_dtype, check_mean_dtype

__all__ = ["nansum", "nanmean", "count_nonzero"]


# --- NaN-ignoring sums and means, and counting ---

def _nansum_forward(xp: Any, a: Any, dims: tuple, keepdim: bool, dt: Any) -> Any:
    """PyTorch's nansum is its sum with each NaN read as 0: the same order of additions, so the same bits."""
    if _dt.is_floating(a.dtype) or a.dtype.kind == "c":
        a = xp.where(xp.isnan(a), a.dtype.type(0), a)  # (in `a`'s memory layout, which the order follows)
    return wide_sum(a, dims, keepdim, dt)


_nansum = Primitive(
    "nansum", _nansum_forward,
    [lambda g, a, dims, keepdim: keep(g, dims, keepdim) * ~a.isnan()],  # 1, or 0 at NaN (inf·0 = NaN, as in PyTorch)
    node_name="NansumBackward0",
    quiet=True,
)


def nansum(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: _dt.dtype | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Sum of the elements, treating NaN as zero; integers and bool sum as int64.

    Args:
        input (Tensor): any shape.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        dtype (dtype, optional): cast the input to this dtype first.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor, or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1.0, float('nan')], [3.0, 4.0]])
        >>> retrograd.nansum(x)
        tensor(8.)
        >>> x.nansum(dim=1)
        tensor([1., 7.])
    """
    keepdim_arg("nansum", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("nansum", input)
    if out is not None:
        return write_out(
            out, nansum, locals(), floating('"nansum_cpu" not implemented for \'{dst}\'', error=NotImplementedError)
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("nansum", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("nansum", keepdim, False, keepdims, "keepdims")
    if input.dtype.is_complex:
        raise RuntimeError("nansum on CPU does not support complex inputs")
    dims = reduce_dims(input._data.ndim, dim)
    return _nansum(input, dims=dims, keepdim=keepdim, dt=_sum_dtype(input, dtype))


def nanmean(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: _dt.dtype | None = None,
    out: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Mean of the non-NaN elements (NaN where every element of a slice is NaN).

    Args:
        input (Tensor): any shape, a floating dtype.
        dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
        keepdim (bool): keep the reduced dims, with size 1 (default False).
        dtype (dtype, optional): cast the input to this dtype first.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor, or `input`'s shape without (or with size-1) `dim`.

    Examples:
        >>> x = retrograd.tensor([[1.0, float('nan')], [3.0, 4.0]])
        >>> retrograd.nanmean(x)
        tensor(2.6667)
        >>> x.nanmean(dim=1)
        tensor([1.0000, 3.5000])
    """
    keepdim_arg("nanmean", keepdim)
    if not isinstance(input, Tensor):
        raise not_a_tensor("nanmean", input)
    if out is not None:
        return write_out(
            out, nanmean, locals(), floating('"nansum_cpu" not implemented for \'{dst}\'', error=NotImplementedError)
        )
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("nanmean", dim, None, axis, "axis")
    if keepdims is not None:
        keepdim = numpy_alias("nanmean", keepdim, False, keepdims, "keepdims")
    if not (input.dtype.is_floating_point or input.dtype.is_complex):  # complex: nansum refuses it
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got {input.dtype.kind_name}"
        )
    check_mean_dtype("nanmean", dtype)
    present = (~input.isnan()).sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / present


def count_nonzero(input: Tensor, dim: Any = None, *, axis: Any = None) -> Tensor:
    """Number of nonzero elements, in all of `input` or along `dim`.

    Args:
        input (Tensor): any shape and dtype.
        dim (int or tuple of int, optional): the dims to count along; all of them when omitted.

    Returns:
        Tensor: an int64 count: 0-d, or `input`'s shape without `dim`.

    Examples:
        >>> x = retrograd.tensor([[0, 1, 2], [0, 0, 3]])
        >>> retrograd.count_nonzero(x)
        tensor(3)
        >>> retrograd.count_nonzero(x, dim=0)
        tensor([0, 1, 2])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("count_nonzero", input)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("count_nonzero", dim, None, axis, "axis")
    if _vmap.active and (r := batched("along", count_nonzero, input, dim)) is not NOT_BATCHED:
        return r
    dims = reduce_dims(input._data.ndim, dim)
    a = input._data
    return Tensor._make(a.__ne__(0).sum(axis=dims, dtype=np.int64))

"""The `*_copy` twins of the view ops: `torch.unfold_copy`, `view_copy`, `t_copy`, ...

Each gives what its view gives, as a fresh contiguous tensor that shares no memory with the
input. PyTorch's compilers emit them where a view must not alias (functionalization, export),
and some libraries call them directly (Keras' `extract_sequences` calls `unfold_copy`).

The gradient is the view's. The recorded node is the view's own node, renamed as PyTorch names
it (`UnfoldBackward0_copy`), so `grad_fn.next_functions` lead where the view's lead: no clone
node sits between.
"""

from __future__ import annotations

from typing import Any

from ... import dtypes as _dt
from ..._layouts import contiguous_format
from ...engine.primitive import node_class, not_a_tensor
from ...tensor import Tensor
from ..elementwise.complex_views import view_as_complex, view_as_real
from ..kernels.arg_types import ints_arg, invalid_combination
from ..kernels.operands import numpy_alias, wrap_dim
from ..kernels.out_arg import SAME, same, write_out
from .slicing import take_view
from .splitting import unbind
from .views import squeeze, unsqueeze

__all__ = [
    "alias_copy", "as_strided_copy", "ccol_indices_copy", "col_indices_copy", "crow_indices_copy", "detach_copy",
    "diagonal_copy", "expand_copy", "indices_copy", "narrow_copy", "permute_copy", "row_indices_copy",
    "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy", "squeeze_copy", "t_copy", "transpose_copy",
    "unbind_copy", "unfold_copy", "unsqueeze_copy", "values_copy", "view_as_complex_copy", "view_as_real_copy",
    "view_copy",
]  # fmt: skip


# PyTorch writes `out` of these without refusing autograd (its node then raises on backward);
# here `out` is written as by `copy_`, so the gradient flows through it
_ON_GRAPH = "copy"
_NARROW_DTYPE = same(
    "Expected self.dtype() == output.dtype() to be true, but got false.  (Could this error message be "
    "improved?  If so, please report an enhancement request to PyTorch.)"
)


_VIEW_COPY_SIGNATURES = (
    "Tensor input, torch.dtype dtype, *, Tensor out = None",
    "Tensor input, tuple of ints size, *, Tensor out = None",
)


def _copied(view: Tensor, node_name: str | None = None) -> Tensor:
    """`view` as a contiguous tensor of its own, recorded by the view's node renamed
    (`<node>_copy`, or `node_name`): the clone's own node would be an identity step."""
    out = view.clone(memory_format=contiguous_format)
    node = view._grad_fn
    if out._grad_fn is not None and node is not None:
        name = type(node).__name__
        if not name.endswith("_copy") and name != node_name:  # (split's pieces share one node)
            node.__class__ = node_class(node_name or name + "_copy")
        out._grad_fn, out._output_nr = node, view._output_nr
    return out


def _checked(name: str, input: Any) -> Tensor:
    if not isinstance(input, Tensor):
        raise not_a_tensor(name, input)
    return input


def alias_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A copy of `input` (the `*_copy` twin of `aten.alias`, the view of the whole tensor).

    Args:
        input (Tensor): any tensor.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: a contiguous copy; its gradient node is `AliasBackward0_copy`.

    Examples:
        >>> retrograd.alias_copy(retrograd.tensor([1, 2]))
        tensor([1, 2])
    """
    if out is not None:
        return write_out(out, alias_copy, locals(), SAME, grad=_ON_GRAPH)
    input = _checked("alias_copy", input)
    return _copied(input.view(input.shape), "AliasBackward0_copy")


def as_strided_copy(input: Tensor, size: Any, stride: Any, storage_offset: int | None = None, *,
                    out: Tensor | None = None) -> Tensor:  # fmt: skip
    """`input.as_strided(size, stride, storage_offset)` as a contiguous copy.

    Args:
        input (Tensor): the tensor whose storage is read.
        size (tuple of ints): the shape of the result.
        stride (tuple of ints): the step in storage elements along each dim.
        storage_offset (int, optional): where in the storage the first element is.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the strided elements, in memory of their own.

    Examples:
        >>> retrograd.as_strided_copy(retrograd.arange(4), (2, 2), (1, 1))
        tensor([[0, 1],
                [1, 2]])
    """
    if out is not None:
        return write_out(out, as_strided_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(_checked("as_strided_copy", input).as_strided(size, stride, storage_offset))


def detach_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A copy of `input` outside the graph (`input.detach().clone()`).

    PyTorch 2.13 marks its result as requiring grad with a node that raises on backward; here it
    simply does not require grad, so a backward through it fails at once instead.

    Args:
        input (Tensor): any tensor.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: a contiguous copy that does not require grad.

    Examples:
        >>> retrograd.detach_copy(retrograd.ones(2, requires_grad=True))
        tensor([1., 1.])
    """
    if out is not None:
        return write_out(out, detach_copy, locals(), SAME, grad=_ON_GRAPH)
    return _checked("detach_copy", input).detach().clone(memory_format=contiguous_format)


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1, *,
                  out: Tensor | None = None) -> Tensor:  # fmt: skip
    """`input.diagonal(offset, dim1, dim2)` as a contiguous copy.

    Args:
        input (Tensor): at least 2-D.
        offset (int): which diagonal: 0 the main one, > 0 above it, < 0 below (default 0).
        dim1 (int): the first dim of the matrices (default 0).
        dim2 (int): the second dim (default 1).
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the diagonals along a new last dim, in memory of their own.

    Examples:
        >>> retrograd.diagonal_copy(retrograd.arange(4).reshape(2, 2))
        tensor([0, 3])
    """
    if out is not None:
        return write_out(out, diagonal_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(_checked("diagonal_copy", input).diagonal(offset, dim1, dim2))


def expand_copy(input: Tensor, size: Any, *, implicit: bool = False, out: Tensor | None = None) -> Tensor:
    """`input.expand(size)` as a contiguous copy: each repeated element is stored.

    Args:
        input (Tensor): the tensor to broadcast.
        size (tuple of ints): the new shape; -1 keeps a dim's size.
        implicit (bool): recorded by PyTorch's tracer only; it changes nothing (default False).
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the broadcast tensor, in memory of its own.

    Examples:
        >>> retrograd.expand_copy(retrograd.tensor([[1], [2]]), (2, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    if out is not None:
        return write_out(out, expand_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(_checked("expand_copy", input).expand(ints_arg("expand_copy", "size", 2, size)))


def narrow_copy(input: Tensor, dim: int, start: int, length: int, *, out: Tensor | None = None) -> Tensor:
    """`input.narrow(dim, start, length)` as a contiguous copy (PyTorch's node: NarrowCopyBackward0).

    Args:
        input (Tensor): at least 1-D.
        dim (int): the dim to narrow.
        start (int): the first index kept (negative counts from the end).
        length (int): how many indices to keep.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the narrowed tensor, in memory of its own.

    Examples:
        >>> retrograd.narrow_copy(retrograd.arange(5), 0, 1, 3)
        tensor([1, 2, 3])
    """
    if out is not None:
        return write_out(out, narrow_copy, locals(), _NARROW_DTYPE)  # (PyTorch's refuses autograd)
    return _copied(_checked("narrow_copy", input).narrow(dim, start, length), "NarrowCopyBackward0")


def permute_copy(input: Tensor, dims: Any, *, out: Tensor | None = None) -> Tensor:
    """`input.permute(dims)` as a contiguous copy.

    Args:
        input (Tensor): any tensor.
        dims (tuple of ints): the new order of the dims.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the permuted tensor, laid out row-major in memory of its own.

    Examples:
        >>> retrograd.permute_copy(retrograd.zeros(2, 3, 4), (2, 0, 1)).shape
        retrograd.Size([4, 2, 3])
    """
    if out is not None:
        return write_out(out, permute_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(_checked("permute_copy", input).permute(ints_arg("permute_copy", "dims", 2, dims)))


def select_copy(input: Tensor, dim: int, index: int, *, out: Tensor | None = None) -> Tensor:
    """`input.select(dim, index)` as a copy: position `index` of `dim`, which is removed.

    Args:
        input (Tensor): at least 1-D.
        dim (int): the dim to index.
        index (int): the position in it (negative counts from the end).
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: one dim fewer, in memory of its own.

    Examples:
        >>> retrograd.select_copy(retrograd.arange(6).reshape(2, 3), 1, 2)
        tensor([2, 5])
    """
    if out is not None:
        return write_out(out, select_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(_checked("select_copy", input).select(dim, index))


def slice_copy(input: Tensor, dim: int = 0, start: int | None = None, end: int | None = None, step: int = 1, *,
               axis: Any = None, out: Tensor | None = None) -> Tensor:  # fmt: skip
    """`input[..., start:end:step, ...]` along `dim`, as a contiguous copy.

    Args:
        input (Tensor): at least 1-D.
        dim (int): the dim to slice (default 0).
        start (int, optional): the first index (default: the start).
        end (int, optional): one past the last index (default: the end); out-of-range bounds are clamped.
        step (int): the step, > 0 (default 1).
        axis: NumPy's name for `dim`.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the slice, in memory of its own.

    Examples:
        >>> retrograd.slice_copy(retrograd.arange(6), 0, 1, None, 2)
        tensor([1, 3, 5])
    """
    if out is not None:
        return write_out(out, slice_copy, locals(), SAME, grad=_ON_GRAPH)
    input = _checked("slice_copy", input)
    if input.dim() == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("slice_copy", dim, 0, axis, "axis")
    d = wrap_dim(dim, input.dim())
    return _copied(take_view(input, (slice(None),) * d + (slice(start, end, step),)))


def split_copy(input: Tensor, split_size: int, dim: int = 0, *, out: Any = None) -> tuple[Tensor, ...] | None:
    """`input.split(split_size, dim)` as copies: pieces of `split_size` along `dim` (the last may be shorter).

    Args:
        input (Tensor): the tensor to split.
        split_size (int): the length of each piece.
        dim (int): the dim to split along (default 0).
        out (list of Tensors, optional): written with the pieces; then the call returns None.

    Returns:
        tuple of Tensors: the pieces, each in memory of its own (None with `out`).

    Examples:
        >>> retrograd.split_copy(retrograd.arange(5), 2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    pieces = tuple(_copied(piece) for piece in _checked("split_copy", input).split(split_size, dim))
    if out is None:
        return pieces
    # as PyTorch's: each piece copied into its `out` (broadcast and cast, never resized)
    if len(out) != len(pieces):
        raise RuntimeError(
            f"split_copy_Tensor_out() expected an out= argument of size {len(pieces)}, got size {len(out)}"
        )
    for target, piece in zip(out, pieces):
        target.copy_(piece)
    return None


def split_with_sizes_copy(input: Tensor, split_sizes: Any, dim: int = 0, *,
                          out: Any = None) -> tuple[Tensor, ...] | None:  # fmt: skip
    """`input.split_with_sizes(split_sizes, dim)` as copies: pieces of the given lengths along `dim`.

    Args:
        input (Tensor): the tensor to split.
        split_sizes (list of ints): the length of each piece; they add up to the dim's size.
        dim (int): the dim to split along (default 0).
        out (list of Tensors, optional): written with the pieces; then the call returns None.

    Returns:
        tuple of Tensors: the pieces, each in memory of its own (None with `out`).

    Examples:
        >>> retrograd.split_with_sizes_copy(retrograd.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    if out is not None:
        write_out(out, split_with_sizes_copy, locals(), SAME, SAME, grad=_ON_GRAPH)
        return None
    pieces = _checked("split_with_sizes_copy", input).split_with_sizes(split_sizes, dim)
    return tuple(_copied(piece) for piece in pieces)


def squeeze_copy(input: Tensor, dim: Any = None, *, axis: Any = None, out: Tensor | None = None) -> Tensor:
    """`input.squeeze(dim)` as a contiguous copy: dims of size 1 removed (all, or those in `dim`).

    Args:
        input (Tensor): any tensor.
        dim (int or tuple of ints, optional): the dims to remove if their size is 1 (default: all such dims).
        axis: NumPy's name for `dim`.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the squeezed tensor, in memory of its own.

    Examples:
        >>> retrograd.squeeze_copy(retrograd.zeros(1, 2, 1)).shape
        retrograd.Size([2])
    """
    if out is not None:
        return write_out(out, squeeze_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(squeeze(_checked("squeeze_copy", input), dim, axis=axis))


def t_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """`input.t()` as a contiguous copy: a matrix transposed (0-d and 1-d tensors as they are).

    Args:
        input (Tensor): at most 2-D.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the transpose, laid out row-major in memory of its own.

    Examples:
        >>> retrograd.t_copy(retrograd.arange(6).reshape(2, 3))
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    if out is not None:
        return write_out(out, t_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(_checked("t_copy", input).t())


def transpose_copy(input: Tensor, dim0: int, dim1: int, *, out: Tensor | None = None) -> Tensor:
    """`input.transpose(dim0, dim1)` as a contiguous copy.

    Args:
        input (Tensor): any tensor.
        dim0 (int): the first dim to swap.
        dim1 (int): the second.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the transposed tensor, laid out row-major in memory of its own.

    Examples:
        >>> retrograd.transpose_copy(retrograd.zeros(2, 3, 4), 0, 2).shape
        retrograd.Size([4, 3, 2])
    """
    if out is not None:
        return write_out(out, transpose_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(_checked("transpose_copy", input).transpose(dim0, dim1))


def unbind_copy(input: Tensor, dim: int = 0, *, axis: Any = None, out: Any = None) -> tuple[Tensor, ...] | None:
    """`input.unbind(dim)` as copies: each slice along `dim`, that dim removed.

    Args:
        input (Tensor): at least 1-D.
        dim (int): the dim to take apart (default 0).
        axis: NumPy's name for `dim`.
        out (list of Tensors, optional): written with the slices; then the call returns None.

    Returns:
        tuple of Tensors: the slices, each in memory of its own (None with `out`).

    Examples:
        >>> retrograd.unbind_copy(retrograd.arange(4).reshape(2, 2), 1)
        (tensor([0, 2]), tensor([1, 3]))
    """
    if out is not None:
        write_out(out, unbind_copy, locals(), SAME, SAME, grad=_ON_GRAPH)
        return None
    return tuple(_copied(piece) for piece in unbind(_checked("unbind_copy", input), dim, axis=axis))


def unfold_copy(input: Tensor, dimension: int, size: int, step: int, *, out: Tensor | None = None) -> Tensor:
    """`input.unfold(dimension, size, step)` as a contiguous copy: every window stored.

    Args:
        input (Tensor): the tensor to slide over.
        dimension (int): the dim the windows run along.
        size (int): the length of each window.
        step (int): the distance between the starts of neighbouring windows, > 0.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: shape `(..., (N - size) // step + 1, ..., size)`, in memory of its own.

    Examples:
        >>> retrograd.unfold_copy(retrograd.arange(5), 0, 3, 1)
        tensor([[0, 1, 2],
                [1, 2, 3],
                [2, 3, 4]])
    """
    if out is not None:
        return write_out(out, unfold_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(_checked("unfold_copy", input).unfold(dimension, size, step))


def unsqueeze_copy(input: Tensor, dim: int | None = None, *, axis: Any = None, out: Tensor | None = None) -> Tensor:
    """`input.unsqueeze(dim)` as a copy: a new dim of size 1 at `dim`.

    Args:
        input (Tensor): any tensor.
        dim (int): where the new dim goes (negative counts from the end of the result).
        axis: NumPy's name for `dim`.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: one dim more, in memory of its own.

    Examples:
        >>> retrograd.unsqueeze_copy(retrograd.zeros(2, 3), 1).shape
        retrograd.Size([2, 1, 3])
    """
    if out is not None:
        return write_out(out, unsqueeze_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(unsqueeze(_checked("unsqueeze_copy", input), dim, axis=axis))


def view_as_complex_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """`torch.view_as_complex(input)` as a copy: pairs along the last dim as complex numbers.

    Args:
        input (Tensor): float32 or float64, last dim of size 2 (real, imaginary).
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: complex, the last dim removed, in memory of its own.

    Examples:
        >>> retrograd.view_as_complex_copy(retrograd.tensor([[1.0, 2.0]]))
        tensor([1.+2.j])
    """
    if out is not None:
        return write_out(out, view_as_complex_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(view_as_complex(_checked("view_as_complex_copy", input)))


def view_as_real_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """`torch.view_as_real(input)` as a copy: each complex number as a (real, imaginary) pair.

    Args:
        input (Tensor): complex.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: real, with a new last dim of size 2, in memory of its own.

    Examples:
        >>> retrograd.view_as_real_copy(retrograd.tensor([1 + 2j]))
        tensor([[1., 2.]])
    """
    if out is not None:
        return write_out(out, view_as_real_copy, locals(), SAME, grad=_ON_GRAPH)
    return _copied(view_as_real(_checked("view_as_real_copy", input)))


def view_copy(input: Tensor, size: Any, *, out: Tensor | None = None) -> Tensor:
    """`input.view(size)` as a contiguous copy; `size` may also be a dtype (the bits read as another dtype).

    Args:
        input (Tensor): any tensor.
        size (tuple of ints or dtype): the new shape (one entry may be -1), or a dtype.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the reshaped (or reinterpreted) tensor, in memory of its own.

    Examples:
        >>> retrograd.view_copy(retrograd.arange(6), (2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    if out is not None:
        return write_out(out, view_copy, locals(), SAME, grad=_ON_GRAPH)
    input = _checked("view_copy", input)
    if isinstance(size, (list, tuple)):
        return _copied(input.view(ints_arg("view_copy", "size", 2, size)))
    if not isinstance(size, _dt.dtype):
        raise invalid_combination("view_copy", (input, size), _VIEW_COPY_SIGNATURES)
    return _copied(input.view(size))


def _sparse_part(name: str, input: Any, part: str) -> Tensor:
    return _copied(getattr(_checked(name, input), part)())


def values_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A copy of a sparse tensor's stored values (`input.values()`).

    Args:
        input (Tensor): a sparse COO, CSR, CSC, BSR or BSC tensor.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the values, dense, in memory of their own.

    Examples:
        >>> retrograd.values_copy(retrograd.tensor([0.0, 2.0]).to_sparse())
        tensor([2.])
    """
    if out is not None:
        return write_out(out, values_copy, locals(), SAME, grad=_ON_GRAPH)
    return _sparse_part("values_copy", input, "values")


def indices_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A copy of a coalesced sparse COO tensor's indices (`input.indices()`).

    Args:
        input (Tensor): a coalesced sparse COO tensor.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: int64, shape (sparse dims, nnz), in memory of its own.

    Examples:
        >>> retrograd.indices_copy(retrograd.tensor([0.0, 2.0]).to_sparse())
        tensor([[1]])
    """
    if out is not None:
        return write_out(out, indices_copy, locals(), SAME, grad=_ON_GRAPH)
    return _sparse_part("indices_copy", input, "indices")


def crow_indices_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A copy of a CSR or BSR tensor's compressed row indices (`input.crow_indices()`).

    Args:
        input (Tensor): a sparse CSR or BSR tensor.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the row pointers, in memory of their own.

    Examples:
        >>> retrograd.crow_indices_copy(retrograd.eye(2).to_sparse_csr())
        tensor([0, 1, 2])
    """
    if out is not None:
        return write_out(out, crow_indices_copy, locals(), SAME, grad=_ON_GRAPH)
    return _sparse_part("crow_indices_copy", input, "crow_indices")


def col_indices_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A copy of a CSR or BSR tensor's column indices (`input.col_indices()`).

    Args:
        input (Tensor): a sparse CSR or BSR tensor.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the column of each stored element (or block), in memory of their own.

    Examples:
        >>> retrograd.col_indices_copy(retrograd.eye(2).to_sparse_csr())
        tensor([0, 1])
    """
    if out is not None:
        return write_out(out, col_indices_copy, locals(), SAME, grad=_ON_GRAPH)
    return _sparse_part("col_indices_copy", input, "col_indices")


def ccol_indices_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A copy of a CSC or BSC tensor's compressed column indices (`input.ccol_indices()`).

    Args:
        input (Tensor): a sparse CSC or BSC tensor.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the column pointers, in memory of their own.

    Examples:
        >>> retrograd.ccol_indices_copy(retrograd.eye(2).to_sparse_csc())
        tensor([0, 1, 2])
    """
    if out is not None:
        return write_out(out, ccol_indices_copy, locals(), SAME, grad=_ON_GRAPH)
    return _sparse_part("ccol_indices_copy", input, "ccol_indices")


def row_indices_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """A copy of a CSC or BSC tensor's row indices (`input.row_indices()`).

    Args:
        input (Tensor): a sparse CSC or BSC tensor.
        out (Tensor, optional): written with the result and returned.

    Returns:
        Tensor: the row of each stored element (or block), in memory of their own.

    Examples:
        >>> retrograd.row_indices_copy(retrograd.eye(2).to_sparse_csc())
        tensor([0, 1])
    """
    if out is not None:
        return write_out(out, row_indices_copy, locals(), SAME, grad=_ON_GRAPH)
    return _sparse_part("row_indices_copy", input, "row_indices")

"""Ops whose output is a view of the input's memory: reshape, permute, squeeze (expand: broadcasting.py).

View primitives are marked `view=True`: when NumPy returns a view, the output
shares its base's version counter and records how to re-derive itself, which
is what in-place ops on views need (see `engine.inplace`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, SupportsIndex

import numpy as np

from ... import dtypes as _dt
from ..._layouts import contiguous_format
from ...backend.compat import as_strided
from ...dtypes import dtype
from ...engine import primitive as _primitive
from ...engine.fit import sum_to_shape
from ...engine.grad_mode import state
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..kernels.arg_types import ints_arg, invalid_combination
from ..kernels.guards import size_keyword
from ..kernels.operands import numpy_alias, shape_arg, wrap_dim, wrap_dims

__all__ = [
    "reshape",
    "view",
    "view_as",
    "flatten",
    "unflatten",
    "squeeze",
    "unsqueeze",
    "permute",
    "transpose",
    "swapaxes",
    "swapdims",
    "t",
    "movedim",
    "moveaxis",
    "sum_to_shape",
    "ravel",
]


def _infer_shape(shape: Sequence[int], numel: int) -> tuple[int, ...]:
    """Resolve one -1 entry of a target shape; RuntimeError if the sizes cannot match."""
    shape = tuple(int(s) for s in shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s} at index {shape.index(s)} of shape {list(shape)}")
            known *= s
    if unknown:
        if known == 0 and numel == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {list(shape)} because the unspecified dimension "
                "size -1 can be any value and is ambiguous"
            )
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1 :]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _reshape_view_only(xp: Any, a: Any, shape: tuple) -> Any:
    try:
        return xp.reshape(a, shape, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None


def _plain(g: Tensor) -> bool:
    """Whether a view's derivative may be a view of g's array, with no op call: nothing records
    the backward (no create_graph, no retrograd.compile recording) and g is not batched (vmap)."""
    return type(g) is Tensor and not state.enabled and _primitive.tracer is None


def _reshaped(g: Tensor, a_shape: tuple) -> Tensor:
    """The derivative of every reshaping view: g back in the input's shape."""
    return Tensor._make(g._data.reshape(a_shape)) if _plain(g) else g.reshape(a_shape)


def _swapped(g: Tensor, d0: int, d1: int) -> Tensor:
    return Tensor._make(g._data.swapaxes(d0, d1)) if _plain(g) else g.transpose(d0, d1)


def _unpermuted(g: Tensor, dims: tuple) -> Tensor:
    inverse = tuple(sorted(range(len(dims)), key=dims.__getitem__))  # Python ints: no array round trip
    return Tensor._make(g._data.transpose(inverse)) if _plain(g) else g.permute(inverse)


_reshape = Primitive(
    "reshape",
    lambda xp, a, shape: a.reshape(shape),
    [_reshaped],
    node_name="ViewBackward0",
    view=True,
)
_reshape_alias = Primitive(
    "reshape",
    lambda xp, a, shape: a.reshape(shape),
    [_reshaped],
    node_name="ReshapeAliasBackward0",
    view=True,
)
_view = Primitive("view", _reshape_view_only, [_reshaped], view=True)
# a reshape that copies (PyTorch's _unsafe_view): reshape of a non-contiguous input, kron
unsafe_view = Primitive(
    "reshape",
    lambda xp, a, shape: a.reshape(shape),
    [_reshaped],
    node_name="UnsafeViewBackward0",
)
def _unsqueezed(g: Tensor, a_shape: tuple) -> Tensor:
    """A squeeze's derivative: g with the size-1 dims back, recorded as PyTorch's unsqueeze."""
    return Tensor._make(g._data.reshape(a_shape)) if _plain(g) else _unsqueeze(g, shape=a_shape)


def _squeezed(g: Tensor, a_shape: tuple) -> Tensor:
    """An unsqueeze's derivative: g without the added dim, recorded as PyTorch's squeeze(dim)."""
    return Tensor._make(g._data.reshape(a_shape)) if _plain(g) else _squeeze_dim(g, shape=a_shape)


_squeeze = Primitive(
    "squeeze", lambda xp, a, shape: a.reshape(shape), [_unsqueezed], view=True
)
_squeeze_dim = Primitive(
    "squeeze",
    lambda xp, a, shape: a.reshape(shape),
    [_unsqueezed],
    node_name="SqueezeBackward1",
    view=True,
)
# squeeze of a tuple of dims (PyTorch's squeeze.dims)
squeeze_dims_tuple = Primitive(
    "squeeze", lambda xp, a, shape: a.reshape(shape), [_unsqueezed], node_name="SqueezeBackward2", view=True
)
# squeeze_ of one dim in place (PyTorch's squeeze_.dim): matmul's (k,) @ (k, n) drops the row it added
squeeze_dims = Primitive(
    "squeeze", lambda xp, a, shape: a.reshape(shape), [_reshaped],
    node_name="SqueezeBackward4", view=True,
)
# a view of every element, unchanged (PyTorch's alias: `t[...]`, the primals jvp hands back)
alias = Primitive("alias", lambda xp, a: a.view(), [lambda g: g], view=True)  # d/da a = 1
# squeeze_ of a list of dims in place (PyTorch's squeeze_.dims): what vmap makes of that squeeze_(dim)
# on the batched value
squeeze_dims_list = Primitive(
    "squeeze", lambda xp, a, shape: a.reshape(shape), [_reshaped],
    node_name="SqueezeBackward5", view=True,
)
def _unsqueeze_forward(xp: Any, a: Any, shape: tuple) -> Any:
    """`a` with size-1 dims added (one for `unsqueeze`, several for a squeeze's derivative),
    strided as PyTorch strides them: the other dims keep their strides and a new dim steps over
    the dim it precedes (`size[d] * stride[d]`), or 1 element at the end. NumPy's reshape
    restrides size-1 dims its own way (`t.unsqueeze(-1).stride()` is `(1200, 1, 6, 1)`, not
    `(1200, 1, 6, 6)`)."""
    out = a.reshape(shape)
    if a.size == 0:  # an empty tensor reports contiguous strides whatever NumPy holds
        return out
    strides, j = [], 0  # j: the next dim of `a`; the new dims are the 1s it does not match
    for size in shape:
        if j < a.ndim and a.shape[j] == size:
            strides.append(a.strides[j])
            j += 1
        else:
            strides.append(a.strides[j] * a.shape[j] if j < a.ndim else a.itemsize)
    if j < a.ndim or out.strides == tuple(strides):  # not only 1s inserted, or NumPy agrees
        return out
    return as_strided(out, shape, tuple(strides))


_unsqueeze = Primitive("unsqueeze", _unsqueeze_forward, [_squeezed], view=True)
_permute = Primitive(
    "permute",
    lambda xp, a, dims: a.transpose(dims),
    [_unpermuted],  # the inverse permutation
    view=True,
)
_transpose = Primitive(
    "transpose", lambda xp, a, d0, d1: xp.swapaxes(a, d0, d1), [_swapped], view=True
)
_t = Primitive("t", lambda xp, a: a.T, [lambda g: Tensor._make(g._data.T) if _plain(g) else g.t()],
               node_name="TBackward0", view=True)


def reshape(input: Tensor, *dims: SupportsIndex | Sequence[SupportsIndex], shape: Any = None) -> Tensor:
    """The same elements in a new shape (a view when the memory layout allows).

    Args:
        input (Tensor): the tensor to reshape (`x.reshape(...)` passes it as `self`).
        *dims (int or sequence of int): the new shape, as ints or one sequence; one entry may
            be -1, inferred from the number of elements.
        shape (sequence of int, optional): the new shape by keyword instead (`reshape(shape=(N, -1))`).

    Returns:
        Tensor: a view sharing memory when the strides allow it, else a copy.

    Examples:
        >>> x = retrograd.arange(6)
        >>> x.reshape(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> retrograd.reshape(x, (3, -1)).shape
        retrograd.Size([3, 2])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("reshape", input)
    if input.is_sparse:
        raise RuntimeError("reshape is not implemented for sparse tensors")
    dims = size_keyword(dims, shape, "reshape", name="shape")
    if not dims:
        raise TypeError('reshape() missing 1 required positional arguments: "shape"')
    target = _infer_shape(shape_arg(dims), input._data.size)
    if input._data.flags.c_contiguous:
        return _reshape(input, shape=target)
    if target == input._data.shape or _reshapes_in_place(input._data, target):
        return _reshape_alias(input, shape=target)  # a view of strided memory: PyTorch's _reshape_alias
    return unsafe_view(input.clone(memory_format=contiguous_format), shape=target)  # as PyTorch's reshape


def _reshapes_in_place(a: np.ndarray, shape: tuple) -> bool:
    try:
        np.reshape(a, shape, copy=False)
        return True
    except ValueError:
        return False


def view(
    input: Tensor, *shape: SupportsIndex | Sequence[SupportsIndex] | dtype, size: Any = None, dtype: Any = None
) -> Tensor:
    """Reshape without copying; RuntimeError if the strides do not allow it.

    Args:
        input (Tensor): the tensor to view (`x.view(...)` passes it as `self`).
        *shape (int or sequence of int): the new shape, as ints or one sequence; one entry may be
            -1. A single dtype instead converts (same-size dtypes only).
        size (sequence of int, optional): the new shape by keyword instead.
        dtype (dtype, optional): the dtype to view the memory as, by keyword instead.

    Returns:
        Tensor: a view sharing this tensor's memory: writes through one show in the other.

    Examples:
        >>> x = retrograd.zeros(2, 3)
        >>> v = x.view(-1)
        >>> v[0] = 1.0
        >>> x
        tensor([[1., 0., 0.],
                [0., 0., 0.]])
    """
    if size is not None or dtype is not None:
        shape = _view_keywords(shape, size, dtype)
    if len(shape) == 1 and isinstance(shape[0], _dt.dtype):
        return _view_dtype(input, shape[0])
    return _view(input, shape=_infer_shape(shape_arg(shape), input._data.size))


def _view_keywords(shape: tuple, size: Any, to: Any) -> tuple:
    """`view(size=...)` or `view(dtype=...)` as positionals (raises PyTorch's error for its two overloads)."""
    if not shape and (size is None) != (to is None):
        if to is not None and isinstance(to, _dt.dtype):
            return (to,)
        if isinstance(size, (tuple, list)):
            return (size,)
    given = {k: v for k, v in (("dtype", to), ("size", size)) if v is not None}
    raise invalid_combination("view", shape, ("torch.dtype dtype", "tuple of ints size"), given)


def _view_dtype(input: Tensor, to: dtype) -> Tensor:
    """`input`'s memory read as dtype `to` (the bits, not the values): PyTorch's `view(dtype)`.

    With a different element size the last dim shrinks or grows by the ratio, as PyTorch's
    checks allow. The result shares `input`'s memory and version counter and records no
    gradient (PyTorch's view(dtype) is not differentiable).
    """
    a = input._data
    old, new = a.dtype.itemsize, np.dtype(to.np).itemsize
    if old != new:
        what = f"to view {input.dtype.kind_name} as {to.kind_name} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        strides = input.stride()
        if strides[-1] != 1 and a.shape[-1] != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {strides[-1]}")
        if new > old:
            ratio = new // old
            if a.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got {a.shape[-1]}")
            if input.storage_offset() % ratio:
                raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, "
                                   f"but got {input.storage_offset()}")
            for i, stride in enumerate(strides[:-1]):
                if stride % ratio:
                    raise RuntimeError(f"self.stride({i}) must be divisible by {ratio} {what}, but got {stride}")
    if a.ndim and a.strides[-1] != a.dtype.itemsize:  # a last dim of 1 with any stride: NumPy wants it contiguous
        a = np.lib.stride_tricks.as_strided(a, strides=a.strides[:-1] + (a.dtype.itemsize,))
    out = Tensor._make(a.view(to.np))
    out._version_counter = input._version_counter  # writes through either show in both
    return out


def view_as(input: Tensor, other: Tensor) -> Tensor:
    """A view of `input` with `other`'s shape (`view(input, other.shape)`).

    Args:
        input (Tensor): the tensor to view (the tensor the method is called on).
        other (Tensor): a tensor with as many elements; only its shape is used.

    Returns:
        Tensor: a view sharing `input`'s memory (an error where the strides do not allow one:
            use `reshape_as`).

    Examples:
        >>> x = retrograd.arange(4)
        >>> y = x.view_as(retrograd.zeros(2, 2))
        >>> y[1, 0] = 9
        >>> x
        tensor([0, 1, 9, 3])
    """
    if not isinstance(other, Tensor):
        raise not_a_tensor("view_as", other, "other")  # (a method only: PyTorch counts from `other`)
    return view(input, other.shape)


def ravel(input: Tensor) -> Tensor:
    """`input` flattened to 1-D (a view when its memory allows).

    Args:
        input (Tensor): a tensor of any shape.

    Returns:
        Tensor: a 1-D tensor of `input.numel()` elements in row-major order; a view when the
            memory layout allows, else a copy.

    Examples:
        >>> retrograd.ravel(retrograd.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("ravel", input)
    return reshape(input, -1)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims `start_dim..end_dim` into one.

    Args:
        input (Tensor): the tensor to flatten; a 0-d tensor gives shape `(1,)`.
        start_dim (int): the first dim to merge (default 0).
        end_dim (int): the last dim to merge, included (default -1).

    Returns:
        Tensor: the merged tensor (a view when the memory layout allows).

    Examples:
        >>> x = retrograd.zeros(2, 3, 4)
        >>> x.flatten().shape
        retrograd.Size([24])
        >>> retrograd.flatten(x, start_dim=1).shape
        retrograd.Size([2, 12])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("flatten", input)
    shape = input._data.shape
    if not shape:
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, len(shape)), wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    merged = 1
    for n in shape[s : e + 1]:
        merged *= n
    return reshape(input, shape[:s] + (merged,) + shape[e + 1 :])  # no -1: it is ambiguous with no elements


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim `dim` into `sizes` (one entry may be -1).

    Args:
        input (Tensor): the tensor to reshape.
        dim (int): the dim to split; its size must equal the product of `sizes`.
        sizes (sequence of int): the new dims that replace `dim`; one entry may be -1.

    Returns:
        Tensor: a view with `dim` replaced by `sizes`.

    Examples:
        >>> retrograd.unflatten(retrograd.arange(6), 0, (2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> retrograd.zeros(4, 6).unflatten(1, (3, -1)).shape
        retrograd.Size([4, 3, 2])
    """
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    sizes = ints_arg("unflatten", "sizes", 3, sizes)
    if not len(sizes):
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        inner = _infer_shape(sizes, shape[d])
    except RuntimeError as e:  # PyTorch words the size errors for unflatten
        if "is invalid for input of size" in str(e):
            raise RuntimeError(
                f"unflatten: Provided sizes {[int(s) for s in sizes]} don't multiply up to the size of dim {d} "
                f"({shape[d]}) in the input tensor"
            ) from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    return view(input, shape[:d] + inner + shape[d + 1 :])


def squeeze(input: Tensor, dim: int | Sequence[int] | None = None, *, axis: Any = None) -> Tensor:
    """Remove dims of size 1 (all of them, or those in `dim`).

    Args:
        input (Tensor): the tensor to squeeze.
        dim (int or tuple of int, optional): only these dims; those not of size 1 are kept.

    Returns:
        Tensor: a view without the size-1 dims.

    Examples:
        >>> x = retrograd.zeros(2, 1, 3, 1)
        >>> x.squeeze().shape
        retrograd.Size([2, 3])
        >>> retrograd.squeeze(x, 1).shape
        retrograd.Size([2, 3, 1])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("squeeze", input)
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("squeeze", dim, None, axis, "axis")
    shape = input._data.shape
    if dim is None:
        return _squeeze(input, shape=tuple(s for s in shape if s != 1))
    dims = wrap_dims(dim, len(shape)) if shape else ()
    target = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return (squeeze_dims_tuple if isinstance(dim, (tuple, list)) else _squeeze_dim)(input, shape=target)


def unsqueeze(input: Tensor, dim: int | None = None, *, axis: Any = None) -> Tensor:
    """Insert a dim of size 1 at `dim`.

    Args:
        input (Tensor): the tensor.
        dim (int): where the new dim goes, in `[-input.dim() - 1, input.dim()]`.

    Returns:
        Tensor: a view with one more dim.

    Examples:
        >>> x = retrograd.tensor([1, 2, 3])
        >>> x.unsqueeze(0)
        tensor([[1, 2, 3]])
        >>> retrograd.unsqueeze(x, -1).shape
        retrograd.Size([3, 1])
    """
    if axis is not None:  # NumPy's name, as PyTorch accepts it
        dim = numpy_alias("unsqueeze", dim, None, axis, "axis")
    elif dim is None:
        raise TypeError('unsqueeze() missing 1 required positional arguments: "dim"')
    shape = input._data.shape
    d = wrap_dim(dim, len(shape) + 1)
    return _unsqueeze(input, shape=shape[:d] + (1,) + shape[d:])


def permute(input: Tensor, *order: Any, dims: Any = None) -> Tensor:
    """Reorder the dims; `dims` is a permutation of `range(ndim)`.

    Args:
        input (Tensor): the tensor.
        *order (int or sequence of int): the source dim for each output dim, as ints or one
            sequence (negative dims count from the end).
        dims (sequence of int, optional): the same by keyword instead (`permute(dims=(0, 2, 1))`).

    Returns:
        Tensor: a view with the dims in the new order.

    Examples:
        >>> x = retrograd.zeros(2, 3, 4)
        >>> x.permute(2, 0, 1).shape
        retrograd.Size([4, 2, 3])
        >>> retrograd.permute(x, (0, 2, 1)).shape
        retrograd.Size([2, 4, 3])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("permute", input)
    order = size_keyword(order, dims, "permute", name="dims")
    if not order:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    order = shape_arg(order)
    n = input._data.ndim
    if len(order) != n:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to "
            f"len(dims) = {len(order)}"
        )
    order = tuple(wrap_dim(d, n) for d in order)
    if len(set(order)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _permute(input, dims=order)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims.

    Args:
        input (Tensor): the tensor.
        dim0 (int): the first dim.
        dim1 (int): the dim to swap it with.

    Returns:
        Tensor: a view with `dim0` and `dim1` exchanged.

    Examples:
        >>> x = retrograd.tensor([[1, 2, 3], [4, 5, 6]])
        >>> x.transpose(0, 1)
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
        >>> retrograd.transpose(retrograd.zeros(2, 3, 4), -1, 0).shape
        retrograd.Size([4, 3, 2])
    """
    n = input._data.ndim
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    if n == 0:  # dims 0 and -1 of a 0-d tensor: a view of it, as PyTorch gives
        return permute(input, ())
    return _transpose(input, d0=d0, d1=d1)


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """Swap two dims, NumPy's name for `transpose` (keywords `axis0`, `axis1`, as PyTorch's).

    Args:
        input (Tensor): the tensor.
        axis0 (int): one dim to swap (negative counts from the end).
        axis1 (int): the other dim.

    Returns:
        Tensor: a view of `input` with the two dims swapped.

    Examples:
        >>> retrograd.swapaxes(retrograd.zeros(2, 3), axis0=0, axis1=1).shape
        retrograd.Size([3, 2])
    """
    return transpose(input, axis0, axis1)


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims, an alias of `transpose` (keywords `dim0`, `dim1`).

    Args:
        input (Tensor): the tensor.
        dim0 (int): one dim to swap (negative counts from the end).
        dim1 (int): the other dim.

    Returns:
        Tensor: a view of `input` with the two dims swapped.

    Examples:
        >>> retrograd.swapdims(retrograd.zeros(2, 3), dim0=0, dim1=1).shape
        retrograd.Size([3, 2])
    """
    return transpose(input, dim0, dim1)


def t(input: Tensor) -> Tensor:
    """Transpose a matrix (0-d and 1-d tensors are returned as they are).

    Args:
        input (Tensor): a tensor with at most 2 dims.

    Returns:
        Tensor: a view with dims 0 and 1 swapped (`input` itself for 0-d and 1-d).

    Examples:
        >>> retrograd.t(retrograd.tensor([[1, 2, 3], [4, 5, 6]]))
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("t", input)
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    return _t(input)


def movedim(input: Tensor, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move dims from `source` positions to `destination` positions (`moveaxis` is an alias).

    The other dims keep their relative order.

    Args:
        input (Tensor): the tensor whose dims move.
        source (int or sequence of int): the dims to move.
        destination (int or sequence of int): where they go, one per `source` entry.

    Returns:
        Tensor: a view with the dims reordered.

    Examples:
        >>> x = retrograd.zeros(2, 3, 4)
        >>> retrograd.movedim(x, 0, -1).shape
        retrograd.Size([3, 4, 2])
        >>> retrograd.moveaxis(x, (0, 1), (2, 0)).shape
        retrograd.Size([3, 4, 2])
    """
    n = input._data.ndim
    given_src = [source] if isinstance(source, int) else list(source)
    given_dst = [destination] if isinstance(destination, int) else list(destination)
    if len(given_src) != len(given_dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({given_src} dims) should contain "
            f"the same number of dims as destination ({given_dst} dims)"
        )
    src = [wrap_dim(d, n) for d in given_src]
    dst = [wrap_dim(d, n) for d in given_dst]
    for side, given, wrapped in (("source", given_src, src), ("destination", given_dst, dst)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{side}` ({given})")
    if n == 0:  # a 0-d tensor's dim 0 (or -1) moves nowhere
        return permute(input, ())
    order = [d for d in range(n) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim

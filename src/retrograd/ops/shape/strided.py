"""as_strided and as_strided_scatter: a tensor's storage read (or written) with explicit element strides.

`as_strided(input, size, stride, storage_offset)` is a view of the memory behind `input` (its
storage, not its elements): element `i` of the result is storage element
`storage_offset + sum(i_k * stride_k)`. The gradient is PyTorch's: the output's gradient is
added into a zeroed storage, which is then read back through the input's own geometry (divided
by how many input elements share a storage element, when the input overlaps itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..._storage import on_host, root_array
from ..._storage import storage_offset as offset_of
from ...backend import namespace
from ...backend.compat import as_strided as _array_as_strided
from ...engine import views as _views
from ...engine.captures import check_uncaptured, open_scopes
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..elementwise.clamp_where import where
from ..kernels.arg_types import tensor_arg
from ..kernels.operands import as_tensor_of

__all__ = ["as_strided", "as_strided_", "as_strided_scatter"]

Geometry = tuple[tuple[int, ...], tuple[int, ...], int]  # sizes, element strides, storage offset


def _int_tuple(fn: str, name: str, position: int, value: Any) -> tuple[int, ...]:
    """PyTorch's `tuple of ints` argument: a list/tuple/Size of ints."""
    if isinstance(value, Tensor) or not isinstance(value, Sequence):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, not {type(value).__name__}"
        )
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(
                f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, but found element of type "
                f"{type(v).__name__} at pos {i}"
            )
    return tuple(int(v) for v in value)


def geometry_of(a: Any) -> Geometry:
    """An array's sizes, element strides and storage offset."""
    return tuple(a.shape), tuple(s // a.itemsize for s in a.strides), offset_of(a)


def _extent(size: tuple[int, ...], stride: tuple[int, ...]) -> int:
    """The storage elements a geometry spans from its offset (0 when it has no elements)."""
    if any(n == 0 for n in size):
        return 0
    return 1 + sum((n - 1) * s for n, s in zip(size, stride))


def _check(size: tuple[int, ...], stride: tuple[int, ...], offset: int, itemsize: int, storage_bytes: int) -> None:
    """PyTorch's errors for a geometry that does not fit the storage."""
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    extent = _extent(size, stride)
    needed = (offset + extent) * itemsize if extent else 0
    if needed > storage_bytes:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and itemsize "
            f"{itemsize} requiring a storage size of {needed} are out of bounds for storage of size {storage_bytes}"
        )


def storage_indices(size: tuple[int, ...], stride: tuple[int, ...], offset: int) -> np.ndarray:
    """The storage element each element of a geometry reads, shaped `size`."""
    index = np.full(size, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        index = index + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return index


def _strided_view(xp: Any, a: Any, size: tuple, stride: tuple, storage_offset: int, source: Geometry) -> Any:
    """The view of `a`'s storage with the given geometry (storage = the array owning `a`'s memory)."""
    root = root_array(a)
    it = a.itemsize
    byte_strides = tuple(s * it for s in stride)
    if xp is np and root.flags.c_contiguous and storage_offset * it <= root.nbytes:
        # built on the owner itself, so the view's storage and storage_offset() are the input's
        return np.ndarray(size, a.dtype, buffer=root, offset=storage_offset * it, strides=byte_strides)
    extent = _extent(size, stride)
    if extent == 0:
        return xp.empty(size, dtype=a.dtype)
    if not (root.flags.c_contiguous or root.flags.f_contiguous):  # an owner with gaps: no flat storage
        root = xp.ascontiguousarray(root)
    memory = root.reshape(-1, order="A").view(np.uint8)[storage_offset * it : (storage_offset + extent) * it]
    return _array_as_strided(memory.view(a.dtype), size, byte_strides)


def _as_strided_grad(g: Tensor, size: tuple, stride: tuple, storage_offset: int, source: Geometry) -> Tensor:
    # d out / d input: every output element reads one storage element; sum g into the storage,
    # then read the storage back through the input's geometry
    xp = namespace(g._data)
    out_index = storage_indices(size, stride, storage_offset)
    in_index = storage_indices(*source)
    length = int(max(out_index.max(initial=-1), in_index.max(initial=-1))) + 1
    storage = g.new_zeros(length).index_add(0, Tensor._make(xp.asarray(out_index.reshape(-1))), g.reshape(-1))
    grad = storage[Tensor._make(xp.asarray(in_index))]
    shared = np.bincount(in_index.reshape(-1), minlength=length)[in_index]
    if shared.size and shared.max() > 1:  # an input that overlaps itself (expand) shares the gradient
        grad = grad / Tensor._make(xp.asarray(shared.astype(g._data.dtype)))
    return grad


_as_strided = Primitive(
    "as_strided",
    _strided_view,
    [_as_strided_grad],
    node_name="AsStridedBackward0",
    view=True,
)
_as_strided.storage_view = True  # an in-place change through it finds the base's elements by address


def _rederive(view: Tensor, base: Tensor) -> Tensor | None:
    """`view` read again from `base`'s storage by its own geometry (a stale view's new node, as PyTorch's)."""
    a, b = view._data, base._data
    if _vmap.active or not (on_host(a) and on_host(b)) or a.dtype != b.dtype or root_array(a) is not root_array(b):
        return None
    size, stride, offset = geometry_of(a)
    if any(s < 0 for s in stride):
        return None
    return _as_strided(base, size=size, stride=stride, storage_offset=offset, source=geometry_of(b))


_views.strided_rederive = _rederive


def _geometry_args(
    fn: str, input: Tensor, size: Any, stride: Any, storage_offset: Any
) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    size = _int_tuple(fn, "size", 2, size)
    stride = _int_tuple(fn, "stride", 3, stride)
    offset = offset_of(input._data) if storage_offset is None else int(storage_offset)
    _check(size, stride, offset, input._data.itemsize, int(root_array(input._data).nbytes))
    return size, stride, offset


def as_strided(input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None) -> Tensor:
    """A view of `input`'s storage with the given sizes, element strides and storage offset.

    Element `i` of the result is storage element `storage_offset + sum(i_k * stride_k)`;
    `storage_offset` defaults to `input.storage_offset()`. Writes through the result reach
    `input`. Elements may overlap (stride 0 or small strides).

    Args:
        input (Tensor): the tensor whose storage is viewed.
        size (sequence of int): the result's shape.
        stride (sequence of int): the step in storage elements for each dim of the result.
        storage_offset (int, optional): where element 0 sits in the storage (default: `input`'s own
            offset).

    Returns:
        Tensor: a view sharing `input`'s storage; RuntimeError if it would read outside it.

    Examples:
        >>> retrograd.as_strided(retrograd.arange(5.0), (3, 2), (1, 1))
        tensor([[0., 1.],
                [1., 2.],
                [2., 3.]])
        >>> retrograd.arange(6).as_strided((2, 2), (1, 3))
        tensor([[0, 3],
                [1, 4]])
    """
    tensor_arg("as_strided", "input", 1, input)
    if _vmap.active and (
        r := batched("loop", _example_as_strided, input, size, stride, storage_offset)
    ) is not NOT_BATCHED:
        return r
    size, stride, offset = _geometry_args("as_strided", input, size, stride, storage_offset)
    return _as_strided(input, size=size, stride=stride, storage_offset=offset, source=geometry_of(input._data))


def _example_as_strided(x: Tensor, size: Any, stride: Any, storage_offset: Any) -> Tensor:
    # under vmap each example is a storage of its own (PyTorch's semantics): not a slice of the batch's
    return as_strided(x.clone() if x._base is not None else x, size, stride, storage_offset)


def as_strided_(input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None) -> Tensor:
    """`input` itself, changed to view its storage with the given geometry (see `as_strided`).

    Args:
        input (Tensor): the tensor to change in place (not one that requires grad).
        size (sequence of int): the result's shape.
        stride (sequence of int): the step in storage elements for each dim of the result.
        storage_offset (int, optional): where element 0 sits in the storage (default: `input`'s own
            offset).

    Returns:
        Tensor: `input`, with its new shape and strides.

    Examples:
        >>> x = retrograd.arange(6)
        >>> retrograd.as_strided_(x, (2, 2), (3, 1))
        tensor([[0, 1],
                [3, 4]])
        >>> x.shape
        retrograd.Size([2, 2])
    """
    tensor_arg("as_strided_", "input", 1, input)
    if open_scopes[0]:
        check_uncaptured(input, "as_strided_")
    if input._requires_grad:
        if input._grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        raise NotImplementedError("retrograd: as_strided_ of a tensor that requires grad is not supported")
    shape, strides, offset = _geometry_args("as_strided_", input, size, stride, storage_offset)
    data = input._data
    input._data = _strided_view(namespace(data), data, shape, strides, offset, geometry_of(data))
    return input


def as_strided_scatter(
    input: Tensor, src: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None
) -> Tensor:
    """A copy of `input` with `src` written into `input.as_strided(size, stride, storage_offset)`.

    Storage elements that none of `input`'s elements read are not part of the result.

    Args:
        input (Tensor): the tensor to copy.
        src (Tensor): the values, of shape `size` and `input`'s dtype.
        size (sequence of int): the result's shape.
        stride (sequence of int): the step in storage elements for each dim of the result.
        storage_offset (int, optional): where element 0 sits in the storage (default: `input`'s own
            offset).

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> retrograd.as_strided_scatter(retrograd.zeros(5), retrograd.ones(2), (2,), (2,), 1)
        tensor([0., 1., 0., 1., 0.])
    """
    tensor_arg("as_strided_scatter", "input", 1, input)
    tensor_arg("as_strided_scatter", "src", 2, src)
    if _vmap.active and (
        r := batched("loop", lambda x, *rest: as_strided_scatter(x.clone(), *rest), input, src, size, stride,
                     storage_offset)
    ) is not NOT_BATCHED:
        return r
    shape, strides, offset = _geometry_args("as_strided_scatter", input, size, stride, storage_offset)
    if tuple(src.shape) != shape:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
            f"slice size = {list(shape)}"
        )
    xp = namespace(input._data)
    out_index = storage_indices(shape, strides, offset).reshape(-1)
    in_index = storage_indices(*geometry_of(input._data))
    length = int(max(out_index.max(initial=-1), in_index.max(initial=-1))) + 1
    writer = np.full(length, -1, dtype=np.int64)
    writer[out_index] = np.arange(out_index.size)  # the last write to a storage element wins
    source = writer[in_index]  # per input element: the src element written over it, or -1
    values = as_tensor_of(src, input.dtype).reshape(-1)
    if values.shape[0] == 0:
        return input.clone()
    picked = values[Tensor._make(xp.asarray(np.maximum(source, 0)))]
    return where(Tensor._make(xp.asarray(source >= 0)), picked, input)

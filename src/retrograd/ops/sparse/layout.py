"""Sparse COO tensors: construction, conversion to and from dense, coalescing and the accessors.

A sparse tensor is a Tensor whose `_data` is a `backend.sparse.SparseCOO` (indices, values,
shape, coalesced flag). The ops here are primitives on those payloads with PyTorch's nodes:
`sparse_coo_tensor` (SparseCooTensorWithDimsAndTensorsBackward0: its values' gradient is the
incoming gradient read at the indices), `to_dense` (ToDenseBackward0: the dense gradient masked
to the input's entries, a sparse gradient), `to_sparse` (ToSparseBackward1: densified back),
`coalesce` (CoalesceBackward0: the same tensor, so the gradient passes) and `values`
(ValuesBackward0: the values' gradient placed at the indices).
"""

from __future__ import annotations

from typing import Any

import numpy

from ... import _layouts
from ... import dtypes as _dt
from ...backend import sparse as _sp
from ...backend.sparse import SparseCOO
from ...backend.sparse_compressed import SparseCompressed
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..from_data import tensor as _as_tensor
from ..kernels.sparse_coalesce import coalesce_as_cpu
from .dispatch import is_sparse
from .invariants import checks_for_call

__all__ = ["sparse_coo_tensor"]


def _gathered(g: Tensor, indices: Any) -> Tensor:
    """The entries of gradient `g` (dense or sparse) at the columns of `indices`."""
    if is_sparse(g):
        return _values_at(g, indices=indices)
    return g[tuple(Tensor._make(i) for i in indices)]  # differentiable: a second order records it


def _coo_of(xp: Any, values: Any, indices: Any, shape: tuple, coalesced: bool) -> SparseCOO:
    return SparseCOO(indices, values, shape, coalesced)


_from_values = Primitive(
    "sparse_coo_tensor",
    _coo_of,
    [lambda g, indices: _gathered(g, indices)],  # d(entries)/d(values) = the gradient at the indices
    inputs=("values",),
    node_name="SparseCooTensorWithDimsAndTensorsBackward0",
    half_forward=_coo_of,  # the values are stored as given: float16 and bfloat16 ones too
    saves_number=True,  # PyTorch saves the indices: a second backward through the node raises
)
_values_at = Primitive(
    "sparse_values_at",
    lambda xp, a, indices: _sp.values_at(a, indices),
    # each value read is the entry of `a` at its index: the gradient goes back to those positions
    [lambda g, a_shape, indices: _from_values(g, indices=indices, shape=a_shape, coalesced=False)],
)


_coalesce = Primitive("coalesce", coalesce_as_cpu, [lambda g: g])  # the same tensor
_to_dense = Primitive(
    "to_dense",
    lambda xp, a, masked: _sp.to_dense(a),
    [lambda g, a, masked: masked_grad(g, a) if masked else g],  # only the entries a holds vary
    node_name="ToDenseBackward0",
)
_sparse_mask = Primitive(
    "sparse_mask",
    lambda xp, a, pattern, coalesced: SparseCOO(pattern, a[tuple(pattern)], a.shape, coalesced),
    [lambda g: to_dense(g)],  # the kept entries pass their gradient, the others none
)
_to_sparse = Primitive(
    "to_sparse",
    lambda xp, a, sparse_dim: _sp.from_dense(a, sparse_dim),
    [lambda g: to_dense(g)],
    node_name="ToSparseBackward1",
)
_values = Primitive(
    "values",
    lambda xp, a: a.values,
    [lambda g, a: _from_values(g, indices=a._data.indices, shape=a._data.shape, coalesced=True)],
    node_name="ValuesBackward0",
)


_cleared = Primitive(
    "sparse_zero",
    lambda xp, a: SparseCOO(
        numpy.zeros((a.sparse_dim, 0), numpy.int64), a.values[:0].copy(), a.shape, True
    ),
    [lambda g: g * 0],  # the old entries are gone: no gradient reaches them
    node_name="ZeroBackward0",
)


def cleared(input: Tensor) -> Tensor:
    """The out-of-place half of a sparse `zero_()`: the same size and dims, no entries."""
    return _cleared(input)


def _indices_array(indices: Any) -> Any:
    """The indices as int64, as PyTorch converts them (a float tensor's values are truncated)."""
    if not isinstance(indices, Tensor):
        indices = _as_tensor(indices, dtype=_dt.int64)
    return indices._data.astype(numpy.int64)


_SIGNATURES = (
    " * (object indices, object values, *, torch.dtype dtype = None, torch.device device = None, bool pin_memory = "
    "False, bool requires_grad = False, bool check_invariants = None, bool is_coalesced = None)\n"
    " * (object indices, object values, tuple of ints size, *, torch.dtype dtype = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False, bool check_invariants = None, bool is_coalesced = None)\n"
    " * (tuple of ints size, *, torch.dtype dtype = None, torch.device device = None, bool requires_grad = False, "
    "bool check_invariants = None)\n"
)


def _size(size: Any, given: tuple) -> tuple:
    """`size` as a tuple of ints, or PyTorch's TypeError for a call no signature takes."""
    if isinstance(size, (tuple, list)) and all(isinstance(n, int) for n in size):
        return tuple(int(n) for n in size)
    got = ", ".join("Tensor" if isinstance(a, Tensor) else type(a).__name__ for a in given)
    raise TypeError(
        f"sparse_coo_tensor() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        + _SIGNATURES
    )


def _size_only(size: Any, keywords: dict, others: bool) -> tuple:
    """The size of PyTorch's `sparse_coo_tensor(size)` overload (positional or keyword), or its errors."""
    keyword_size = size is _UNSET and "size" in keywords
    if size is _UNSET and not keyword_size and others:  # (the keywords all three overloads take)
        raise TypeError('sparse_coo_tensor() missing 1 required positional arguments: "size"')
    if keywords.keys() - {"size"} or (size is _UNSET and not keyword_size):
        # PyTorch lists keywords last given first, an order Python cannot see: here the signature's, reversed
        named = [f"{k}={type(v).__name__}" for k, v in reversed(keywords.items())]
        got = type(size).__name__ + ", " + ", ".join(named) if size is not _UNSET else "".join(n + ", " for n in named)
        raise TypeError(
            f"sparse_coo_tensor() received an invalid combination of arguments - got ({got}), but expected one of:\n"
            + _SIGNATURES
        )
    size = keywords["size"] if keyword_size else size
    if isinstance(size, Tensor):
        raise TypeError("sparse_coo_tensor(): argument 'size' (position 1) must be tuple of ints, not Tensor")
    shape = (size,) if isinstance(size, int) else _size(size, (size,))
    if any(n < 0 for n in shape):
        raise RuntimeError("numel: integer multiplication overflow")
    return shape


def _inferred_size(indices: Any, values: Any) -> tuple:
    """PyTorch's size for a sparse tensor made without one: max index + 1 per sparse dim."""
    if indices.ndim != 2 or not indices.shape[1]:
        return (0,) * len(indices) + tuple(values.shape[1:])
    _nonnegative(indices)  # PyTorch's first check when it infers the size
    spans = indices.max(axis=1) + 1
    return tuple(int(n) for n in spans) + tuple(values.shape[1:])


def _nonnegative(indices: Any) -> None:
    if (indices < 0).any():
        raise RuntimeError(f"found negative index {int(indices.min())} for dim {int(indices.min(axis=1).argmin())}")


def _check(indices: Any, values: Any, shape: tuple, bounds: bool) -> None:
    """PyTorch's checks of a sparse tensor's parts against its size (the indices' range with `bounds`)."""
    if indices.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(indices.shape)}")
    if values.ndim == 0 or indices.shape[1] != values.shape[0]:
        raise RuntimeError(
            f"indices and values must have same nnz, but got nnz from indices: {indices.shape[1]}, "
            f"nnz from values: {values.shape[0] if values.ndim else 1}"
        )
    sparse_dim = indices.shape[0]
    if len(shape) != sparse_dim + values.ndim - 1:
        raise RuntimeError(
            f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(shape)}, "
            f"sparse_dim = {sparse_dim}, dense_dim = {values.ndim - 1}"
        )
    if indices.shape[1] and bounds:
        _nonnegative(indices)
        high = indices.max(axis=1)
        for d in range(sparse_dim):
            if high[d] >= shape[d]:
                raise RuntimeError(
                    f"size is inconsistent with indices: for dim {d}, size is {shape[d]} but found index {high[d]}"
                )


_UNSET: Any = object()  # (the size-only overload is told apart by a missing `values`)


def sparse_coo_tensor(
    indices: Any = _UNSET,
    values: Any = _UNSET,
    size: Any = None,
    *,
    dtype: Any = None,
    device: Any = None,
    pin_memory: bool = False,
    requires_grad: bool = False,
    check_invariants: bool | None = None,
    is_coalesced: bool | None = None,
) -> Tensor:
    """A sparse COO tensor with the given entries: `values[k]` at position `indices[:, k]`.

    Called with a size alone (`sparse_coo_tensor((2, 3))`), it is the sparse tensor of that size with
    no entries (PyTorch's third overload; `pin_memory` and `is_coalesced` are not part of it).

    Args:
        indices (Tensor or array_like): `(sparse_dim, nnz)` integer coordinates (stored as int64).
        values (Tensor or array_like): `(nnz, *dense_dims)` entries; duplicates add up.
        size (sequence of int, optional): the shape; default the smallest that holds the indices.
        dtype (dtype, optional): the values' dtype (default: that of `values`).
        device (str or device, optional): must be the CPU (retrograd's sparse tensors live there).
        pin_memory (bool): must be False.
        requires_grad (bool): make the result a leaf that requires grad.
        check_invariants (bool, optional): whether to check the indices against the size; unset
            follows `retrograd.sparse.check_sparse_tensor_invariants` (retrograd checks unless that
            switch is disabled; PyTorch by default does not, and warns once that it does not).
        is_coalesced (bool, optional): True declares the entries sorted and unique.

    Returns:
        Tensor: layout `sparse_coo`; with a graph to `values` when they require grad.

    Examples:
        >>> s = retrograd.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
        >>> s.to_dense()
        tensor([[0., 2.],
                [3., 0.]])
        >>> retrograd.sparse_coo_tensor((2, 3), check_invariants=True)._nnz()
        0
    """
    if values is _UNSET:
        keywords = {"size": size, "pin_memory": pin_memory or None, "is_coalesced": is_coalesced}
        others = dtype is not None or device is not None or requires_grad or check_invariants is not None
        shape = _size_only(indices, {k: v for k, v in keywords.items() if v is not None}, others)
        empty = _as_tensor(numpy.zeros(0), dtype=dtype if dtype is not None else _dt.get_default_dtype())
        return sparse_coo_tensor(
            numpy.zeros((len(shape), 0), numpy.int64), empty, shape, device=device, requires_grad=requires_grad,
            check_invariants=check_invariants, is_coalesced=True,
        )
    if device is not None and str(device) != "cpu":
        raise NotImplementedError(f"retrograd's sparse COO tensors live on the CPU, not {device}")
    if pin_memory:
        raise NotImplementedError("retrograd's sparse COO tensors cannot be pinned")
    values_t = values if isinstance(values, Tensor) else _as_tensor(values)  # PyTorch's order of checks
    given_size = None if size is None else _size(size, (indices, values, size))
    index = _indices_array(indices)
    if dtype is not None:
        values_t = values_t.to(dtype)
    shape = given_size if given_size is not None else _inferred_size(index, values_t._data)
    _check(index, values_t._data, shape, bounds=checks_for_call(check_invariants))
    coalesced = bool(is_coalesced) or index.shape[1] < 2
    if requires_grad:
        values_t = values_t.detach()
    out = _from_values(values_t, indices=index, shape=shape, coalesced=coalesced)
    return out._set_requires_grad() if requires_grad else out


def entries(values: Tensor, indices: Any, shape: tuple) -> Tensor:
    """The sparse tensor of these (unchecked) entries, marked coalesced only below two entries: the
    sparse gradients' constructor (PyTorch's `_sparse_coo_tensor_unsafe`), differentiable in `values`."""
    index = indices.astype(numpy.int64, copy=False)
    return _from_values(values, indices=index, shape=tuple(shape), coalesced=index.shape[1] < 2)


def _sparse_only(t: Tensor, name: str) -> SparseCOO:
    if not is_sparse(t):
        raise RuntimeError(f"{name} expected sparse coordinate tensor layout but got {_layout_name(t)}")
    return t._data


def _layout_name(t: Tensor) -> str:
    data = getattr(t, "_data", None)
    if type(data) is SparseCompressed:
        return "SparseCsr" if data.by_rows else "SparseCsc"
    return "Sparse" if is_sparse(t) else "Strided"


def to_dense(input: Tensor, dtype: Any = None, *, masked_grad: bool | None = None) -> Tensor:
    """The dense tensor a sparse one stands for (duplicates summed); a dense tensor itself (cast
    to `dtype` if given; a sparse one refuses `dtype`, as PyTorch's).

    `masked_grad` (default True) gives a sparse input the gradient at its own entries only;
    False gives it the whole dense gradient.
    """
    if not is_sparse(input):
        return input if dtype is None else input.to(dtype)
    if dtype is not None:
        raise RuntimeError("dtype argument is not supported by sparse_to_dense")
    return _to_dense(input, masked=masked_grad is not False)


def sparse_mask(input: Tensor, mask: Tensor) -> Tensor:
    """The entries of `input` at the stored positions of sparse `mask` (kept as they are), as a sparse tensor."""
    pattern = _sparse_only(mask, "sparse_mask").indices
    return _masked(input, mask, pattern, mask._data.coalesced)


def masked_grad(g: Tensor, a: Tensor) -> Tensor:
    """Gradient `g` at the coalesced positions of sparse `a`: what the sparse input of `to_dense`
    gets (coalesced, as PyTorch's, whether or not `a` is)."""
    return _masked(g, a, _sp.coalesce(a._data).indices, True)


def _masked(input: Tensor, mask: Tensor, pattern: Any, coalesced: bool) -> Tensor:
    if input.shape != mask.shape:
        raise RuntimeError(
            f"sparse_mask(): operands have incompatible sizes; self has size {list(input.shape)} but mask has "
            f"size {list(mask.shape)}"
        )
    if is_sparse(input):
        held = _values_at(input, indices=pattern)
        return _from_values(held, indices=pattern, shape=input._data.shape, coalesced=coalesced)
    return _sparse_mask(input, pattern=pattern, coalesced=coalesced)


def to_sparse(input: Tensor, sparse_dim: int | None = None, *, layout: Any = None) -> Tensor:
    """A sparse COO tensor of `input`'s nonzero entries (over its first `sparse_dim` dims, default all)."""
    if layout is not None and layout is not _layouts.sparse_coo:
        raise NotImplementedError(f"to_sparse: retrograd has sparse COO tensors only, not layout {layout}")
    if is_sparse(input):
        if sparse_dim is not None and sparse_dim != input._data.sparse_dim:
            raise RuntimeError(
                "to_sparse: conversion from Sparse to Sparse with sparse_dim argument !=self.sparse_dim() is not "
                "supported"
            )
        return input
    dims = input.ndim if sparse_dim is None else int(sparse_dim)
    if not 0 < dims <= input.ndim:
        raise RuntimeError(f"sparse_dim argument must be in [1, {input.ndim}] range, but got {dims}")
    return _to_sparse(input, sparse_dim=dims)


def to_sparse_coo(input: Tensor) -> Tensor:
    """`input.to_sparse()`: a sparse COO tensor of its nonzero entries."""
    return to_sparse(input)


def coalesce(input: Tensor) -> Tensor:
    """The sparse tensor with its entries sorted by index and duplicates summed (itself if already so)."""
    data = _sparse_only(input, "coalesce")
    return input if data.coalesced else _coalesce(input)


def is_coalesced(input: Tensor) -> bool:
    """Whether the sparse tensor's entries are known to be sorted and unique."""
    return _sparse_only(input, "is_coalesced").coalesced


def set_coalesced(input: Tensor, coalesced: bool) -> Tensor:
    """`input._coalesced_(flag)`: declare, in place and unchecked, whether the entries are sorted and unique.

    PyTorch Geometric marks the sparse adjacency it builds from a sorted edge_index so, to read its
    `indices()` without a coalesce.
    """
    if type(coalesced) is not bool:
        kind = type(coalesced).__name__
        raise TypeError(f"_coalesced_(): argument 'coalesced' (position 1) must be bool, not {kind}")
    if not is_sparse(input):
        raise NotImplementedError(
            "Could not run 'aten::_coalesced_' with arguments from the 'CPU' backend. 'aten::_coalesced_' is only "
            "available for sparse tensors."
        )
    if input.requires_grad and input.is_leaf:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    input._data.coalesced = coalesced
    return input


def indices(input: Tensor) -> Tensor:
    """The `(sparse_dim, nnz)` int64 coordinates of a coalesced sparse tensor."""
    if not _sparse_only(input, "indices").coalesced:
        raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
    return Tensor._make(input._data.indices)


def values(input: Tensor) -> Tensor:
    """The `(nnz, *dense_dims)` entries of a coalesced sparse tensor (differentiable)."""
    if not is_sparse(input):
        raise RuntimeError(f"values expected sparse tensor layout but got {_layout_name(input)}")
    if not input._data.coalesced:
        raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
    return _values(input)


def raw_indices(input: Tensor) -> Tensor:
    """`_indices()`: the stored coordinates, coalesced or not."""
    return Tensor._make(_sparse_only(input, "_indices").indices)


def raw_values(input: Tensor) -> Tensor:
    """`_values()`: the stored entries, coalesced or not, without a graph."""
    return Tensor._make(_sparse_only(input, "_values").values)


def nnz(input: Tensor) -> int:
    """`_nnz()`: how many entries are stored (duplicates counted)."""
    return _sparse_only(input, "_nnz").nnz


def sparse_dim(input: Tensor) -> int:
    """How many leading dims are sparse (0 for a dense tensor)."""
    return input._data.sparse_dim if is_sparse(input) else 0


def dense_dim(input: Tensor) -> int:
    """How many trailing dims each entry spans (all of a dense tensor's)."""
    return input._data.values.ndim - 1 if is_sparse(input) else input.ndim

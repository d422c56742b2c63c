"""Sparse COO tensors re-indexed along their sparse dims: `index_select`, `select` (`s[i]`), `unbind`
(`list(s)`), `cat`, `stack`, `unsqueeze` and `permute` (`s.T`), which move stored entries without
touching their values.

Each output entry is an input entry (in PyTorch's order: by output position along the dim, then
in the input's order of entries), so one primitive covers them: the values picked by `take`, the
new `indices` and shape; the result is flagged uncoalesced, as PyTorch's are (`select` keeps its
input's flag). Its gradient reads the output gradient at the output's entries and puts each at
the input entry it came from. `cat` joins entry lists with a second primitive. PyTorch's
index_select of a sparse tensor has no backward: the same error is raised here. Selecting along the
only sparse dim leaves no sparse dim: the result is dense, the values stored there summed, as in
PyTorch. The dense dims of a hybrid tensor are not re-indexed here (PyTorch's missing-kernel error).
"""

from __future__ import annotations

from typing import Any

import numpy

from ...backend.sparse import SparseCOO
from ...engine.primitive import SPARSE_KERNELS as KERNELS
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..indexing.view_scatter import select_scatter
from .dispatch import is_sparse, missing
from .layout import _from_values, _gathered

__all__: list[str] = []


def _back_to_entries(g: Tensor, a: Tensor, take: Any, indices: Any) -> Tensor:
    """The output gradient read at the output positions and put at the input positions they came
    from: once per (input position, output position) pair, since repeated entries of one position
    are one element (a gradient per entry would count it again for each)."""
    sources = a._data.indices[:, take]
    _, first = numpy.unique(numpy.concatenate([sources, indices]), axis=1, return_index=True)
    first.sort()
    return _from_values(_gathered(g, indices[:, first]), indices=sources[:, first], shape=a._data.shape,
                        coalesced=False)


def _regroup(node: str, backward_error: str | None = None) -> Primitive:
    """The re-indexing primitive recorded as `node`; `backward_error`: the operator PyTorch's
    backward of it needs and sparse tensors lack (its error is raised at backward, as there)."""
    return Primitive(
        f"sparse_{node}",
        lambda xp, a, take, indices, shape, coalesced: SparseCOO(indices, a.values[take], shape, coalesced),
        [_back_to_entries if backward_error is None else _refusal(backward_error)],
        node_name=node,
    )


def _refusal(name: str) -> Any:
    def rule(g: Tensor) -> Tensor:
        raise missing(name)

    return rule


def _join(node: str, backward_error: str | None = None) -> Primitive:
    """The entries of a, then those of b (the same shape), recorded as `node`."""
    rules = [lambda g, a: _gathered_as(g, a), lambda g, b: _gathered_as(g, b)]
    return Primitive(
        f"sparse_join_{node}",
        lambda xp, a, b: SparseCOO(
            numpy.concatenate([a.indices, b.indices], 1), numpy.concatenate([a.values, b.values]), a.shape, False
        ),
        rules if backward_error is None else [_refusal(backward_error)] * 2,
        inputs=("a", "b"),
        node_name=node,
    )


# PyTorch differentiates only `stack` of these for a sparse gradient (and `select` for a dense one)
_index_select = _regroup("IndexSelectBackward0", "index_add_")
_unsqueeze = _regroup("UnsqueezeBackward0", "as_strided")
_placed, _joined = _regroup("CatBackward0", "as_strided"), _join("CatBackward0", "as_strided")
_stacked, _joined_stack = _regroup("StackBackward0"), _join("StackBackward0")


def _select_backward(g: Tensor, a_shape: tuple, dim: int, index: int) -> Tensor:
    """d/da of a select: the gradient put at `index` along `dim` of a dense zero tensor, as PyTorch's
    select_backward does; a sparse gradient it has no kernel for."""
    if is_sparse(g):
        raise missing("select_backward")
    return select_scatter(g.new_zeros(a_shape), g, dim, index)


# the entries at `index` along `dim`, that dim dropped from their indices
_select = Primitive(
    "sparse_select",
    lambda xp, a, take, indices, shape, coalesced, dim, index: SparseCOO(indices, a.values[take], shape, coalesced),
    [_select_backward],
    node_name="SelectBackward0",
)
# the same of the only sparse dim: a dense result, the values stored there summed (several where
# uncoalesced)
_select_dense = Primitive(
    "sparse_select_dense",
    lambda xp, a, take, dim, index: a.values[take].sum(0, dtype=a.values.dtype),
    [_select_backward],
    node_name="SelectBackward0",
)


def _gathered_as(g: Tensor, part: Tensor) -> Tensor:
    """The gradient read at the positions `part` holds (each once), as a sparse gradient of it."""
    data = part._data
    held = numpy.unique(data.indices, axis=1) if data.nnz else data.indices
    return _from_values(_gathered(g, held), indices=held, shape=data.shape, coalesced=False)


def _along(a: Tensor, dim: int, name: str) -> int:
    if dim >= a._data.sparse_dim:
        raise missing(name)  # a dense dim of a hybrid tensor
    return dim


def _index_select_kernel(tensors: tuple, attrs: dict) -> Tensor:
    (a,) = tensors
    key = attrs["key"]
    dim = _along(a, next(d for d, k in enumerate(key) if not isinstance(k, slice)), "index_select")
    index = numpy.asarray(key[dim], numpy.int64).reshape(-1)
    at = a._data.indices[dim]
    matches = at[None, :] == index[:, None]  # (output position, input entry)
    position, take = numpy.nonzero(matches)  # by output position, then input order
    indices = a._data.indices[:, take].copy()
    indices[dim] = position
    shape = a.shape[:dim] + (index.size,) + a.shape[dim + 1 :]
    return _index_select(a, take=take, indices=indices, shape=tuple(shape), coalesced=False)


def _select_kernel(tensors: tuple, attrs: dict) -> Tensor:
    (a,) = tensors
    key = attrs["key"]
    dim = _along(a, next(d for d, k in enumerate(key) if not isinstance(k, slice) and k is not Ellipsis), "select")
    i = key[dim] % a.shape[dim]
    (take,) = numpy.nonzero(a._data.indices[dim] == i)
    if a._data.sparse_dim == 1:
        return _select_dense(a, take=take, dim=dim, index=i)
    indices = numpy.delete(a._data.indices[:, take], dim, axis=0)
    shape = a.shape[:dim] + a.shape[dim + 1 :]
    # PyTorch keeps no flag for the entries picked: coalesced only when fewer than two
    return _select(a, take=take, indices=indices, shape=tuple(shape), coalesced=take.size < 2, dim=dim, index=i)


def _split_kernel(tensors: tuple, attrs: dict) -> tuple:
    """`unbind` (one integer key per piece): each piece selected; `split`/`chunk` (slices) take
    narrowed views, which PyTorch builds with as_strided and sparse tensors lack."""
    keys, dim = attrs["keys"], attrs["dim"]
    if not all(isinstance(key[dim], int) for key in keys):
        raise missing("as_strided")
    return tuple(_select_kernel(tensors, {"key": key}) for key in keys)


def _unsqueeze_kernel(tensors: tuple, attrs: dict) -> Tensor:
    (a,) = tensors
    shape = tuple(attrs["shape"])
    dim = next(d for d in range(len(shape)) if shape[d] == 1 and shape[:d] + shape[d + 1 :] == a.shape)
    if dim > a._data.sparse_dim:  # a new dense dim of a hybrid tensor
        raise missing("unsqueeze")
    indices = numpy.insert(a._data.indices, dim, 0, axis=0)
    return _unsqueeze(a, take=numpy.arange(a._data.nnz), indices=indices, shape=shape, coalesced=False)


def _cat_kernel(tensors: tuple, attrs: dict) -> Tensor:
    for k, t in enumerate(tensors):
        if not is_sparse(t):
            raise RuntimeError(f"Concatenating sparse tensors, but a dense tensor was found at position {k}.")
    return _entries_joined(tensors, _along(tensors[0], attrs["dim"], "cat"), _placed, _joined, None)


def _stack_kernel(tensors: tuple, attrs: dict) -> Tensor:
    if not all(is_sparse(t) for t in tensors):
        raise missing("stack")
    dim = attrs["dim"]
    if dim > tensors[0]._data.sparse_dim:
        raise missing("stack")
    return _entries_joined(tensors, dim, _stacked, _joined_stack, dim)


def _entries_joined(tensors: tuple, dim: int, place: Primitive, join: Primitive, new_dim: int | None) -> Tensor:
    """The entries of each tensor in turn, moved along `dim` past the ones before (`cat`), or given
    their tensor's position in a new dim `new_dim` (`stack`)."""
    first = tensors[0].shape
    if new_dim is None:
        shape = first[:dim] + (sum(t.shape[dim] for t in tensors),) + first[dim + 1 :]
    else:
        shape = first[:dim] + (len(tensors),) + first[dim:]
    out, offset = None, 0
    for k, t in enumerate(tensors):
        if new_dim is None:
            indices = t._data.indices.copy()
            indices[dim] += offset
            offset += t.shape[dim]
        else:
            indices = numpy.insert(t._data.indices, dim, k, axis=0)
        part = place(t, take=numpy.arange(t._data.nnz), indices=indices, shape=tuple(shape), coalesced=False)
        out = part if out is None else join(out, part)
    return out  # type: ignore[return-value]


def _inverse(dims: tuple) -> tuple:
    return tuple(sorted(range(len(dims)), key=lambda d: dims[d]))


_permute = Primitive(  # sparse dims reordered: the gradient is permuted back
    "sparse_permute",
    lambda xp, a, dims: SparseCOO(
        a.indices[list(dims[: a.sparse_dim])], a.values, tuple(a.shape[d] for d in dims), a.coalesced and a.nnz < 2
    ),
    [lambda g, dims: g.permute(_inverse(dims))],
    node_name="PermuteBackward0",
)


def _permute_kernel(tensors: tuple, attrs: dict) -> Tensor:
    (a,) = tensors
    dims = tuple(attrs["dims"])
    k = a._data.sparse_dim
    if any(dims[d] != d for d in range(k, len(dims))):  # dense dims moved: not built here
        raise missing("permute")
    return _permute(a, dims=dims)


KERNELS.update(
    {
        "permute": _permute_kernel,
        "index_select": _index_select_kernel,
        "select": _select_kernel,
        "split": _split_kernel,
        "unsqueeze": _unsqueeze_kernel,
        "cat": _cat_kernel,
        "stack": _stack_kernel,
    }
)

"""`torch.sspaddmm`, `torch.smm` and `torch.hspmm`: sparse (m, k) @ dense (k, p) kept sparse, row by row.

As PyTorch's CPU kernel, the result holds beta·input's entries first, then, for each row of the
(coalesced) sparse operand that has entries, all p columns of alpha·(that row @ dense), zeros
included; it is not marked coalesced. PyTorch has no derivative for it: the result of operands
that require grad records a node whose backward raises PyTorch's error.
"""

from __future__ import annotations

from typing import Any

import numpy

from ...backend import sparse as _sp
from ...backend.sparse import SparseCOO
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.arg_types import check_tensors
from .dispatch import is_sparse

__all__ = ["sspaddmm", "smm", "hspmm"]


def _forward(xp: Any, c: SparseCOO, a: SparseCOO, b: Any, beta: Any, alpha: Any) -> SparseCOO:
    a = _sp.coalesce(a)
    rows = numpy.unique(a.indices[0])
    p = b.shape[1]
    product = _sp.matmul(a, b, alpha=alpha)[rows]
    c_values = c.values if beta == 1 else c.values * c.values.dtype.type(beta)
    grid = numpy.stack([numpy.repeat(rows, p), numpy.tile(numpy.arange(p, dtype=numpy.int64), len(rows))])
    indices = numpy.concatenate([c.indices, grid], axis=1)
    values = numpy.concatenate([c_values, product.reshape(-1).astype(c.values.dtype, copy=False)])
    return SparseCOO(indices, values, (a.shape[0], p), not len(values))  # (an empty one is coalesced)


def _hybrid(xp: Any, a: SparseCOO, b: Any) -> SparseCOO:
    """hspmm: the rows of a @ b where `a` has entries, as a sparse tensor of 1 sparse dim (rows) and 1 dense."""
    rows = numpy.unique(a.indices[0])
    product = _sp.matmul(_sp.coalesce(a), b)[rows]
    values = product.astype(a.values.dtype, copy=False)
    return SparseCOO(rows[None, :], values, (a.shape[0], b.shape[1]), not len(rows))


def _no_derivative(op: str) -> list:
    def rule(g: Tensor) -> Tensor:
        raise RuntimeError(f"derivative for aten::{op} is not implemented")

    return [rule] * 3


_sspaddmm = Primitive(
    "sspaddmm", _forward, _no_derivative("sspaddmm"), inputs=("c", "a", "b"), node_name="NotImplemented"
)
_hspmm = Primitive("hspmm", _hybrid, _no_derivative("hspmm")[:2], inputs=("a", "b"), node_name="NotImplemented")


def _check(input: Tensor, mat1: Tensor, mat2: Tensor) -> None:
    """PyTorch's checks: sparse `input` and `mat1`, matrices, one dtype, matching sizes."""
    if not (is_sparse(input) and is_sparse(mat1)):
        raise RuntimeError("tensor.sspaddmm(...) can only be called on sparse tensors")
    for i, dims in ((2, mat1.sparse_dim()), (3, mat2.dim())):  # (a hybrid mat1 counts its sparse dims)
        if dims != 2:
            raise RuntimeError(f"sspaddmm: Argument #{i}: matrices expected, got {dims}D tensor")
    for t in (mat1, mat2):
        if t.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype.kind_name} but found {t.dtype.kind_name}")
    (m, k), (k2, p) = mat1.shape, mat2.shape
    if k != k2:
        raise RuntimeError(f"sspaddmm: Argument #3 (dense): Expected dim 0 size {k}, got {k2}")
    if tuple(input.shape) != (m, p):
        raise RuntimeError(
            f"sspaddmm: Argument #1: Expected dim 0 size {m}, got {input.shape[0]}"
            if input.shape[0] != m
            else f"sspaddmm: Argument #1: Expected dim 1 size {p}, got {input.shape[1]}"
        )


def sspaddmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta·input + alpha·(mat1 @ mat2), sparse, for sparse `input` (m, p) and `mat1` (m, k) and dense `mat2`.

    Args:
        input (Tensor): a sparse COO (m, p) matrix; its entries come first in the result.
        mat1 (Tensor): a sparse COO (m, k) matrix.
        mat2 (Tensor): a dense (k, p) matrix of the same dtype.
        beta (number): the factor for `input` (default 1).
        alpha (number): the factor for the product (default 1).

    Returns:
        Tensor: a sparse COO (m, p) matrix, not coalesced: `input`'s entries, then every column of each
        row where `mat1` has entries (zeros included). Not differentiable (as in PyTorch).

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[0, 0], [0, 1]], [2.0, 3.0], (2, 2))
        >>> r = retrograd.sspaddmm(retrograd.sparse_coo_tensor((2, 1)), a, retrograd.ones(2, 1))
        >>> r._indices(), r._values()
        (tensor([[0],
                [0]]), tensor([5.]))
    """
    check_tensors("sspaddmm", input=input, mat1=mat1, mat2=mat2)
    _check(input, mat1, mat2)
    return _sspaddmm(input, mat1, mat2, beta=beta, alpha=alpha)


def smm(input: Tensor, mat: Tensor) -> Tensor:
    """Sparse (m, k) @ dense (k, p), sparse: `sspaddmm` of an empty sparse (m, p) input.

    Args:
        input (Tensor): a sparse COO (m, k) matrix.
        mat (Tensor): a dense (k, p) matrix of the same dtype.

    Returns:
        Tensor: a sparse COO (m, p) matrix holding every column of each row where `input` has entries.

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[1], [0]], [2.0], (3, 2))
        >>> retrograd.smm(a, retrograd.tensor([[1.0, 0.0], [0.0, 1.0]])).to_dense()
        tensor([[0., 0.],
                [2., 0.],
                [0., 0.]])
    """
    check_tensors("smm", input=input, mat2=mat)  # (PyTorch's name for the dense operand)
    if not is_sparse(input):
        raise RuntimeError("tensor.sspaddmm(...) can only be called on sparse tensors")
    return sspaddmm(smm_input(input, mat), input, mat)


def hspmm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """Sparse (m, k) @ dense (k, p) as a hybrid sparse tensor: one sparse dim (the rows with entries), one dense.

    Args:
        mat1 (Tensor): a sparse COO (m, k) matrix.
        mat2 (Tensor): a dense (k, p) matrix of the same dtype.

    Returns:
        Tensor: a sparse COO (m, p) tensor whose entries are whole rows (values of shape (rows, p)).
        Not differentiable (as in PyTorch).

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[1], [0]], [2.0], (3, 2))
        >>> retrograd.hspmm(a, retrograd.ones(2, 2))._values()
        tensor([[2., 2.]])
    """
    check_tensors("hspmm", mat1=mat1, mat2=mat2)
    if not is_sparse(mat1):  # PyTorch has no dense kernel for it (its dispatcher's error)
        raise NotImplementedError(
            "Could not run 'aten::hspmm' with arguments from the 'CPU' backend. This could be because the operator "
            "doesn't exist for this backend, or was omitted during the selective/custom build process (if using "
            "custom build)."
        )
    _check(smm_input(mat1, mat2), mat1, mat2)
    return _hspmm(mat1, mat2)


def smm_input(input: Tensor, mat: Tensor) -> Tensor:
    """The empty sparse (m, p) tensor `smm` adds the product to."""
    rows = input.shape[0] if input.dim() == 2 else 0
    shape = (rows, mat.shape[-1])
    return Tensor._make(SparseCOO(numpy.zeros((2, 0), numpy.int64), input._data.values[:0], shape, True))

"""`torch.sparse.mm(a, b, reduce)`: CSR (n, m) @ dense (m, p) whose rows reduce their terms by a
sum, mean, max or min (PyTorch's `_sparse_mm_reduce_impl`, which takes CSR only).

Row i of the result reduces `a[i, k] * b[k]` over the entries k stored in row i of `a`; a row
without entries gives 0. PyTorch Geometric's `spmm(adj, x, reduce="mean")` (SAGEConv's mean
aggregation) calls it. Composed of differentiable ops, so gradients (of any order) reach `b`.
"""

from __future__ import annotations

from ...backend import sparse_compressed as _sc
from ...engine.primitive import SPARSE_MISSING
from ...tensor import Tensor
from ..indexing.gather_scatter import scatter_reduce
from .compressed import is_compressed, values

__all__ = ["sparse_mm_reduce"]

# PyTorch's names for the reductions, "max" and "min" included as it takes them
_REDUCTIONS = {"sum": "sum", "mean": "mean", "amax": "amax", "max": "amax", "amin": "amin", "min": "amin"}


def _check(a: Tensor, b: Tensor, reduce: str) -> None:
    """PyTorch's errors, in its order: the layout, the reduction, then `b`'s shape and dtype."""
    if not is_compressed(a):
        raise NotImplementedError(SPARSE_MISSING.format("_sparse_mm_reduce_impl"))
    if not a._data.by_rows:
        raise RuntimeError("sparse_mm_reduce: expect self to be SparseCsr, got SparseCsc")
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"sparse_mm_reduce: reduce type of {reduce} has not been enabled.")
    m = a.shape[1]
    if b.ndim != 2 or b.shape[0] != m:
        size0 = b.shape[0] if b.ndim else 0
        raise RuntimeError(
            f"Expected a tensor of dimension 2 and tensor.size[0] == {m} but got: dimension {b.ndim} "
            f"and tensor.size[0] = {size0}"
        )
    if b.dtype != a.dtype:
        raise RuntimeError(
            f"Expected tensor for argument #1 'other' to have scalar type {a.dtype.kind_name}; but got "
            f"torch.{b.dtype.legacy_name} instead (while checking arguments for sparse_mm_reduce)"
        )


def sparse_mm_reduce(a: Tensor, b: Tensor, reduce: str) -> Tensor:
    """Dense `(n, p)`: row i reduces `a[i, k] * b[k]` over a's entries in row i with `reduce`
    ("sum", "mean", "amax"/"max", "amin"/"min"); rows without entries are 0."""
    _check(a, b, reduce)
    rows, cols = _sc.entry_positions(a._data.compressed, a._data.plain, True)
    n, p = a.shape[0], b.shape[1]
    terms = values(a).unsqueeze(1) * b[Tensor._make(cols)]  # (nnz, p): a[i, k] * b[k]
    index = Tensor._make(rows).unsqueeze(1).expand(-1, p)
    return scatter_reduce(b.new_zeros((n, p)), 0, index, terms, _REDUCTIONS[reduce], include_self=False)

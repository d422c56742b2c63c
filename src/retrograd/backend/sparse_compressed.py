"""The sparse compressed payload: what a `layout=torch.sparse_csr` or `sparse_csc` tensor holds.

A compressed matrix (2-D, no batch or dense dims) stores its entries by rows (CSR) or by columns
(CSC): `compressed` (one more than the compressed dim: entries `compressed[i]` up to
`compressed[i + 1]` belong to row/column i), `plain` (each entry's column/row), both int64 (or
int32 where a program built them so, as PyTorch keeps them), and `values` (nnz,). Like
`SparseCOO` it answers shape, ndim, dtype and size, and refuses every array operation with
`SparseUnsupported`, so a primitive that meets one hands it to the compressed kernels the engine
knows (`engine.primitive.COMPRESSED_KERNELS`) or raises PyTorch's error.

The functions below are the NumPy kernels the differentiable ops of `ops.sparse.compressed` run.
"""

from __future__ import annotations

from typing import Any

import numpy

from .sparse import RefusedArray, SparseCOO, coalesce


class SparseCompressed(RefusedArray):
    """compressed and plain int64 index arrays, values (nnz,), a 2-D shape and the layout's name."""

    __slots__ = ("compressed", "plain", "values", "shape", "layout")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, compressed: Any, plain: Any, values: Any, shape: tuple, layout: str) -> None:
        self.compressed = compressed
        self.plain = plain
        self.values = values
        self.shape = tuple(shape)
        self.layout = layout  # "sparse_csr" or "sparse_csc"

    @property
    def nnz(self) -> int:
        return int(self.plain.shape[0])

    @property
    def by_rows(self) -> bool:
        return self.layout == "sparse_csr"

    def copy(self) -> SparseCompressed:
        return SparseCompressed(self.compressed.copy(), self.plain.copy(), self.values.copy(), self.shape, self.layout)


# --- kernels -----------------------------------------------------------------------------------


def compress(major: Any, minor: Any, values: Any, shape: tuple, layout: str) -> SparseCompressed:
    """The compressed matrix of entries at (major, minor), already sorted by major index."""
    n = shape[0] if layout == "sparse_csr" else shape[1]
    counts = numpy.bincount(major, minlength=n) if major.size else numpy.zeros(n, numpy.int64)
    compressed = numpy.concatenate(([0], numpy.cumsum(counts))).astype(numpy.int64)
    return SparseCompressed(compressed, minor.astype(numpy.int64), values, shape, layout)


def from_dense(a: Any, layout: str) -> SparseCompressed:
    """The nonzero entries of 2-D `a`, row by row (CSR) or column by column (CSC)."""
    view = a if layout == "sparse_csr" else a.T
    major, minor = numpy.nonzero(view)
    return compress(major, minor, view[major, minor], a.shape, layout)


def rows_and_columns(a: SparseCompressed) -> tuple[Any, Any]:
    """Each entry's row and column, in storage order."""
    return entry_positions(a.compressed, a.plain, a.by_rows)


def entry_positions(compressed: Any, plain: Any, by_rows: bool) -> tuple[Any, Any]:
    """Each entry's (row, column) from a compressed matrix's index arrays."""
    major = numpy.repeat(numpy.arange(len(compressed) - 1), numpy.diff(compressed))
    return (major, plain) if by_rows else (plain, major)


def to_dense(a: SparseCompressed) -> Any:
    out = numpy.zeros(a.shape, a.values.dtype)
    numpy.add.at(out, rows_and_columns(a), a.values)
    return out


def to_coo(a: SparseCompressed) -> SparseCOO:
    """The same entries as a coalesced sparse COO matrix."""
    rows, cols = rows_and_columns(a)
    order = numpy.lexsort((cols, rows))
    indices = numpy.stack((rows[order], cols[order])).astype(numpy.int64).reshape(2, -1)
    return coalesce(SparseCOO(indices, a.values[order], a.shape, False))


def relaid(a: SparseCompressed, layout: str) -> SparseCompressed:
    """The same matrix stored the other way (CSR <-> CSC), or `a` itself."""
    if layout == a.layout:
        return a
    rows, cols = rows_and_columns(a)
    major, minor = (rows, cols) if layout == "sparse_csr" else (cols, rows)
    order = numpy.lexsort((minor, major))
    return compress(major[order], minor[order], a.values[order], a.shape, layout)


def transpose(a: SparseCompressed) -> SparseCompressed:
    """Aᵀ: the same arrays read the other way (CSR (m, n) -> CSC (n, m))."""
    layout = "sparse_csc" if a.by_rows else "sparse_csr"
    return SparseCompressed(a.compressed, a.plain, a.values, a.shape[::-1], layout)


def matmul(a: SparseCompressed, b: Any, out: Any = None, alpha: Any = 1) -> Any:
    """A @ b for dense b (k,) or (k, p): each entry adds value·b[column] to its row, in entry order."""
    rows, cols = rows_and_columns(a)
    dtype = numpy.result_type(a.values, b)
    if out is None:
        out = numpy.zeros((a.shape[0],) + b.shape[1:], dtype)
    values = a.values if alpha == 1 else a.values * dtype.type(alpha)
    numpy.add.at(out, rows, values.reshape((-1,) + (1,) * (b.ndim - 1)) * b[cols])
    return out


def from_coo(a: SparseCOO, layout: str) -> SparseCompressed:
    """A 2-D sparse COO matrix's entries (duplicates summed), compressed."""
    a = coalesce(a)
    rows, cols = a.indices
    major, minor = (rows, cols) if layout == "sparse_csr" else (cols, rows)
    order = numpy.lexsort((minor, major))
    return compress(major[order], minor[order], a.values[order], a.shape, layout)

"""The sparse COO payload: what a `layout=torch.sparse_coo` tensor holds in place of an array.

A sparse tensor is an ordinary `Tensor` whose `_data` is a `SparseCOO`: an int64 array of
`indices` (sparse_dim, nnz), the `values` (nnz, *dense_dims) as a backend array, the full
`shape`, and whether the entries are known to be coalesced (sorted, no duplicates). It answers
`shape`, `ndim`, `dtype` and `size` as an array does, so the metadata code of Tensor works
unchanged, but it is not an array: every array-library call on it (a ufunc, a NumPy function,
an arithmetic operator, indexing, `astype`, ...) raises `SparseUnsupported`. Dense ops thus
never read a sparse tensor as something else; the primitive that was running catches the error
and hands the call to the sparse kernels registered for it (`ops.sparse_coo`), or raises
PyTorch's "Could not run 'aten::op' with arguments from the 'SparseCPU' backend" error. The
dense path pays nothing for this: the check is an `except` clause, free until it runs.

The functions below are the array kernels of the sparse ops (coalescing, densifying,
products): NumPy only, no autograd; `ops.sparse_coo` builds the differentiable ops on them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy

LAYOUT_ERROR = "Could not run '{}' with arguments from the 'SparseCPU' backend (tensors of layout torch.sparse_coo)"


class SparseUnsupported(NotImplementedError):
    """An array operation asked of a sparse payload; names the operation."""

    def __init__(self, name: str) -> None:
        super().__init__(LAYOUT_ERROR.format(name))
        self.name = name


class RefusedArray:
    """What a sparse payload (`SparseCOO`, `backend.sparse_compressed.SparseCompressed`) answers as an
    array: the shape facts from its `shape` and `values`, and SparseUnsupported to everything else an
    array does, which sends the primitive to its sparse kernel."""

    __slots__ = ()
    shape: tuple
    values: Any

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def dtype(self) -> Any:
        return self.values.dtype

    @property
    def itemsize(self) -> int:
        return self.values.itemsize

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # protocols probed by copy, pickle, NumPy: absent, as usual
            raise AttributeError(name)
        raise SparseUnsupported(name)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        raise SparseUnsupported(ufunc.__name__)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        raise SparseUnsupported(func.__name__)

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise SparseUnsupported("asarray")

    def __getitem__(self, key: Any) -> Any:
        raise SparseUnsupported("index")

    def __setitem__(self, key: Any, value: Any) -> None:
        raise SparseUnsupported("index_put_")

    def __bool__(self) -> bool:
        raise SparseUnsupported("is_nonzero")

    def __len__(self) -> int:
        return self.shape[0]

    def _refuse(self, *args: Any) -> Any:
        raise SparseUnsupported("arithmetic")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _refuse
    __iadd__ = __isub__ = __imul__ = __itruediv__ = __and__ = __or__ = __xor__ = __invert__ = _refuse
    __neg__ = __pos__ = __abs__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _refuse  # type: ignore[assignment]
    __float__ = __int__ = __index__ = __complex__ = _refuse


class SparseCOO(RefusedArray):
    """indices (sparse_dim, nnz) int64, values (nnz, *dense_dims), a shape and a coalesced flag."""

    __slots__ = ("indices", "values", "shape", "coalesced")
    __hash__ = None  # type: ignore[assignment]  # compared only by the tensors that hold it

    def __init__(self, indices: Any, values: Any, shape: tuple, coalesced: bool) -> None:
        self.indices = indices
        self.values = values
        self.shape = tuple(shape)
        self.coalesced = coalesced

    # --- what an array answers (the shape facts: RefusedArray) ---
    @property
    def sparse_dim(self) -> int:
        return int(self.indices.shape[0])

    @property
    def nnz(self) -> int:
        return int(self.indices.shape[1])

    def copy(self) -> SparseCOO:
        return SparseCOO(self.indices.copy(), self.values.copy(), self.shape, self.coalesced)


# --- kernels -----------------------------------------------------------------------------------


def linear_index(indices: Any, sparse_shape: tuple) -> Any:
    """Each entry's position in the row-major flattening of the sparse dims."""
    if not sparse_shape:
        return numpy.zeros(indices.shape[1], numpy.int64)
    return numpy.ravel_multi_index(tuple(indices), sparse_shape) if indices.shape[1] else numpy.zeros(0, numpy.int64)


def coalesce(a: SparseCOO, order: Any = None) -> SparseCOO:
    """`a` with its entries sorted by index and duplicates summed (a itself when already so).

    Equal indices are summed one after another in `order` (a permutation that sorts the entries'
    linear indices; default: the stable one, entry order), as PyTorch's CPU kernel adds them in the
    order its sort left them.
    """
    if a.coalesced:
        return a
    sparse_shape = a.shape[: a.sparse_dim]
    flat = linear_index(a.indices, sparse_shape)
    if order is None:
        order = numpy.argsort(flat, kind="stable")
    flat = flat[order]
    starts = numpy.flatnonzero(numpy.r_[True, flat[1:] != flat[:-1]]) if flat.size else flat
    values = a.values[order]
    if flat.size and starts.size != flat.size:
        values = _sum_runs(values, starts)
    indices = numpy.stack(numpy.unravel_index(flat[starts], sparse_shape)) if flat.size else a.indices.copy()
    return SparseCOO(indices.astype(numpy.int64).reshape(a.sparse_dim, -1), values, a.shape, True)


def _sum_runs(values: Any, starts: Any) -> Any:
    """The sum of each run of `values` (runs begin at `starts`), its first value copied and the others
    added one after another (NumPy's `add.reduceat` along the first axis does not add in that order)."""
    out = values[starts].copy()
    lengths = numpy.diff(numpy.r_[starts, values.shape[0]])
    longest = int(lengths.max())
    if longest > _STEPPED_RUNS:  # (one step per position would be a long loop of small ones)
        later = numpy.ones(values.shape[0], bool)
        later[starts] = False
        numpy.add.at(out, (numpy.cumsum(~later) - 1)[later], values[later])
        return out
    for k in range(1, longest):  # the k-th entry of every run that long, all runs at once
        runs = numpy.flatnonzero(lengths > k)
        out[runs] += values[starts[runs] + k]
    return out


_STEPPED_RUNS = 64


def to_dense(a: SparseCOO) -> Any:
    """The dense array `a` stands for (duplicates summed)."""
    out = numpy.zeros(a.shape, a.values.dtype)
    add_into(out, a)
    return out


def add_into(out: Any, a: SparseCOO) -> None:
    """out += a in place, as PyTorch's dense += sparse: each entry added in turn, in entry order."""
    numpy.add.at(out, tuple(a.indices), a.values)


def from_dense(a: Any, sparse_dim: int) -> SparseCOO:
    """The nonzero entries of dense `a` over its first `sparse_dim` dims, coalesced."""
    lead = a.reshape(a.shape[:sparse_dim] + (-1,)) if sparse_dim < a.ndim else a[..., None]
    where = numpy.nonzero(numpy.any(lead != 0, axis=-1))
    indices = numpy.stack(where).astype(numpy.int64) if where else numpy.zeros((0, 1), numpy.int64)
    return SparseCOO(indices.reshape(sparse_dim, -1), a[where].copy(), a.shape, True)


def values_at(a: SparseCOO, indices: Any) -> Any:
    """The values `a` holds at each column of `indices` (zero where it holds none)."""
    a = coalesce(a)
    sparse_shape = a.shape[: a.sparse_dim]
    have, want = linear_index(a.indices, sparse_shape), linear_index(indices, sparse_shape)
    at = numpy.searchsorted(have, want)
    found = at < have.size
    found[found] = have[at[found]] == want[found]
    out = numpy.zeros((indices.shape[1],) + a.values.shape[1:], a.values.dtype)
    out[found] = a.values[at[found]]
    return out


def add(a: SparseCOO, b: SparseCOO, alpha: Any = 1) -> SparseCOO:
    """a + alpha * b as PyTorch's CPU kernel makes it: one merge walk by linear index, equal ones
    summed, each entry of b taken in as one multiply-add (rounded once for float32 and float16).

    For coalesced inputs that is the coalesced sum; otherwise the walk still runs as if both
    were sorted, and the result keeps the entries in that order, flagged uncoalesced. Values that
    are not contiguous (a broadcast gradient of `.sum()`) are not merged: the kernel then puts a's
    entries and b's after them, coalescing only when there are more entries than elements.
    """
    dtype = numpy.result_type(a.values, b.values)
    if a.nnz and b.nnz and not (a.values.flags.c_contiguous and b.values.flags.c_contiguous):
        return _concatenated(a, b, alpha, dtype)
    ia, ib = _merged(a, b)
    wide = numpy.float64 if dtype in (numpy.float32, numpy.float16) and alpha != 1 else dtype
    values = numpy.zeros((ia.size,) + a.values.shape[1:], wide)
    values[ia >= 0] = a.values[ia[ia >= 0]]
    scale = dtype.type(alpha) if alpha != 1 and dtype.kind in "fc" else alpha  # (PyTorch's float alpha)
    values[ib >= 0] += b.values[ib[ib >= 0]].astype(wide, copy=False) * scale  # exact in float64
    indices = numpy.empty((a.sparse_dim, ia.size), numpy.int64)  # each entry's from a, else from b
    indices[:, ia >= 0] = a.indices[:, ia[ia >= 0]]
    indices[:, ia < 0] = b.indices[:, ib[ia < 0]]
    return SparseCOO(indices, values.astype(dtype, copy=False), a.shape, a.coalesced and b.coalesced)


def _concatenated(a: SparseCOO, b: SparseCOO, alpha: Any, dtype: Any) -> SparseCOO:
    """a's entries, then b's times alpha (PyTorch's add_out_sparse_non_contiguous); coalesced when
    they outnumber the elements, but flagged so only below two entries (set as indices and values)."""
    scaled = b.values.astype(dtype, copy=False)
    if alpha != 1:
        scaled = scaled * (dtype.type(alpha) if dtype.kind in "fc" else alpha)
    values = numpy.concatenate([a.values.astype(dtype, copy=False), scaled.astype(dtype, copy=False)])
    out = SparseCOO(numpy.concatenate([a.indices, b.indices], 1), values, a.shape, False)
    if out.nnz > math.prod(a.shape):
        out = coalesce(out)
        out = SparseCOO(out.indices, out.values, a.shape, out.nnz < 2)
    return out


def _merged(a: SparseCOO, b: SparseCOO) -> tuple[Any, Any]:
    """Per result entry of a + b: (its entry of a or -1, its entry of b or -1), in merge order."""
    sparse_shape = a.shape[: a.sparse_dim]
    la, lb = linear_index(a.indices, sparse_shape).tolist(), linear_index(b.indices, sparse_shape).tolist()
    taken: list[tuple[int, int]] = []
    i = j = 0
    while i < len(la) or j < len(lb):
        if j == len(lb) or (i < len(la) and la[i] < lb[j]):
            taken.append((i, -1))
            i += 1
        elif i == len(la) or lb[j] < la[i]:
            taken.append((-1, j))
            j += 1
        else:
            taken.append((i, j))
            i, j = i + 1, j + 1
    ia, ib = numpy.array(taken, numpy.int64).reshape(-1, 2).T
    return ia, ib


def matmul(a: SparseCOO, b: Any, out: Any = None, alpha: Any = 1) -> Any:
    """Sparse (m, k) @ dense (k, n): each entry's row gets value * b[column], in entry order, added
    into `out` (zeros by default; addmm's scaled input), each value first scaled by `alpha`."""
    rows, cols = a.indices
    if out is None:
        out = numpy.zeros((a.shape[0], b.shape[1]), numpy.result_type(a.values, b))
    scale = a.values if alpha == 1 else a.values * a.values.dtype.type(alpha)
    numpy.add.at(out, rows, scale[:, None] * b[cols])
    return out


def sparse_matmul(a: SparseCOO, b: SparseCOO) -> SparseCOO:
    """Sparse (m, k) @ sparse (k, n) -> sparse (m, n), coalesced: every entry a[i, k] meets the
    entries of row k of b; the products of one (i, j) add up in a's order of k."""
    a, b = coalesce(a), coalesce(b)
    rows_a, cols_a = a.indices
    starts = numpy.searchsorted(b.indices[0], numpy.arange(b.shape[0] + 1))  # row k of b: starts[k]:starts[k+1]
    counts = (starts[cols_a + 1] - starts[cols_a]) if a.nnz else numpy.zeros(0, numpy.int64)
    which = numpy.repeat(numpy.arange(a.nnz), counts)  # the entry of a of each product
    first = numpy.cumsum(counts) - counts
    at = starts[cols_a][which] + numpy.arange(which.size) - first[which]  # the entry of b of each product
    values = a.values[which] * b.values[at]
    indices = numpy.stack([rows_a[which], b.indices[1][at]]).astype(numpy.int64).reshape(2, -1)
    return coalesce(SparseCOO(indices, values, (a.shape[0], b.shape[1]), values.shape[0] < 2))


def transpose(a: SparseCOO, d0: int, d1: int) -> SparseCOO:
    """`a` with sparse dims d0 and d1 swapped (the entries keep their order, so uncoalesced)."""
    indices = a.indices.copy()
    indices[[d0, d1]] = indices[[d1, d0]]
    shape = list(a.shape)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    return SparseCOO(indices, a.values, tuple(shape), a.coalesced and a.nnz < 2)

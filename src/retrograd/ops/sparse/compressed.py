"""Sparse compressed tensors (layouts `sparse_csr` and `sparse_csc`): construction, conversions and accessors.

A compressed tensor is a Tensor whose `_data` is a `backend.sparse_compressed.SparseCompressed`:
a 2-D matrix stored row by row (CSR: `crow_indices`, `col_indices`, `values`) or column by column
(CSC: `ccol_indices`, `row_indices`, `values`); batched and hybrid (dense-dim) ones are not built.
The ops here are primitives with PyTorch's nodes: `sparse_compressed_tensor`
(SparseCompressedTensorBackward0: its values' gradient is the incoming gradient read at the
entries), `to_sparse_csr`/`to_sparse_csc` of a dense tensor (ToSparseCsrBackward0: densified
back), `to_dense` (ToDenseBackward0: the dense gradient at the input's entries, compressed) and
`values` (ValuesBackward0: the values' gradient placed at the entries).
"""

from __future__ import annotations

from typing import Any

import numpy

from ... import _layouts
from ... import dtypes as _dt
from ...backend import sparse_compressed as _sc
from ...backend.sparse import SparseCOO
from ...backend.sparse_compressed import SparseCompressed
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..from_data import tensor as _as_tensor
from . import layout as _coo
from .dispatch import is_sparse
from .invariants import checks_for_call, warn_compressed_beta_once

__all__ = ["sparse_compressed_tensor", "sparse_csr_tensor", "sparse_csc_tensor"]

_NAMES = {  # layout -> (compressed indices, plain indices, compressed dim, plain dim, short name)
    "sparse_csr": ("crow_indices", "col_indices", "rows", "cols", "SparseCsr"),
    "sparse_csc": ("ccol_indices", "row_indices", "cols", "rows", "SparseCsc"),
}


def is_compressed(t: Any) -> bool:
    """Whether `t` is a tensor of layout sparse_csr or sparse_csc."""
    return type(getattr(t, "_data", None)) is SparseCompressed


def layout_of(data: Any) -> Any:
    """The layout object of a tensor's `_data`."""
    if type(data) is SparseCompressed:
        return _layouts.sparse_csr if data.by_rows else _layouts.sparse_csc
    return _layouts.sparse_coo if type(data) is SparseCOO else _layouts.strided


def _entries(g: Tensor, compressed: Any, plain: Any, layout: str) -> Tensor:
    """Gradient `g` (dense or compressed on the same entries) read at the entries, in storage order."""
    if is_compressed(g):
        return _values(g)
    rows, cols = _sc.entry_positions(compressed, plain, layout == "sparse_csr")
    return to_dense(g)[Tensor._make(rows), Tensor._make(cols)]  # differentiable: a second order records it


def _masked(g: Tensor, a: Any) -> Tensor:
    """Gradient `g` at the entries of compressed payload `a`, as a compressed tensor of a's pattern."""
    return _from_values(_entries(g, a.compressed, a.plain, a.layout), compressed=a.compressed, plain=a.plain,
                        shape=a.shape, layout=a.layout)  # fmt: skip


def _compressed_of(xp: Any, values: Any, compressed: Any, plain: Any, shape: tuple, layout: str) -> SparseCompressed:
    return SparseCompressed(compressed, plain, values, shape, layout)


_from_values = Primitive(
    "sparse_compressed_tensor",
    _compressed_of,
    [lambda g, compressed, plain, layout: _entries(g, compressed, plain, layout)],  # d(entries)/d(values): g there
    inputs=("values",),
    node_name="SparseCompressedTensorBackward0",
    half_forward=_compressed_of,  # the values are stored as given: float16 and bfloat16 ones too
)
_values = Primitive(
    "compressed_values",
    lambda xp, a: a.values,
    [lambda g, a: _masked_values(g, a._data)],  # each value is one entry: its gradient goes back there
    node_name="ValuesBackward0",
)


def _masked_values(g: Tensor, a: SparseCompressed) -> Tensor:
    return _from_values(g, compressed=a.compressed, plain=a.plain, shape=a.shape, layout=a.layout)


_to_dense = Primitive(
    "compressed_to_dense",
    lambda xp, a: _sc.to_dense(a),
    [lambda g, a: _masked(g, a._data)],  # only the entries a holds vary
    node_name="ToDenseBackward0",
)


def _node(layout: str) -> str:
    return "ToSparseCsrBackward0" if layout == "sparse_csr" else "ToSparseCscBackward0"


def _converter(layout: str, node: str) -> Primitive:
    return Primitive(
        f"to_{layout}",
        lambda xp, a: _sc.from_dense(a, layout),
        [lambda g: to_dense(g)],  # the same entries, densified back
        node_name=node,
    )


# dense -> compressed: `to_sparse_csr()` records ToSparseCsrBackward0, `to_sparse(layout=)` ToSparseBackward1
_from_dense = {name: _converter(name, _node(name)) for name in _NAMES}
_to_sparse_as = {name: _converter(name, "ToSparseBackward1") for name in _NAMES}


def _relaid_grad(g: Tensor, a: Tensor) -> Tensor:
    """A relayout's gradient: g (any layout) at the input's entries, in the input's layout."""
    dense = to_dense(g) if is_compressed(g) else _coo.to_dense(g)
    return _coo.masked_grad(dense, a) if is_sparse(a) else _masked(dense, a._data)


_relaid = {
    name: Primitive(
        f"compressed_relayout_{name}",
        lambda xp, a, layout: _sc.from_coo(a, layout) if type(a) is SparseCOO else _sc.relaid(a, layout),
        [_relaid_grad],
        node_name=_node(name),
    )
    for name in _NAMES
}
_to_coo = Primitive("compressed_to_coo", lambda xp, a: _sc.to_coo(a), [_relaid_grad], node_name="ToSparseBackward1")


def _index_array(t: Any, name: str) -> Any:
    if not isinstance(t, Tensor):
        t = _as_tensor(t)
    return t._data


def _check_parts(compressed: Any, plain: Any, values: Any, shape: tuple, layout: str, full: bool) -> None:
    """PyTorch's checks of a compressed tensor's parts (the invariants of the entries with `full`)."""
    cname, pname, cdim, pdim, _ = _NAMES[layout]
    if compressed.ndim != plain.ndim:
        raise RuntimeError(
            f"{cname} and {pname} dimensionalities must be equal but got {compressed.ndim} and {plain.ndim}, "
            "respectively"
        )
    if compressed.dtype != plain.dtype:
        kinds = (_dt.from_numpy(compressed.dtype).kind_name, _dt.from_numpy(plain.dtype).kind_name)
        raise RuntimeError(  # ("bot": PyTorch's spelling)
            f"{cname} and {pname} must have the same dtype, bot got {kinds[0]} and {kinds[1]}, respectively"
        )
    batch, dense = compressed.ndim - 1, values.ndim - compressed.ndim
    if len(shape) != batch + 2 + dense:
        raise RuntimeError(
            f"tensor dimensionality must be sum of batch, base, and dense dimensionalities (=0 + 2 + {dense}) but "
            f"got {len(shape)}"
        )
    if batch or dense:
        raise NotImplementedError("retrograd's sparse compressed tensors are 2-D: no batch or dense dims")
    if plain.shape[-1] != values.shape[0]:
        raise RuntimeError(
            f"{pname}.shape[-1] must be equal to nnz (={values.shape[0]}) as defined by values.shape[0], but got "
            f"{plain.shape[-1]}"
        )
    n_major, n_minor = shape if layout == "sparse_csr" else shape[::-1]
    if compressed.shape[-1] != n_major + 1:
        what = "rows" if layout == "sparse_csr" else "columns"
        raise RuntimeError(
            f"{cname}.shape[-1] must be equal to the number of {what} + 1 (={n_major + 1}), but got "
            f"{compressed.shape[-1]}"
        )
    if full:
        _check_entries(compressed, plain, n_minor, layout)


def _check_entries(compressed: Any, plain: Any, n_minor: int, layout: str) -> None:
    cname, pname, cdim, pdim, _ = _NAMES[layout]
    steps = numpy.diff(compressed)
    if compressed[0] != 0:
        raise RuntimeError(f"`{cname}[..., 0] == 0` is not satisfied.")
    if compressed[-1] != plain.shape[0]:
        raise RuntimeError(f"`{cname}[..., -1] == nnz` is not satisfied.")
    if (steps < 0).any() or (steps > n_minor).any():
        raise RuntimeError(f"`0 <= {cname}[..., 1:] - {cname}[..., :-1] <= n{pdim}` is not satisfied.")
    if plain.size and (plain.min() < 0 or plain.max() >= n_minor):
        raise RuntimeError(f"`0 <= {pname} < n{pdim}` is not satisfied.")
    major = numpy.repeat(numpy.arange(len(steps)), steps)
    if plain.size > 1 and ((major[1:] == major[:-1]) & (plain[1:] <= plain[:-1])).any():
        raise RuntimeError(
            f"`{pname}[..., {cname}[..., i - 1]:{cname}[..., i]] for all i = 1, ..., n{cdim} are sorted and distinct "
            "along the last dimension values` is not satisfied."
        )


def sparse_compressed_tensor(
    compressed_indices: Any,
    plain_indices: Any,
    values: Any,
    size: Any = None,
    *,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    pin_memory: bool = False,
    requires_grad: bool = False,
    check_invariants: bool | None = None,
) -> Tensor:
    """A 2-D sparse CSR or CSC tensor (`layout`) of `values` at the given compressed and plain indices.

    Args:
        compressed_indices (Tensor or array_like): `(n + 1,)` offsets: the entries of row (CSR) or
            column (CSC) i are `compressed_indices[i]` up to `compressed_indices[i + 1]`.
        plain_indices (Tensor or array_like): `(nnz,)` each entry's column (CSR) or row (CSC).
        values (Tensor or array_like): `(nnz,)` the entries.
        size (sequence of int, optional): `(rows, cols)`; default from the indices.
        dtype (dtype, optional): the values' dtype.
        layout (layout): `sparse_csr` or `sparse_csc` (required).
        device, pin_memory: the CPU only, unpinned.
        requires_grad (bool): make the result a leaf that requires grad.
        check_invariants (bool, optional): check the entries (sorted, in range); unset follows
            `retrograd.sparse.check_sparse_tensor_invariants` (retrograd checks unless disabled).

    Returns:
        Tensor: the compressed tensor (int32 indices stay int32, others become int64); with a graph
        to `values` when they require grad.

    Examples:
        >>> s = retrograd.sparse_csr_tensor([0, 1, 2], [1, 0], [2.0, 3.0], (2, 2))
        >>> s.to_dense()
        tensor([[0., 2.],
                [3., 0.]])
    """
    if layout is None or layout not in (_layouts.sparse_csr, _layouts.sparse_csc):
        got = "none" if layout is None else str(layout).rpartition(".")[2].replace("sparse_", "Sparse").title()
        raise RuntimeError(f"sparse_compressed_tensor expected sparse compressed tensor layout but got {got}")
    if device is not None and str(device) != "cpu":
        raise NotImplementedError(f"retrograd's sparse compressed tensors live on the CPU, not {device}")
    if pin_memory:
        raise NotImplementedError("retrograd's sparse compressed tensors cannot be pinned")
    name = layout._name
    values_t = values if isinstance(values, Tensor) else _as_tensor(values)
    if dtype is not None:
        values_t = values_t.to(dtype)
    compressed, plain = _index_array(compressed_indices, "compressed"), _index_array(plain_indices, "plain")
    if size is None:
        if compressed.dtype.kind not in "iu":  # PyTorch's size estimate has integer kernels only
            kind = _dt.from_numpy(compressed.dtype).kind_name
            raise NotImplementedError(f"\"estimate_sparse_compressed_tensor_size\" not implemented for '{kind}'")
        n_major = compressed.shape[-1] - 1
        n_minor = int(plain.max()) + 1 if plain.size else 0
        size = (n_major, n_minor) if name == "sparse_csr" else (n_minor, n_major)
    shape = tuple(int(n) for n in size)
    _check_parts(compressed, plain, values_t._data, shape, name, full=checks_for_call(check_invariants))
    warn_compressed_beta_once()
    if requires_grad:
        values_t = values_t.detach()
    index_type = compressed.dtype if compressed.dtype in (numpy.int32, numpy.int64) else numpy.int64  # (PyTorch's two)
    out = _from_values(values_t, compressed=compressed.astype(index_type), plain=plain.astype(index_type),
                       shape=shape, layout=name)  # fmt: skip
    return out._set_requires_grad() if requires_grad else out


def sparse_csr_tensor(crow_indices: Any, col_indices: Any, values: Any, size: Any = None, **kwargs: Any) -> Tensor:
    """A 2-D sparse CSR tensor: `values` by rows, row i holding entries `crow_indices[i]:crow_indices[i + 1]`
    at columns `col_indices` (see `sparse_compressed_tensor` for the keywords).

    Examples:
        >>> retrograd.sparse_csr_tensor([0, 2, 2], [0, 1], [1.0, 2.0], (2, 2)).to_dense()
        tensor([[1., 2.],
                [0., 0.]])
    """
    return sparse_compressed_tensor(crow_indices, col_indices, values, size, layout=_layouts.sparse_csr, **kwargs)


def sparse_csc_tensor(ccol_indices: Any, row_indices: Any, values: Any, size: Any = None, **kwargs: Any) -> Tensor:
    """A 2-D sparse CSC tensor: `values` by columns, column j holding entries `ccol_indices[j]:ccol_indices[j + 1]`
    at rows `row_indices` (see `sparse_compressed_tensor` for the keywords).

    Examples:
        >>> retrograd.sparse_csc_tensor([0, 2, 2], [0, 1], [1.0, 2.0], (2, 2)).to_dense()
        tensor([[1., 0.],
                [2., 0.]])
    """
    return sparse_compressed_tensor(ccol_indices, row_indices, values, size, layout=_layouts.sparse_csc, **kwargs)


def to_compressed(input: Tensor, layout: str, as_to_sparse: bool = False) -> Tensor:
    """`to_sparse_csr()` / `to_sparse_csc()` (`to_sparse(layout=)` with `as_to_sparse`): the nonzero
    entries of a 2-D tensor (dense, COO or compressed)."""
    if is_compressed(input):
        return input if input._data.layout == layout else _relaid[layout](input, layout=layout)
    if input.ndim != 2:
        raise NotImplementedError(
            f"retrograd's sparse compressed tensors are 2-D: no batch or dense dims (got a {input.ndim}-D tensor)"
        )
    warn_compressed_beta_once()
    if is_sparse(input):
        return _relaid[layout](input, layout=layout)
    return (_to_sparse_as if as_to_sparse else _from_dense)[layout](input)


# --- the Tensor methods every layout answers (the COO and dense cases in layout.py) ----------------


def to_dense(input: Tensor, dtype: Any = None, *, masked_grad: bool | None = None) -> Tensor:
    """The dense matrix a compressed tensor stands for (its gradient: at the entries); any other
    tensor as `layout.to_dense`."""
    if not is_compressed(input):
        return _coo.to_dense(input, dtype, masked_grad=masked_grad)
    if dtype is not None:
        raise RuntimeError(f"dtype argument is not supported by {input._data.layout}_to_dense")
    return _to_dense(input)


def to_sparse(input: Tensor, sparse_dim: int | None = None, *, layout: Any = None) -> Tensor:
    """`to_sparse(layout=)`: sparse COO (the default), CSR or CSC."""
    if layout in (_layouts.sparse_csr, _layouts.sparse_csc):
        return to_compressed(input, layout._name, as_to_sparse=True)
    if is_compressed(input) and layout in (None, _layouts.sparse_coo) and sparse_dim in (None, 2):
        return _to_coo(input)
    return _coo.to_sparse(input, sparse_dim, layout=layout)


def to_sparse_coo(input: Tensor) -> Tensor:
    """A sparse COO tensor of the nonzero entries (a compressed tensor's: coalesced)."""
    return _to_coo(input) if is_compressed(input) else _coo.to_sparse_coo(input)


def values(input: Tensor) -> Tensor:
    """The stored entries (differentiable): a compressed tensor's `(nnz,)` in storage order, or a
    coalesced COO tensor's."""
    return _values(input) if is_compressed(input) else _coo.values(input)


def nnz(input: Tensor) -> int:
    """`_nnz()`: how many entries are stored."""
    return input._data.nnz if is_compressed(input) else _coo.nnz(input)


def sparse_dim(input: Tensor) -> int:
    """How many dims are sparse (2 for a compressed matrix, 0 for a dense tensor)."""
    return 2 if is_compressed(input) else _coo.sparse_dim(input)


def dense_dim(input: Tensor) -> int:
    """How many dims each stored entry spans (0 for a compressed matrix)."""
    return 0 if is_compressed(input) else _coo.dense_dim(input)


def _wrong_layout(t: Tensor, name: str, wanted: str) -> RuntimeError:
    got = _NAMES[t._data.layout][4] if is_compressed(t) else _coo._layout_name(t)
    return RuntimeError(f"{name} expected {wanted} tensor layout but got {got}")


def compressed_indices(input: Tensor, name: str) -> Tensor:
    """`crow_indices()` (CSR) or `ccol_indices()` (CSC): the int64 offsets of each row/column's entries."""
    if not is_compressed(input) or _NAMES[input._data.layout][0] != name:
        kind = "sparse row compressed" if name == "crow_indices" else "sparse column compressed"
        raise _wrong_layout(input, name, kind)
    return Tensor._make(input._data.compressed)


def plain_indices(input: Tensor, name: str) -> Tensor:
    """`col_indices()` (CSR) or `row_indices()` (CSC): each entry's column/row, int64."""
    if not is_compressed(input) or _NAMES[input._data.layout][1] != name:
        kind = "sparse row compressed" if name == "col_indices" else "sparse column compressed"
        raise _wrong_layout(input, name, kind)
    return Tensor._make(input._data.plain)

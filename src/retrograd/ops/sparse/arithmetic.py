"""Sparse COO arithmetic: matrix products (sparse @ dense, dense @ sparse, sparse @ sparse), sums,
sparse ± sparse and dense ± sparse (with alpha), negation, transposes, copies and dtype casts.

The products are one kernel forward (each entry's row gets value * dense[column]) and, backward,
d(AB)/dB = Aᵀ G (a sparse product again, so it differentiates to any order in B) and, for
`torch.sparse.mm` (SparseAddmmBackward0), d(AB)/dA = (G Bᵀ) at A's entries, a sparse gradient;
`torch.mm`, `spmm`, `matmul` and `@` record MmBackward0, whose A gradient is all of G Bᵀ, dense,
as PyTorch's. Dense @ sparse is the sparse product of the transposes; sparse @ sparse gives a
coalesced sparse product, each operand's gradient read at its own entries. The ops that dense
primitives cannot run on sparse payloads are registered in the engine's `SPARSE_KERNELS` under
those primitives' names (their own are `sparse_*`, so a sparse op never dispatches to itself), so
`s * 2`, `-s`, `s.t()`, `d + s` and `torch.mm(s, d)` reach them without a check on the dense path.
"""

from __future__ import annotations

from typing import Any

import numpy

from ...backend import sparse as _sp
from ...backend.sparse import SparseCOO
from ...engine.primitive import SPARSE_KERNELS as KERNELS
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.sparse_scaled_add import add_sparse_into
from .dispatch import is_sparse, missing
from .invariants import warn_compressed_beta_once
from .layout import _from_values, masked_grad, to_dense

__all__ = ["spmm"]


def _entries_grad(g: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """(G Bᵀ) at the coalesced entries of sparse A: Σ_j G[row, j] B[col, j] per entry, sparse."""
    pattern = _sp.coalesce(a._data).indices
    rows, cols = Tensor._make(pattern[0]), Tensor._make(pattern[1])
    g = to_dense(g)
    entries = (g[rows] * b[cols]).sum(1)  # PyTorch flags the gradient coalesced only when A is
    return _from_values(entries, indices=pattern, shape=a._data.shape, coalesced=a._data.coalesced)


def _product(name: str, node: str, dense_grad_a: bool) -> Primitive:
    return Primitive(
        name,
        lambda xp, a, b: _sp.matmul(a, b),
        [
            lambda g, a, b: to_dense(g).mm(b.t()) if dense_grad_a else _entries_grad(g, a, b),  # G Bᵀ
            lambda g, a: mm(a.t(), to_dense(g)),
        ],  # d(AB)/dB = Aᵀ G
        inputs=("a", "b"),
        node_name=node,
    )


_mm = _product("_sparse_mm", "MmBackward0", dense_grad_a=True)
_sparse_addmm = _product("_sparse_addmm", "SparseAddmmBackward0", dense_grad_a=False)


def _sparse_product(node: str) -> Primitive:
    """Sparse A @ sparse B -> sparse, coalesced. Each operand's gradient is the dense-layout one
    read at its own entries: d(AB)/dA = G Bᵀ at A's entries, d(AB)/dB = Aᵀ G at B's."""
    return Primitive(
        "_sparse_sparse_mm",
        lambda xp, a, b: _sp.sparse_matmul(a, b),
        [lambda g, a, b: masked_grad(_times(g, b.t()), a), lambda g, a, b: masked_grad(_times(a.t(), g), b)],
        inputs=("a", "b"),
        node_name=node,
    )


_spsp_mm = _sparse_product("MmBackward0")
_spsp_sparse_mm = _sparse_product("SparseSparseMatmulBackward0")


def _times(a: Tensor, b: Tensor) -> Tensor:
    """a @ b for any mix of sparse and dense 2-D operands."""
    return mm(a, b) if is_sparse(a) or is_sparse(b) else a.mm(b)


def _check_product(a: Tensor, b: Tensor, name: str) -> None:
    """PyTorch's checks of sparse `a` @ `b` (dense or sparse)."""
    for m in (a, b) if is_sparse(b) else (a,):
        if m.ndim != 2:
            raise RuntimeError(f"{name}: sparse COO products need a 2-D sparse matrix, got {m.ndim}-D")
    if b.ndim != 2:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    if a.shape[1] != b.shape[0] and is_sparse(b):
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                           f"{b.shape[0]}x{b.shape[1]})")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {a.shape[1]}, got {b.shape[0]}")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected scalar type {a.dtype.kind_name} but found {b.dtype.kind_name}")


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """`torch.mm` with a sparse operand, recorded as MmBackward0: sparse @ dense -> dense,
    dense @ sparse -> dense (as (Bᵀ Aᵀ)ᵀ), sparse @ sparse -> sparse."""
    if not is_sparse(input):
        return _dense_times_sparse(input, mat2, "mm")
    _check_product(input, mat2, "mm")
    if is_sparse(mat2):
        warn_compressed_beta_once()
        return _spsp_mm(input, mat2)
    return _mm(input, mat2)


def _dense_times_sparse(a: Tensor, b: Tensor, name: str) -> Tensor:
    """Dense (n, m) @ sparse (m, p) -> dense (n, p), the sparse product of the transposes (so the
    checks name those), recorded as MmBackward0."""
    _check_product(b.t(), a.t(), name)
    return _dense_sparse_mm(a, b)


_dense_sparse_mm = Primitive(
    "_dense_sparse_mm",
    lambda xp, a, b: _sp.matmul(_sp.transpose(b, 0, 1), a.T).T,  # (Bᵀ Aᵀ)ᵀ
    [lambda g, b: _times(g, b.t()), lambda g, a: _times(a.t(), g)],  # d(AB)/dA = G Bᵀ, d(AB)/dB = Aᵀ G
    inputs=("a", "b"),
    node_name="MmBackward0",
)


def spmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Sparse COO (n, m) @ dense (m, p) -> dense (n, p): `torch.mm` with a sparse left operand.

    Args:
        input (Tensor): a 2-D sparse COO matrix.
        mat2 (Tensor): a dense `(m, p)` matrix of the same dtype.

    Returns:
        Tensor: the dense `(n, p)` product (MmBackward0).

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
        >>> retrograd.spmm(a, retrograd.ones(2, 1))
        tensor([[2.],
                [3.]])
    """
    if not is_sparse(input):
        return input.mm(mat2)
    return mm(input, mat2)


def sparse_mm(sparse: Tensor, dense: Tensor) -> Tensor:
    """`torch.sparse.mm`: the product whose sparse operand gets a sparse gradient (SparseAddmmBackward0)."""
    if not is_sparse(sparse) and is_sparse(dense):  # PyTorch's (Bᵀ Aᵀ)ᵀ, its last step recorded
        _check_product(dense.t(), sparse.t(), "mm")
        return _mm(dense.t(), sparse.t()).transpose(0, 1)
    if not is_sparse(sparse):
        return sparse.mm(dense)
    _check_product(sparse, dense, "mm")
    if is_sparse(dense):
        warn_compressed_beta_once()
        return _spsp_sparse_mm(sparse, dense)
    return _sparse_addmm(sparse, dense)


# --- sums -------------------------------------------------------------------------------------


def _summed(a: SparseCOO, dims: tuple, dt: Any) -> Any:
    """Sum over `dims`: a dense array when every sparse dim goes, else a coalesced SparseCOO."""
    k = a.sparse_dim
    values = a.values.astype(dt) if dt is not None else a.values
    dense_dims = tuple(d - k + 1 for d in dims if d >= k)
    if dense_dims:
        values = values.sum(axis=dense_dims)
    kept = [d for d in range(k) if d not in dims]
    if not kept:
        return values.sum(axis=0)
    shape = tuple(n for d, n in enumerate(a.shape) if d not in dims)
    return _sp.coalesce(SparseCOO(a.indices[kept], values, shape, False))


def _sum_grad(g: Tensor, a: Tensor, dims: tuple) -> Tensor:
    """A sum's gradient at a's coalesced entries: g read where each entry went, spread over the summed dims."""
    data = a._data
    pattern = _sp.coalesce(data).indices
    kept = [d for d in range(data.sparse_dim) if d not in dims]
    if kept:  # g is sparse over the kept sparse dims: read it at each entry's kept coordinates
        source = g._data if is_sparse(g) else _sp.from_dense(g._data, len(kept))
        spread = _sp.values_at(source, pattern[kept])
    else:  # g is dense over the kept dense dims: the same for every entry
        spread = to_dense(g)._data[None]
    for d in (d - data.sparse_dim + 1 for d in dims if d >= data.sparse_dim):  # ascending
        spread = numpy.expand_dims(spread, d)
    values = numpy.broadcast_to(spread, (pattern.shape[1],) + data.values.shape[1:]).astype(data.values.dtype)
    return Tensor._make(SparseCOO(pattern, values, data.shape, not kept or data.coalesced))  # (PyTorch's flags)


_sum_all = Primitive(
    "_sparse_sum", lambda xp, a, dims, dt: numpy.asarray(_summed(a, dims, dt)), [_sum_grad], node_name="SumBackward0"
)
_sparse_sum = Primitive(
    "_sparse_sum", lambda xp, a, dims, dt: _summed(a, dims, dt), [_sum_grad], node_name="SparseSumBackward0"
)


def sparse_sum(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    """`torch.sparse.sum`: all entries (a dense 0-d tensor) or over `dim` (sparse while sparse dims remain)."""
    return _sum(input, dim, dtype.np if dtype is not None else None)


def _sum(input: Tensor, dim: Any, dt: Any) -> Tensor:
    if dim is None:
        return _sum_all(input, dims=tuple(range(input.ndim)), dt=dt)
    dims = tuple(sorted(d % input.ndim for d in ((dim,) if isinstance(dim, int) else dim)))
    if len(dims) == input.ndim:
        return _sum_all(input, dims=dims, dt=dt)
    return _sparse_sum(input, dims=dims, dt=dt)


def _tensor_sum(tensors: tuple, attrs: dict) -> Tensor:
    """`s.sum(dim, dtype=)`: torch.sparse.sum's (keepdim=True, which PyTorch allows, has no sparse kernel here)."""
    if attrs.get("keepdim"):
        raise missing("sum")
    dims = attrs.get("dims")
    return _sum(tensors[0], None if dims is None else tuple(dims), attrs.get("dt"))


# --- elementwise --------------------------------------------------------------------------------


def _scaled(a: SparseCOO, c: Any) -> SparseCOO:
    return SparseCOO(a.indices, a.values * c, a.shape, a.coalesced)


_neg = Primitive("sparse_neg", lambda xp, a: _scaled(a, -1), [lambda g: -g], node_name="NegBackward0")


def _sum_of(node: str, sign: int) -> Primitive:
    """a ± alpha * b for sparse a and b (a sparse result): d/da = 1, d/db = ±alpha."""
    return Primitive(
        f"sparse_{node[:3].lower()}",
        lambda xp, a, b, alpha: _sp.add(a, b, sign * alpha),
        [lambda g: g, lambda g, alpha: g * (sign * alpha)],
        inputs=("a", "b"),
        node_name=node,
    )


def _dense_sum_of(node: str, sign: int) -> Primitive:
    """dense a ± alpha * sparse b (a dense result, each entry added in turn): d/da = 1, d/db = ±alpha."""

    def forward(xp: Any, a: Any, b: SparseCOO, alpha: Any) -> Any:
        out = a.astype(numpy.result_type(a, b.values), copy=True)
        add_sparse_into(out, b.indices, b.values, b.coalesced, sign * alpha)
        return out

    return Primitive(
        f"dense_sparse_{node[:3].lower()}",
        forward,
        [lambda g: g, lambda g, alpha: g * (sign * alpha)],
        inputs=("a", "b"),
        node_name=node,
    )


_add_sparse, _sub_sparse = _sum_of("AddBackward0", 1), _sum_of("SubBackward0", -1)
_add_dense, _sub_dense = _dense_sum_of("AddBackward0", 1), _dense_sum_of("SubBackward0", -1)


_SPARSE_PLUS_DENSE = "add(sparse, dense) is not supported. Use add(dense, sparse) instead."  # (sub's too)


def _sum_kernel(name: str, sparse_op: Primitive, dense_op: Primitive) -> Any:
    """The kernel of `a + alpha * b` (`add`) or `a - alpha * b` (`sub`) with a sparse operand: sparse
    with sparse gives a sparse sum, dense with sparse a dense one; a sparse first operand with a
    dense second one is PyTorch's refusal."""

    def kernel(tensors: tuple, attrs: dict) -> Tensor:
        if len(tensors) != 2:  # `s + 1`: the number is a dense operand to PyTorch
            raise RuntimeError(_SPARSE_PLUS_DENSE)
        a, b = tensors
        alpha = attrs.get("alpha", 1)
        if a.shape != b.shape:
            raise RuntimeError(
                f"{name}: expected 'self' and 'other' to have same size, but self has size {list(a.shape)} "
                f"while other has size {list(b.shape)} (FYI: dense-sparse addition does not currently "
                "support broadcasting)"
            )
        if is_sparse(a) and is_sparse(b):
            return sparse_op(a, b, alpha=alpha)
        if is_sparse(a):
            raise RuntimeError(_SPARSE_PLUS_DENSE)
        return dense_op(a, b, alpha=alpha)

    return kernel


# --- layout-keeping copies -------------------------------------------------------------------

_t = Primitive("sparse_t", lambda xp, a: _sp.transpose(a, 0, 1), [lambda g: g.t()], node_name="TBackward0")
_transpose = Primitive(
    "sparse_transpose",
    lambda xp, a, d0, d1: _sp.transpose(a, d0, d1),
    [lambda g, d0, d1: g.transpose(d0, d1)],
    node_name="TransposeBackward0",
)
_clone = Primitive("sparse_clone", lambda xp, a: a.copy(), [lambda g: g], node_name="CloneBackward0")
_cast = Primitive(
    "sparse_to_dtype",
    lambda xp, a, dt: SparseCOO(a.indices, a.values.astype(dt), a.shape, a.coalesced),
    [lambda g: g],
    node_name="ToCopyBackward0",
)


def _transposed(tensors: tuple, attrs: dict) -> Tensor:
    (a,) = tensors
    if not attrs:
        if a.ndim > 2:
            k = a._data.sparse_dim
            raise RuntimeError(
                f"t() expects a tensor with <= 2 sparse and 0 dense dimensions, but got {k} sparse and "
                f"{a.ndim - k} dense dimensions"
            )
        return _t(a) if a.ndim == 2 else a
    d0, d1 = attrs["d0"], attrs["d1"]
    if max(d0, d1) >= a._data.sparse_dim:
        raise missing("transpose")  # moving dense dims is not built
    return _transpose(a, d0=d0, d1=d1)


KERNELS.update(
    {
        "mm": lambda tensors, attrs: mm(*tensors),
        "mv": lambda tensors, attrs: mm(tensors[0], tensors[1].unsqueeze(1)).squeeze(1),
        "sum": _tensor_sum,
        "sub": _sum_kernel("sub", _sub_sparse, _sub_dense),
        "neg": lambda tensors, attrs: _neg(*tensors),
        "add": _sum_kernel("add", _add_sparse, _add_dense),
        "t": _transposed,
        "transpose": _transposed,
        "clone": lambda tensors, attrs: _clone(*tensors),
        "to_dtype": lambda tensors, attrs: _cast(*tensors, dt=attrs["dt"]),
    }
)

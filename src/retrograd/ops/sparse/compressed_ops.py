"""Arithmetic on sparse compressed (CSR/CSC) matrices: products with dense operands, addmm,
scaling by a number, negation, transposes, copies, casts, sums and the f(0) = 0 functions.

`A @ B` (torch.mm, matmul, `@`, mv) records MmBackward0: d/dB = Aᵀ G, itself a compressed
product (so B's gradient differentiates to any order), and d/dA = G Bᵀ, dense, as PyTorch's;
`torch.sparse.mm` records SparseAddmmBackward0, whose A gradient is G Bᵀ read at A's entries (a
compressed gradient). `A.t()` reads the same arrays the other way (CSR (m, n) -> CSC (n, m)).
The ops are registered in the engine's `COMPRESSED_KERNELS` under the dense primitives' names, so
`s * 2`, `-s`, `s.t()` and `torch.mm(s, d)` reach them; any other primitive raises PyTorch's
error for the layout.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy

from ...backend import sparse as _sp
from ...backend import sparse_compressed as _sc
from ...backend.sparse_compressed import SparseCompressed
from ...engine.primitive import COMPRESSED_KERNELS as KERNELS
from ...engine.primitive import COMPRESSED_VALUEWISE, SPARSE_KERNELS, Primitive
from ...tensor import Tensor
from ..linalg.common import check_mm, check_mv
from .compressed import _NAMES, _from_values, _masked, is_compressed, to_dense, to_sparse_coo, values
from .dispatch import is_sparse
from .valuewise import _ZERO_PRESERVING

__all__: list[str] = []


def _a_grad_at_entries(g: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """(G Bᵀ) at A's entries: Σ_j G[row, j] B[col, j] per entry, as a compressed tensor of A's pattern."""
    data = a._data
    rows, cols = (Tensor._make(i) for i in _sc.rows_and_columns(data))
    entries = (to_dense(g)[rows] * b[cols]).sum(1)
    return _from_values(entries, compressed=data.compressed, plain=data.plain, shape=data.shape, layout=data.layout)


def _product(node: str, dense_grad_a: bool) -> Primitive:
    return Primitive(
        f"_compressed_mm_{node}",
        lambda xp, a, b: _sc.matmul(a, b),
        [
            lambda g, a, b: to_dense(g).mm(b.t()) if dense_grad_a else _a_grad_at_entries(g, a, b),  # G Bᵀ
            lambda g, a: mm(_t(a), to_dense(g)),  # d(AB)/dB = Aᵀ G
        ],
        inputs=("a", "b"),
        node_name=node,
    )


_mm = _product("MmBackward0", dense_grad_a=True)
_sparse_mm = _product("SparseAddmmBackward0", dense_grad_a=False)


_dense_mm = Primitive(
    "_dense_compressed_mm",
    lambda xp, a, b: _sc.matmul(_sc.transpose(b), a.T).T,  # (Bᵀ Aᵀ)ᵀ
    [lambda g, b: mm(to_dense(g), _t(b)), lambda g, a: a.t().mm(to_dense(g))],  # G Bᵀ, Aᵀ G (dense, as PyTorch's)
    inputs=("a", "b"),
    node_name="MmBackward0",
)


_both_mm = Primitive(  # compressed @ compressed -> CSR (PyTorch's, whatever the operands' layouts)
    "_compressed_compressed_mm",
    lambda xp, a, b: _sc.from_coo(_sp.sparse_matmul(_sc.to_coo(a), _sc.to_coo(b)), "sparse_csr"),
    [  # G Bᵀ at A's entries, Aᵀ G at B's (through dense products, so they differentiate again)
        lambda g, a, b: _masked(to_dense(g).mm(to_dense(b).t()), a._data),
        lambda g, a, b: _masked(to_dense(a).t().mm(to_dense(g)), b._data),
    ],
    inputs=("a", "b"),
    node_name="MmBackward0",
)


_NO_COO_MIX = "addmm: computation on CPU is not implemented for SparseCsr + SparseCsr @ Sparse"


def mm(a: Tensor, b: Tensor) -> Tensor:
    """Compressed (n, m) @ dense (m, p) -> dense (n, p); dense @ compressed -> dense, as (Bᵀ Aᵀ)ᵀ;
    compressed @ compressed -> CSR."""
    if is_compressed(b) and not is_compressed(a):
        check_mm(a, b)
        return _dense_mm(a, b)
    if is_compressed(b):
        check_mm(a, b)
        return _both_mm(a, b)
    if is_sparse(b) or is_sparse(a):
        raise RuntimeError(_NO_COO_MIX)
    check_mm(a, b)
    return _mm(a, b)


def sparse_mm(a: Tensor, b: Tensor) -> Tensor:
    """`torch.sparse.mm` with a compressed `a`: its gradient is compressed, at a's entries."""
    if is_compressed(b):
        return mm(a, b)
    if is_sparse(b):
        raise RuntimeError(_NO_COO_MIX)
    check_mm(a, b)
    return _sparse_mm(a, b)


_mv_product = Primitive(
    "_compressed_mv",
    lambda xp, a, v: _sc.matmul(a, v),
    [
        lambda g, v: to_dense(g).unsqueeze(1) * v,  # d(Av)/dA = g vᵀ (dense, as PyTorch's)
        lambda g, a: _mv(_t(a), g),  # d(Av)/dv = Aᵀ g
    ],
    inputs=("a", "v"),
    node_name="MvBackward0",
)


def _mv(a: Tensor, v: Tensor) -> Tensor:
    check_mv(a, v)
    return _mv_product(a, v)


def _addmm_forward(xp: Any, c: Any, a: Any, b: Any, beta: Any, alpha: Any) -> Any:
    """beta·c + alpha·(a @ b), one of a and b compressed, as PyTorch's CPU kernel rounds it: the
    product first, then added; beta = 0 ignores c (NaNs included)."""
    if type(a) is SparseCompressed:
        product = _sc.matmul(a, b)
    else:  # dense @ compressed: (Bᵀ Aᵀ)ᵀ
        product = numpy.ascontiguousarray(_sc.matmul(_sc.transpose(b), a.T).T)
    dtype = product.dtype
    if alpha != 1:
        product *= dtype.type(alpha)
    if beta == 0:
        return product
    start = numpy.broadcast_to(c, product.shape).astype(dtype)
    return (start if beta == 1 else start * dtype.type(beta)) + product


def _times(x: Tensor, y: Tensor) -> Tensor:
    return mm(x, y) if is_compressed(x) or is_compressed(y) else x.mm(y)


def _transposed_any(x: Tensor) -> Tensor:
    return _t(x) if is_compressed(x) else x.t()


def _addmm_primitive(node: str, grad_at_entries: bool) -> Primitive:
    def grad_a(g: Tensor, a: Tensor, b: Tensor, alpha: Any) -> Tensor:
        # d/dA = alpha G Bᵀ: all of it (AddmmBackward0) or at A's entries (SparseAddmmBackward0)
        if grad_at_entries:
            return _a_grad_at_entries(g, a, b) * alpha
        return _times(to_dense(g), _transposed_any(b)) * alpha

    return Primitive(
        f"_compressed_addmm_{node}",
        _addmm_forward,
        [
            lambda g, beta: g * beta,  # d/d input = beta (summed down to input's shape by the engine)
            grad_a,
            lambda g, a, alpha: _times(_transposed_any(a), to_dense(g)) * alpha,  # d/dB = alpha Aᵀ G
        ],
        inputs=("c", "a", "b"),
        node_name=node,
    )


_addmm = _addmm_primitive("AddmmBackward0", grad_at_entries=False)
_sparse_addmm = _addmm_primitive("SparseAddmmBackward0", grad_at_entries=True)


def _addmm_kernel(tensors: tuple, attrs: dict) -> Tensor:
    """`torch.addmm` with a compressed mat1 or mat2 (F.linear of a pruned CSR weight: x @ Wᵀ)."""
    c, a, b = tensors
    if is_compressed(c) or (is_compressed(a) and is_compressed(b)) or is_sparse(a) or is_sparse(b):
        raise NotImplementedError("retrograd's addmm takes one sparse compressed matrix, as mat1 or mat2")
    check_mm(a, b)
    return _addmm(c, a, b, beta=attrs.get("beta", 1), alpha=attrs.get("alpha", 1))


def sparse_addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """`torch.sparse.addmm` with a compressed `mat1`: its gradient is compressed, at its entries."""
    if is_compressed(mat2) or is_compressed(input) or is_sparse(mat2):
        raise NotImplementedError("retrograd's torch.sparse.addmm takes a sparse compressed matrix as mat1 only")
    check_mm(mat1, mat2)
    return _sparse_addmm(input, mat1, mat2, beta=beta, alpha=alpha)


# --- layout-keeping ops --------------------------------------------------------------------------


def _replaced(a: SparseCompressed, values: Any) -> SparseCompressed:
    return SparseCompressed(a.compressed, a.plain, values, a.shape, a.layout)


_scale = Primitive("compressed_mul", lambda xp, a, c: _replaced(a, a.values * c), [lambda g, c: g * c],
                   node_name="MulBackward0")  # fmt: skip
_neg = Primitive("compressed_neg", lambda xp, a: _replaced(a, -a.values), [lambda g: -g], node_name="NegBackward0")
_t = Primitive("compressed_t", lambda xp, a: _sc.transpose(a), [lambda g: g.t()], node_name="TBackward0")
_transpose = Primitive(
    "compressed_transpose", lambda xp, a: _sc.transpose(a), [lambda g: g.transpose(0, 1)],
    node_name="TransposeBackward0",
)  # fmt: skip
_clone = Primitive("compressed_clone", lambda xp, a: a.copy(), [lambda g: g], node_name="CloneBackward0")
_cast = Primitive(
    "compressed_to_dtype", lambda xp, a, dt: _replaced(a, a.values.astype(dt)), [lambda g: g],
    node_name="ToCopyBackward0",
)  # fmt: skip
_sum_all = Primitive(
    "compressed_sum",
    lambda xp, a, dt: numpy.asarray(a.values.sum(dtype=dt)),
    [lambda g, a: _scaled_pattern(g, a)],  # every entry counts once
    node_name="SumBackward0",
)


def _scaled_pattern(g: Tensor, a: Tensor) -> Tensor:
    data = a._data
    ones = Tensor._make(numpy.ones(data.nnz, data.values.dtype))
    return _from_values(ones * g, compressed=data.compressed, plain=data.plain, shape=data.shape,
                        layout=data.layout)  # fmt: skip


def _multiply(tensors: tuple, attrs: dict) -> Tensor:
    if len(tensors) == 1:
        c = attrs.get("c")
        if not isinstance(c, numbers.Number):
            raise RuntimeError("unsupported tensor layout: " + _NAMES[tensors[0]._data.layout][4])
        return _scale(tensors[0], c=c)
    a, b = tensors
    s, d = (a, b) if is_compressed(a) else (b, a)
    if not is_compressed(d) and d.ndim == 0:  # a 0-d tensor: a number
        return _scale(s, c=d.item()) if not d.requires_grad else _times_at_entries(s, d)
    if not is_compressed(d) and d.shape == s.shape:  # the dense factor read at the entries (pattern kept)
        rows, cols = (Tensor._make(i) for i in _sc.rows_and_columns(s._data))
        return _times_at_entries(s, d[rows, cols])
    raise RuntimeError("unsupported tensor layout: " + _NAMES[s._data.layout][4])


def _times_at_entries(s: Tensor, factor: Tensor) -> Tensor:
    """s with each stored value times `factor` (0-d, or one per entry): differentiable in both."""
    data = s._data
    return _from_values(values(s) * factor, compressed=data.compressed, plain=data.plain, shape=data.shape,
                        layout=data.layout)  # fmt: skip


# --- sums ------------------------------------------------------------------------------------------


def _dense_plus_forward(xp: Any, d: Any, s: SparseCompressed, alpha: Any) -> Any:
    out = d.astype(numpy.result_type(d, s.values), copy=True)
    numpy.add.at(out, _sc.rows_and_columns(s), s.values if alpha == 1 else s.values * alpha)
    return out


_dense_plus = Primitive(  # dense d + alpha * compressed s -> dense: d/dd = 1, d/ds = alpha (at s's entries)
    "dense_compressed_add",
    _dense_plus_forward,
    [lambda g: g, lambda g, s, alpha: _masked(g, s._data) * alpha],
    inputs=("d", "s"),
    node_name="AddBackward0",
)
_both_compressed = Primitive(  # a + alpha * b, both CSR (CSC) -> CSR (CSC) on the union of their entries
    "compressed_add",
    lambda xp, a, b, alpha: _sc.from_coo(_sp.add(_sc.to_coo(a), _sc.to_coo(b), alpha), a.layout),
    [lambda g, a: _masked(g, a._data), lambda g, b, alpha: _masked(g, b._data) * alpha],
    inputs=("a", "b"),
    node_name="AddBackward0",
)


def _added(tensors: tuple, attrs: dict) -> Tensor:
    """`a + alpha * b` with a compressed operand: dense with a dense one, compressed with one of its layout."""
    alpha = attrs.get("alpha", 1)
    if len(tensors) == 1:
        raise RuntimeError(_ADD_SIZES.format([], list(tensors[0].shape)))
    a, b = tensors
    s, d = (a, b) if is_compressed(a) else (b, a)
    if not is_compressed(d):
        if d.shape != s.shape:
            raise RuntimeError(_ADD_SIZES.format(list(d.shape), list(s.shape)))
        return _dense_plus(d, s, alpha=alpha) if d is a else _dense_plus(d * alpha if alpha != 1 else d, s, alpha=1)
    if a._data.layout != b._data.layout:  # (PyTorch's message, whichever is CSC)
        got = "SparseCsc"
        raise RuntimeError(f"crow_indices expected sparse row compressed tensor layout but got {got}")
    if a.shape != b.shape:
        raise RuntimeError(_ADD_SIZES.format(list(a.shape), list(b.shape)))
    return _both_compressed(a, b, alpha=alpha)


_ADD_SIZES = (
    "add: expected 'self' and 'other' to have same size, but self has size {} while other has size {} (FYI: "
    "op2-sparse addition does not currently support broadcasting)"
)


def _transposed(tensors: tuple, attrs: dict) -> Tensor:
    (a,) = tensors
    if not attrs:
        return _t(a)
    if {attrs["d0"] % 2, attrs["d1"] % 2} == {0, 1}:
        return _transpose(a)
    return a


def _summed(tensors: tuple, attrs: dict) -> Tensor:
    if attrs.get("dims") is not None:
        raise RuntimeError("reduction operations on CSR tensors with keepdim=False is unsupported")
    return _sum_all(tensors[0], dt=attrs.get("dt"))


def _on_values(prim: Primitive, tensors: tuple, attrs: dict) -> Tensor:
    """An f(0) = 0 function on the stored values, the pattern kept (PyTorch's CSR kernels do so)."""
    if len(tensors) != 1:
        raise RuntimeError("unsupported tensor layout: " + _NAMES[tensors[0]._data.layout][4])
    data = tensors[0]._data
    out = prim(values(tensors[0]), **attrs)
    return _from_values(out, compressed=data.compressed, plain=data.plain, shape=data.shape, layout=data.layout)


KERNELS.update(
    {
        "mm": lambda tensors, attrs: mm(*tensors),
        "mv": lambda tensors, attrs: _mv(*tensors),
        "addmm": _addmm_kernel,
        "mul": _multiply,
        "neg": lambda tensors, attrs: _neg(*tensors),
        "t": _transposed,
        "transpose": _transposed,
        "clone": lambda tensors, attrs: _clone(*tensors),
        "to_dtype": lambda tensors, attrs: _cast(*tensors, dt=attrs["dt"]),
        "sum": _summed,
        "add": _added,
        # a row or column of a compressed matrix is a sparse COO vector, as PyTorch's
        "select": lambda tensors, attrs: SPARSE_KERNELS["select"]((to_sparse_coo(tensors[0]),), attrs),
    }
)
COMPRESSED_VALUEWISE.update(dict.fromkeys((n for n in _ZERO_PRESERVING if n != "pow"), _on_values))  # (PyTorch: no pow)

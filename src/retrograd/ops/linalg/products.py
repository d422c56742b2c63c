"""Matrix products: matmul and its special cases (tensordot, kron and the other products composed
of them are in derived_products.py, cross in cross_product.py).

Each product is one BLAS call forward (`xp.matmul`; PyTorch's loop for small batched
products, kernels/small_bmm.py) and one per input backward:
d(AB)/dA = G·Bᵀ, d(AB)/dB = Aᵀ·G. The rules call the same products, so they are
differentiable to any order. addmm and friends live in `multiply_add.py`, einsum
in `contraction.py`, the decompositions (inv, det, qr, svd, ...) in `decompositions.py`
and `spectral.py`; the top-level PyTorch spellings of those (`torch.svd`,
`torch.inverse`, ...) are in `composite.py`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy

from ...engine.grad_mode import state
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..autocast_policy import active as autocasting
from ..autocast_policy import lower_precision
from ..kernels.arg_types import check_tensors
from ..kernels.operands import refused_operand
from ..kernels.out_arg import SAME, same, write_out
from ..kernels.small_bmm import batched_matmul, loops
from ..shape.views import squeeze_dims
from .common import broadcast_batch, check_bmm, check_bmm_dtypes, check_mm, check_mv, in_dtype_of, not_bool

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot"]


# --- the primitives: forward on arrays, one derivative per input ---------------------------

# A first-order backward's products as one primitive each, G Bᵀ and Aᵀ G, with no transpose op
# in between: two op calls fewer per matrix product. Only when nothing records the backward (no
# create_graph, no vmap batch) and the other operand is real; otherwise the rules below compose
# differentiable ops, so that higher derivatives are recorded as PyTorch records them.
def g_bt(xp: Any, g: Any, b: Any) -> Any:
    """G Bᵀ: a product's derivative in its left operand (the kernel of `grad_bt`)."""
    return batched_matmul(xp, g, b.swapaxes(-1, -2))


def at_g(xp: Any, a: Any, g: Any) -> Any:
    """Aᵀ G: a product's derivative in its right operand (the kernel of `grad_at`)."""
    return batched_matmul(xp, a.swapaxes(-1, -2), g)


def gt_a_t(xp: Any, a: Any, g: Any) -> Any:
    """Aᵀ G computed as (Gᵀ A)ᵀ: the same values, stored transposed (row-major for the matrix Bᵀ)."""
    return batched_matmul(xp, g.swapaxes(-1, -2), a).swapaxes(-1, -2)


def column_major(data: Any) -> bool:
    """True when NumPy `data`'s last two dims are stored transposed (a `.mT` of a row-major matrix)."""
    shape = data.shape
    if type(data) is not numpy.ndarray or len(shape) < 2 or shape[-1] < 2 or shape[-2] < 2:
        return False
    strides = data.strides
    return strides[-2] == data.itemsize and strides[-1] == shape[-2] * data.itemsize


def at_g_like(xp: Any, a: Any, g: Any, b_column_major: bool) -> Any:
    """Aᵀ G, a product's derivative in its right operand B, laid out as B is.

    For a column-major B (a Linear's `weight.t()`) it is computed as (Gᵀ A)ᵀ, as PyTorch's mm
    does: the gradient of the weight itself then comes out row-major, and becomes its `.grad`
    without a copy. The products record B's layout as an attribute (`b_column_major`) rather
    than save B: PyTorch saves B only for A's gradient, so changing B in place between forward
    and backward is fine when only B requires grad.
    """
    return gt_a_t(xp, a, g) if b_column_major else at_g(xp, a, g)


grad_bt = Primitive("mm", g_bt, [None, None], inputs=("g", "b"))
grad_at = Primitive("mm", at_g, [None, None], inputs=("a", "g"))
grad_at_transposed = Primitive("mm", gt_a_t, [None, None], inputs=("a", "g"))
# the same kernels as array rules (engine.primitive): a plain first-order backward calls them directly
PRODUCT_ARRAY_RULES = (g_bt, lambda xp, g, a: at_g(xp, a, g))
MATRIX_ARRAY_RULES = (g_bt, lambda xp, g, a, b_column_major: at_g_like(xp, a, g, b_column_major))


def grad_in_b(g: Tensor, a: Tensor, b_column_major: bool) -> Tensor:
    """`at_g_like` as a primitive call (a first-order backward that records, or a compiled one)."""
    return (grad_at_transposed if b_column_major else grad_at)(a, g)


def recorded_grad_in_b(g: Tensor, a: Tensor, b_column_major: bool) -> Tensor:
    """Aᴴ G recorded with differentiable ops, laid out as B is (as `at_g_like`).

    For a column-major B it is (Gᵀ Ā)ᵀ, PyTorch's mm_mat2_backward: under create_graph a
    Linear's weight gradient is then row-major too, so `grad.view(-1)` works (a Hessian-vector
    product's flattening)."""
    if b_column_major:
        return mm(g.t(), a.conj()).t()
    return mm(_adjoint(a), g)


def first_order(g: Tensor, other: Tensor) -> bool:
    """Whether a product's derivative may be `grad_bt`/`grad_at`: unrecorded, unbatched, real."""
    return not state.enabled and type(g) is Tensor and type(other) is Tensor and other._data.dtype.kind != "c"


def _adjoint(m: Tensor) -> Tensor:
    """Mᴴ of a matrix, recorded as PyTorch records it (TBackward0 for real M)."""
    return m.mH if m.is_complex() else m.t()


_mm = Primitive(
    "mm", lambda xp, a, b, b_column_major: xp.matmul(a, b),
    [lambda g, b: grad_bt(g, b) if first_order(g, b) else mm(g, _adjoint(b)),   # d(AB)/dA = G Bᴴ
     lambda g, a, b_column_major: grad_in_b(g, a, b_column_major) if first_order(g, a)
     else recorded_grad_in_b(g, a, b_column_major)],  # d(AB)/dB = Aᴴ G
    inputs=("a", "b"),
    array_rules=MATRIX_ARRAY_RULES,
)
_bmm = Primitive(
    "bmm", batched_matmul,
    [lambda g, b: grad_bt(g, b) if first_order(g, b) else bmm(g, b.mH),
     lambda g, a: grad_at(a, g) if first_order(g, a) else bmm(a.mH, g)],
    inputs=("a", "b"),
    array_rules=PRODUCT_ARRAY_RULES,
)
_mv = Primitive(
    "mv", lambda xp, a, b: xp.matmul(a, b),
    [lambda g, b: g.unsqueeze(-1) * b,  # d(Av)/dA = g vᵀ
     lambda g, a: mv(a.mT, g)],         # d(Av)/dv = Aᵀ g
    inputs=("a", "b"),
    holomorphic=True,
)
# conjugated partner for complex inputs, PyTorch's convention (as for `mul`); a no-op for real ones
_DOT_RULES = [lambda g, b: g * b.conj(), lambda g, a: g * a.conj()]
_dot = Primitive("dot", lambda xp, a, b: xp.dot(a, b), _DOT_RULES, inputs=("a", "b"))
_vdot = Primitive("vdot", lambda xp, a, b: xp.dot(a, b), _DOT_RULES, inputs=("a", "b"))


def _fold_matmul(xp: Any, a: Any, b: Any, b_column_major: bool, bmm: bool) -> Any:
    """(..., m, k) @ (k, n) as one (M, k) @ (k, n) BLAS call instead of one per batch; PyTorch's loop
    where its matmul ends in a small bmm (`bmm`, see `_reaches_bmm`)."""
    if bmm and loops(xp, a, b):
        return batched_matmul(xp, a, b)
    if b.ndim >= 3 and b.size and a.shape[:-2] == b.shape[:-2] and not any(b.strides[:-2]):
        b = b[(0,) * (b.ndim - 2)]  # one matrix broadcast over the batch (an operand expanded by vmap)
    if a.ndim >= 3 and b.ndim == a.ndim and a.shape[-1] == 1:
        # stacked outer products (k = 1; per-example weight grads under vmap): BLAS has no batched
        # path for them, and einsum's k = 1 loop writes them faster than a broadcast multiply
        return xp.einsum("...ik,...kj->...ij", a, b)
    if b.ndim <= 2 and a.ndim >= 3:
        rows = xp.matmul(a.reshape(math.prod(a.shape[:-1]), a.shape[-1]), b)
        return rows.reshape(a.shape[:-1] + b.shape[1:])
    if a.ndim == 2 and b.ndim >= 3 and b.shape[-1] == 1:
        # (m, k) @ (..., k, 1), a stack of vectors (a Jacobian's rows under vmap): one (B, k) @ (k, m) call
        cols = xp.matmul(b.reshape(math.prod(b.shape[:-2]), b.shape[-2]), a.T)
        return cols.reshape(b.shape[:-2] + (a.shape[0], 1))
    return xp.matmul(a, b)


def _matmul_grad_a(g: Tensor, b: Tensor, a_shape: tuple) -> Tensor:
    if len(a_shape) == 1:  # (k,) @ (..., k, n): the engine sums the batch dims
        return matmul(b.conj(), g.unsqueeze(-1)).squeeze(-1)
    if b.ndim == 1:        # (..., m, k) @ (k,): g vᴴ
        return g.unsqueeze(-1) * b.conj()
    return grad_bt(g, b) if g.ndim == b.ndim and first_order(g, b) else matmul(g, b.mH)


def _matmul_grad_b(g: Tensor, a: Tensor, b_shape: tuple, b_column_major: bool) -> Tensor:
    k = a.shape[-1]
    rows = math.prod(a.shape[:-1])
    if a.ndim == 1:          # (k,) @ (..., k, n): ā gᵀ per batch
        return a.conj().unsqueeze(-1) * g.unsqueeze(-2)
    if len(b_shape) == 1:    # all batch rows at once: one matrix-vector product
        return mv(_adjoint(a.reshape(rows, k)), g.reshape(rows))
    if len(b_shape) == 2:    # all batch rows at once: one matrix product, in b's layout
        return recorded_grad_in_b(g.reshape(rows, g.shape[-1]), a.reshape(rows, k), b_column_major)
    # b is a transposed view (a Linear's weight.t()): the grad in b's layout, as `at_g_like` (under
    # vmap a Linear layer's per-example weight grads are then written once, in the layout a `.view` needs)
    if b_column_major:
        return matmul(g.mT, a.conj() if a.is_complex() else a).mT
    return grad_at(a, g) if a.ndim == g.ndim and first_order(g, a) else matmul(a.mH, g)


# batched matmul: PyTorch folds it into bmm/mm and views the result back
_matmul_nd = Primitive(
    "matmul", _fold_matmul, [_matmul_grad_a, _matmul_grad_b], inputs=("a", "b"), node_name="UnsafeViewBackward0",
)
# 2-D @ batched: PyTorch computes (Bᵀ Aᵀ)ᵀ and copies it to contiguous memory
_matmul_2d_nd = Primitive(
    "matmul", _fold_matmul, [_matmul_grad_a, _matmul_grad_b], inputs=("a", "b"), node_name="CloneBackward0",
)


# --- matmul and its special cases ------------------------------------------------------------

def mm(input: Tensor, mat2: Tensor, *, out: Any = None) -> Tensor:
    """Matrix product of (n, m) and (m, p) matrices, giving (n, p); no broadcasting.

    Args:
        input (Tensor): an `(n, m)` matrix.
        mat2 (Tensor): an `(m, p)` matrix of the same dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the `(n, p)` product (no broadcasting).

    Examples:
        >>> retrograd.mm(retrograd.tensor([[1.0, 2.0]]), retrograd.tensor([[3.0], [4.0]]))
        tensor([[11.]])
    """
    if type(input) is not Tensor or type(mat2) is not Tensor:  # (subclasses pass the check)
        check_tensors("mm", input=input, mat2=mat2)
    if out is not None:
        return write_out(out, mm, locals(), SAME)
    if autocasting[0]:
        input, mat2 = lower_precision(input, mat2)
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    check_mm(input, mat2)
    return _mm(input, mat2, b_column_major=column_major(mat2._data))


def bmm(input: Tensor, mat2: Tensor, *, out: Any = None) -> Tensor:
    """Batched matrix product: (b, n, m) @ (b, m, p) -> (b, n, p); no broadcasting.

    Args:
        input (Tensor): a batch of matrices, `(b, n, m)`.
        mat2 (Tensor): a batch of matrices, `(b, m, p)`, same dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the `(b, n, p)` batch of products.

    Examples:
        >>> retrograd.bmm(retrograd.ones(2, 3, 4), retrograd.ones(2, 4, 5)).shape
        retrograd.Size([2, 3, 5])
    """
    if out is not None:
        return write_out(out, bmm, locals(), SAME)
    if autocasting[0]:
        input, mat2 = lower_precision(input, mat2)
    try:
        empty = check_bmm(input, mat2)
    except (AttributeError, RuntimeError):  # the parser's TypeError first for a non-tensor (free until then)
        check_tensors("bmm", input=input, mat2=mat2)
        raise
    if empty:  # two dtypes, nothing to compute: PyTorch's zeros in mat2's dtype
        input = in_dtype_of(input, mat2)
    return _bmm(input, mat2)


def mv(input: Tensor, vec: Tensor, *, out: Any = None) -> Tensor:
    """Matrix-vector product: (n, m) @ (m,) -> (n,).

    Args:
        input (Tensor): the matrix, shape (n, m).
        vec (Tensor): the vector, shape (m,), same dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (n,).

    Examples:
        >>> retrograd.mv(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]), retrograd.tensor([1.0, -1.0]))
        tensor([-1., -1.])
    """
    if type(input) is not Tensor or type(vec) is not Tensor:  # (subclasses pass the check)
        check_tensors("mv", input=input, vec=vec)
    if out is not None:
        return write_out(
            out, mv, locals(), same("addmv input tensors must have the same dtype, but got {dst}, {src}, and {src}")
        )
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    check_mv(input, vec)
    return _mv(input, vec)


def _check_vectors(a: Tensor, b: Tensor, name: str) -> None:
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(  # "dot" for vdot too: PyTorch's shared check names it so
            "dot : expected both vectors to have same dtype, but found "
            f"{a.dtype.kind_name} and {b.dtype.kind_name}"
        )
    n, m = a._data.shape[0], b._data.shape[0]
    if n != m:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number of "
            f"elements, but got {n} and {m} elements respectively"
        )
    not_bool(a, name)


def dot(input: Tensor, tensor: Tensor, *, out: Any = None) -> Tensor:
    """Inner product of two 1-D tensors of the same size and dtype, a 0-d tensor.

    Args:
        input (Tensor): a 1-D tensor.
        tensor (Tensor): a 1-D tensor of the same size and dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor, Σ input[i] * tensor[i] (no conjugation; see `vdot`).

    Examples:
        >>> retrograd.dot(retrograd.tensor([1, 2, 3]), retrograd.tensor([4, 5, 6]))
        tensor(32)
    """
    if type(input) is not Tensor or type(tensor) is not Tensor:  # (subclasses pass the check)
        check_tensors("dot", input=input, tensor=tensor)
    if out is not None:
        return write_out(out, dot, locals(), same("result dtype {dst} does not match input dtype {src}"))
    _check_vectors(input, tensor, "dot")
    return _dot(input, tensor)


def vdot(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """`dot` with the first argument conjugated (the same as `dot` for real tensors).

    Args:
        input (Tensor): a 1-D tensor, conjugated before the product.
        other (Tensor): a 1-D tensor of the same size and dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a 0-d tensor, Σ conj(input[i]) * other[i].

    Examples:
        >>> a = retrograd.tensor([1 + 2j, 3 - 1j])
        >>> retrograd.vdot(a, a)
        tensor(15.+0.j)
        >>> retrograd.dot(a, a)
        tensor(5.-2.j)
    """
    check_tensors("vdot", input=input, other=other)
    if out is not None:
        return write_out(out, vdot, locals(), same("result dtype {dst} does not match input dtype {src}"))
    _check_vectors(input, other, "vdot")
    if input.is_complex():  # the conjugate is what sets vdot apart from dot
        input = input.conj()
    return _vdot(input, other)


def matmul(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """PyTorch's `@`: dot, mv, mm, or a broadcast batched product, by the inputs' dims.

    Args:
        input (Tensor): the left operand, `(n,)`, `(n, m)` or `(*, n, m)`.
        other (Tensor): the right operand, `(m,)`, `(m, p)` or `(*, m, p)`; batch dims broadcast.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the product; 1-D operands lose their dim, e.g. `(b, n, m) @ (m,)` is `(b, n)`.

    Examples:
        >>> a = retrograd.arange(6.0).reshape(2, 3)
        >>> retrograd.matmul(a, retrograd.ones(3))
        tensor([ 3., 12.])
        >>> retrograd.matmul(retrograd.ones(4, 2, 3), retrograd.ones(3, 5)).shape
        retrograd.Size([4, 2, 5])
    """
    if out is not None:
        return write_out(out, matmul, locals(), SAME)
    if autocasting[0]:
        input, other = lower_precision(input, other)
    try:
        da, db = input._data.ndim, other._data.ndim
    except AttributeError:
        if isinstance(input, Tensor) and not isinstance(other, Tensor):
            return refused_operand("matmul", other)  # `t @ x`: x's __rmatmul__ may take it
        check_tensors("matmul", input=input, other=other)
        raise
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 1 and db == 2:
        row = mm(input.unsqueeze(0), other)
        return squeeze_dims(row, shape=row._data.shape[1:])
    if da == 2 and db == 2:  # mm without its own argument checks (the dims are known here)
        check_mm(input, other)
        return _mm(input, other, b_column_major=column_major(other._data))
    fold = _folds(input, other, da, db)
    if _check_batched(input, other, fold):  # empty, of two dtypes: PyTorch's zeros in other's dtype
        input = in_dtype_of(input, other)
    bmm = not fold and _reaches_bmm(input, other, da, db)
    return (_matmul_nd if da != 2 else _matmul_2d_nd)(input, other, b_column_major=column_major(other._data), bmm=bmm)


def _folds(a: Tensor, b: Tensor, da: int, db: int) -> bool:
    """PyTorch's `should_fold`: whether its matmul of a batch and a matrix or vector is one mm/mv on the
    batch viewed as one matrix (`a`'s, or `b`'s transposed) rather than a bmm. It folds an operand that
    requires grad into the other, and otherwise a batch that views as one matrix without a copy."""
    big, big_dims, small_dims = (a, da, db) if da >= db else (b, db, da)
    if big_dims < 3 or small_dims > 2:
        return False
    if (b if da >= db else a).requires_grad:
        return True
    if da == 2:
        return False
    if type(big) is not Tensor:  # a vmap batch: its layout is not the per-example one
        return da > db
    if big.numel() == 0:
        return True
    shape, strides = list(big.shape), list(big.stride())
    if da < db:  # b.mT
        shape[-2:], strides[-2:] = shape[:-3:-1], strides[:-3:-1]
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big_dims - 2))


def _reaches_bmm(a: Tensor, b: Tensor, da: int, db: int) -> bool:
    """Whether PyTorch's unfolded batched matmul ends in bmm (whose small products loop): not where it
    squeezes a batch of one that requires grad beside a different batch (`_matmul_impl`)."""
    if da == 3 and db == 3 and a.shape[0] != b.shape[0]:
        return not (a.shape[0] == 1 and a.requires_grad or b.shape[0] == 1 and b.requires_grad)
    return True


def _check_batched(a: Tensor, b: Tensor, fold: bool) -> bool:
    """The checks of the mm, mv or bmm a batched matmul runs; True for an empty product of two dtypes."""
    sa, sb = a._data.shape, b._data.shape
    if fold and len(sb) <= 2:  # a's batch as one matrix
        if len(sb) == 2:
            check_mm(a, b, (math.prod(sa[:-1]), sa[-1]))
        else:
            check_mv(a, b)
        return False
    if fold:  # (b's batch as one matrix)ᵀ times aᵀ
        bt = b.mT
        if len(sa) == 2:
            check_mm(bt, a.mT, (math.prod(sb[:-2]) * sb[-1], sb[-2]))
        else:
            check_mv(bt, a)
        return False
    batch = broadcast_batch(sa[:-2], sb[:-2])
    n = math.prod(batch)
    k = sa[-1]
    kb = sb[-2] if len(sb) >= 2 else sb[0]
    if k != kb:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {k}] but got: [{n}, {kb}]."
        )
    empty = a._data.dtype != b._data.dtype and check_bmm_dtypes(
        a if len(sa) >= 2 else a.unsqueeze(0), b if len(sb) >= 2 else b.unsqueeze(-1), n
    )
    not_bool(a, "bmm")
    return empty

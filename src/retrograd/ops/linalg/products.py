"""Matrix products: matmul and its special cases, tensordot, kron (cross is in cross_product.py).

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

from ..._user_frames import warn_once
from ...engine.grad_mode import state
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..autocast_policy import active as autocasting
from ..autocast_policy import lower_precision, suspended
from ..kernels.arg_types import check_elements, check_tensors
from ..kernels.operands import refused_operand, wrap_dim
from ..kernels.out_arg import SAME, TENSORDOT, same, write_out
from ..kernels.small_bmm import batched_matmul, loops
from ..shape.views import squeeze_dims, unsafe_view
from .common import broadcast_batch, check_bmm, check_mm, check_mv, check_same_dtype, not_bool

__all__ = [
    "matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "inner", "tensordot", "kron",
    "chain_matmul",
]


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
        check_bmm(input, mat2)
    except (AttributeError, RuntimeError):  # the parser's TypeError first for a non-tensor (free until then)
        check_tensors("bmm", input=input, mat2=mat2)
        raise
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
    _check_batched(input, other)
    bmm = _reaches_bmm(input, other, da, db)
    return (_matmul_nd if da != 2 else _matmul_2d_nd)(input, other, b_column_major=column_major(other._data), bmm=bmm)


def _reaches_bmm(a: Tensor, b: Tensor, da: int, db: int) -> bool:
    """Whether PyTorch's matmul of a batched product ends in bmm (whose small products loop) rather
    than one folded mm/mv: it folds a 2-D operand that requires grad into the other, and squeezes a
    batch of one that requires grad beside a different batch (`_matmul_impl`)."""
    if da == 2:
        return not a.requires_grad
    if db <= 2:
        return False  # folded (PyTorch's bmm only for a batch it cannot view as one matrix)
    if da == 3 and db == 3 and a.shape[0] != b.shape[0]:
        return not (a.shape[0] == 1 and a.requires_grad or b.shape[0] == 1 and b.requires_grad)
    return True


def _check_batched(a: Tensor, b: Tensor) -> None:
    sa, sb = a._data.shape, b._data.shape
    if len(sb) == 2:
        return check_mm(a, b, (math.prod(sa[:-1]), sa[-1]))
    if len(sb) == 1:
        return check_mv(a, b)
    batch = broadcast_batch(sa[:-2], sb[:-2])
    n = math.prod(batch)
    k = sa[-1]
    kb = sb[-2]
    if k != kb:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {k}] but got: [{n}, {kb}]."
        )
    check_same_dtype(a, b)
    not_bool(a, "bmm")


# --- products built from the primitives ------------------------------------------------------

def outer(input: Tensor, vec2: Tensor, *, out: Any = None) -> Tensor:
    """Outer product of two vectors: (n,) x (m,) -> (n, m).

    Args:
        input (Tensor): a 1-D tensor of n elements.
        vec2 (Tensor): a 1-D tensor of m elements; dtypes promote.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the (n, m) matrix `input[i] * vec2[j]`.

    Examples:
        >>> retrograd.outer(retrograd.tensor([1, 2]), retrograd.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]])
    """
    if out is not None:
        return write_out(out, outer, locals())
    try:
        for t, name in ((input, "self"), (vec2, "vec2")):
            if t._data.ndim != 1:
                raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    except (AttributeError, RuntimeError):  # the parser's TypeError first for a non-tensor (free until then)
        check_tensors("outer", input=input, vec2=vec2)
        raise
    return input.reshape(-1, 1) * vec2


ger = outer


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Any = None) -> Tensor:
    """Contract the last `dims` dims of `a` with the first of `b` (or the listed dim pairs).

    Args:
        a (Tensor): the left operand.
        b (Tensor): the right operand, same dtype.
        dims (int or pair of sequences): how many trailing dims of `a` meet as many leading dims
            of `b` (default 2), or `([dims of a], [dims of b])` to contract pairwise.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `a`'s free dims followed by `b`'s.

    Examples:
        >>> a = retrograd.arange(6.0).reshape(2, 3)
        >>> b = retrograd.arange(12.0).reshape(3, 4)
        >>> retrograd.tensordot(a, b, dims=1)
        tensor([[20., 23., 26., 29.],
                [56., 68., 80., 92.]])
        >>> retrograd.tensordot(a, a, dims=([0, 1], [0, 1]))
        tensor(55.)
    """
    if out is not None:
        return write_out(out, tensordot, locals(), TENSORDOT, grad="copy")
    ca, cb = _tensordot_dims(a, b, dims)
    sa, sb = a._data.shape, b._data.shape
    for x, y in zip(ca, cb):
        if sa[x] != sb[y]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {sa[x]} in dim {x} and "
                f"second has size {sb[y]} in dim {y}"
            )
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    ca_w = [wrap_dim(d, len(sa)) for d in ca]
    cb_w = [wrap_dim(d, len(sb)) for d in cb]
    free_a = [d for d in range(len(sa)) if d not in ca_w]
    free_b = [d for d in range(len(sb)) if d not in cb_w]
    k = math.prod(sa[d] for d in ca_w)
    left = _permuted(a, free_a + ca_w).reshape(math.prod(sa[d] for d in free_a), k)
    right = _permuted(b, cb_w + free_b).reshape(k, math.prod(sb[d] for d in free_b))
    if autocasting[0] and not free_a and not free_b and len(sa) == len(sb) == 1:
        with suspended():  # PyTorch's vector-vector tensordot is no matrix product: autocast leaves it
            return mm(left, right).reshape([])
    return mm(left, right).reshape([sa[d] for d in free_a] + [sb[d] for d in free_b])


def _tensordot_dims(a: Tensor, b: Tensor, dims: Any) -> tuple[list[int], list[int]]:
    if isinstance(dims, Tensor):  # (PyTorch's Python-level check: an AssertionError)
        if dims._data.size > 1 and dims._data.shape[0] != 2:
            raise AssertionError(f"dims tensor must have size 2 in first dimension, got {dims._data.shape[0]}")
        dims = dims.tolist() if dims._data.size > 1 else int(dims.item())
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a._data.ndim or dims > b._data.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    da, db = dims
    da = [da] if isinstance(da, int) else list(da)
    db = [db] if isinstance(db, int) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    return da, db


def _permuted(t: Tensor, order: list[int]) -> Tensor:
    return t if order == list(range(len(order))) else t.permute(order)


def inner(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Sum of products over the last dim of both: (..., n) x (..., n) -> (*a_batch, *b_batch).

    Args:
        input (Tensor): a tensor whose last dim has size n (a 0-d tensor scales `other`).
        other (Tensor): a tensor whose last dim has size n.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input`'s other dims followed by `other`'s.

    Examples:
        >>> retrograd.inner(retrograd.tensor([1, 2, 3]), retrograd.tensor([1, 0, 1]))
        tensor(4)
        >>> retrograd.inner(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]), retrograd.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    check_tensors("inner", input=input, other=other)
    if out is not None:
        return write_out(out, inner, locals(), TENSORDOT, grad="copy")
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes {list(sa)} and {list(sb)}"
        )
    return tensordot(input, other, dims=([-1], [-1]))


def kron(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Kronecker product: block (i, j) is `input[i, j] * other`, for any number of dims.

    Args:
        input (Tensor): the tensor giving the block factors.
        other (Tensor): the block; the fewer-dim operand gets leading dims of size 1.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape `input.shape[k] * other.shape[k]` in each dim k.

    Examples:
        >>> retrograd.kron(retrograd.tensor([[1, 2], [3, 4]]), retrograd.tensor([[1, 1]]))
        tensor([[1, 1, 2, 2],
                [3, 3, 4, 4]])
    """
    check_tensors("kron", input=input, other=other)
    if out is not None:
        return write_out(out, kron, locals())
    n = max(input._data.ndim, other._data.ndim)
    sa = (1,) * (n - input._data.ndim) + input._data.shape
    sb = (1,) * (n - other._data.ndim) + other._data.shape
    # interleave the dims, (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...), then merge each pair
    a = input.reshape([s for d in sa for s in (d, 1)])
    b = other.reshape([s for d in sb for s in (1, d)])
    return unsafe_view(a * b, shape=tuple(x * y for x, y in zip(sa, sb)))


def chain_matmul(*matrices: Tensor, out: Any = None) -> Tensor:
    """Deprecated spelling of `linalg.multi_dot(matrices)`.

    Args:
        *matrices (Tensor): 2-D tensors whose shapes chain: (a, b), (b, c), ...
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the product of all the matrices, multiplied in the cheapest order.

    Examples:
        >>> a, b, c = retrograd.ones(2, 3), retrograd.ones(3, 4), retrograd.ones(4, 1)
        >>> retrograd.chain_matmul(a, b, c)
        tensor([[12.],
                [12.]])
    """
    if out is not None:
        return write_out(
            out, chain_matmul, locals(), same("multi_dot(): expected out tensor to have dtype {src_c} but got {dst_c}")
        )
    check_elements(matrices)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if t._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {t._data.ndim}, expected 2 instead.")
    warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE
        "chain_matmul: deprecated",
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
        "multiple parameters.",
    )
    if len(matrices) == 1:
        return matrices[0].clone()
    from .composite import multi_dot  # here: composite pulls in the factorizations, which matmul does not need

    return multi_dot(list(matrices))

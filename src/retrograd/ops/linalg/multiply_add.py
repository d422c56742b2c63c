"""Fused multiply-adds: `beta * input + alpha * (product)` for mm, mv, bmm and a summed bmm.

One primitive each, so the forward is one BLAS call plus an in-place scale-and-add (or, for
addmm with a row-vector bias and a wide output, one BLAS call with the bias inside it), and
each input's derivative is the product rule scaled by alpha (beta for `input`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.primitive import Primitive
from ...engine.wide_sum import BLAS_FLOATS
from ...tensor import Tensor
from ..autocast_policy import active as autocasting
from ..autocast_policy import lower_precision
from ..kernels.arg_types import check_tensors
from ..kernels.deprecated_overloads import beta_alpha_first, hide_scalars_first
from ..kernels.out_arg import SAME, same, write_out
from .common import check_bmm, check_bmm_dims, check_mm, check_mv, in_dtype_of
from .products import at_g_like, column_major, first_order, g_bt, grad_at, grad_bt, grad_in_b

__all__ = ["addmm", "addmv", "addbmm", "baddbmm"]


def _scaled(x: Tensor, c: Any) -> Tensor:
    return x if c == 1 else x * c


def _axpby(xp: Any, prod: Any, c: Any, beta: Any, alpha: Any) -> Any:
    if prod.dtype.kind in "iub":  # PyTorch truncates the scalars for integer tensors
        beta, alpha = int(beta), int(alpha)
    if alpha != 1:
        prod *= alpha
    if beta != 0:
        prod += c * beta if beta != 1 else c
    return prod


def _bias_in_gemm(xp: Any, c: Any, a: Any, b: Any) -> bool:
    """Whether `c + a @ b` should run as one product with c as an extra row of b (`_biased_product`):
    NumPy float data, c a row vector, and an output at least twice as large as the operands it
    copies (a linear layer's output wider than its input, as a language model's head)."""
    m, k = a.shape
    n = b.shape[1]
    return (xp is np and a.dtype in BLAS_FLOATS and a.dtype == b.dtype == c.dtype and c.shape in ((n,), (1, n))
            and m * n >= _BIASED_FROM and m * n >= 2 * (m * k + k * n))


_BIASED_FROM = 16384  # output elements: below this the add is cheap anyway


def _biased_product(a: Any, b: Any, c: Any) -> Any:
    """[a 1] @ [b; c]: the bias added inside the product's sums instead of in a pass of its own.

    The pass would read and write the whole output just after two BLAS threads wrote it, half of
    it in the other core's cache: W11's head, (700, 128) @ (128, 1000) + bias, 1.30 -> 0.97 ms.
    """
    m, k = a.shape
    left = np.empty((m, k + 1), a.dtype)
    left[:, :k] = a
    left[:, k] = 1
    right = np.empty((k + 1, b.shape[1]), b.dtype)
    right[:k] = b
    right[k] = c.reshape(-1)
    return left @ right


def biased_matmul(xp: Any, a: Any, b: Any, c: Any) -> Any:
    """a @ b + c for matrices a, b and a c that broadcasts to the product: one product with c
    inside when c is a row vector and that is cheaper (`_bias_in_gemm`), else the product and
    an in-place add."""
    if _bias_in_gemm(xp, c, a, b):
        return _biased_product(a, b, c)
    out = xp.matmul(a, b)
    out += c
    return out


def _addmm_forward(xp: Any, c: Any, a: Any, b: Any, beta: Any, alpha: Any, b_column_major: bool) -> Any:
    if beta == 1 and alpha == 1:
        return biased_matmul(xp, a, b, c)
    return _axpby(xp, xp.matmul(a, b), c, beta, alpha)


def _addbmm_forward(xp: Any, c: Any, a: Any, b: Any, beta: Any, alpha: Any) -> Any:
    # Σ_b A_b B_b as one (n, B·m) @ (B·m, p) product
    n, k, p = a.shape[1], a.shape[0] * a.shape[2], b.shape[2]
    prod = xp.matmul(a.transpose(1, 0, 2).reshape(n, k), b.reshape(k, p))
    return _axpby(xp, prod, c, beta, alpha)


def _recorded_at_g(g: Tensor, a: Tensor, b_column_major: bool) -> Tensor:
    """Aᵀ G with differentiable ops, laid out as B is: (Gᵀ A)ᵀ for a column-major B (a Linear's
    `weight.t()`), so that a weight's create_graph gradient is row-major, as in PyTorch."""
    return (g.t() @ a).t() if b_column_major else a.mT @ g


_addmm = Primitive(
    "addmm", _addmm_forward,
    [lambda g, beta: _scaled(g, beta),
     lambda g, b, alpha: _scaled(grad_bt(g, b) if first_order(g, b) else g @ b.mT, alpha),
     lambda g, a, b_column_major, alpha: _scaled(grad_in_b(g, a, b_column_major) if first_order(g, a)
                                                 else _recorded_at_g(g, a, b_column_major), alpha)],
    inputs=("c", "a", "b"),
    holomorphic=True,
    # unit scalars (every nn.Linear) on arrays; other scalars by the rules, whose `g * c` promotes as PyTorch does
    array_rules=[lambda xp, g, beta: g if beta == 1 else NotImplemented,
                 lambda xp, g, b, alpha: g_bt(xp, g, b) if alpha == 1 else NotImplemented,
                 lambda xp, g, a, b_column_major, alpha: at_g_like(xp, a, g, b_column_major) if alpha == 1
                 else NotImplemented],
)
_addmv = Primitive(
    "addmv", lambda xp, c, a, b, beta, alpha: _axpby(xp, xp.matmul(a, b), c, beta, alpha),
    [lambda g, beta: _scaled(g, beta),
     lambda g, b, alpha: _scaled(g.unsqueeze(-1) * b, alpha),
     lambda g, a, alpha: _scaled(a.mT @ g, alpha)],
    inputs=("c", "a", "b"),
    holomorphic=True,
)
_baddbmm = Primitive(
    "baddbmm", lambda xp, c, a, b, beta, alpha: _axpby(xp, xp.matmul(a, b), c, beta, alpha),
    [lambda g, beta: _scaled(g, beta),
     lambda g, b, alpha: _scaled(grad_bt(g, b) if first_order(g, b) else g @ b.mT, alpha),
     lambda g, a, alpha: _scaled(grad_at(a, g) if first_order(g, a) else a.mT @ g, alpha)],
    inputs=("c", "a", "b"),
    holomorphic=True,
)
_addbmm = Primitive(
    "addbmm", _addbmm_forward,
    [lambda g, beta: _scaled(g, beta),
     lambda g, b, alpha: _scaled(g @ b.mT, alpha),   # (n, p) @ (B, p, m)
     lambda g, a, alpha: _scaled(a.mT @ g, alpha)],  # (B, m, n) @ (n, p)
    inputs=("c", "a", "b"),
    holomorphic=True,
)


def _check_batches(input: Tensor, batch1: Tensor, batch2: Tensor, batch1_dims: tuple, kind: str) -> bool:
    """baddbmm's and addbmm's checks in PyTorch's order: the parser's tensor types, the batches' dims, `input`
    against the result's shape (read from batch1's `batch1_dims` and batch2's dim 2), then dtypes and sizes.
    True for an empty baddbmm of two dtypes (see `check_bmm_dtypes`)."""
    try:
        check_bmm_dims(batch1, batch2)
    except (AttributeError, RuntimeError):  # free until something fails
        check_tensors(kind, input=input, batch1=batch1, batch2=batch2)
        for t, dims in ((batch1, batch1_dims), (batch2, (2,))):
            for d in dims:
                t.size(d)
        raise
    _check_add_input(input, batch1, batch2, (*(batch1.shape[d] for d in batch1_dims), batch2.shape[2]), kind)
    if kind == "addbmm":  # one addmm per matrix: its sizes, then its dtypes
        (b, n, k), (b2, k2, p) = batch1.shape, batch2.shape
        if b != b2:
            raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {b} and {b2}")
        if k != k2:
            raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{k} and {k2}x{p})")
        for name, t in (("self", input), ("mat1", batch1)):
            if t.dtype != batch2.dtype:
                got = f"{t.dtype.kind_name} and {batch2.dtype.kind_name}"
                raise RuntimeError(f"{name} and mat2 must have the same dtype, but got {got}")
        return False
    if input.dtype != batch1.dtype:
        names = (input.dtype.c10_name, batch1.dtype.c10_name, batch2.dtype.c10_name)
        raise RuntimeError("Input dtypes must be the same, got: input {}, batch1: {}, batch2: {}".format(*names))
    return check_bmm(batch1, batch2, kind)


def _check_add_input(c: Tensor, a: Tensor, b: Tensor, shape: tuple, kind: str) -> None:
    if c._data.dtype != b._data.dtype and kind == "addmm":
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {c.dtype.kind_name} and {b.dtype.kind_name}"
        )
    if kind == "addmv" and not (c._data.dtype == a._data.dtype == b._data.dtype):
        names = ", ".join(t.dtype.kind_name for t in (c, a))
        last = b.dtype.kind_name
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {names}, and {last}")
    cs = c._data.shape
    if len(cs) > len(shape) or any(n != 1 and n != m for n, m in zip(reversed(cs), reversed(shape))):
        c.expand(shape)  # raises PyTorch's error: `input` does not broadcast to the result


def addmm(
    input: Tensor, mat1: Tensor, mat2: Tensor, *scalars_first: Any, beta: Any = 1, alpha: Any = 1, out: Any = None
) -> Tensor:
    """`beta * input + alpha * (mat1 @ mat2)`; `input` broadcasts to (n, p).

    Args:
        input (Tensor): the term to add, broadcastable to (n, p).
        mat1 (Tensor): the (n, m) matrix.
        mat2 (Tensor): the (m, p) matrix.
        beta (number): the factor for `input` (default 1; 0 ignores its NaN and inf).
        alpha (number): the factor for the product (default 1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (n, p).

    Examples:
        >>> bias = retrograd.tensor([1.0, 2.0])
        >>> retrograd.addmm(bias, retrograd.ones(3, 2), retrograd.eye(2), alpha=2)
        tensor([[3., 4.],
                [3., 4.],
                [3., 4.]])
    """
    if scalars_first:  # old code's `torch.addmm(beta, input, alpha, mat1, mat2)`
        input, mat1, mat2, beta, alpha = beta_alpha_first(
            "addmm", (input, mat1, mat2, *scalars_first), beta, alpha
        )
    check_tensors("addmm", input=input, mat1=mat1, mat2=mat2)
    if out is not None:
        return write_out(out, addmm, locals(), SAME)
    if autocasting[0]:
        input, mat1, mat2 = lower_precision(input, mat1, mat2)
    if mat1._data.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {mat1._data.ndim}-D tensor")
    if mat2._data.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {mat2._data.ndim}-D tensor")
    _check_add_input(input, mat1, mat2, (mat1.shape[0], mat2.shape[1]), "addmm")
    for name, t in (("self", input), ("mat1", mat1)):  # PyTorch's addmm messages (nn.Linear's too)
        if isinstance(t, Tensor) and t.dtype != mat2.dtype:
            raise RuntimeError(
                f"{name} and mat2 must have the same dtype, but got {t.dtype.kind_name} and {mat2.dtype.kind_name}"
            )
    check_mm(mat1, mat2)
    return _addmm(input, mat1, mat2, beta=beta, alpha=alpha, b_column_major=column_major(mat2._data))


hide_scalars_first(addmm)


def addmv(
    input: Tensor, mat: Tensor, vec: Tensor, *scalars_first: Any, beta: Any = 1, alpha: Any = 1, out: Any = None
) -> Tensor:
    """`beta * input + alpha * (mat @ vec)`; `input` broadcasts to (n,).

    Args:
        input (Tensor): the term to add, broadcastable to (n,).
        mat (Tensor): the (n, m) matrix.
        vec (Tensor): the (m,) vector.
        beta (number): the factor for `input` (default 1; 0 ignores its NaN and inf).
        alpha (number): the factor for the product (default 1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (n,).

    Examples:
        >>> mat = retrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> retrograd.addmv(retrograd.tensor([1.0, 1.0]), mat, retrograd.ones(2), beta=0.5)
        tensor([3.5000, 7.5000])
    """
    if scalars_first:  # old code's `torch.addmv(beta, input, alpha, mat, vec)`
        input, mat, vec, beta, alpha = beta_alpha_first(
            "addmv", (input, mat, vec, *scalars_first), beta, alpha
        )
    check_tensors("addmv", input=input, mat=mat, vec=vec)
    if out is not None:
        return write_out(out, addmv, locals(), SAME)
    if mat._data.ndim != 2 or vec._data.ndim != 1:
        dims = f"{input._data.ndim}, {mat._data.ndim}, {vec._data.ndim}"
        raise RuntimeError(f"vector + matrix @ vector expected, got {dims}")
    _check_add_input(input, mat, vec, (mat.shape[0],), "addmv")
    check_mv(mat, vec)
    return _addmv(input, mat, vec, beta=beta, alpha=alpha)


hide_scalars_first(addmv)


def baddbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, *scalars_first: Any, beta: Any = 1, alpha: Any = 1, out: Any = None
) -> Tensor:
    """`beta * input + alpha * bmm(batch1, batch2)`; `input` broadcasts to (b, n, p).

    Args:
        input (Tensor): the term to add, broadcastable to (b, n, p).
        batch1 (Tensor): the (b, n, m) matrices.
        batch2 (Tensor): the (b, m, p) matrices.
        beta (number): the factor for `input` (default 1; 0 ignores its NaN and inf).
        alpha (number): the factor for the products (default 1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (b, n, p).

    Examples:
        >>> retrograd.baddbmm(retrograd.zeros(1, 2), retrograd.ones(3, 2, 4), retrograd.ones(3, 4, 2)).shape
        retrograd.Size([3, 2, 2])
    """
    if scalars_first:  # old code's `torch.baddbmm(beta, input, alpha, batch1, batch2)`
        input, batch1, batch2, beta, alpha = beta_alpha_first(
            "baddbmm", (input, batch1, batch2, *scalars_first), beta, alpha
        )
    if out is not None:
        return write_out(out, baddbmm, locals(), SAME)
    if autocasting[0]:
        input, batch1, batch2 = lower_precision(input, batch1, batch2)
    if _check_batches(input, batch1, batch2, (0, 1), "baddbmm"):  # empty, of two dtypes: in batch2's
        input, batch1 = in_dtype_of(input, batch2), in_dtype_of(batch1, batch2)
    return _baddbmm(input, batch1, batch2, beta=beta, alpha=alpha)


hide_scalars_first(baddbmm)


def addbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, *scalars_first: Any, beta: Any = 1, alpha: Any = 1, out: Any = None
) -> Tensor:
    """`beta * input + alpha * Σ_b batch1[b] @ batch2[b]`; `input` broadcasts to (n, p).

    Args:
        input (Tensor): the term to add, broadcastable to (n, p).
        batch1 (Tensor): the (b, n, m) matrices.
        batch2 (Tensor): the (b, m, p) matrices.
        beta (number): the factor for `input` (default 1; 0 ignores its NaN and inf).
        alpha (number): the factor for the summed products (default 1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape (n, p), the batch summed away.

    Examples:
        >>> retrograd.addbmm(retrograd.zeros(2, 2), retrograd.ones(3, 2, 4), retrograd.ones(3, 4, 2))
        tensor([[12., 12.],
                [12., 12.]])
    """
    if scalars_first:  # old code's `torch.addbmm(beta, input, alpha, batch1, batch2)`
        input, batch1, batch2, beta, alpha = beta_alpha_first(
            "addbmm", (input, batch1, batch2, *scalars_first), beta, alpha
        )
    if out is not None:
        return write_out(out, addbmm, locals(), same("self and mat2 must have the same dtype, but got {dst} and {src}"))
    if autocasting[0]:
        input, batch1, batch2 = lower_precision(input, batch1, batch2)
    _check_batches(input, batch1, batch2, (1,), "addbmm")
    return _addbmm(input, batch1, batch2, beta=beta, alpha=alpha)


hide_scalars_first(addbmm)

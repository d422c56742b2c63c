"""LAPACK's compact QR, PyTorch's pre-`torch.linalg` Householder trio: `geqrf` factors A into R
and the Householder reflectors stored below it (with their scales tau), `orgqr` forms Q from
them, `ormqr` multiplies by Q without forming it.

`orgqr` and `ormqr` are compositions of `householder_product` and matrix products, so they carry
gradients of any order; `geqrf` is a forward-only kernel, as in PyTorch (which has no derivative
for it either).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import return_types
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from .. import autocast_policy as _autocast
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.arg_types import bool_arg, check_tensors
from ..kernels.out_arg import SAME, write_out
from ..shape.join import cat
from .common import floating_kernel, refuse_low_precision
from .structured import householder_product

__all__ = ["geqrf", "orgqr", "ormqr"]

geqrf_result = return_types.geqrf


def _geqrf_one(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK geqrf on one matrix: R on and above the diagonal, reflectors v (v₀ = 1) below, and τ."""
    a = a.copy()
    m, n = a.shape
    tau = np.zeros(min(m, n), a.dtype)
    for j in range(min(m, n)):
        alpha, x = a[j, j], a[j + 1 :, j]
        xnorm = np.linalg.norm(x)
        if xnorm == 0 and np.imag(alpha) == 0:
            continue  # H = I
        beta = -np.copysign(np.sqrt(abs(alpha) ** 2 + xnorm**2), np.real(alpha))
        tau[j] = (beta - alpha) / beta
        a[j + 1 :, j] = x / (alpha - beta)
        a[j, j] = beta
        v = np.concatenate([[1.0], a[j + 1 :, j]]).astype(a.dtype)
        block = a[j:, j + 1 :]
        block -= np.conj(tau[j]) * np.outer(v, v.conj() @ block)  # Hᴴ = I - τ̄ v vᴴ
    return a, tau


def geqrf(input: Tensor, *, out: Any = None) -> Any:
    """(a, tau): the QR factorization as LAPACK's geqrf stores it (R above, Householder vectors below).

    Not differentiable, as in PyTorch. `linalg.householder_product(a, tau)` rebuilds Q.

    Args:
        input (Tensor): a matrix or a batch of them, shape (*, m, n).
        out (tuple of Tensor, optional): `(a, tau)` tensors to write into.

    Returns:
        (Tensor, Tensor): a named tuple `(a, tau)`; tau has shape (*, min(m, n)).

    Examples:
        >>> a, tau = retrograd.geqrf(retrograd.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> a
        tensor([[-5.0000, -2.2000],
                [ 0.5000,  0.4000]])
        >>> tau
        tensor([1.6000, 0.0000])
    """
    if _autocasting[0]:
        input = _float32(input)
    if not isinstance(input, Tensor):
        raise not_a_tensor("geqrf", input)
    if out is not None:
        raise NotImplementedError("geqrf(): out= is not supported")
    if input._data.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    refuse_low_precision(input, "geqrf")
    floating_kernel(input, "geqrf_cpu")
    return geqrf_result(*_geqrf(input))


def _geqrf_forward(xp: Any, data: Any) -> tuple:
    batch, (m, n) = data.shape[:-2], data.shape[-2:]
    flat = data.reshape((math.prod(batch), m, n))  # (not -1: ambiguous for an empty matrix)
    results = [_geqrf_one(np.asarray(x)) for x in flat]
    a = np.stack([r[0] for r in results]) if results else flat.copy()
    tau = np.stack([r[1] for r in results]) if results else np.zeros((0, min(m, n)), data.dtype)
    return a.reshape(data.shape), tau.reshape(batch + (min(m, n),))


def _no_geqrf_derivative(g: tuple) -> Tensor:
    raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


# recorded like PyTorch's (its backward refuses): the forward runs on inputs that require grad
_geqrf = Primitive("geqrf", _geqrf_forward, [_no_geqrf_derivative], n_outputs=2, node_name="GeqrfBackward0")


def orgqr(input: Tensor, input2: Tensor, *, out: Any = None) -> Tensor:
    """The first n columns of Q = H₁⋯H_k from `geqrf`'s output: `linalg.householder_product`.

    Args:
        input (Tensor): the Householder vectors below the diagonal, shape (*, m, n).
        input2 (Tensor): tau, the reflectors' scales, shape (*, k) with k <= n.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: Q's first n columns, shape (*, m, n).

    Examples:
        >>> a, tau = retrograd.geqrf(retrograd.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> retrograd.orgqr(a, tau)
        tensor([[-0.6000, -0.8000],
                [-0.8000,  0.6000]])
    """
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(orgqr, input, input2, out=out)
    check_tensors("orgqr", input=input, input2=input2)
    return householder_product(input, input2, out=out)


def ormqr(
    input: Tensor, input2: Tensor, input3: Tensor, left: bool = True, transpose: bool = False, *, out: Any = None
) -> Tensor:
    """Q C, Qᴴ C, C Q or C Qᴴ (`left`, `transpose`) with the full m×m Q of `geqrf`'s (input, tau = input2).

    Args:
        input (Tensor): the Householder vectors from `geqrf`, shape (*, m, n).
        input2 (Tensor): tau from `geqrf`, shape (*, k).
        input3 (Tensor): C, the matrix to multiply, shape (*, m, p) (or (*, p, m) when not `left`).
        left (bool): multiply Q from the left (default True).
        transpose (bool): use Qᴴ instead of Q (default False).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input3`'s shape.

    Examples:
        >>> a, tau = retrograd.geqrf(retrograd.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> retrograd.ormqr(a, tau, retrograd.eye(2))
        tensor([[-0.6000, -0.8000],
                [-0.8000,  0.6000]])
    """
    if _autocast.active[0] and _autocast.enabled():  # native in float32 in PyTorch: no lowered inner products
        return _autocast.run_in_float32(ormqr, input, input2, input3, left, transpose, out=out)
    check_tensors("ormqr", input=input, input2=input2, input3=input3)
    bool_arg("ormqr", "left", 4, left)
    bool_arg("ormqr", "transpose", 5, transpose)
    if out is not None:
        return write_out(out, ormqr, locals(), SAME)
    for name, t in (("input", input), ("other", input3)):
        if t._data.ndim < 2:
            raise RuntimeError(f"torch.ormqr: {name} must have at least 2 dimensions.")
    refuse_low_precision(input, "ormqr")
    m, n = input.shape[-2], input.shape[-1]
    if n < m:  # zero columns and τ = 0 add identity reflectors: Q becomes square
        input = _pad_columns(input, m - n)
        input2 = _pad_columns(input2, m - input2.shape[-1])
    Q = householder_product(input[..., :, :m], input2)
    Q = Q.mH if transpose else Q
    return Q @ input3 if left else input3 @ Q


def _pad_columns(t: Tensor, extra: int) -> Tensor:
    """`t` with `extra` zero columns on the right."""
    return cat([t, t.new_zeros(t.shape[:-1] + (extra,))], -1) if extra > 0 else t

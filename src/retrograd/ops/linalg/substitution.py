"""Triangular systems by substitution: the primitives behind linalg.solve_triangular and cholesky_solve.

A triangular system is solved row by row (forward or back substitution), as LAPACK's trsm
does, so a zero on the diagonal gives inf/nan in the result rather than an error. Each op
is one primitive with PyTorch's node (LinalgSolveTriangularBackward0, CholeskySolveBackward0)
and PyTorch's derivative, written with the ops themselves so higher orders follow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.primitive import Primitive
from ...tensor import Tensor

# rows solved one at a time inside a block; the blocks' coupling is one matrix product each
_BLOCK = 32


def _substitute(xp: Any, a: Any, b: Any, upper: bool, left: bool, unitriangular: bool) -> Any:
    """X with T X = B (X T = B when not `left`), T the `upper` (or lower) triangle of `a`."""
    if not left:  # X T = B  ⇔  Tᵀ Xᵀ = Bᵀ, whose triangle is the other one
        a, b, upper = a.swapaxes(-1, -2), b.swapaxes(-1, -2), not upper
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a, b = xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:])
    n = a.shape[-1]
    x = xp.zeros(b.shape, np.result_type(a.dtype, b.dtype))
    blocks = [(lo, min(lo + _BLOCK, n)) for lo in range(0, n, _BLOCK)]
    for lo, hi in reversed(blocks) if upper else blocks:
        solved = slice(hi, n) if upper else slice(0, lo)  # the unknowns already found
        rhs = b[..., lo:hi, :] - a[..., lo:hi, solved] @ x[..., solved, :]
        _substitute_block(a, rhs, x, lo, hi, upper, unitriangular)
    return x if left else x.swapaxes(-1, -2)


def _substitute_block(a: Any, rhs: Any, x: Any, lo: int, hi: int, upper: bool, unitriangular: bool) -> None:
    """Rows lo..hi of x from the block's own triangle, row by row (a zero pivot gives inf/nan)."""
    for i in reversed(range(lo, hi)) if upper else range(lo, hi):
        inner = slice(i + 1, hi) if upper else slice(lo, i)
        row = rhs[..., i - lo, :] - (a[..., i : i + 1, inner] @ x[..., inner, :])[..., 0, :]
        x[..., i, :] = row if unitriangular else row / a[..., i, i, None]


def _triangular_grad_b(g: Tensor, a: Tensor, upper: bool, left: bool, unitriangular: bool) -> Tensor:
    # B̄ = T⁻ᴴ G (G T⁻ᴴ when not left): the solve with Tᴴ, whose triangle is the other one
    return solve_triangular_primitive(a.mH, g, upper=not upper, left=left, unitriangular=unitriangular)


def _triangular_grad_a(g: Tensor, a: Tensor, out: Tensor, upper: bool, left: bool, unitriangular: bool) -> Tensor:
    # Ā = -B̄ Xᴴ (-Xᴴ B̄ when not left), on T's triangle only (off its diagonal when unitriangular)
    gb = _triangular_grad_b(g, a, upper, left, unitriangular)
    ga = -(gb @ out.mH) if left else -(out.mH @ gb)
    return ga.triu(int(unitriangular)) if upper else ga.tril(-int(unitriangular))


solve_triangular_primitive: Primitive = Primitive(
    "linalg_solve_triangular",
    _substitute,
    [_triangular_grad_a, _triangular_grad_b],
    inputs=("a", "b"),
    quiet=True,  # a zero pivot divides by zero: inf/nan, as PyTorch returns them
)


def _cholesky_solve_forward(xp: Any, b: Any, factor: Any, upper: bool) -> Any:
    """X with A X = B for A = L Lᴴ (or Uᴴ U when `upper`): two triangular solves."""
    lower = factor.conj().swapaxes(-1, -2) if upper else factor  # L = Uᴴ
    y = _substitute(xp, lower, b, upper=False, left=True, unitriangular=False)
    return _substitute(xp, lower.conj().swapaxes(-1, -2), y, upper=True, left=True, unitriangular=False)


def _cholesky_solve_grad_b(g: Tensor, factor: Tensor, upper: bool) -> Tensor:
    return cholesky_solve_primitive(g, factor, upper=upper)  # B̄ = A⁻¹ G (A is Hermitian)


def _cholesky_solve_grad_factor(g: Tensor, factor: Tensor, out: Tensor, upper: bool) -> Tensor:
    # PyTorch's formula: with C = B̄ Xᴴ + X B̄ᴴ, L̄ = -C L (Ū = -U C); not restricted to the triangle
    gb = _cholesky_solve_grad_b(g, factor, upper)
    common = gb @ out.mH
    common = common + common.mH
    return -(factor @ common) if upper else -(common @ factor)


cholesky_solve_primitive: Primitive = Primitive(
    "cholesky_solve",
    _cholesky_solve_forward,
    [_cholesky_solve_grad_b, _cholesky_solve_grad_factor],
    inputs=("b", "factor"),
    quiet=True,
)

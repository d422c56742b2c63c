"""Batched matrix products as PyTorch's CPU `bmm` computes the small ones.

PyTorch's CPU bmm (which 3-D `matmul`, `einsum` and their backwards reach) multiplies batches
whose matrices have k·n·p < 400 (k contracted, an (n, p) result) with a plain loop instead of
BLAS: each entry is `acc += a[i, l] * b[l, j]` for l = 0 .. k-1 in order, from 0, in the data's
dtype, every product and sum rounded on its own. BLAS sums in blocks with fused multiply-adds,
so for those sizes its float32 results differ from PyTorch's in the last bits (box centres
`einsum("nc,mc->nm")`, a (B, 20, 2) @ (B, 2, 3)). Larger products are BLAS calls in both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["batched_matmul", "loops"]

_LOOP_BELOW = 400  # k·n·p under which PyTorch's bmm runs its loop (baddbmm_cpu_kernel)
_LOOPED = (np.dtype(np.float32), np.dtype(np.float64))


def loops(xp: Any, a: Any, b: Any) -> bool:
    """Whether PyTorch's bmm of these (..., n, k) and (..., k, p) stacks runs its loop (real floats, k·n·p < 400)."""
    return (
        xp is np and a.ndim >= 2 and b.ndim >= 2 and max(a.ndim, b.ndim) >= 3 and a.shape[-1] > 0
        and a.dtype in _LOOPED and b.dtype == a.dtype and a.shape[-1] * a.shape[-2] * b.shape[-1] < _LOOP_BELOW
    )


def batched_matmul(xp: Any, a: Any, b: Any) -> Any:
    """`xp.matmul(a, b)` for (..., n, k) @ (..., k, p) stacks, summed over k in PyTorch's order when small.

    Examples:
        >>> a = np.array([[[0.1, 0.2]]], np.float32); b = np.array([[[0.3], [0.7]]], np.float32)
        >>> float(batched_matmul(np, a, b)[0, 0, 0]) == float(a[0, 0, 0] * b[0, 0, 0] + a[0, 0, 1] * b[0, 1, 0])
        True
    """
    if not loops(xp, a, b):
        return xp.matmul(a, b)
    products = a[..., :, :, None] * b[..., None, :, :]  # (..., n, k, p), each product rounded
    total = np.add.accumulate(products, axis=-2)[..., -1, :]  # summed one after another, in k's order
    return np.add(total, 0.0, dtype=a.dtype)  # the loop starts from +0: a sum of -0.0s is +0.0

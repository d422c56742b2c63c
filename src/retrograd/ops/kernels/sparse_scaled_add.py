"""dense += alpha * sparse, entry by entry, as PyTorch's CPU kernels add a sparse COO tensor into a
dense one (`dense.add_(sparse, alpha=)`, the SGD step on a sparse gradient).

Each entry is one fused multiply-add into its row (rounded once), applied in entry order, so
repeated indices add up in the order the sparse tensor stores them. One exception, found against
PyTorch: a coalesced tensor without dense dims is added as `alpha * values` first (two roundings).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .fused_multiply_add import fma, opmath_scalar

__all__ = ["add_scaled_in_order", "add_sparse_into"]


def add_scaled_in_order(out: Any, where: tuple, values: Any, alpha: float) -> None:
    """out[i_k] = fma(v_k, alpha, out[i_k]) for each entry k in turn, in place.

    Entries are applied by occurrence: every index's first entry at once, then the second ones...
    (within one such level the indices differ, so each row still sees its entries in order).
    """
    flat = np.ravel_multi_index(where, out.shape[: len(where)]) if values.shape[0] else np.zeros(0, np.int64)
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if ordered.size else ordered
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    a = opmath_scalar(alpha, out.dtype)
    for level in range(int(rank.max()) + 1 if rank.size else 0):
        chosen = rank == level
        rows = tuple(ix[chosen] for ix in where)
        out[rows] = fma(np, values[chosen], a, out[rows], out.dtype)


def add_sparse_into(out: Any, indices: Any, values: Any, coalesced: bool, alpha: Any) -> None:
    """out += alpha * (the sparse tensor of these entries), in place, with PyTorch's rounding."""
    where = tuple(indices)
    if alpha == 1:
        np.add.at(out, where, values.astype(out.dtype, copy=False))
    elif coalesced and values.ndim == 1:  # each index once: the scaled values added in one go
        out[where] += (values * opmath_scalar(alpha, out.dtype)).astype(out.dtype, copy=False)
    else:
        add_scaled_in_order(out, where, values.astype(out.dtype, copy=False), alpha)

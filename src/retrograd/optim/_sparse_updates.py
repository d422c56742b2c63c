"""Updates from sparse COO gradients (`nn.Embedding(sparse=True)`): only the rows a gradient holds.

Each follows PyTorch's CPU code: SGD adds every entry of the (possibly uncoalesced) gradient in
turn, as `param.add_(grad, alpha=-lr)` does, each row update a fused multiply-add (rounded once);
Adagrad and SparseAdam coalesce the gradient first (their updates are not linear in it) and touch
each named row once. The arrays are updated in place; the caller bumps the versions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..backend import sparse as _sp
from ..backend.sparse import SparseCOO
from ..ops.kernels.fused_multiply_add import fma, opmath_scalar


def _entries(grad: SparseCOO, maximize: bool) -> tuple[tuple, Any]:
    """(the index tuple of each entry, the values), negated for `maximize`."""
    return tuple(grad.indices), -grad.values if maximize else grad.values


def _add_scaled_in_order(param: Any, where: tuple, values: Any, alpha: float) -> None:
    """p[i_k] = fma(v_k, alpha, p[i_k]) for each entry k in turn (PyTorch's dense.add_(sparse, alpha)).

    Entries are applied by occurrence: every index's first entry at once, then the second ones...
    (within one such level the indices differ, so each row still sees its entries in order).
    """
    flat = np.ravel_multi_index(where, param.shape[: len(where)]) if values.shape[0] else np.zeros(0, np.int64)
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if ordered.size else ordered
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    a = opmath_scalar(alpha, param.dtype)
    for level in range(int(rank.max()) + 1 if rank.size else 0):
        chosen = rank == level
        rows = tuple(ix[chosen] for ix in where)
        param[rows] = fma(np, values[chosen], a, param[rows], param.dtype)


def sgd(param: Any, grad: SparseCOO, *, lr: float, maximize: bool) -> None:
    """p[i] -= lr * g_k for each entry k = (i, g_k), in entry order (repeats each added)."""
    where, values = _entries(grad, maximize)
    _add_scaled_in_order(param, where, values, -lr)


def adagrad(param: Any, grad: SparseCOO, state_sum: Any, *, clr: float, eps: float, maximize: bool) -> None:
    """sum[i] += g_i²; p[i] -= clr * g_i / (sqrt(sum[i]) + eps), over the coalesced rows i."""
    where, values = _entries(_sp.coalesce(grad), maximize)
    state_sum[where] += values * values
    std = np.sqrt(state_sum[where])
    std += eps
    _add_scaled_in_order(param, where, values / std, -clr)


def sparse_adam(param: Any, grad: SparseCOO, exp_avg: Any, exp_avg_sq: Any, *, step: int, lr: float,
                beta1: float, beta2: float, eps: float, maximize: bool) -> None:
    """Adam on the coalesced rows i of the gradient only, the moments moved as old += (1-β)(new - old)."""
    where, values = _entries(_sp.coalesce(grad), maximize)
    if values.size == 0:
        return
    old_avg, old_sq = exp_avg[where], exp_avg_sq[where]
    avg_update = (values - old_avg) * (1 - beta1)
    sq_update = (values * values - old_sq) * (1 - beta2)
    exp_avg[where] = old_avg + avg_update
    exp_avg_sq[where] = old_sq + sq_update
    denom = np.sqrt(sq_update + old_sq)
    denom += eps
    step_size = lr * math.sqrt(1 - beta2**step) / (1 - beta1**step)
    param[where] += -step_size * ((avg_update + old_avg) / denom)

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

from ..backend.sparse import SparseCOO
from ..ops.kernels.sparse_coalesce import coalesce_as_cpu
from ..ops.kernels.sparse_scaled_add import add_scaled_in_order, add_sparse_into


def _entries(grad: SparseCOO, maximize: bool) -> tuple[tuple, Any]:
    """(the index tuple of each entry, the values), negated for `maximize`."""
    return tuple(grad.indices), -grad.values if maximize else grad.values


def _coalesced(grad: SparseCOO) -> SparseCOO:
    """`grad` coalesced as PyTorch's `grad.coalesce()` sums its repeated rows (in its sort's order)."""
    return coalesce_as_cpu(np if isinstance(grad.values, np.ndarray) else None, grad)


def sgd(param: Any, grad: SparseCOO, *, lr: float, maximize: bool) -> None:
    """p[i] -= lr * g_k for each entry k = (i, g_k), in entry order (repeats each added)."""
    _, values = _entries(grad, maximize)
    add_sparse_into(param, grad.indices, values, grad.coalesced, -lr)


def adagrad(param: Any, grad: SparseCOO, state_sum: Any, *, clr: float, eps: float, maximize: bool) -> None:
    """sum[i] += g_i²; p[i] -= clr * g_i / (sqrt(sum[i]) + eps), over the coalesced rows i."""
    where, values = _entries(_coalesced(grad), maximize)
    state_sum[where] += values * values
    std = np.sqrt(state_sum[where])
    std += eps
    add_scaled_in_order(param, where, values / std, -clr)


def sparse_adam(param: Any, grad: SparseCOO, exp_avg: Any, exp_avg_sq: Any, *, step: int, lr: float,
                beta1: float, beta2: float, eps: float, maximize: bool) -> None:
    """Adam on the coalesced rows i of the gradient only, the moments moved as old += (1-β)(new - old)."""
    where, values = _entries(_coalesced(grad), maximize)
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

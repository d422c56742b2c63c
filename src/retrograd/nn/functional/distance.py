"""torch.nn.functional's distances: cosine_similarity, pairwise_distance and pdist (the op `retrograd.pdist`)."""

from __future__ import annotations

from ... import dtypes as _dt
from ... import ops as _ops
from ...ops.linalg.distances import pdist
from ...tensor import Tensor

__all__ = ["cosine_similarity", "pairwise_distance", "pdist"]


def _clamped_norm(x: Tensor, dim: int, eps: float) -> Tensor:
    """‖x‖ over dim with its value clamped at eps but the gradient of the unclamped norm (as PyTorch)."""
    n = _ops.norm(x, 2, dim, keepdim=True)
    raw = n.detach()
    return n + (raw.clamp_min(eps) - raw)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """`Σ (x1/‖x1‖)·(x2/‖x2‖)` over `dim`, norms clamped at `eps`; inputs broadcast."""
    common = _dt.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {common.kind_name}")
    x1, x2 = x1.to(common), x2.to(common)
    x1, x2 = _ops.broadcast_tensors(x1, x2)
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """`‖x1 - x2 + eps‖_p` over the last dim: (N, D), (N, D) -> (N,)."""
    dim = max(x1.dim(), x2.dim()) - 1
    return _ops.norm(x1 - x2 + eps, p, dim, keepdim=keepdim)

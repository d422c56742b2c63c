"""torch.nn.functional's distances: cosine_similarity, pairwise_distance and pdist (the op `retrograd.pdist`)."""

from __future__ import annotations

from ... import dtypes as _dt
from ... import ops as _ops
from ...ops.linalg.distances import pdist
from ...ops.reduction.norms import at_norm, norm_node
from ...tensor import Tensor

__all__ = ["cosine_similarity", "pairwise_distance", "pdist"]


def _clamped_norm(x: Tensor, dim: int, eps: float) -> Tensor:
    """‖x‖ over dim with its value clamped at eps but the gradient of the unclamped norm (as PyTorch)."""
    n = _ops.norm(x, 2, dim, keepdim=True)
    raw = n.detach()
    return n + (raw.clamp_min(eps) - raw)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """`Σ (x1/‖x1‖)·(x2/‖x2‖)` over `dim`, norms clamped at `eps`; inputs broadcast.

    Args:
        x1 (Tensor): the first input.
        x2 (Tensor): the second, broadcastable with `x1`.
        dim (int): the dim to reduce (default 1).
        eps (float): the smallest norm (default 1e-8).

    Returns:
        Tensor: the broadcast shape without `dim`.

    Examples:
        >>> a = retrograd.tensor([[1.0, 0.0], [1.0, 1.0]])
        >>> F.cosine_similarity(a, retrograd.tensor([[1.0, 1.0]]))
        tensor([0.7071, 1.0000])
    """
    common = _dt.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {common.kind_name}")
    x1, x2 = x1.to(common), x2.to(common)
    x1, x2 = _ops.broadcast_tensors(x1, x2)
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """`‖x1 - x2 + eps‖_p` over the last dim: (N, D), (N, D) -> (N,).

    Args:
        x1 (Tensor): (N, D) or (D,).
        x2 (Tensor): broadcastable with `x1`.
        p (float): the norm degree (default 2).
        eps (float): added to the differences (default 1e-6).
        keepdim (bool): keep the reduced last dim as size 1 (default False).

    Returns:
        Tensor: (N,) (or (N, 1) with keepdim).

    Examples:
        >>> a, b = retrograd.tensor([[0.0, 0.0], [1.0, 1.0]]), retrograd.tensor([[3.0, 4.0]])
        >>> F.pairwise_distance(a, b, eps=0.0)
        tensor([5.0000, 3.6056])
        >>> F.pairwise_distance(a, b, p=1, eps=0.0, keepdim=True)
        tensor([[7.],
                [5.]])
    """
    dim = max(x1.dim(), x2.dim()) - 1
    return norm_node(at_norm, x1 - x2 + eps, p, dim, keepdim)  # PyTorch's NormBackward1

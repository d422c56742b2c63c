"""CosineSimilarity and PairwiseDistance along a dim, as torch.nn's distance modules."""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """Cosine similarity along `dim`: (*, D, *), (*, D, *) -> (*, *).

    Args:
        dim (int): the dim to reduce (default 1).
        eps (float): the smallest norm (default 1e-8).

    Returns:
        (CosineSimilarity): a module; `module(x1, x2)` on broadcastable inputs gives their broadcast shape without
            `dim`.

    Examples:
        >>> cos = nn.CosineSimilarity()
        >>> cos(retrograd.tensor([[1.0, 0.0], [1.0, 1.0]]), retrograd.tensor([[1.0, 1.0]]))
        tensor([0.7071, 1.0000])
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """`‖x1 - x2 + eps‖_p` over the last dim: (N, D), (N, D) -> (N,).

    Args:
        p (float): the norm degree (default 2).
        eps (float): added to the differences (default 1e-6).
        keepdim (bool): keep the reduced last dim as size 1 (default False).

    Returns:
        (PairwiseDistance): a module; `module(x1, x2)` on (N, D) inputs gives (N,) distances.

    Examples:
        >>> dist = nn.PairwiseDistance(eps=0.0)
        >>> dist(retrograd.tensor([[0.0, 0.0], [1.0, 1.0]]), retrograd.tensor([[3.0, 4.0]]))
        tensor([5.0000, 3.6056])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)



"""Dropout modules: Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout (masks drawn in nn.functional)."""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero elements with probability p while training, scaling the rest by 1/(1-p).

    In `eval()` mode it passes the input through unchanged.

    Args:
        p (float): the probability of zeroing each element (default 0.5).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Dropout): a module; the output has the input's shape.

    Examples:
        >>> drop = nn.Dropout(p=0.5)
        >>> y = drop(retrograd.ones(1000))
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
        >>> drop.eval()(retrograd.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) inputs while training.

    Args:
        p (float): the probability of dropping a whole channel (default 0.5).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Dropout1d): a module; in training mode it maps (N, C, L) or (C, L) to the same shape, dropping at random
            and rescaling the rest; in eval mode it is the identity.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> nn.Dropout1d(0.5)(retrograd.ones(1, 4, 3))
        tensor([[[0., 0., 0.],
                 [0., 0., 0.],
                 [2., 2., 2.],
                 [0., 0., 0.]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) inputs while training.

    Args:
        p (float): the probability of dropping a whole channel (default 0.5).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Dropout2d): a module; in training mode it maps (N, C, H, W) or (C, H, W) to the same shape, dropping at
            random and rescaling the rest; in eval mode it is the identity.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> nn.Dropout2d(0.5)(retrograd.ones(1, 4, 1, 2))
        tensor([[[[0., 0.]],
        <BLANKLINE>
                 [[0., 0.]],
        <BLANKLINE>
                 [[2., 2.]],
        <BLANKLINE>
                 [[0., 0.]]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs while training.

    Args:
        p (float): the probability of dropping a whole channel (default 0.5).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Dropout3d): a module; in training mode it maps (N, C, D, H, W) or (C, D, H, W) to the same shape, dropping
            at random and rescaling the rest; in eval mode it is the identity.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> nn.Dropout3d(0.5)(retrograd.ones(1, 3, 1, 1, 2))
        tensor([[[[[0., 0.]]],
        <BLANKLINE>
        <BLANKLINE>
                 [[[0., 0.]]],
        <BLANKLINE>
        <BLANKLINE>
                 [[[2., 2.]]]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps zero mean and unit variance (for SELU networks).

    Args:
        p (float): the probability of dropping an element (default 0.5).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (AlphaDropout): a module; in training mode it maps any shape to the same shape, dropping at random and
            rescaling the rest; in eval mode it is the identity.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> m = nn.AlphaDropout(0.5)
        >>> m(retrograd.zeros(6))
        tensor([-0.7792, -0.7792,  0.7792, -0.7792, -0.7792, -0.7792])
        >>> m.eval()(retrograd.zeros(2))
        tensor([0., 0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels.

    Args:
        p (float): the probability of dropping a whole channel (default 0.5).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (FeatureAlphaDropout): a module; in training mode it maps (N, C, *) to the same shape, dropping at random
            and rescaling the rest; in eval mode it is the identity.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> nn.FeatureAlphaDropout(0.5)(retrograd.zeros(1, 4, 2))
        tensor([[[-0.7792, -0.7792],
                 [-0.7792, -0.7792],
                 [ 0.7792,  0.7792],
                 [-0.7792, -0.7792]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.feature_alpha_dropout(input, self.p, self.training)



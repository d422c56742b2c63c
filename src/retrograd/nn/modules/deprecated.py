"""Old names PyTorch keeps for compatibility: `Container` and `NLLLoss2d` (each warns when built)."""

from __future__ import annotations

import warnings
from typing import Any

from ...tensor import Tensor
from .loss import NLLLoss
from .module import Module

__all__ = ["Container", "NLLLoss2d"]


class Container(Module):
    """Deprecated: a Module whose keyword arguments become its children (subclass Module instead).

    Args:
        **kwargs: the children, by name.

    Returns:
        (Container): a module holding the children (it warns that it is deprecated).

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     c = nn.Container(fc=nn.Linear(2, 2))
        >>> list(dict(c.named_children()))
        ['fc']
    """

    def __init__(self, **kwargs: Any) -> None:
        warnings.warn(
            "`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
            "Subclass that instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)


class NLLLoss2d(NLLLoss):
    """Deprecated: NLLLoss under its old name for (N, C, H, W) inputs; it is NLLLoss.

    Args:
        weight (Tensor, optional): a rescaling weight per class, shape `(C,)`.
        size_average (bool, optional): deprecated; use `reduction`.
        ignore_index (int): a target value that adds nothing to the loss (default -100).
        reduce (bool, optional): deprecated; use `reduction`.
        reduction (str): `'mean'` (default), `'sum'` or `'none'`.

    Returns:
        (NLLLoss2d): an `NLLLoss`; `loss(input, target)` with log-probabilities (N, C, H, W) and class indices (N,
            H, W) gives a 0-d tensor.

    Examples:
        >>> logp = retrograd.full((1, 2, 1, 2), 0.5).log()
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # NLLLoss2d warns that it is deprecated
        ...     loss = nn.NLLLoss2d()
        >>> loss(logp, retrograd.tensor([[[0, 1]]]))
        tensor(0.6931)
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean") -> None:  # fmt: skip
        warnings.warn(
            "`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see "
            "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(weight, size_average, ignore_index, reduce, reduction)

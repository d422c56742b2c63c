"""AdamW: Adam with decoupled weight decay, in its own module as PyTorch's `torch.optim.adamw`
(`from torch.optim.adamw import AdamW` imports it, and its class shows that module)."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2), as `torch.optim.AdamW`.

    The weights shrink by `lr·weight_decay` each step, separately from the gradient's moments.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-3).
        betas (tuple of float): β₁ and β₂, the decay rates of the moments (default (0.9, 0.999)).
        eps (float): added to the denominator (default 1e-8).
        weight_decay (float): the decoupled decay λ (default 1e-2).
        amsgrad (bool): use the AMSGrad variant (default False).
        maximize (bool): maximise the objective instead of minimising it.
        foreach (bool, optional): False updates one parameter at a time; otherwise a group's CPU
            parameters of one float dtype are updated as one flat array (the same bits, fewer calls).
        capturable (bool): keep the step count as a tensor, as in PyTorch.
        differentiable (bool): record the update in the graph.
        fused (bool, optional): as in Adam (float16/bfloat16 parameters updated in float32, rounded once).

    Returns:
        (AdamW): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w.detach()
        tensor([ 0.8500, -0.8500])
    """

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad,
            foreach=foreach, maximize=maximize, capturable=capturable,
            differentiable=differentiable, fused=fused, decoupled_weight_decay=True,
        )  # fmt: skip

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True

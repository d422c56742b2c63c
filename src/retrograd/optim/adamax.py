"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any

from ..ops.creation import zeros_like
from ..ops.reduction.extrema import amax
from ..ops.shape.slicing import cat
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, as `torch.optim.Adamax` (lr defaults to 2e-3).

    m ← β₁m + (1-β₁)g,  u ← max(β₂u, |g| + eps),  p ← p - lr/(1-β₁ᵗ) · m/u.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 2e-3).
        betas (tuple of float): β₁ and β₂, the decay rates of m and u (default (0.9, 0.999)).
        eps (float): added to |g| (default 1e-8).
        weight_decay (float): the L2 penalty λ added to the gradient (default 0).
        foreach (bool, optional): accepted for PyTorch compatibility (one implementation here).
        maximize (bool): maximise the objective instead of minimising it (default False).
        differentiable (bool): record the update in the graph (default False).
        capturable (bool): keep the step count as a tensor, as in PyTorch (default False).

    Returns:
        (Adamax): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.Adamax([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach()
        tensor([ 0.8052, -0.8052])
    """

    _GROUP_FALLBACKS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _SCALAR_STATE = ("step",)

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        F.check_adam_like(lr, eps, betas, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        return self._step_groups(closure)

    _COMPLEX_AS_REAL = True
    _BUFFERS = ("exp_avg", "exp_inf")

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": new_scalar_state(0.0), "exp_avg": zeros_like(p), "exp_inf": zeros_like(p)}

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        adamax_update(xp, param, grad, *buffers, step=step, lr=lr, beta1=beta1, beta2=beta2, eps=group["eps"])


def adamax_update(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_inf: Any,
    *,
    step: float,
    lr: Any,
    beta1: float,
    beta2: float,
    eps: float,
) -> None:
    """One Adamax step on one parameter, in place."""
    F.lerp_(exp_avg, grad, 1 - beta1)
    if isinstance(exp_inf, Tensor):  # differentiable=True: PyTorch's recorded maximum (cat, then amax)
        norm_buf = cat([exp_inf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze_(0)], 0)
        exp_inf.copy_(amax(norm_buf, 0, keepdim=False))
        param.addcdiv_(exp_avg, exp_inf, value=-(lr / (1 - beta1**step)))
        return
    exp_inf *= beta2
    norm = xp.abs(grad)
    norm += eps
    xp.maximum(exp_inf, norm, out=exp_inf)
    clr = lr / (1 - beta1**step)
    F.addcdiv_(param, exp_avg, exp_inf, -clr)

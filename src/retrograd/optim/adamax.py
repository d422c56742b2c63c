"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any

from ..ops.creation import zeros_like
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, as `torch.optim.Adamax` (lr defaults to 2e-3).

    m ← β₁m + (1-β₁)g,  u ← max(β₂u, |g| + eps),  p ← p - lr/(1-β₁ᵗ) · m/u.
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
        F.check_lr(lr)
        F.check_nonnegative(eps=eps)
        F.check_betas(betas)
        F.check_nonnegative(weight_decay=weight_decay)
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

    def _update_group(self, group: dict[str, Any]) -> None:
        params = [p for p in group["params"] if p._grad is not None]
        for p in params:
            state = self.state[p]
            if len(state) == 0:
                state["step"] = new_scalar_state(0.0)
                state["exp_avg"] = zeros_like(p)
                state["exp_inf"] = zeros_like(p)
        if params:
            F.check_capturable(group["capturable"])
        fast = not group["differentiable"]
        lr = F.scalar(group["lr"]) if fast else F.squeeze_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        for p in params:
            state = self.state[p]
            step = F.advance_step(state["step"])
            buffers = (state["exp_avg"], state["exp_inf"])
            adamax_update(
                F.math_of(fast, p), *F.operands(fast, p, p._grad, *buffers), step=step,
                lr=lr, beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                maximize=group["maximize"],
            )  # fmt: skip
            if fast:
                F.touch(p, *buffers)


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
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adamax step on one parameter, in place."""
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + param * weight_decay
    F.lerp_(exp_avg, grad, 1 - beta1)
    exp_inf *= beta2
    norm = xp.abs(grad)
    norm += eps
    xp.maximum(exp_inf, norm, out=exp_inf)
    clr = lr / (1 - beta1**step)
    F.addcdiv_(param, exp_avg, exp_inf, -clr)

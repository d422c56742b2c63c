"""RAdam: Adam with a rectifier that switches the adaptive step on once its variance is tractable."""

from __future__ import annotations

from typing import Any

from ..ops.creation import zeros_like
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam, as `torch.optim.RAdam`.

    ρ∞ = 2/(1-β₂) - 1,  ρₜ = ρ∞ - 2tβ₂ᵗ/(1-β₂ᵗ). While ρₜ ≤ 5 the step is plain
    momentum SGD on the bias-corrected m; after, it is scaled by the rectifier and
    the adaptive rate √(1-β₂ᵗ)/(√v + eps).
    """

    _GROUP_FALLBACKS = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
        "capturable": False,
    }
    _SCALAR_STATE = ("step",)

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
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
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
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
                state["exp_avg_sq"] = zeros_like(p)
        if params:
            F.check_capturable(group["capturable"])
        fast = not group["differentiable"]
        lr = F.scalar(group["lr"]) if fast else F.squeeze_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        for p in params:
            state = self.state[p]
            step = F.advance_step(state["step"])
            buffers = (state["exp_avg"], state["exp_avg_sq"])
            radam_update(
                F.math_of(fast, p), *F.operands(fast, p, p._grad, *buffers), step=step,
                lr=lr, beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                decoupled=group["decoupled_weight_decay"], maximize=group["maximize"],
            )  # fmt: skip
            if fast:
                F.touch(p, *buffers)


def radam_update(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    *,
    step: float,
    lr: Any,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    decoupled: bool,
    maximize: bool,
) -> None:
    """One RAdam step on one parameter, in place."""
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + param * weight_decay
    F.lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    F.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
    update = exp_avg / bias_correction1
    update *= lr
    if rho_t > 5.0:
        # PyTorch forms the adaptive rate as reciprocal(√v + eps) · √(1-β₂ᵗ) (its scalar / tensor).
        adaptive = xp.sqrt(exp_avg_sq)
        adaptive += eps
        adaptive = xp.reciprocal(adaptive, out=adaptive)
        adaptive *= bias_correction2**0.5
        update *= adaptive
        update *= ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    param -= update

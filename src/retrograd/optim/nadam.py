"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule."""

from __future__ import annotations

from typing import Any

from ..ops.creation import zeros_like
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam, as `torch.optim.NAdam` (lr defaults to 2e-3).

    μₜ = β₁(1 - ½·0.96^(t·ψ)) with ψ = momentum_decay; the running product Πμ is
    kept in state['mu_product'] (a 0-d tensor of the scalar dtype, rounded as PyTorch's is).
    """

    _GROUP_FALLBACKS = {
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
    }
    _SCALAR_STATE = ("step", "mu_product")

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
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
        F.check_nonnegative(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
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
                state["mu_product"] = new_scalar_state(1.0)
                state["exp_avg"] = zeros_like(p)
                state["exp_avg_sq"] = zeros_like(p)
        if params:
            F.check_capturable(group["capturable"], what="params, mu_products and state_steps")
        fast = not group["differentiable"]
        lr = F.scalar(group["lr"]) if fast else F.squeeze_scalar(group["lr"])
        beta1, momentum_decay = group["betas"][0], group["momentum_decay"]
        for p in params:
            state = self.state[p]
            step = F.advance_step(state["step"])
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product = _scale_scalar(state["mu_product"], mu)
            buffers = (state["exp_avg"], state["exp_avg_sq"])
            nadam_update(
                F.math_of(fast, p), *F.operands(fast, p, p._grad, *buffers), step=step,
                mu=mu, mu_next=mu_next, mu_product=mu_product, lr=lr, beta1=beta1, beta2=group["betas"][1],
                eps=group["eps"], weight_decay=group["weight_decay"],
                decoupled=group["decoupled_weight_decay"], maximize=group["maximize"],
            )  # fmt: skip
            if fast:
                F.touch(p, *buffers)


def _scale_scalar(t: Tensor, factor: float) -> float:
    """`t *= factor` on a 0-d state tensor, in its own dtype; returns the new value."""
    t._data *= factor
    t._version.value += 1
    return float(t._data)


def nadam_update(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    *,
    step: float,
    mu: float,
    mu_next: float,
    mu_product: float,
    lr: Any,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    decoupled: bool,
    maximize: bool,
) -> None:
    """One NAdam step on one parameter, in place (mu_product already includes this step's mu)."""
    if maximize:
        grad = -grad
    bias_correction2 = 1 - beta2**step
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + param * weight_decay
    F.lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    F.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    denom = exp_avg_sq / bias_correction2
    denom = xp.sqrt(denom, out=denom)
    denom += eps
    mu_product_next = mu_product * mu_next
    F.addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
    F.addcdiv_(param, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next))

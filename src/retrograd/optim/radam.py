"""RAdam: Adam with a rectifier that switches the adaptive step on once its variance is tractable."""

from __future__ import annotations

from typing import Any

import numpy as np

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

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-3).
        betas (tuple of float): β₁ and β₂, the decay rates of m and v (default (0.9, 0.999)).
        eps (float): added to the denominator (default 1e-8).
        weight_decay (float): the L2 penalty λ added to the gradient (default 0).
        decoupled_weight_decay (bool): decay the weights directly, as AdamW does (default False).
        foreach (bool, optional): True takes the step in the order of PyTorch's multi-tensor update
            (other roundings); False or None (PyTorch's CPU default) one parameter at a time.
        maximize (bool): maximise the objective instead of minimising it (default False).
        capturable (bool): keep the step count as a tensor, as in PyTorch (default False).
        differentiable (bool): record the update in the graph (default False).

    Returns:
        (RAdam): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.RAdam([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach()
        tensor([ 0.6211, -0.6211])
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
        F.check_adam_like(lr, eps, betas, weight_decay=weight_decay)
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

    _COMPLEX_AS_REAL = True
    _BUFFERS = ("exp_avg", "exp_avg_sq")

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": new_scalar_state(0.0), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        radam_update(xp, param, grad, *buffers, step=step, lr=lr, beta1=beta1, beta2=beta2, eps=group["eps"],
                     foreach=bool(group["foreach"]))


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
    foreach: bool = False,
) -> None:
    """One RAdam step on one parameter, in place (foreach=True: in the order of PyTorch's
    multi-tensor update, whose roundings differ)."""
    F.lerp_(exp_avg, grad, 1 - beta1)
    F.scale_(exp_avg_sq, beta2, foreach)  # (a half buffer: PyTorch's mul_ keeps beta2 in float32)
    F.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
    if foreach:
        rect = _rectifier(rho_t, rho_inf) if rho_t > 5 else 0.0
        return _foreach_param_step(xp, param, exp_avg, exp_avg_sq, rect, bias_correction1, bias_correction2, lr, eps)
    update = exp_avg * 1  # (a copy; the numbers below as PyTorch's kernels take them for half buffers)
    F.divide_(update, bias_correction1)
    F.scale_(update, lr)
    if rho_t > 5.0:
        # PyTorch forms the adaptive rate as reciprocal(√v + eps) · √(1-β₂ᵗ) (its scalar / tensor).
        adaptive = xp.sqrt(exp_avg_sq)
        F.add_number_(adaptive, eps)
        adaptive = xp.reciprocal(adaptive, out=adaptive)
        F.scale_(adaptive, bias_correction2**0.5)
        update *= adaptive
        F.scale_(update, _rectifier(rho_t, rho_inf))
    if isinstance(param, Tensor):  # recorded as PyTorch's `add_(..., alpha=-1.0)` (AddBackward0)
        param.add_(update, alpha=-1.0)
    else:
        param -= update


def _rectifier(rho_t: float, rho_inf: float) -> float:
    """r = √((ρₜ-4)(ρₜ-2)ρ∞ / ((ρ∞-4)(ρ∞-2)ρₜ)), the variance rectification term."""
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


def _foreach_param_step(
    xp: Any, param: Any, exp_avg: Any, exp_avg_sq: Any, rect: float,
    bias_correction1: float, bias_correction2: float, lr: Any, eps: float,
) -> None:  # fmt: skip
    """p += m · (1 / ((√v + eps) / s) + u), one addcmul as PyTorch's multi-tensor RAdam: s = -lr·r·√(1-β₂ᵗ)/(1-β₁ᵗ),
    u = -lr/(1-β₁ᵗ) while unrectified (r = 0, where s = -0 makes the first term -0)."""
    unrect_step_size = (lr * (0 if rect > 0 else 1.0) / bias_correction1) * -1
    rect_step_size = (bias_correction2**0.5) * (lr * rect / bias_correction1) * -1
    buffer = xp.sqrt(exp_avg_sq)
    buffer += eps
    with np.errstate(divide="ignore", invalid="ignore"):
        buffer /= rect_step_size
    buffer = xp.reciprocal(buffer, out=buffer)
    buffer += unrect_step_size
    F.addcmul_(param, exp_avg, buffer, 1)

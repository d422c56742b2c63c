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

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 2e-3).
        betas (tuple of float): β₁ and β₂, the decay rates of m and v (default (0.9, 0.999)).
        eps (float): added to the denominator (default 1e-8).
        weight_decay (float): the L2 penalty λ added to the gradient (default 0).
        momentum_decay (float): ψ, how fast μₜ approaches β₁ (default 4e-3).
        decoupled_weight_decay (bool): decay the weights directly, as AdamW does (default False).
        foreach (bool, optional): True takes the step in the order of PyTorch's multi-tensor update
            (other roundings); False or None (PyTorch's CPU default) one parameter at a time.
        maximize (bool): maximise the objective instead of minimising it (default False).
        capturable (bool): keep the step count as a tensor, as in PyTorch (default False).
        differentiable (bool): record the update in the graph (default False).

    Returns:
        (NAdam): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.NAdam([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach()
        tensor([ 0.8200, -0.8200])
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
        F.check_adam_like(lr, eps, betas, weight_decay=weight_decay, momentum_decay=momentum_decay)
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

    _COMPLEX_AS_REAL = True
    _BUFFERS = ("exp_avg", "exp_avg_sq")
    _CAPTURABLE_CHECK = {"what": "params, mu_products and state_steps"}

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "step": new_scalar_state(0.0), "mu_product": new_scalar_state(1.0),
            "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p),
        }  # fmt: skip

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        beta1, momentum_decay = group["betas"][0], group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = F.scale_scalar_(state["mu_product"], mu)
        if group["differentiable"]:
            recorded_nadam_update(param, grad, *buffers, step=step, mu=mu, mu_next=mu_next,
                                  mu_product=state["mu_product"], lr=lr, beta1=beta1, beta2=group["betas"][1],
                                  eps=group["eps"])
            return
        nadam_update(
            xp, param, grad, *buffers, step=step,
            mu=mu, mu_next=mu_next, mu_product=mu_product, lr=lr, beta1=beta1, beta2=group["betas"][1],
            eps=group["eps"], foreach=bool(group["foreach"]),
        )  # fmt: skip


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
    foreach: bool = False,
) -> None:
    """One NAdam step on one parameter, in place (mu_product already includes this step's mu).

    foreach=True takes the denominator as PyTorch's multi-tensor update does, √v / √(1-β₂ᵗ) + eps
    rather than √(v / (1-β₂ᵗ)) + eps: the same value, other roundings.
    """
    bias_correction2 = 1 - beta2**step
    F.lerp_(exp_avg, grad, 1 - beta1)
    F.scale_(exp_avg_sq, beta2, foreach)  # (a half buffer: PyTorch's mul_ keeps beta2 in float32)
    F.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    if foreach:
        denom = xp.sqrt(exp_avg_sq)
        denom /= bias_correction2**0.5  # (`_foreach_div_` rounds the number to a half buffer's dtype)
    else:
        denom = exp_avg_sq * 1  # (a copy)
        F.divide_(denom, bias_correction2)
        denom = xp.sqrt(denom, out=denom)
    F.add_number_(denom, eps)
    mu_product_next = mu_product * mu_next
    F.addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
    F.addcdiv_(param, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next))


def recorded_nadam_update(
    param: Tensor,
    grad: Tensor,
    exp_avg: Tensor,
    exp_avg_sq: Tensor,
    *,
    step: float,
    mu: float,
    mu_next: float,
    mu_product: Tensor,
    lr: Any,
    beta1: float,
    beta2: float,
    eps: float,
) -> None:
    """One NAdam step recorded for autograd (differentiable=True), as PyTorch's differentiable
    branch computes it: the two step sizes multiply the gradient and a copy of the first moment
    (from the running product tensor, in its float32) before `addcdiv_` adds them, so that the
    next step's in-place change of the first moment leaves this step's graph intact."""
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    denom = exp_avg_sq.div(1 - beta2**step).sqrt().add(eps)
    mu_product_next = mu_product * mu_next
    param.addcdiv_(grad * (-lr * (1.0 - mu) / (1.0 - mu_product)), denom)
    param.addcdiv_(exp_avg * (-lr * mu_next / (1.0 - mu_product_next)), denom)

"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from typing import Any

from ..ops.creation import zeros_like
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta, as `torch.optim.Adadelta` (lr defaults to 1.0).

    v ← ρv + (1-ρ)g²,  Δ = √(u + eps)/√(v + eps) · g,  u ← ρu + (1-ρ)Δ²,  p ← p - lr·Δ.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): scales Δ before it is applied (default 1.0).
        rho (float): the decay rate ρ of the running averages (default 0.9).
        eps (float): added inside the square roots (default 1e-6).
        weight_decay (float): the L2 penalty λ added to the gradient (default 0).
        foreach (bool, optional): accepted for PyTorch compatibility (one implementation here).
        capturable (bool): keep the step count as a tensor, as in PyTorch (default False).
        maximize (bool): maximise the objective instead of minimising it (default False).
        differentiable (bool): record the update in the graph (default False).

    Returns:
        (Adadelta): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.Adadelta([w], lr=1.0)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach()
        tensor([ 0.9936, -0.9936])
    """

    _GROUP_FALLBACKS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _SCALAR_STATE = ("step",)

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        F.check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        F.check_nonnegative(eps=eps, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        return self._step_groups(closure)

    _COMPLEX_AS_REAL = True
    _BUFFERS = ("square_avg", "acc_delta")
    _CAPTURABLE_CHECK = {"supports_xla": False}

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": new_scalar_state(0.0), "square_avg": zeros_like(p), "acc_delta": zeros_like(p)}

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        foreach = bool(group.get("foreach"))
        # PyTorch's single-tensor step adds to a complex parameter as complex (its real-pair views end
        # before `param.add_`), whose alpha·delta is a complex product: rounded before the sum
        complex_sum = not foreach and state["square_avg"].is_complex() and not isinstance(param, Tensor)
        adadelta_update(xp, param, grad, *buffers, lr=lr, rho=group["rho"], eps=group["eps"], foreach=foreach,
                        complex_sum=complex_sum)


def adadelta_update(
    xp: Any,
    param: Any,
    grad: Any,
    square_avg: Any,
    acc_delta: Any,
    *,
    lr: Any,
    rho: float,
    eps: float,
    foreach: bool = False,
    complex_sum: bool = False,
) -> None:
    """One Adadelta step on one parameter, in place (a half parameter's numbers as PyTorch's kernels
    take them: rho multiplied in float32, or rounded to the half dtype first by the multi-tensor
    step's `_foreach_mul_` (`foreach`); eps added as a number of the half dtype). `complex_sum`: the
    arrays are a complex parameter's real pairs, to which PyTorch adds -lr·delta rounded first."""
    F.scale_(square_avg, rho, foreach)
    F.addcmul_(square_avg, grad, grad, 1 - rho)
    std = square_avg * 1  # (copies, in the buffers' dtype)
    F.add_number_(std, eps)
    std = xp.sqrt(std, out=std)
    delta = acc_delta * 1
    F.add_number_(delta, eps)
    delta = xp.sqrt(delta, out=delta)
    delta /= std
    delta *= grad
    F.scale_(acc_delta, rho, foreach)
    F.addcmul_(acc_delta, delta, delta, 1 - rho)
    if complex_sum:
        delta *= -lr
        param += delta
    else:
        F.add_scaled_(param, delta, -lr)

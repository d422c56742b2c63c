"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from typing import Any

from ..ops.creation import zeros_like
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, as `torch.optim.RMSprop`.

    v ← αv + (1-α)g²; centered subtracts the squared running mean of g; then
    p ← p - lr·g/(√v + eps), or with momentum μ: b ← μb + g/(√v + eps), p ← p - lr·b.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-2).
        alpha (float): the smoothing constant α of v (default 0.99).
        eps (float): added to the denominator (default 1e-8).
        weight_decay (float): the L2 penalty λ added to the gradient (default 0).
        momentum (float): the momentum factor μ (default 0).
        centered (bool): normalise by the estimated variance of g instead of its second moment (default False).
        capturable (bool): keep the step count as a tensor, as in PyTorch (default False).
        foreach (bool, optional): accepted for PyTorch compatibility (one implementation here).
        maximize (bool): maximise the objective instead of minimising it (default False).
        differentiable (bool): record the update in the graph (default False).

    Returns:
        (RMSprop): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.RMSprop([w], lr=0.01)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach()
        tensor([ 0.8329, -0.8329])
    """

    _GROUP_FALLBACKS = {
        "momentum": 0,
        "centered": False,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }
    _SCALAR_STATE = ("step",)

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        F.check_lr(lr)
        F.check_nonnegative(eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        return self._step_groups(closure)

    _COMPLEX_AS_REAL = True
    _BUFFERS = ("square_avg", "grad_avg", "momentum_buffer")

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": new_scalar_state(0.0), "square_avg": zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_like(p)
        return state

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        rmsprop_update(
            xp, param, grad, *buffers, lr=lr, alpha=group["alpha"], eps=group["eps"], momentum=group["momentum"],
            foreach=bool(group.get("foreach")),
        )


def rmsprop_update(
    xp: Any,
    param: Any,
    grad: Any,
    square_avg: Any,
    grad_avg: Any,
    momentum_buffer: Any,
    *,
    lr: Any,
    alpha: float,
    eps: float,
    momentum: float,
    foreach: bool = False,
) -> None:
    """One RMSprop step on one parameter, in place (grad_avg is None unless centered).
    `foreach`: as PyTorch's multi-tensor step (`_foreach_mul_` rounds alpha and momentum to a half
    buffer's dtype)."""
    if isinstance(param, Tensor):
        return _recorded_rmsprop_update(param, grad, square_avg, grad_avg, momentum_buffer, lr=lr, alpha=alpha,
                                        eps=eps, momentum=momentum)
    F.scale_(square_avg, alpha, foreach)
    F.addcmul_(square_avg, grad, grad, 1 - alpha)
    if grad_avg is not None:
        F.lerp_(grad_avg, grad, 1 - alpha)
        avg = square_avg * 1  # a fresh copy: the variance estimate is built in place on it
        F.addcmul_(avg, grad_avg, grad_avg, -1)
        avg = xp.sqrt(avg, out=avg)
    else:
        avg = xp.sqrt(square_avg)
    F.add_number_(avg, eps)
    if momentum > 0:
        F.scale_(momentum_buffer, momentum, foreach)
        F.addcdiv_(momentum_buffer, grad, avg, 1)
        F.add_scaled_(param, momentum_buffer, -lr)
    else:
        F.addcdiv_(param, grad, avg, -lr)


def _recorded_rmsprop_update(
    param: Tensor,
    grad: Tensor,
    square_avg: Tensor,
    grad_avg: Tensor | None,
    momentum_buffer: Tensor | None,
    *,
    lr: Any,
    alpha: float,
    eps: float,
    momentum: float,
) -> None:
    """One RMSprop step recorded for autograd (differentiable=True), in PyTorch's statements, so the
    graph has PyTorch's nodes and the same saved tensors (centered: the running mean of the
    gradient, which the next step's `lerp_` changes, as PyTorch's version check then reports)."""
    square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    if grad_avg is not None:
        grad_avg.lerp_(grad, 1 - alpha)
        avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
    else:
        avg = square_avg.sqrt()
    avg = avg.add(eps)
    if momentum_buffer is not None and momentum > 0:
        momentum_buffer.mul_(momentum).addcdiv_(grad, avg)
        param.add_(momentum_buffer, alpha=-lr)
    else:
        param.addcdiv_(grad, avg, value=-lr)

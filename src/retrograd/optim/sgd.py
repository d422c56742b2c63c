"""SGD: stochastic gradient descent with optional momentum, dampening and Nesterov."""

from __future__ import annotations

from typing import Any

from ..engine.grad_mode import no_grad
from ..ops.kernels.placement import preserving_copy
from ..tensor import Tensor
from . import _functional as F
from . import _sparse_updates as _sparse
from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), as `torch.optim.SGD`.

    With momentum μ and dampening τ: b ← μ·b + (1-τ)·g (b starts at g), then
    p ← p - lr·(g + μ·b if nesterov else b). weight_decay adds λ·p to g first.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-3).
        momentum (float): the momentum factor μ (default 0).
        dampening (float): the dampening τ for momentum (default 0).
        weight_decay (float or Tensor): the L2 penalty λ (default 0).
        nesterov (bool): use Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize (bool): maximise the objective instead of minimising it.
        foreach (bool, optional): accepted for PyTorch compatibility (one implementation here).
        differentiable (bool): record the update in the graph.
        fused (bool, optional): accepted for PyTorch compatibility (one implementation here).

    Returns:
        (SGD): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, 2.0]))
        >>> opt = retrograd.optim.SGD([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([0.8000, 1.6000], requires_grad=True)
        >>> opt.zero_grad()
    """

    _GROUP_FALLBACKS = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False, "fused": False}

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float | Tensor = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        F.check_fused_flags(fused, differentiable, foreach)

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        return self._step_groups(closure)

    def _update_is_recordable(self) -> bool:
        for group in self.param_groups:
            if group["momentum"] != 0 or group["differentiable"] or group["fused"]:
                return False
            if any(p.is_sparse or (p.grad is not None and p.grad.is_sparse) for p in group["params"]):
                return False
        return True

    _BUFFERS = ("momentum_buffer",)
    _FOREACH_REFUSES_AUTOGRAD = False
    _SPARSE_REFUSAL = None  # sparse gradients update only their rows
    _SPARSE_PARAM_REFUSAL = "add(sparse, dense) is not supported. Use add(dense, sparse) instead."  # param.add_

    def _sparse_update(self, p: Tensor, *, step: float, lr: Any, group: dict[str, Any], state: dict[str, Any]) -> None:
        if group["weight_decay"] != 0:  # PyTorch's grad.add(param) of a sparse grad
            raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
        with no_grad():  # PyTorch's steps on a sparse gradient, with its sparse tensor ops
            grad: Any = p.grad  # (set: only parameters with a gradient are stepped)
            if group["maximize"]:
                grad = -grad
            momentum = group["momentum"]
            if momentum != 0:  # a sparse buffer: b <- μ·b + (1-τ)·g, its entries merged with g's
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = grad.detach().clone()
                else:
                    buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
                grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
            if p.is_sparse:  # a sparse parameter: its entries merged with the step's, as PyTorch's add_
                p.add_(grad, alpha=-float(lr))
                return
        param, direction = F.operands(True, p, grad)
        _sparse.sgd(param, direction, lr=float(lr), maximize=False)
        F.touch(p)

    def _state_of(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        if group["momentum"] == 0:  # PyTorch keeps no state at all when momentum is 0
            if group["fused"]:
                F.check_fused_param(p)
            return {}
        return super()._state_of(p, group)

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {}  # the momentum buffer starts as the first step's gradient

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        (buf,) = buffers
        momentum, dampening, nesterov = group["momentum"], group["dampening"], group["nesterov"]
        new = sgd_update(xp, param, grad, buf, lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                         foreach=bool(group.get("foreach")))
        if group["momentum"] != 0 and buf is None:
            state["momentum_buffer"] = F.as_state(not group["differentiable"], new)


def sgd_update(
    xp: Any,
    param: Any,
    grad: Any,
    buf: Any,
    *,
    lr: Any,
    momentum: float,
    dampening: float,
    nesterov: bool,
    foreach: bool = False,
) -> Any:
    """One SGD step on one parameter, in place; returns the momentum buffer (new on the first step).
    `foreach`: as PyTorch's multi-tensor step (`_foreach_mul_` rounds momentum to a half buffer's dtype)."""
    if momentum != 0:
        if buf is None:
            # PyTorch's clone: the gradient's strides (a differentiable step's tensors: its clone)
            buf = xp.copy(grad) if isinstance(grad, Tensor) else preserving_copy(xp, grad)
        else:
            F.scale_(buf, momentum, foreach)
            F.add_scaled_(buf, grad, 1 - dampening)
        grad = F.added_scaled(grad, buf, momentum) if nesterov else buf
    F.add_scaled_(param, grad, -lr)
    return buf

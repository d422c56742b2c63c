"""Adagrad: per-coordinate learning rates from the running sum of squared gradients."""

from __future__ import annotations

from typing import Any

from ..ops.creation import full_like
from ..ops.sparse.invariants import checks_for_call
from ..tensor import Tensor
from . import _functional as F
from . import _sparse_updates as _sparse
from .optimizer import Optimizer, new_scalar_state

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad, as `torch.optim.Adagrad`.

    s ← s + g²,  p ← p - clr · g/(√s + eps)  with  clr = lr / (1 + (t-1)·lr_decay).
    The state of every parameter is created at construction (s starts at
    initial_accumulator_value), as PyTorch does.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-2).
        lr_decay (float): the learning rate decay (default 0).
        weight_decay (float): the L2 penalty λ added to the gradient (default 0).
        initial_accumulator_value (float): the starting value of the sum of squares s (default 0).
        eps (float): added to the denominator (default 1e-10).
        foreach (bool, optional): accepted for PyTorch compatibility (one implementation here).
        maximize (bool): maximise the objective instead of minimising it (default False).
        differentiable (bool): record the update in the graph (default False).
        fused (bool, optional): accepted for PyTorch compatibility (one implementation here).

    Returns:
        (Adagrad): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.Adagrad([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach()
        tensor([ 0.8331, -0.8331])
    """

    _GROUP_FALLBACKS = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}
    _SCALAR_STATE = ("step",)

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        F.check_lr(lr)
        F.check_nonnegative(
            lr_decay=lr_decay, weight_decay=weight_decay, initial_accumulator_value=initial_accumulator_value, eps=eps
        )
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        F.check_fused_flags(fused, differentiable, foreach)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._new_state(p, group))

    _COMPLEX_AS_REAL = True
    _BUFFERS = ("sum",)
    _SPARSE_REFUSAL = None  # sparse gradients update only their (coalesced) rows

    def _sparse_update(self, p: Tensor, *, step: float, lr: Any, group: dict[str, Any], state: dict[str, Any]) -> None:
        if group["weight_decay"] != 0:
            raise RuntimeError("weight_decay option is not compatible with sparse gradients")
        clr = float(lr) / (1 + (step - 1) * group["lr_decay"])
        checks_for_call(None)  # PyTorch's step builds sparse tensors with torch.sparse_coo_tensor: its warning
        param, grad, total = F.operands(True, p, p.grad, state["sum"])
        _sparse.adagrad(param, grad, total, clr=clr, eps=group["eps"], maximize=group["maximize"])
        F.touch(p, state["sum"])

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        # PyTorch reads the accumulator start from the defaults, not from the group.
        start = self.defaults["initial_accumulator_value"]
        if p.is_complex():  # both parts of a complex parameter start at the value (see _COMPLEX_AS_REAL)
            start = complex(start, start)
        return {"step": new_scalar_state(0.0, group["fused"]), "sum": full_like(p, start)}

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        return self._step_groups(closure)

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        # PyTorch's multi-tensor step scales the gradients in place after a weight decay or maximize's
        # negation (which made them its own), into new tensors otherwise
        foreach = None
        if group["foreach"]:
            foreach = "in_place" if group["weight_decay"] != 0 or group["maximize"] else "new"
        adagrad_update(xp, param, grad, *buffers, step=step, lr=lr, lr_decay=group["lr_decay"], eps=group["eps"],
                       foreach=foreach)


def adagrad_update(
    xp: Any,
    param: Any,
    grad: Any,
    state_sum: Any,
    *,
    step: float,
    lr: Any,
    lr_decay: float,
    eps: float,
    foreach: str | None = None,
) -> None:
    """One Adagrad step on one parameter, in place. `foreach` ("new" or "in_place"): as PyTorch's
    multi-tensor step, which first scales the gradient by -clr (`_foreach_mul`, or `_foreach_mul_`,
    which rounds clr to a half gradient's dtype) into a numerator rounded to its dtype."""
    clr = lr / (1 + (step - 1) * lr_decay)
    F.addcmul_(state_sum, grad, grad, 1)
    std = xp.sqrt(state_sum)
    std += eps
    if foreach is None:
        F.addcdiv_(param, grad, std, -clr)
        return
    numerator = grad * 1  # (a copy, in the gradient's dtype)
    F.scale_(numerator, -clr, foreach == "in_place")
    F.addcdiv_(param, numerator, std, 1)

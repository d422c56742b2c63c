"""ASGD: stochastic gradient descent with a decaying step and a running average of the iterates."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.bfloat16 import added_number
from ..ops.creation import zeros_like
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged SGD, as `torch.optim.ASGD`.

    p ← p(1 - λη) - η g;  ax ← ax + μ(p - ax)  (ax = p while μ = 1);
    then η ← lr / (1 + λ·lr·t)^α and μ ← 1 / max(1, t - t0). η and μ are kept as 0-d
    state tensors (float32 unless the default dtype is float64), as PyTorch keeps them.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate η₀ (default 1e-2).
        lambd (float): the decay term λ (default 1e-4).
        alpha (float): the power α of the η update (default 0.75).
        t0 (float): the step at which averaging starts (default 1e6).
        weight_decay (float): the L2 penalty λ added to the gradient (default 0).
        foreach (bool, optional): True takes the step as PyTorch's multi-tensor update does,
            p ← p - η(g + λp) and ax ← ax + μ(p - ax) always, η in the step's dtype (other
            roundings); False or None (PyTorch's CPU default) one parameter at a time.
        maximize (bool): maximise the objective instead of minimising it (default False).
        differentiable (bool): record the update in the graph (default False).
        capturable (bool): keep the step count as a tensor, as in PyTorch (default False).

    Returns:
        (ASGD): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.ASGD([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach()
        tensor([ 0.6400, -0.6400])
    """

    _GROUP_FALLBACKS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _SCALAR_STATE = ("step",)

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        F.check_lr(lr)
        F.check_nonnegative(weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
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
    _BUFFERS = ("ax",)
    _CAPTURABLE_CHECK = {"what": "params, mus, etas, and state_steps"}

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "step": new_scalar_state(0.0),
            "eta": new_scalar_state(F.scalar(group["lr"])),
            "mu": new_scalar_state(1.0),
            "ax": zeros_like(p),
        }

    def _update(
        self,
        xp: Any,
        param: Any,
        grad: Any,
        *buffers: Any,
        step: float,
        lr: Any,
        group: dict[str, Any],
        state: dict[str, Any],
    ) -> None:
        (ax,) = buffers
        lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
        if group["foreach"]:
            return _foreach_update(param, grad, ax, step=step, group=group, state=state)
        eta = state["eta"].item()
        param *= 1 - lambd * eta  # decay
        F.add_scaled_(param, grad, -eta)
        mu = state["mu"].item()
        if mu != 1:
            ax += (param - ax) * mu
        else:
            ax[...] = param
        # the next step's η and μ, rounded to the state's dtype like PyTorch's copy_ into them
        state["eta"].fill_(_next_eta(group["lr"], lambd, alpha, step))  # (a tensor lr as it is)
        state["mu"].fill_(1 / max(1, step - t0))


def _foreach_update(param: Any, grad: Any, ax: Any, *, step: float, group: dict[str, Any],
                    state: dict[str, Any]) -> None:  # fmt: skip
    """One ASGD step in the order of PyTorch's multi-tensor update (arrays): addcmul_s and fused
    adds, and the next η computed on the 0-d step tensor, in its dtype (float32 by default)."""
    lambd, alpha = group["lambd"], group["alpha"]
    intermediate = F.added_scaled(grad, param, lambd)  # g + λp
    # η and μ are 0-d float32 tensors there, which addcmul_ casts to a half parameter's dtype first
    eta, mu = (added_number(param, state[name].item()) for name in ("eta", "mu"))
    F.addcmul_(param, intermediate, eta, -1)  # p - (g + λp)·η
    F.addcmul_(ax, param - ax, mu, 1)  # ax + (p - ax)·μ, also while μ = 1
    step_dtype = F.operands(True, state["step"])[0].dtype
    state["eta"].fill_(_next_eta(group["lr"], lambd, alpha, step, step_dtype))
    state["mu"].fill_(1 / max(1, step - group["t0"]))


def _next_eta(lr: Any, lambd: float, alpha: float, step: float, step_dtype: Any = None) -> float:
    """η = lr / (1 + λ·lr·t)^α as PyTorch's (non-capturable) ASGD evaluates it.

    With a number lr and t a number (`step_dtype` None: the single-tensor step), all in Python floats.
    Otherwise on 0-d tensors: the step tensor's (`step_dtype`) and a tensor lr's dtype promoted,
    each product and sum rounded to it, the power taken in double and rounded to it (as PyTorch's pow
    by a number does), and the division as Tensor.__rtruediv__ takes a number lr, (1 / x)·lr (a
    tensor lr divides: lr / x).

    Args:
        lr: the learning rate, a number or a 0-d Tensor.
        lambd: the decay term λ.
        alpha: the power α.
        step: the step t just taken.
        step_dtype: the NumPy dtype of the step tensor t (the multi-tensor step), or None.

    Returns:
        η as a Python float (which the state's copy rounds to its dtype).

    Example:
        >>> _next_eta(0.01, 1e-4, 0.75, 1.0)
        0.009999992500006563
    """
    lr_dtype = F.operands(True, lr)[0].dtype if isinstance(lr, Tensor) else None
    if lr_dtype is None and step_dtype is None:
        return lr / ((1 + lambd * lr * step) ** alpha)
    real = np.result_type(*[d for d in (lr_dtype, step_dtype) if d is not None]).type
    if lr_dtype is None:  # a number lr: λ·lr in double, then times the step tensor
        x = real(float(real(lambd * lr) * real(step) + real(1)) ** alpha)
        return float((real(1) / x) * real(lr))
    lr_value = real(lr.item())
    x = real(float(real(real(lambd) * lr_value) * real(step) + real(1)) ** alpha)
    return float(lr_value / x)

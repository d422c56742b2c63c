"""Rprop: per-coordinate step sizes that grow while the gradient keeps its sign and shrink when it flips."""

from __future__ import annotations

from typing import Any

from ..ops.creation import full_like, zeros_like
from ..ops.elementwise.clamp_where import where
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """The resilient backpropagation algorithm, as `torch.optim.Rprop`.

    With s = sign(g · g_prev): the step size is multiplied by etaplus where s > 0, by etaminus
    where s < 0 (and that coordinate's gradient is treated as 0 for this step), then clamped
    to step_sizes; p ← p - sign(g)·step_size.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the initial step size of every coordinate (default 1e-2).
        etas (tuple of float): (etaminus, etaplus), the factors that shrink and grow the step size (default (0.5, 1.2)).
        step_sizes (tuple of float): the smallest and largest step sizes allowed (default (1e-6, 50)).
        capturable (bool): keep the step count as a tensor, as in PyTorch (default False).
        foreach (bool, optional): accepted for PyTorch compatibility (one implementation here).
        maximize (bool): maximise the objective instead of minimising it (default False).
        differentiable (bool): record the update in the graph (default False).

    Returns:
        (Rprop): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.Rprop([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach()
        tensor([ 0.7800, -0.7800])
    """

    _GROUP_FALLBACKS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _SCALAR_STATE = ("step",)

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        F.check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
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
    _BUFFERS = ("prev", "step_size")
    _GRAD_FIRST = True

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        lr = F.scalar(group["lr"])
        if p.is_complex():  # the real and the imaginary part each take steps of lr (see _COMPLEX_AS_REAL)
            lr = complex(lr, lr)
        return {"step": new_scalar_state(0.0), "prev": zeros_like(p), "step_size": full_like(p, lr)}

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
        prev, step_size = buffers
        etaminus, etaplus = group["etas"]
        low, high = group["step_sizes"]
        tensors = isinstance(param, Tensor)
        if tensors:
            _recorded_rprop_update(param, grad, prev, step_size, etaminus, etaplus, low, high)
            return
        sign = _sign(xp, grad * (prev.clone() if tensors else prev))
        flipped = sign < 0
        factor = _where(xp, sign > 0, etaplus, _where(xp, flipped, etaminus, 1.0, sign), sign)
        step_size *= factor
        if tensors:
            step_size.clamp_(low, high)
        else:
            xp.clip(step_size, low, high, out=step_size)
        grad = _where(xp, flipped, 0.0, grad, grad)  # a flipped sign: no move this step
        param -= _sign(xp, grad) * step_size
        prev[...] = grad


def _recorded_rprop_update(param: Tensor, grad: Tensor, prev: Tensor, step_size: Tensor, etaminus: float,
                           etaplus: float, low: float, high: float) -> None:
    """One Rprop step recorded for autograd (differentiable=True), in PyTorch's statements: the
    sign's entries set in place, the step sizes scaled and clamped in place (MulBackward0,
    ClampBackward1), the parameter moved by `addcmul_`."""
    sign = grad.mul(prev.clone()).sign()
    sign[sign.gt(0)] = etaplus
    sign[sign.lt(0)] = etaminus
    sign[sign.eq(0)] = 1
    step_size.mul_(sign).clamp_(low, high)
    grad = grad.clone()
    grad[sign.eq(etaminus)] = 0  # a flipped sign: no move this step
    param.addcmul_(grad.sign(), step_size, value=-1)
    prev.copy_(grad)


def _sign(xp: Any, x: Any) -> Any:
    return x.sign() if isinstance(x, Tensor) else xp.sign(x)


def _where(xp: Any, condition: Any, a: Any, b: Any, like: Any) -> Any:
    """`condition ? a : b` in `like`'s dtype, on arrays or (recorded) tensors."""
    if isinstance(like, Tensor):
        return where(condition, a, b)
    return xp.where(condition, xp.asarray(a, like.dtype), b).astype(like.dtype, copy=False)

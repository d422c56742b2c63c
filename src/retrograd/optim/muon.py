"""Muon: momentum SGD whose update is orthogonalized by a Newton-Schulz iteration (2-D params only)."""

from __future__ import annotations

import math
from typing import Any

from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer

__all__ = ["Muon"]

EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5


def _bfloat16(xp: Any, x: Any) -> Any:
    """`x` rounded to bfloat16 (nearest, ties to even) and held as float32: PyTorch runs the iteration in bfloat16."""
    x = xp.asarray(x, dtype=xp.float32)
    bits = x.view(xp.uint32)
    rounded = (bits + (((bits >> 16) & 1) + 0x7FFF)) & 0xFFFF0000
    rounded = xp.where(xp.isnan(x), bits, rounded)  # a NaN stays a NaN
    return rounded.astype(xp.uint32).view(xp.float32)


def zeropower_via_newtonschulz(xp: Any, grad: Any, coefficients: tuple, steps: int, eps: float) -> Any:
    """An approximately orthogonal matrix U·S'·Vᵀ (S' ≈ 1) from G = U·S·Vᵀ, by `steps` quintic iterations.

    X ← G/‖G‖ (the wide orientation), then X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ. Every
    intermediate is rounded to bfloat16, as PyTorch computes it.
    """
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = coefficients
    tall = grad.shape[0] > grad.shape[1]
    x = _bfloat16(xp, grad.T if tall else grad)
    norm = _bfloat16(xp, xp.sqrt(xp.sum(x * x)))
    x = _bfloat16(xp, x / _bfloat16(xp, xp.maximum(norm, eps)))
    for _ in range(steps):
        gram = _bfloat16(xp, x @ x.T)
        poly = _bfloat16(xp, b * gram + c * (gram @ gram))
        x = _bfloat16(xp, a * x + poly @ x)
    return x.T if tall else x


def adjusted_lr(lr: float, adjust_lr_fn: str | None, shape: tuple) -> float:
    """The learning rate scaled for a rows×cols matrix: √max(1, rows/cols), or 0.2·√max(rows, cols)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    """Muon, as `torch.optim.Muon`: for the 2-D weights of hidden layers.

    B ← μ·B + (1-μ)·g (a lerp); the update is g lerped towards B by μ (nesterov) or B,
    orthogonalized by `ns_steps` Newton-Schulz iterations with `ns_coefficients`;
    p ← p·(1 - lr·weight_decay) - adjusted_lr·update (see `adjusted_lr`).

    Args:
        params (iterable): the 2-D parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-3).
        weight_decay (float): the decoupled weight decay (default 0.1).
        momentum (float): the momentum factor μ (default 0.95).
        nesterov (bool): use Nesterov momentum (default True).
        ns_coefficients (tuple of float): the (a, b, c) of the Newton-Schulz polynomial
            (default (3.4445, -4.775, 2.0315)).
        eps (float): the smallest norm the update is divided by before the iterations (default 1e-7).
        ns_steps (int): how many Newton-Schulz iterations (default 5).
        adjust_lr_fn (str, optional): how the lr is scaled by the weight's shape: None or
            `'original'` (√max(1, rows/cols)), or `'match_rms_adamw'` (0.2·√max(rows, cols)).

    Returns:
        (Muon): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([[1.0, 0.0], [0.0, 2.0]]))
        >>> opt = retrograd.optim.Muon([w], lr=0.1, weight_decay=0.0)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w.detach()
        tensor([[0.8883, 0.0000],
                [0.0000, 1.9309]])
    """

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = (DEFAULT_A, DEFAULT_B, DEFAULT_C),
        eps: float = EPS,
        ns_steps: int = DEFAULT_NS_STEPS,
        adjust_lr_fn: str | None = None,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {
            "lr": lr,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "nesterov": nesterov,
            "ns_coefficients": ns_coefficients,
            "eps": eps,
            "ns_steps": ns_steps,
            "adjust_lr_fn": adjust_lr_fn,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(
                        f"Muon only supports 2D parameters whereas we found a parameter with size: {p.size()}"
                    )

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        return self._step_groups(closure)

    def _update_group(self, group: dict[str, Any]) -> None:
        # the template's, less its weight decay: Muon's is decoupled and uses the unadjusted lr
        lr = F.scalar(group["lr"])
        for p in group["params"]:
            if p.grad is None:
                continue
            if p.is_complex():
                raise RuntimeError("Muon does not support complex parameters")
            state = self._state_of(p, group)
            param, grad, buf = F.operands(True, p, p.grad, state["momentum_buffer"])
            self._update(F.math_of(True, p), param, grad, buf, step=0.0, lr=lr, group=group, state=state)
            F.touch(p, state["momentum_buffer"])

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        return {"momentum_buffer": p.grad.new_zeros(p.grad.shape)}

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:  # fmt: skip
        (buf,) = buffers
        if grad.ndim != 2:
            raise ValueError("Param gradient must be a 2D matrix")
        momentum = group["momentum"]
        F.lerp_(buf, grad, 1 - momentum)
        if group["nesterov"]:
            update = xp.array(grad, copy=True)
            F.lerp_(update, buf, momentum)
        else:
            update = buf
        update = zeropower_via_newtonschulz(xp, update, group["ns_coefficients"], group["ns_steps"], group["eps"])
        scaled_lr = adjusted_lr(lr, group["adjust_lr_fn"], param.shape)
        param *= 1 - lr * group["weight_decay"]
        F.add_scaled_(param, update.astype(param.dtype), -scaled_lr)

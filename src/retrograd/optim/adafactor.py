"""Adafactor: Adam-like steps with a factored (row × column) second moment for matrices."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.creation import zeros_like
from ..tensor import Tensor
from . import _functional as F
from .optimizer import Optimizer, new_scalar_state

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """Adafactor, as `torch.optim.Adafactor` (the update of PyTorch's single-tensor path).

    For a parameter with 2 or more dims the variance is kept as a row factor (..., m, 1) and a
    column factor (..., 1, n) of the squared gradient's means; vectors keep the full variance.
    β₂ₜ = 1 - t^beta2_decay; ρ = min(lr, 1/√t); the step is ρ·max(eps2, RMS(p)) times g/√v,
    scaled down when that update's RMS exceeds d. Weight decay is decoupled: p ← p(1 - lr·wd).

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the largest relative step size ρ may take (default 1e-2).
        beta2_decay (float): the exponent of t in β₂ₜ = 1 - t^beta2_decay (default -0.8).
        eps (tuple): (eps1, eps2): eps1 is added to the squared gradient (None: the dtype's machine
            epsilon), eps2 is the floor of RMS(p) (default (None, 1e-3)).
        d (float): the clipping threshold of the update's RMS (default 1.0).
        weight_decay (float): the decoupled weight decay (default 0.0).
        foreach (bool, optional): accepted for PyTorch compatibility (one implementation here).
        maximize (bool): maximise the objective instead of minimising it (default False).

    Returns:
        (Adafactor): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> opt = retrograd.optim.Adafactor([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w.detach()
        tensor([[0.7879, 1.7000],
                [2.7154, 3.7317]])
    """

    _GROUP_FALLBACKS = {"foreach": None}
    _SCALAR_STATE = ("step",)

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        checks = [
            (0.0 <= lr, f"Learning rate should be >= 0 but is: {lr}"),
            (0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: {beta2_decay}"),
            (eps[0] is None or 0.0 <= eps[0], f"epsilon1 should be >= 0 but is: {eps[0]}"),
            (0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}"),
            (1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}"),
            (0.0 <= weight_decay, f"weight_decay should be >= 0 but is: {weight_decay}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": eps,
            "d": d,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        return self._step_groups(closure)

    def _update_group(self, group: dict[str, Any]) -> None:
        # the template's, less its weight decay: Adafactor's is decoupled and comes after α is measured
        params = [p for p in group["params"] if p.grad is not None]
        states = [self._state_of(p, group) for p in params]
        for p, state in zip(params, states):
            step = F.advance_step(state["step"])
            buffers = [state.get(name) for name in self._BUFFERS]
            param, grad, *operands = F.operands(True, p, p.grad, *buffers)
            if group["maximize"]:
                grad = -grad
            self._update(np, param, grad, *operands, step=step, lr=group["lr"], group=group, state=state)
            F.touch(p, *[b for b in buffers if b is not None])

    _BUFFERS = ("row_var", "col_var", "variance")

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        if p.is_complex():
            raise RuntimeError("Adafactor does not support complex parameters")
        state: dict[str, Any] = {"step": new_scalar_state(0.0)}
        if p.grad is not None and p.grad.dim() > 1:
            shape = list(p.grad.shape)
            state["row_var"] = p.grad.new_zeros(shape[:-1] + [1])
            state["col_var"] = p.grad.new_zeros(shape[:-2] + [1, shape[-1]])
        else:
            state["variance"] = zeros_like(p)
        return state

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
        # maximize and weight decay are applied here, in PyTorch's order (decay after α is measured)
        row_var, col_var, variance = buffers
        lr = F.scalar(lr)
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(param.dtype).eps)
        one_minus_beta2 = step ** group["beta2_decay"]
        rho = min(lr, 1 / (step**0.5))
        alpha = max(eps2, float(np.sqrt(np.sum(param * param))) / (param.size**0.5)) * rho
        if group["weight_decay"] != 0:
            param *= 1 - lr * group["weight_decay"]
        if grad.ndim > 1:
            F.lerp_(row_var, np.sum(grad * grad, axis=-1, keepdims=True) / grad.shape[-1], one_minus_beta2)
            F.lerp_(col_var, np.sum(grad * grad, axis=-2, keepdims=True) / grad.shape[-2], one_minus_beta2)
            estimate = row_var @ col_var
            estimate /= np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            F.lerp_(variance, grad * grad, one_minus_beta2)
            estimate = variance.copy()
        update = 1 / np.sqrt(np.maximum(estimate, eps1 * eps1))
        update *= grad
        denom = max(1.0, float(np.sqrt(np.sum(update * update))) / ((update.size**0.5) * group["d"]))
        F.add_scaled_(param, update, -alpha / denom)

"""SparseAdam: PyTorch's Adam for sparse gradients (`nn.Embedding(sparse=True)`'s), row by row."""

from __future__ import annotations

from typing import Any

from .._layouts import preserve_format
from ..engine.grad_mode import enable_grad
from ..ops.creation import zeros_like
from ..ops.nn_support import arrays_of, bump_versions
from ..tensor import Tensor
from . import _sparse_updates as _sparse
from .optimizer import Optimizer

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """`torch.optim.SparseAdam`: Adam restricted to the entries a sparse gradient holds.

    It takes only sparse COO gradients (such as `nn.Embedding(sparse=True)` makes) and raises
    PyTorch's error for dense ones: the moments and the parameter change only in the rows the
    (coalesced) gradient holds, with PyTorch's arithmetic. Use `Adam` for dense gradients.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-3).
        betas (tuple of float): the decay rates of the first and second moments (default (0.9, 0.999)).
        eps (float): added to the denominator (default 1e-8).
        maximize (bool): maximise the objective instead of minimising it (default False).

    Returns:
        (SparseAdam): an optimizer whose `step()` updates the rows of sparse gradients.

    Examples:
        >>> w = nn.Parameter(retrograd.ones(3))
        >>> opt = retrograd.optim.SparseAdam([w], lr=0.01)
        >>> opt.param_groups[0]["lr"], opt.param_groups[0]["betas"]
        (0.01, (0.9, 0.999))
        >>> (w * 2).sum().backward()
        >>> try:
        ...     opt.step()
        ... except RuntimeError as e:
        ...     print(e)
        SparseAdam does not support dense gradients, please consider Adam instead
    """

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        maximize: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i in (0, 1):
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize})
        complex_params = [
            [i, j] for i, group in enumerate(self.param_groups) for j, p in enumerate(group["params"]) if p.is_complex()
        ]
        if complex_params:
            raise ValueError(
                f"Complex params at indices {complex_params}: SparseAdam does not support complex parameters"
            )

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step over the rows the sparse gradients hold (dense ones raise)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if not p.grad.is_sparse:
                    raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = zeros_like(p, memory_format=preserve_format)
                    state["exp_avg_sq"] = zeros_like(p, memory_format=preserve_format)
                state["step"] += 1
                param, grad, exp_avg, exp_avg_sq = arrays_of(p, p.grad, state["exp_avg"], state["exp_avg_sq"])
                _sparse.sparse_adam(
                    param, grad, exp_avg, exp_avg_sq, step=state["step"],
                    lr=float(group["lr"]), beta1=beta1, beta2=beta2, eps=group["eps"],
                    maximize=group.get("maximize", False),
                )
                bump_versions(p, state["exp_avg"], state["exp_avg_sq"])
        return loss

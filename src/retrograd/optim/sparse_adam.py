"""SparseAdam: PyTorch's Adam for sparse gradients (retrograd's layers give dense gradients, which it refuses)."""

from __future__ import annotations

from typing import Any

from ..engine.grad_mode import enable_grad
from ..tensor import Tensor
from .optimizer import Optimizer

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """`torch.optim.SparseAdam`: Adam restricted to the entries a sparse gradient holds.

    PyTorch accepts only sparse-layout gradients (such as `nn.Embedding(sparse=True)` makes)
    and raises for dense ones. retrograd's gradients are all dense, so `step` raises PyTorch's
    error whenever a parameter has a gradient; construction, `state_dict` and printing behave
    as PyTorch's. Use `Adam` for dense gradients.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-3).
        betas (tuple of float): the decay rates of the first and second moments (default (0.9, 0.999)).
        eps (float): added to the denominator (default 1e-8).
        maximize (bool): maximise the objective instead of minimising it (default False).

    Returns:
        (SparseAdam): an optimizer whose `step()` refuses dense gradients.

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
        """Perform one optimization step: raises for the dense gradients retrograd makes, as PyTorch does."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
        return loss

"""Adam: adaptive moment estimation, with L2 or (for AdamW, in adamw.py) decoupled weight decay."""

from __future__ import annotations

from typing import Any, cast

from ..backend.cuda_kernels import kernel
from ..ops.creation import zeros_like
from ..ops.flat_groups import FlatGroup, advance_equal_steps, flat_float_arrays
from ..tensor import Tensor
from . import _functional as F
from ._fused_half import fused_adam_half, is_half
from .optimizer import Optimizer, new_scalar_state

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam, as `torch.optim.Adam`.

    m ← β₁m + (1-β₁)g,  v ← β₂v + (1-β₂)g²,  p ← p - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + eps).
    amsgrad uses the running maximum of v; decoupled_weight_decay multiplies p by
    (1 - lr·λ) first (AdamW) instead of adding λ·p to g.

    Args:
        params (iterable): the parameters to optimise, or dicts of parameter groups with their own options.
        lr (float or Tensor): the learning rate (default 1e-3).
        betas (tuple of float): β₁ and β₂, the decay rates of m and v (default (0.9, 0.999)).
        eps (float): added to the denominator (default 1e-8).
        weight_decay (float): the L2 penalty λ (default 0).
        amsgrad (bool): use the AMSGrad variant (default False).
        foreach (bool, optional): False updates one parameter at a time; otherwise a group's CPU
            parameters of one float dtype are updated as one flat array (the same bits, fewer calls).
        maximize (bool): maximise the objective instead of minimising it.
        capturable (bool): keep the step count as a tensor, as in PyTorch.
        differentiable (bool): record the update in the graph.
        fused (bool, optional): as the other updates, but float16/bfloat16 parameters are updated in float32
            and rounded once, as PyTorch's fused kernel does.
        decoupled_weight_decay (bool): decay the weights directly, as AdamW does.

    Returns:
        (Adam): an optimizer; `step()` updates the parameters from their `.grad`.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -1.0]))
        >>> opt = retrograd.optim.Adam([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w.detach()
        tensor([ 0.9000, -0.9000])
    """

    _GROUP_FALLBACKS = {
        "amsgrad": False,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
        "fused": None,
    }
    _SCALAR_STATE = ("step",)

    # its multi-tensor layouts, rebuilt by a step after loading (compile's guards need not watch them)
    _unguarded_attributes = (*Optimizer._unguarded_attributes, "_flat_layouts")

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_tensor_hyper(lr, betas, foreach, capturable)
        F.check_adam_like(lr, eps, betas, weight_decay=weight_decay)
        if not (
            (isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))
        ):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, beta in enumerate(betas):
            if isinstance(beta, Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
                if beta.numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        defaults = {
            "lr": lr,
            "betas": tuple(F.squeeze_scalar(b) for b in betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        F.check_fused_flags(fused, differentiable, foreach)

    def step(self, closure: Any = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        return self._step_groups(closure)

    _COMPLEX_AS_REAL = True
    _BUFFERS = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _SPARSE_REFUSAL = "Adam does not support sparse gradients, please consider SparseAdam instead"  # AdamW's too

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": new_scalar_state(0.0, group["fused"]), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_like(p)
        return state

    def _state_of(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = super()._state_of(p, group)
        if group["differentiable"] and state["step"].requires_grad:
            raise RuntimeError("`requires_grad` is not supported for `step` in differentiable mode")
        if group["foreach"] and isinstance(group["lr"], Tensor) and not group["capturable"]:
            raise RuntimeError("lr as a Tensor is not supported for capturable=False and foreach=True")
        return state

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        beta1, beta2 = (F.hyper(b, group) for b in group["betas"])
        if group["differentiable"]:
            recorded_adam_update(param, grad, *buffers, step_t=state["step"], lr=lr, beta1=beta1, beta2=beta2,
                                 eps=group["eps"])
            return
        adam_update(xp, param, grad, *buffers, step=step, lr=lr, beta1=beta1, beta2=beta2, eps=group["eps"],
                    foreach=bool(group.get("foreach")))

    def _fused_update(self, param: Any, grad: Any, *buffers: Any, step: float, lr: Any, group: dict[str, Any]) -> bool:
        """float16/bfloat16 parameters with fused=True: PyTorch's fused kernel, all in float32 (`_fused_half`)."""
        if not is_half(param):
            return False
        beta1, beta2 = group["betas"]
        fused_adam_half(param, grad, *buffers, step=step, lr=float(lr), beta1=float(beta1), beta2=float(beta2),
                        eps=group["eps"], weight_decay=float(group["weight_decay"]),
                        decoupled=bool(group["decoupled_weight_decay"]), maximize=group["maximize"])
        return True

    def _update_group(self, group: dict[str, Any]) -> None:
        """The group's parameters as one flat update where they allow it, else one by one."""
        params = [p for p in group["params"] if p.grad is not None]
        if not self._flat_update(group, params):
            super()._update_group(group)

    def _flat_update(self, group: dict[str, Any], params: list[Tensor]) -> bool:
        """Adam on all of `params` at once (`ops.flat_groups`): the moments live in flat arrays, the
        parameters and gradients are gathered and the parameters written back. Element-wise, so the
        same bits as one update per parameter. False (nothing changed) where that path must run:
        one parameter, a recorded or capturable update, foreach=False, fused=True, parameters of
        mixed or non-float dtypes or off the CPU, or step counts that differ."""
        grads = cast("list[Tensor]", [p.grad for p in params])  # `params` are those with a gradient
        if (
            len(params) < 2 or group["differentiable"] or group["capturable"] or group["foreach"] is False
            or group["fused"] or not flat_float_arrays(params, grads)
        ):
            return False
        self._state_of(params[0], group)  # the group's checks; the state made on a first step
        states = [self.state[p] or self._state_of(p, group) for p in params]
        names = [n for n in self._BUFFERS if n in states[0]]
        buffers = [[s[n] for s in states] for n in names]
        layouts = self.__dict__.setdefault("_flat_layouts", {})  # not state: rebuilt after loading
        flat = layouts.get(id(group))
        if flat is None or not flat.fits(params, buffers):
            flat = layouts[id(group)] = FlatGroup.build(params, buffers)
            if flat is None:
                return False
        step = advance_equal_steps([s["step"] for s in states])
        if step is None:
            return False
        lr = F.hyper(group["lr"], group)
        beta1, beta2 = (F.hyper(b, group) for b in group["betas"])
        param = flat.gather_params(params)
        grad = F.regularized_grad(param, flat.gather(grads), lr, group, self.defaults)
        moments = flat.buffers + [None] * (3 - len(flat.buffers))  # no running maximum without amsgrad
        adam_update(F.math_of(True, params[0]), param, grad, *moments, step=step, lr=lr, beta1=beta1, beta2=beta2,
                    eps=group["eps"])
        flat.scatter(params, buffers)
        return True


def _check_tensor_hyper(lr: Any, betas: tuple, foreach: bool | None, capturable: bool) -> None:
    if isinstance(lr, Tensor):
        if foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        if lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")


def adam_update(
    xp: Any,
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    max_exp_avg_sq: Any,
    *,
    step: float,
    lr: Any,
    beta1: Any,
    beta2: Any,
    eps: float,
    foreach: bool = False,
) -> None:
    """One Adam/AdamW step on one parameter, in place (max_exp_avg_sq is None without amsgrad).
    `foreach`: as PyTorch's multi-tensor step (`_foreach_mul_` rounds beta2 to a half moment's dtype)."""
    fused = None if max_exp_avg_sq is not None else kernel(xp, "adam", param, grad, exp_avg, exp_avg_sq)
    if fused is not None and not any(isinstance(h, Tensor) for h in (lr, beta1, beta2)):
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        step_size = lr / (1 - beta1**step)
        fused(grad, 1 - beta1, beta2, 1 - beta2, step_size, bias_correction2_sqrt, eps, param, exp_avg, exp_avg_sq)
        return
    F.lerp_(exp_avg, grad, 1 - beta1)
    F.scale_(exp_avg_sq, beta2, foreach)
    F.addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
    step_size = lr / (1 - beta1**step)
    bias_correction2_sqrt = (1 - beta2**step) ** 0.5
    second = exp_avg_sq
    if max_exp_avg_sq is not None:
        xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second = max_exp_avg_sq
    denom = xp.sqrt(second)
    F.divide_(denom, bias_correction2_sqrt)
    F.add_number_(denom, eps)
    F.addcdiv_(param, exp_avg, denom, -step_size)


def recorded_adam_update(
    param: Tensor,
    grad: Tensor,
    exp_avg: Tensor,
    exp_avg_sq: Tensor,
    max_exp_avg_sq: Tensor | None,
    *,
    step_t: Tensor,
    lr: Any,
    beta1: Any,
    beta2: Any,
    eps: float,
) -> None:
    """One Adam/AdamW step recorded for autograd (differentiable=True), as PyTorch's differentiable
    branch computes it: the bias corrections from the step counter tensor (in its float32), the
    step size folded into the denominator, and the first moment cloned before `addcdiv_` reads
    it (the next step changes it in place). The graph's nodes are PyTorch's (AddcdivBackward0)."""
    exp_avg.lerp_(grad, 1 - beta1)
    if isinstance(beta2, Tensor) and beta2.requires_grad:
        exp_avg_sq.lerp_(grad.square(), 1 - beta2)  # addcmul_'s value cannot be a tensor
    else:
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    step = step_t.clone() if any(isinstance(b, Tensor) and b.requires_grad for b in (beta1, beta2)) else step_t
    bias_correction1 = 1 - beta1**step
    step_size_neg = (lr / bias_correction1).neg()
    bias_correction2_sqrt = (1 - beta2**step).sqrt()
    second = exp_avg_sq
    if max_exp_avg_sq is not None:
        max_exp_avg_sq.copy_(max_exp_avg_sq.clone().maximum(exp_avg_sq))
        second = max_exp_avg_sq
    denom = (second.sqrt() / (bias_correction2_sqrt * step_size_neg)).add_(eps / step_size_neg)
    param.addcdiv_(exp_avg.clone(), denom)

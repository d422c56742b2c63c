"""L-BFGS: a quasi-Newton method that re-evaluates the loss through a closure.

Unlike the other optimizers, one `step(closure)` runs up to `max_iter` iterations,
each with its own loss evaluations, on all parameters seen as one flat vector x.
With the last `history_size` pairs s = x_{k+1} - x_k, y = g_{k+1} - g_k kept, the
direction d = -H g comes from the two-loop recursion (H ≈ inverse Hessian, H₀ =
(s·y)/(y·y)), and the step t is fixed (lr, and min(1, 1/|g|₁)·lr at the very
first iteration) or chosen by a strong-Wolfe line search (`optim._line_search`).
The arithmetic follows PyTorch's in order, so trajectories agree to rounding; the
state (under the first parameter) has PyTorch's keys, so state dicts carry over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine.grad_mode import enable_grad, no_grad
from ..ops.elementwise.complex_views import view_as_real
from ..ops.shape.join import cat
from ..tensor import Tensor
from . import _functional as F
from ._line_search import strong_wolfe
from .optimizer import Optimizer

__all__ = ["LBFGS"]

_HISTORY = ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss")


class LBFGS(Optimizer):
    """L-BFGS, as `torch.optim.LBFGS`: `step(closure)` with `closure()` returning the loss after backward.

    One parameter group only; `line_search_fn` is None or "strong_wolfe"; `max_eval`
    defaults to `max_iter * 5 // 4`.

    Args:
        params (iterable): the parameters to optimise (a single group).
        lr (float or Tensor): the step length, or the line search's first trial step (default 1).
        max_iter (int): the most iterations per `step()` (default 20).
        max_eval (int, optional): the most closure evaluations per `step()` (default `max_iter * 5 // 4`).
        tolerance_grad (float): stop once the largest |gradient| is at most this (default 1e-7).
        tolerance_change (float): stop once the change of the loss or of the parameters is at most
            this (default 1e-9).
        history_size (int): how many past updates approximate the inverse Hessian (default 100).
        line_search_fn (str, optional): None (a fixed step of lr) or `'strong_wolfe'`.

    Returns:
        (LBFGS): an optimizer; `step(closure)` runs up to `max_iter` iterations and returns the
            first loss.

    Examples:
        >>> w = nn.Parameter(retrograd.tensor([1.0, -2.0]))
        >>> opt = retrograd.optim.LBFGS([w], lr=1.0)
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((w - 3.0) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure)
        tensor(29., grad_fn=<SumBackward0>)
        >>> w.detach()
        tensor([3.0000, 3.0000])
    """

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        F.check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    # --- the parameters as one flat vector ---------------------------------------------------------

    def _flat_grad(self) -> Tensor:
        """All gradients concatenated (zeros for a parameter without one), a complex one as (real, imag) pairs."""
        views = [p.new_zeros(p.numel()) if p.grad is None else p.grad.reshape(-1) for p in self._params]
        return cat([_as_reals(v).reshape(-1) for v in views], 0)

    def _move(self, t: Any, d: Tensor) -> None:
        """x ← x + t·d, in place on the parameters (a complex one through its real view)."""
        offset = 0
        for p in self._params:
            p = _as_reals(p)
            n = p.numel()
            p.add_(d[offset : offset + n].view_as(p), alpha=t)
            offset += n

    def _evaluate_at(self, closure: Callable[[], Any], x: list[Tensor], t: Any, d: Tensor) -> tuple[float, Tensor]:
        """Loss and flat gradient at x + t·d; the parameters are set back to x afterwards."""
        self._move(t, d)
        loss = _loss_of(closure)
        flat_grad = self._flat_grad()
        for p, saved in zip(self._params, x):
            p.copy_(saved)
        return loss, flat_grad

    # --- one step -------------------------------------------------------------------------------

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to `max_iter` L-BFGS iterations; returns the loss first computed by `closure`."""
        with no_grad():
            return self._iterate(closure, self.param_groups[0], self.state[self._params[0]])

    def _iterate(self, closure: Callable[[], Any], group: dict[str, Any], state: dict[str, Any]) -> Any:
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)  # outside enable_grad: float() of a loss that requires grad warns there
        evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if flat_grad.abs().max() <= group["tolerance_grad"]:
            return orig_loss
        memory = {key: state.get(key) for key in _HISTORY}
        for n_iter in range(1, group["max_iter"] + 1):
            state["n_iter"] += 1
            self._new_direction(memory, flat_grad, group, state)
            loss, flat_grad, stop, used = self._line_step(
                closure, memory, loss, flat_grad, group, state, n_iter, evals
            )
            evals += used
            state["func_evals"] += used
            if stop or n_iter == group["max_iter"] or evals >= group["max_eval"] or self._converged(
                memory, loss, flat_grad, group
            ):
                break
        state.update(memory)
        return orig_loss

    def _new_direction(self, memory: dict, flat_grad: Tensor, group: dict[str, Any], state: dict) -> None:
        """d = -H·g: steepest descent at first, then from the history updated by the last step."""
        if state["n_iter"] == 1:
            memory.update(d=flat_grad.neg(), old_dirs=[], old_stps=[], ro=[], H_diag=1)
        else:
            y = flat_grad.sub(memory["prev_flat_grad"])
            s = memory["d"].mul(memory["t"])
            ys = y.dot(s)
            if ys > 1e-10:  # keep the pair only where the curvature is positive
                if len(memory["old_dirs"]) == group["history_size"]:
                    for key in ("old_dirs", "old_stps", "ro"):
                        memory[key].pop(0)
                memory["old_dirs"].append(y)
                memory["old_stps"].append(s)
                memory["ro"].append(1.0 / ys)
                memory["H_diag"] = ys / y.dot(y)
            if "al" not in state:
                state["al"] = [None] * group["history_size"]
            memory["d"] = _two_loop(flat_grad, memory, state["al"])
        if memory["prev_flat_grad"] is None:
            memory["prev_flat_grad"] = flat_grad.clone()
        else:
            memory["prev_flat_grad"].copy_(flat_grad)

    def _line_step(self, closure: Callable[[], Any], memory: dict, loss: float, flat_grad: Tensor,
                   group: dict[str, Any], state: dict, n_iter: int, evals: int) -> tuple[float, Tensor, bool, int]:
        """Move along d; returns the new loss and gradient, whether to stop now, and the evaluations used."""
        memory["prev_loss"] = loss
        d = memory["d"]
        lr = group["lr"]
        if isinstance(lr, Tensor) and lr.dim() != 0:
            lr = lr.squeeze()
        t = min(1.0, 1.0 / flat_grad.abs().sum()) * lr if state["n_iter"] == 1 else lr
        memory["t"] = t
        gtd = flat_grad.dot(d)
        if gtd > -group["tolerance_change"]:  # no descent left along d
            return loss, flat_grad, True, 0
        search = group["line_search_fn"]
        if search is not None:
            if search != "strong_wolfe":
                raise RuntimeError("only 'strong_wolfe' is supported")
            x = [p.clone() for p in self._params]
            loss, flat_grad, t, used = strong_wolfe(
                lambda step: self._evaluate_at(closure, x, step, d), t, d, loss, flat_grad, gtd,
                max_ls=group["max_eval"] - evals,  # the evaluations this step has left
            )
            memory["t"] = t
            self._move(t, d)
            return loss, flat_grad, False, used
        self._move(t, d)
        if n_iter == group["max_iter"]:  # the last iteration: no evaluation at the new point
            return loss, flat_grad, False, 0
        return _loss_of(closure), self._flat_grad(), False, 1

    @staticmethod
    def _converged(memory: dict, loss: float, flat_grad: Tensor, group: dict[str, Any]) -> bool:
        """Small gradient, small step or small change of the loss."""
        tol = group["tolerance_change"]
        return bool(
            flat_grad.abs().max() <= group["tolerance_grad"]
            or memory["d"].mul(memory["t"]).abs().max() <= tol
            or abs(loss - memory["prev_loss"]) < tol
        )


def _loss_of(closure: Callable[[], Any]) -> float:
    """The closure's loss as a float: evaluated under grad mode, converted outside it (where float()
    of a tensor that requires grad does not warn), as PyTorch's LBFGS does."""
    with enable_grad():
        loss = closure()
    return float(loss)


def _as_reals(t: Tensor) -> Tensor:
    """A complex tensor as (..., 2) real pairs (PyTorch's LBFGS sees each part as one coordinate)."""
    return view_as_real(t) if t.is_complex() else t


def _two_loop(flat_grad: Tensor, memory: dict, al: list) -> Tensor:
    """-H·g by the two-loop recursion over the stored pairs (`al` holds the first loop's coefficients)."""
    old_dirs, old_stps, ro = memory["old_dirs"], memory["old_stps"], memory["ro"]
    q = flat_grad.neg()
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = old_stps[i].dot(q) * ro[i]
        q.add_(old_dirs[i], alpha=-al[i])
    r = q * memory["H_diag"]
    for i in range(len(old_dirs)):
        be_i = old_dirs[i].dot(r) * ro[i]
        r.add_(old_stps[i], alpha=al[i] - be_i)
    return r

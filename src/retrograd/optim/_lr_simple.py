"""Schedulers that scale the learning rate by a rule of the epoch number.

Each `get_lr` is PyTorch's recursive form (new lr from the group's current lr);
`_get_closed_form_lr` is the direct formula used when `step(epoch)` is given.
"""

from __future__ import annotations

import math
import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from ._lr_base import LRScheduler, group_values, warn_get_lr_outside_step
from .optimizer import Optimizer

__all__ = [
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
]


class _LambdaScheduler(LRScheduler):
    """Shared parts of LambdaLR and MultiplicativeLR: one function per parameter group."""

    def _set_lambdas(self, optimizer: Optimizer, lr_lambda: Any) -> None:
        self.optimizer = optimizer
        if not isinstance(lr_lambda, (list, tuple)):
            self.lr_lambdas: list[Callable[[int], float]] = [lr_lambda] * len(optimizer.param_groups)
        else:
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)

    def state_dict(self) -> dict[str, Any]:
        """Attributes but the optimizer; of each lambda only the state of callable objects."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else fn.__dict__.copy() for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore attributes, and the state of callable-object lambdas."""
        lr_lambdas = state_dict.pop("lr_lambdas")
        self.__dict__.update(state_dict)
        state_dict["lr_lambdas"] = lr_lambdas
        for idx, fn in enumerate(lr_lambdas):
            if fn is not None:
                self.lr_lambdas[idx].__dict__.update(fn)


class LambdaLR(_LambdaScheduler):
    """lr = initial_lr · lr_lambda(epoch).

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        lr_lambda (callable or list): a function of the epoch giving the factor, or one per parameter group.
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (LambdaLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.5, 0.3333, 0.25, 0.2, 0.1667]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1) -> None:
        self._set_lambdas(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """initial_lr · lr_lambda(last_epoch) for each group."""
        warn_get_lr_outside_step(self)
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    """lr ← lr · lr_lambda(epoch) each step (not at construction).

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        lr_lambda (callable or list): a function of the epoch giving the factor applied this step,
            or one per parameter group.
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (MultiplicativeLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.5)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.5, 0.25, 0.125, 0.0625, 0.0312]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1) -> None:
        self._set_lambdas(optimizer, lr_lambda)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The current lrs times lr_lambda(last_epoch)."""
        warn_get_lr_outside_step(self)
        if self._is_initial:
            return group_values(self.optimizer, "lr")
        return [g["lr"] * fn(self.last_epoch) for fn, g in zip(self.lr_lambdas, self.optimizer.param_groups)]


class StepLR(LRScheduler):
    """Multiply the lr by gamma every step_size epochs.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        step_size (int): how many epochs (calls to `step()`) between decays.
        gamma (float): the factor (default 0.1).
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (StepLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """lr · gamma on multiples of step_size, else unchanged."""
        warn_get_lr_outside_step(self)
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return group_values(self.optimizer, "lr")
        return [g["lr"] * self.gamma for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by gamma at each milestone (repeated milestones multiply again).

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        milestones (iterable of int): the epochs at which to decay.
        gamma (float): the factor (default 0.1).
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (MultiStepLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.5, 0.5, 0.25, 0.25, 0.25]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """lr · gamma^count at a milestone, else unchanged."""
        warn_get_lr_outside_step(self)
        if self.last_epoch not in self.milestones:
            return group_values(self.optimizer, "lr")
        return [g["lr"] * self.gamma ** self.milestones[self.last_epoch] for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect_right(milestones, self.last_epoch) for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """Scale the lr by factor until epoch total_iters, then restore it.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        factor (float): the factor while epoch < total_iters (default 1/3).
        total_iters (int): the epoch at which the lr is restored (default 5).
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (ConstantLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.5, 1.0, 1.0, 1.0, 1.0]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(
        self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1
    ) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """lr · factor at epoch 0, lr / factor at total_iters, else unchanged."""
        warn_get_lr_outside_step(self)
        if self.last_epoch == 0:
            return [g["lr"] * self.factor for g in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return group_values(self.optimizer, "lr")
        return [g["lr"] * (1.0 / self.factor) for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        reached = self.last_epoch >= self.total_iters
        return [base_lr * (self.factor + reached * (1 - self.factor)) for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the lr linearly from start_factor to end_factor over total_iters epochs.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        start_factor (float): the factor at epoch 0 (default 1/3).
        end_factor (float): the factor from epoch total_iters on (default 1.0).
        total_iters (int): how many epochs the change takes (default 5).
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (LinearLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.5, 0.75, 1.0, 1.0, 1.0]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The ratio of consecutive linear factors applied to the current lr."""
        warn_get_lr_outside_step(self)
        if self.last_epoch == 0:
            return [g["lr"] * self.start_factor for g in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return group_values(self.optimizer, "lr")
        delta = self.end_factor - self.start_factor
        ratio = 1.0 + delta / (self.total_iters * self.start_factor + (self.last_epoch - 1) * delta)
        return [g["lr"] * ratio for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        delta = self.end_factor - self.start_factor
        done = min(self.total_iters, self.last_epoch)
        return [base_lr * (self.start_factor + delta * done / self.total_iters) for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by gamma every epoch.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        gamma (float): the factor per epoch.
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (ExponentialLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.5, 0.25, 0.125, 0.0625, 0.0312]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """lr · gamma (unchanged on the constructor's step)."""
        warn_get_lr_outside_step(self)
        if self._is_initial:
            return group_values(self.optimizer, "lr")
        return [g["lr"] * self.gamma for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        return [base_lr * self.gamma**self.last_epoch for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the lr as (1 - epoch/total_iters)^power, reaching 0 at total_iters.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        total_iters (int): the epoch at which the lr reaches 0 (default 5).
        power (float): the power of the decay (default 1.0).
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (PolynomialLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.PolynomialLR(opt, total_iters=4, power=2.0)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """The ratio of consecutive polynomial factors applied to the current lr."""
        warn_get_lr_outside_step(self)
        if self._is_initial or self.last_epoch > self.total_iters:
            return group_values(self.optimizer, "lr")
        decay = (
            (1.0 - self.last_epoch / self.total_iters) / (1.0 - (self.last_epoch - 1) / self.total_iters)
        ) ** self.power
        return [g["lr"] * decay for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        done = min(self.total_iters, self.last_epoch)
        return [base_lr * (1.0 - done / self.total_iters) ** self.power for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal the lr from initial_lr to eta_min along a half cosine of period T_max.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        T_max (int): half the period of the cosine, in epochs.
        eta_min (float): the smallest lr (default 0.0).
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (CosineAnnealingLR): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = retrograd.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 4))
        >>> lrs
        [0.8536, 0.5, 0.1464, 0.0, 0.1464]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        """PyTorch's recursive cosine step (with its special cases at restarts and resumes)."""
        warn_get_lr_outside_step(self)
        groups, t, T = self.optimizer.param_groups, self.last_epoch, self.T_max
        if self._is_initial:
            return group_values(self.optimizer, "lr")
        if self._step_count == 1 and t > 0:
            return [
                self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(t * math.pi / T)) / 2
                for base_lr in self.base_lrs
            ]
        if (t - 1 - T) % (2 * T) == 0:
            return [
                g["lr"] + (base_lr - self.eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base_lr, g in zip(self.base_lrs, groups)
            ]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (g["lr"] - self.eta_min) + self.eta_min for g in groups]

    def _get_closed_form_lr(self) -> list[Any]:
        cos = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base_lr - self.eta_min) * cos / 2 for base_lr in self.base_lrs]

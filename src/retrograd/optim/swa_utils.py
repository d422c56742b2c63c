"""retrograd.optim.swa_utils: weight averaging (SWA and EMA), as `torch.optim.swa_utils`.

`AveragedModel` keeps a copy of a model whose parameters are a running average of the
model's; `SWALR` anneals each group's learning rate to a constant `swa_lr`; `update_bn`
recomputes BatchNorm statistics for averaged weights with one pass over the data.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterable
from typing import Any

from ..engine.grad_mode import no_grad
from ..nn.modules.batchnorm import _BatchNorm
from ..nn.modules.module import Module
from ..ops.from_data import tensor
from ..tensor import Tensor
from ._lr_base import LRScheduler, format_param, warn_get_lr_outside_step
from .optimizer import Optimizer

__all__ = [
    "AveragedModel",
    "SWALR",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]

ParamList = list[Tensor]


def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable[[ParamList, ParamList, Any], None]:
    """An in-place update of a list of averages: ema ← decay·ema + (1 - decay)·current."""
    _check_decay(decay)

    def ema_update(ema_params: ParamList, current_params: ParamList, _: Any) -> None:
        with no_grad():
            for ema, current in zip(ema_params, current_params):
                if ema.is_floating_point():
                    ema.lerp_(current, 1 - decay)
                else:
                    ema.copy_(ema * decay + current * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> Callable[[ParamList, ParamList, Any], None]:
    """An in-place update of a list of averages: the equal-weight mean of the n + 1 models seen."""

    def swa_update(averaged_params: ParamList, current_params: ParamList, num_averaged: Any) -> None:
        with no_grad():
            for avg, current in zip(averaged_params, current_params):
                if avg.is_floating_point():
                    avg.lerp_(current, float(1 / (num_averaged + 1)))
                elif isinstance(num_averaged, Tensor):
                    avg.addcdiv_(current - avg, num_averaged + 1)
                else:
                    avg.add_(current - avg, alpha=1.0 / (num_averaged + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable[[Tensor, Tensor, Any], Tensor]:
    """A function of (ema, current, n) giving decay·ema + (1 - decay)·current."""
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> Callable[[Tensor, Tensor, Any], Tensor]:
    """A function of (average, current, n) giving the mean of the n + 1 models."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of `model` whose parameters (and buffers, with use_buffers) average the model's.

    The first `update_parameters(model)` copies the model's values; later calls apply `avg_fn`
    (per tensor, returning the new average) or `multi_avg_fn` (in place, on lists), by default
    the equal-weight SWA mean. `n_averaged` counts the updates (an int64 buffer).
    """

    def __init__(
        self,
        model: Module,
        device: Any = None,
        avg_fn: Callable[[Tensor, Tensor, Any], Tensor] | None = None,
        multi_avg_fn: Callable[[ParamList, ParamList, Any], None] | None = None,
        use_buffers: bool = False,
    ) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The averaged copy's forward."""
        return self.module(*args, **kwargs)

    def _pairs(self, model: Module) -> tuple[list[Tensor], list[Tensor]]:
        mine: Iterable[Tensor]
        theirs: Iterable[Tensor]
        if self.use_buffers:
            mine = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            mine, theirs = self.parameters(), model.parameters()
        averaged, current = [], []
        for a, m in zip(mine, theirs):
            averaged.append(a.detach())
            current.append(m.detach())
        return averaged, current

    def update_parameters(self, model: Module) -> None:
        """Fold `model`'s current values into the average."""
        averaged, current = self._pairs(model)
        with no_grad():
            if int(self.n_averaged.item()) == 0:
                for a, m in zip(averaged, current):
                    a.copy_(m)
            elif self.avg_fn is not None:
                for a, m in zip(averaged, current):
                    a.copy_(self.avg_fn(a, m, self.n_averaged))
            else:
                update = self.multi_avg_fn if self.multi_avg_fn is not None else _default_update
                update(averaged, current, self.n_averaged)
            if not self.use_buffers:  # buffers are not averaged: keep them in sync with the model
                for mine, theirs in zip(self.module.buffers(), model.buffers()):
                    mine.detach().copy_(theirs.detach())
            self.n_averaged += 1


def _default_update(averaged: ParamList, current: ParamList, num_averaged: Tensor) -> None:
    # PyTorch's CPU path: the per-tensor SWA mean, copied in
    swa = get_swa_avg_fn()
    for a, m in zip(averaged, current):
        a.copy_(swa(a, m, num_averaged))


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute the running statistics of every BatchNorm in `model` from one pass over `loader`.

    The statistics are reset and accumulated as a cumulative average (momentum None for the
    pass); a batch that is a list or tuple feeds its first element to the model.
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's learning rate from its value to `swa_lr` over `anneal_epochs`, then hold it.

    `anneal_strategy` is 'cos' ((1 - cos πt)/2) or 'linear' (t), with t = epoch / anneal_epochs.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        swa_lr: float | list[float],
        anneal_epochs: int = 10,
        anneal_strategy: str = "cos",
        last_epoch: int = -1,
    ) -> None:
        swa_lrs = format_param("swa_lr", optimizer, swa_lr)
        for value, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = value
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: Any, swa_lr: Any, alpha: float) -> Any:
        """The lr the schedule started this step from, recovered from the current lr."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list[Any]:
        """The learning rates of this step (use `get_last_lr()` to read them)."""
        warn_get_lr_outside_step(self)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state, without the optimizer and the anneal function."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from `state_dict()`."""
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)

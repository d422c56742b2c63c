"""LRScheduler: the base of the learning-rate schedulers, and the helpers they share.

A scheduler rewrites `group['lr']` of its optimizer's parameter groups each
`step()`. Most schedules are written in PyTorch's recursive ("chainable") form,
new lr = f(current lr), so several schedulers can act on one optimizer and the
numbers agree with PyTorch's to the last rounding. The attributes are PyTorch's,
so `state_dict()` (everything but the optimizer) has the same keys.
"""

from __future__ import annotations

import functools
import warnings
import weakref
from typing import Any

from .._display_name import package_class
from ..tensor import Tensor
from .optimizer import Optimizer

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the "
    "scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. "
    "Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)

_STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
    "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
    "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
    "will result in PyTorch skipping the first value of the learning rate schedule. "
    "See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)

_STEP_OVERRIDDEN_WARNING = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)


def format_param(name: str, optimizer: Optimizer, param: Any) -> list[Any]:
    """One value per parameter group: a scalar is repeated, a list must match the group count."""
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(param)} values, param_groups has {len(optimizer.param_groups)}."
            )
    else:
        param = [param] * len(optimizer.param_groups)
    return [p.clone() if isinstance(p, Tensor) else p for p in param]


def group_values(optimizer: Optimizer, key: str) -> list[Any]:
    """`group[key]` of every parameter group (tensors cloned so later fills don't alias)."""
    return [g[key].clone() if isinstance(g[key], Tensor) else g[key] for g in optimizer.param_groups]


def set_group_value(group: dict[str, Any], key: str, value: Any) -> None:
    """Store a new value: a tensor hyper-parameter is filled in place, a number replaced."""
    if isinstance(group[key], Tensor):
        group[key].fill_(value.item() if isinstance(value, Tensor) else value)
    else:
        group[key] = value


def warn_get_lr_outside_step(scheduler: LRScheduler) -> None:
    """`get_lr()` is the schedule's internal rule; users should read `get_last_lr()`."""
    if not scheduler._get_lr_called_within_step:
        warnings.warn(
            "To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
            UserWarning,
            stacklevel=3,
        )


class _Flag:
    """Set a boolean attribute of a scheduler for the duration of a `with` block."""

    def __init__(self, owner: Any, name: str) -> None:
        self.owner, self.name = owner, name

    def __enter__(self) -> None:
        setattr(self.owner, self.name, True)

    def __exit__(self, *exc: object) -> None:
        setattr(self.owner, self.name, False)


class LRScheduler:
    """Base class of the learning-rate schedulers: subclasses define `get_lr()`.

    The constructor records `initial_lr` in every parameter group (when
    last_epoch == -1) and takes the first step, so the optimizer starts at the
    schedule's value for epoch 0.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates to change.
        last_epoch (int): the index of the last epoch, to resume (default -1, a fresh start).

    Returns:
        (LRScheduler): a scheduler; call `step()` once per epoch, after `optimizer.step()`.

    Examples:
        >>> class Halve(retrograd.optim.lr_scheduler.LRScheduler):
        ...     def get_lr(self):
        ...         return [base / 2 ** self.last_epoch for base in self.base_lrs]
        >>> w = nn.Parameter(retrograd.zeros(1))
        >>> opt = retrograd.optim.SGD([w], lr=1.0)
        >>> sched = Halve(opt)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(sched.get_last_lr()[0])
        >>> lrs
        [0.5, 0.25, 0.125]
    """

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's

    _get_lr_called_within_step: bool = False
    _is_initial: bool = False


    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        package_class(cls)  # `torch.optim.lr_scheduler.StepLR` under the alias
    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                initial_lr = group["lr"]
                group.setdefault("initial_lr", initial_lr.clone() if isinstance(initial_lr, Tensor) else initial_lr)
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler with "
                        "last_epoch >= 0.\n"
                        "This typically happens when:\n"
                        "1. You're trying to resume training from a checkpoint but haven't properly loaded the "
                        "optimizer state\n"
                        "2. You're using last_epoch >= 0 for a fresh training run (not recommended)"
                    )
        self.base_lrs: list[Any] = group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _track_optimizer_steps(optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        """The step every scheduler takes when it is built (epoch -1 → 0)."""
        self._step_count = 0
        with _Flag(self, "_is_initial"):
            self.step()

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes saved by `state_dict()`."""
        self.__dict__.update(state_dict)

    def get_last_lr(self) -> list[Any]:
        """The learning rates the last `step()` set, one per parameter group."""
        return self._last_lr

    def get_lr(self) -> list[Any]:
        """The schedule's learning rates for the current `last_epoch` (called by `step()`)."""
        raise NotImplementedError

    def step(self, epoch: int | None = None) -> None:
        """Advance the schedule one epoch (or, deprecated, to `epoch`) and set the groups' lrs."""
        if self._step_count == 1:
            own_step = vars(self.optimizer).get("step")  # set on the optimizer after the scheduler wrapped it
            if own_step is not None and not getattr(own_step, "_wrapped_by_lr_sched", False):
                warnings.warn(_STEP_OVERRIDDEN_WARNING, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(_STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        with _Flag(self, "_get_lr_called_within_step"):
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            set_group_value(group, "lr", lr)
        self._last_lr: list[Any] = group_values(self.optimizer, "lr")


class _LRScheduler(LRScheduler):
    """The old name of `LRScheduler`, kept as PyTorch keeps it: schedulers written before the rename
    subclass it. A subclass rather than an alias, so its `__name__` is its own; the built-in
    schedulers derive from `LRScheduler`, not from it."""

    __module__ = "retrograd.optim.lr_scheduler"  # where users import it from, as PyTorch's


def _track_optimizer_steps(optimizer: Optimizer) -> None:
    """Start watching for optimizer.step() calls (the built-in step wrapper sets `_opt_called`).

    As in PyTorch, only steps taken after the first scheduler was attached count. A `step` the
    program set on the optimizer itself before is wrapped to set the flag too, as PyTorch wraps
    it; one set after the scheduler was built draws `step()`'s "overridden" warning.
    """
    if not optimizer.__dict__.get("_step_tracked_by_lr_sched", False):
        optimizer._step_tracked_by_lr_sched = True  # type: ignore[attr-defined]
        optimizer._opt_called = False  # type: ignore[attr-defined]
    own = optimizer.__dict__.get("step")
    if own is not None and not getattr(own, "_wrapped_by_lr_sched", False):
        optimizer.step = _flagging_step(optimizer, own)  # type: ignore[method-assign]


def _flagging_step(optimizer: Optimizer, step: Any) -> Any:
    """`step` that also sets `optimizer._opt_called`, holding the optimizer weakly (no cycle
    through its own `__dict__`): a method bound to it is rebound at each call."""
    optimizer_ref = weakref.ref(optimizer)
    function = step.__func__ if getattr(step, "__self__", None) is optimizer else None

    @functools.wraps(step)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        opt = optimizer_ref()
        opt._opt_called = True  # type: ignore[union-attr]
        return function(opt, *args, **kwargs) if function is not None else step(*args, **kwargs)

    wrapper._wrapped_by_lr_sched = True  # type: ignore[attr-defined]
    return wrapper


package_class(LRScheduler)  # (its subclasses register themselves: `__init_subclass__`)

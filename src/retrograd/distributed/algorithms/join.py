"""`Join`: training on uneven inputs. A rank that runs out of batches leaves the loop; until every rank
has, it shadows the others' collectives (its `Joinable`s' join hooks) so theirs do not hang.

Each iteration, a non-joined rank's first joinable all-reduces a 1 (`notify_join_context`); a joined
rank all-reduces a 0 at the same time, reads how many ranks are still training, and if any, runs its
hooks' `main_hook` (DDP's: the gradient all-reduces of one backward, with zeros). When the count is 0,
everyone has joined and each hook's `post_hook` runs (DDP's: take the model of a rank that joined last).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, NamedTuple

from ...ops.creation import ones, zeros
from ..collectives import Work, all_reduce
from ..process_group import get_rank

__all__ = ["Join", "JoinHook", "Joinable"]


class JoinHook:
    """What a joined rank runs for a `Joinable`: `main_hook` while others train, `post_hook` at the end."""

    def main_hook(self) -> None:
        """Shadow one training iteration's collectives of a rank that has not joined."""

    def post_hook(self, is_last_joiner: bool) -> None:
        """Run once every rank has joined; `is_last_joiner`: this rank was among the last to join."""


class _JoinConfig(NamedTuple):
    enable: bool
    throw_on_early_termination: bool
    is_first_joinable: bool

    @staticmethod
    def construct_disabled_join_config() -> _JoinConfig:
        return _JoinConfig(enable=False, throw_on_early_termination=False, is_first_joinable=False)


class Joinable(ABC):
    """Something with per-iteration collectives that `Join` can shadow (DistributedDataParallel is one)."""

    @abstractmethod
    def __init__(self) -> None:
        super().__init__()
        self._join_config = _JoinConfig.construct_disabled_join_config()

    @abstractmethod
    def join_hook(self, **kwargs: Any) -> JoinHook:
        """The hook a joined rank runs for this object."""

    @property
    @abstractmethod
    def join_device(self) -> Any:
        """Where the join context's counting tensors live."""

    @property
    @abstractmethod
    def join_process_group(self) -> Any:
        """The group the collectives run on."""


class Join:
    """Context manager for training loops whose ranks have different numbers of batches.

    Args:
        joinables (list of Joinable): e.g. `[ddp_model]`; the first one does the per-iteration counting.
        enable (bool): False makes the context do nothing (default True).
        throw_on_early_termination (bool): raise on every rank as soon as one runs out (default False).
        **kwargs: handed to each joinable's `join_hook` (DDP: `divide_by_initial_world_size`).

    Examples:
        >>> # every rank:  with Join([ddp_model]):  for x in my_batches: ...
    """

    def __init__(
        self, joinables: list[Joinable], enable: bool = True, throw_on_early_termination: bool = False, **kwargs: Any
    ) -> None:
        if len(joinables) == 0:
            raise ValueError("The join context manager requires at least one joinable")
        self._joinables = joinables
        self._join_hooks = [joinable.join_hook(**kwargs) for joinable in joinables]
        self._enable = enable
        self._throw_on_early_termination = throw_on_early_termination
        for i, joinable in enumerate(joinables):
            # it stays on the joinable after the context, as in PyTorch (later forwards keep counting)
            joinable._join_config = _JoinConfig(enable, throw_on_early_termination, is_first_joinable=i == 0)
        self._process_group = joinables[0].join_process_group
        if any(j.join_process_group != self._process_group for j in joinables):
            raise ValueError("Using join context manager with multiple process groups")
        self._rank = get_rank(self._process_group)

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if not self._enable or kind is not None:
            return  # an exception goes on as it is
        is_last_joiner = True
        while self._count_nonjoined() > 0:
            if self._throw_on_early_termination:
                all_reduce(ones(1), group=self._process_group)  # what the others' check reads
                raise RuntimeError(f"Rank {self._rank} exhausted all inputs.")
            for hook in self._join_hooks:
                hook.main_hook()
            is_last_joiner = False
        for hook in self._join_hooks:
            hook.post_hook(is_last_joiner)

    def _count_nonjoined(self) -> float:
        count = zeros(1)  # this rank's share: it has joined
        all_reduce(count, group=self._process_group)
        return count.item()

    @staticmethod
    def notify_join_context(joinable: Joinable) -> Work | None:
        """Tell the joined ranks this one still trains (called by the joinable before its collectives).

        Only the first joinable of an enabled context communicates; with `throw_on_early_termination`
        this raises on every rank once any has run out.
        """
        config = joinable._join_config
        if not config.is_first_joinable or not config.enable:
            return None
        work = all_reduce(ones(1), group=joinable.join_process_group, async_op=True)
        if config.throw_on_early_termination:
            exhausted = zeros(1)
            all_reduce(exhausted, group=joinable.join_process_group)
            if exhausted.item():
                raise RuntimeError("Detected at least one rank that exhausted inputs. Throwing across all ranks.")
        return work

"""`ZeroRedundancyOptimizer` (ZeRO stage 1): each rank keeps the optimizer state of a shard of the parameters.

The parameters are split over the ranks of the group, largest first, each going to the rank with the fewest
elements so far (PyTorch's partition, so a checkpoint's indices mean the same). `step` runs the wrapped
optimizer on this rank's shard, then every rank broadcasts its updated shard. The full state exists only
after `consolidate_state_dict(to)` gathers the shards on one rank; `state_dict` there returns it indexed as
a plain optimizer would.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from itertools import chain
from typing import Any

from ...ops.queries import typename
from ...optim.optimizer import Optimizer
from ...tensor import Tensor
from ..algorithms.join import Join, Joinable, JoinHook
from ..collectives import broadcast, broadcast_object_list
from ..process_group import GroupMember, get_global_rank, get_rank, get_world_size

__all__ = ["ZeroRedundancyOptimizer"]


class _ZeROJoinHook(JoinHook):
    """A joined rank still takes part in the parameter broadcasts that end each `step` of the others."""

    def __init__(self, zero: ZeroRedundancyOptimizer) -> None:
        self.zero = zero

    def main_hook(self) -> None:
        self.zero._sync_params()


class ZeroRedundancyOptimizer(Optimizer, Joinable):
    """Wrap `optimizer_class` so that each rank holds the state of only its shard of `params`.

    Args:
        params (iterable): tensors or parameter groups, as for any optimizer.
        optimizer_class (type): the local optimizer, e.g. `torch.optim.Adam`.
        process_group (ProcessGroup, optional): the ranks that share the work (default: the world).
        parameters_as_bucket_view (bool): packing each rank's shard into one flat buffer (the parameters
            becoming views of it) is not supported: True raises NotImplementedError. The parameters are
            broadcast one by one.
        overlap_with_ddp (bool): running the step inside DDP's communication hook is not supported.
        **defaults: handed to `optimizer_class` (`lr=...`).

    Examples:
        >>> # every rank, after init_process_group:
        >>> # opt = ZeroRedundancyOptimizer(model.parameters(), optimizer_class=torch.optim.Adam, lr=1e-3)
    """

    def __init__(
        self, params: Any, optimizer_class: type[Optimizer], process_group: Any = None,
        parameters_as_bucket_view: bool = False, overlap_with_ddp: bool = False, **defaults: Any,
    ) -> None:  # fmt: skip
        if overlap_with_ddp:
            raise NotImplementedError("retrograd's ZeroRedundancyOptimizer does not support overlap_with_ddp=True")
        if parameters_as_bucket_view:
            raise NotImplementedError(
                "retrograd's ZeroRedundancyOptimizer does not support parameters_as_bucket_view=True"
            )
        params = self._verify_and_init_params(params)
        self.initialized = False  # until the local optimizer exists, add_param_group is the base class's
        Optimizer.__init__(self, params, defaults)
        Joinable.__init__(self)
        self._partition_cache: list[list[dict]] = []
        self._default_device = self._all_params[0].device
        self.process_group = process_group if process_group is not None else GroupMember.WORLD
        self.world_size: int = get_world_size(self.process_group)
        self.rank: int = get_rank(self.process_group)
        self.global_rank: int = self._global(self.rank)
        self.parameters_as_bucket_view = parameters_as_bucket_view
        self._overlap_with_ddp = False
        self._optim_defaults = defaults
        self._optim_constructor = optimizer_class
        self.optim: Optimizer = optimizer_class(self._partition_parameters()[self.rank], **defaults)
        self._sync_param_groups(self.optim.param_groups, self.param_groups)
        self._all_state_dicts: list[dict[str, Any]] = []
        self.initialized = True

    def _verify_and_init_params(self, params: Any) -> list:
        if isinstance(params, Tensor):
            raise TypeError(f"`params` argument should be an iterable of Tensors, but got {typename(params)}")
        try:
            all_params = list(params)
        except TypeError as e:
            raise TypeError(
                f"`params` argument should be an iterable of Tensors or dicts, but got {typename(params)}"
            ) from e
        if len(all_params) == 0:
            raise ValueError("ZeroRedundancyOptimizer got an empty parameter list")
        if all(isinstance(p, Tensor) for p in all_params):
            self._all_params = all_params
        elif all(isinstance(p, dict) for p in all_params):
            if any("params" not in g for g in all_params):
                raise ValueError(
                    "Each parameter group passed-in via `params` must have a 'params' key mapping to the "
                    "parameters in the group"
                )
            self._all_params = [p for g in all_params for p in g["params"]]
        else:
            raise TypeError("`params` argument should be an iterable of Tensors or dicts")
        return all_params

    def _global(self, rank: int) -> int:
        group = self.process_group
        return rank if group is None or group is GroupMember.WORLD else get_global_rank(group, rank)

    def _partition_parameters(self) -> list[list[dict]]:
        """Per rank, its parameter groups: largest parameters first, each to the least loaded rank."""
        if not self._partition_cache:
            self._partition_cache = [[] for _ in range(self.world_size)]
            sizes = [0] * self.world_size
            for group in self.param_groups:
                per_rank: list[list[Tensor]] = [[] for _ in range(self.world_size)]
                for param in sorted(group["params"], key=lambda t: t.numel(), reverse=True):
                    rank = sizes.index(min(sizes))
                    per_rank[rank].append(param)
                    sizes[rank] += param.numel()
                for rank, shard in enumerate(per_rank):
                    self._partition_cache[rank].append({**copy.copy(group), "params": shard})
        return self._partition_cache

    def _param_to_rank(self) -> dict[Tensor, int]:
        return {p: r for r, groups in enumerate(self._partition_parameters()) for g in groups for p in g["params"]}

    def _index_to_param(self) -> list[Tensor]:
        return list(chain.from_iterable(g["params"] for g in self.param_groups))

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group on every rank (call it on all ranks); its parameters are shared out like the rest."""
        super().add_param_group(param_group)
        if self.initialized:
            self._partition_cache = []
            mine = self._partition_parameters()[self.rank]
            if len(mine) == len(self.optim.param_groups) + 1:
                self.optim.add_param_group(mine[-1])

    @staticmethod
    def _sync_param_groups(src: list[dict[str, Any]], dst: list[dict[str, Any]]) -> None:
        """Copy the hyper-parameters (lr, betas, ...) of each group from `src` to `dst`."""
        for s, d in zip(src, dst):
            d.update({k: v for k, v in s.items() if k != "params"})

    def _sync_params(self) -> None:
        """Each rank broadcasts the parameters of its shard to the others."""
        for rank, groups in enumerate(self._partition_parameters()):
            for group in groups:
                for param in group["params"]:
                    broadcast(param.data, src=self._global(rank), group=self.process_group)

    def step(self, closure: Callable[[], Any] | None = None, **kwargs: Any) -> Any:
        """Update this rank's shard with the local optimizer, then share every shard with all ranks."""
        Join.notify_join_context(self)
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
        loss = self.optim.step(**kwargs) if closure is None else self.optim.step(closure=closure, **kwargs)
        self._sync_param_groups(self.optim.param_groups, self.param_groups)
        self._sync_params()
        return loss

    def consolidate_state_dict(self, to: int = 0) -> None:
        """Gather every rank's shard of the optimizer state on rank `to` (call it on all ranks)."""
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
        self._all_state_dicts = []
        for rank in range(self.world_size):
            box = [self.optim.state_dict() if rank == self.rank else None]
            if self.world_size > 1:
                broadcast_object_list(box, src=self._global(rank), group=self.process_group)
            if self.rank == to:
                self._all_state_dicts.append(_to_cpu(box[0]))

    def state_dict(self) -> dict[str, Any]:
        """The global state last consolidated on this rank, indexed as a plain optimizer's state_dict."""
        if len(self._all_state_dicts) == 0:
            raise RuntimeError(
                "Optimizer state has not been consolidated on this rank. "
                f"Please call `consolidate_state_dict(to={self.rank})` on "
                "all ranks beforehand if you meant to save the global state."
            )
        state_dict = super().state_dict()
        index_of = {p: i for i, p in enumerate(self._index_to_param())}
        for local, shard in zip(self._all_state_dicts, self._partition_parameters()):
            for local_group, shard_group in zip(local["param_groups"], shard):
                for local_index, param in zip(local_group["params"], shard_group["params"]):
                    if local_index in local["state"]:
                        state_dict["state"][index_of[param]] = local["state"][local_index]
        state_dict["state"] = dict(sorted(state_dict["state"].items()))
        return state_dict

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a global state: this rank keeps the state of its own shard only."""
        index_to_param, param_to_rank = self._index_to_param(), self._param_to_rank()
        for index, value in state_dict["state"].items():
            param = index_to_param[index]
            if param_to_rank[param] != self.rank:
                state_dict["state"][index] = None
            else:
                self.optim.state[param] = {
                    k: v.to(param.device) if isinstance(v, Tensor) and v.dim() > 0 else v for k, v in value.items()
                }
        super().load_state_dict(state_dict)
        self._sync_param_groups(state_dict["param_groups"], self.param_groups)
        self._sync_param_groups(self.param_groups, self.optim.param_groups)

    def join_hook(self, **kwargs: Any) -> JoinHook:
        """The hook that lets a joined rank shadow the others' parameter broadcasts."""
        return _ZeROJoinHook(self)

    @property
    def join_device(self) -> Any:
        return self._default_device

    @property
    def join_process_group(self) -> Any:
        return self.process_group


def _to_cpu(value: Any) -> Any:
    """A copy of a (nested) state dict with its tensors on the CPU."""
    if isinstance(value, Tensor):
        return value.to("cpu")
    if isinstance(value, dict):
        return {k: _to_cpu(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_cpu(v) for v in value)
    return value

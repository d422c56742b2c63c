"""DistributedDataParallel: one model replica per rank, gradients averaged across ranks.

Each rank runs forward and backward on its own share of the batch; the `Reducer` averages the
gradients while backward runs, so after `loss.backward()` every rank holds the same gradients
as one process computing the mean loss over all shares, and identical optimizer steps keep the
replicas identical.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ... import distributed as dist
from ...autograd import is_grad_enabled
from ...backend import device
from ...distributed.algorithms.join import Join, Joinable, JoinHook, _JoinConfig
from ...distributed.grad_bucket import GradBucket
from ..modules.module import Module
from ._join_hook import DDPJoinHook, highest_rank_among
from ._reducer import Reducer, broadcast_coalesced


def _buffer_sync(broadcast_buffers: bool | None, forward_sync_buffers: bool | None) -> tuple[bool, bool]:
    """(sync buffers before each forward, sync them at construction), with PyTorch 2.13's FutureWarnings."""
    if broadcast_buffers is not None:
        warnings.warn(
            "Both `broadcast_buffers` and `forward_sync_buffers` were specified. `broadcast_buffers` is deprecated "
            "and its value is ignored when `forward_sync_buffers` is provided." if forward_sync_buffers is not None
            else "`broadcast_buffers` is deprecated. Use `forward_sync_buffers` instead. IMPORTANT: unlike "
            "`broadcast_buffers=False`, `forward_sync_buffers=False` still syncs buffers at init. If you rely on "
            "buffers NOT being synced at init (e.g. rank-local buffers), keep using `broadcast_buffers=False` until "
            "`init_sync_buffers` is available.",
            FutureWarning, stacklevel=3,
        )  # fmt: skip
    if forward_sync_buffers is not None:
        return forward_sync_buffers, True
    effective = True if broadcast_buffers is None else broadcast_buffers
    return effective, effective


class DistributedDataParallel(Module, Joinable):
    """Wrap `module` so `backward()` averages its gradients across the ranks of `process_group`.

    As in PyTorch: parameters and buffers are broadcast from rank 0 at construction, buffers
    again before each forward (`broadcast_buffers`), gradients are all-reduced in buckets of
    `bucket_cap_mb` MiB, `no_sync()` accumulates locally, `find_unused_parameters` handles
    parameters a forward did not use, and `state_dict` keys start with `module.`.
    `communication_stats` (retrograd's own) counts all-reduces, bytes and seconds spent waiting.
    """

    def __init__(
        self,
        module: Module,
        device_ids: Any = None,
        output_device: Any = None,
        dim: int = 0,
        broadcast_buffers: bool | None = None,
        init_sync: bool = True,
        process_group: Any = None,
        bucket_cap_mb: float | None = None,
        find_unused_parameters: bool = False,
        check_reduction: bool = False,
        gradient_as_bucket_view: bool = False,
        static_graph: bool = False,
        delay_all_reduce_named_params: Any = None,
        param_to_hook_all_reduce: Any = None,
        mixed_precision: Any = None,
        device_mesh: Any = None,
        skip_all_reduce_unused_params: bool = False,
        bucket_cap_mb_list: list[int] | None = None,
        batched_grad_copy: bool = False,
        forward_sync_buffers: bool | None = None,
    ) -> None:
        Module.__init__(self)
        self._join_config = _JoinConfig.construct_disabled_join_config()  # Join sets it
        if device_ids is not None or output_device is not None:
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with single-device/"
                f"multiple-device GPU modules or CPU modules, but got device_ids {device_ids}, output_device "
                f"{output_device}, and module parameters {{device(type='cpu')}}."
            )
        unsupported = {
            "bucket_cap_mb_list": bucket_cap_mb_list, "delay_all_reduce_named_params": delay_all_reduce_named_params,
            "param_to_hook_all_reduce": param_to_hook_all_reduce,
            "mixed_precision": mixed_precision, "device_mesh": device_mesh,
            "skip_all_reduce_unused_params": skip_all_reduce_unused_params,
        }  # fmt: skip
        for name, value in unsupported.items():
            if value not in (None, False):
                raise NotImplementedError(f"DistributedDataParallel: {name} is not supported by retrograd")
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError(
                "DistributedDataParallel is not needed when a module doesn't have any parameter that requires a "
                "gradient."
            )
        self.module = module
        self.device_ids = None
        self.output_device = None
        self.dim = dim
        self.forward_sync_buffers, init_sync_buffers = _buffer_sync(broadcast_buffers, forward_sync_buffers)
        self.find_unused_parameters = find_unused_parameters
        self.static_graph = static_graph  # a hint for PyTorch's optimisations; results are the same without it
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.batched_grad_copy = batched_grad_copy  # how PyTorch copies gradients into buckets; same numbers
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.process_group = dist.GroupMember.WORLD if process_group is None else process_group
        cap = 25 if bucket_cap_mb is None else bucket_cap_mb
        self.bucket_bytes_cap = int(cap * 1024 * 1024)
        self.communication_stats = {"all_reduces": 0, "bytes": 0, "wait_seconds": 0.0, "broadcasts": 0}
        self._check_same_model(params)
        if init_sync:
            buffers = list(module.buffers()) if init_sync_buffers else []
            broadcast_coalesced([*module.parameters(), *buffers], self.process_group)
        self.reducer = Reducer(
            params, self.process_group, self.bucket_bytes_cap, find_unused_parameters, self.communication_stats
        )
        self.reducer.gradients_in_buckets = gradient_as_bucket_view

    @property
    def broadcast_buffers(self) -> bool:
        """The deprecated name of `forward_sync_buffers`."""
        return self.forward_sync_buffers

    @broadcast_buffers.setter
    def broadcast_buffers(self, value: bool) -> None:
        self.forward_sync_buffers = value

    def _check_same_model(self, params: list) -> None:
        """Every rank must wrap the same parameter shapes and dtypes; PyTorch's message when not."""
        mine = [(tuple(p.shape), str(p.dtype)) for p in params]
        everyone: list[Any] = [None] * dist.get_world_size(self.process_group)
        dist.all_gather_object(everyone, mine, group=self.process_group)
        for rank, theirs in enumerate(everyone):
            if len(theirs) != len(everyone[0]):
                raise RuntimeError(
                    f"DDP expects same model across all ranks, but Rank {rank} has {len(theirs)} params, while rank 0 "
                    f"has inconsistent {len(everyone[0])} params."
                )
            for i, (a, b) in enumerate(zip(everyone[0], theirs)):
                if a != b:
                    raise RuntimeError(
                        f"DDP expects same model across all ranks, but parameter {i} is {a[0]} {a[1]} on rank 0 and "
                        f"{b[0]} {b[1]} on rank {rank}."
                    )

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        notified = Join.notify_join_context(self)  # ranks that ran out of batches count on it (Join)
        if notified is not None:
            notified.wait()
        self._sync_buffers()
        output = self.module(*inputs, **kwargs)
        if is_grad_enabled() and self.require_backward_grad_sync:
            self.reducer.prepare(output)
        else:
            self.reducer.expect_hooks = False
        return output

    def _sync_buffers(self, training: bool = True) -> None:
        """One rank's buffers everywhere before a forward (`broadcast_buffers`): rank 0's, or once `Join` has
        been used, the highest rank still training (a rank that ran out of batches, `training=False`, has stale
        ones), as in PyTorch."""
        if self.require_forward_param_sync and self.broadcast_buffers:
            buffers = list(self.module.buffers())
            if buffers and dist.get_world_size(self.process_group) > 1:
                source = highest_rank_among(training, self.process_group) if self._join_config.enable else 0
                broadcast_coalesced(buffers, self.process_group, src=source)
                self.communication_stats["broadcasts"] += 1

    def join_hook(self, **kwargs: Any) -> JoinHook:
        """What a rank that has run out of batches does for this model inside `Join` (see `_join_hook`).

        `divide_by_initial_world_size` (default True) must stay True: gradients are averaged over all
        ranks, the joined ones counting as zeros.
        """
        if not kwargs.get("divide_by_initial_world_size", True):
            raise NotImplementedError("DistributedDataParallel's join: divide_by_initial_world_size=False is not "
                                      "supported by retrograd")
        return DDPJoinHook(self)

    @property
    def join_device(self) -> Any:
        return device("cpu")

    @property
    def join_process_group(self) -> Any:
        return self.process_group

    def join(self, divide_by_initial_world_size: bool = True, enable: bool = True,
             throw_on_early_termination: bool = False) -> Join:  # fmt: skip
        """`Join([self], ...)`: the context for uneven inputs, as DDP's own method."""
        return Join([self], enable, throw_on_early_termination,
                    divide_by_initial_world_size=divide_by_initial_world_size)

    def register_comm_hook(self, state: object, hook: Callable) -> None:
        """Average each bucket with `hook(state, bucket)` (a GradBucket) instead of the built-in all-reduce.

        The hook returns a Future of the bucket's new flat gradients (see
        `distributed.algorithms.ddp_comm_hooks.default_hooks`); it may be registered once.
        """
        if not callable(hook):
            raise TypeError("Communication hook must be callable.")
        parameters = inspect.signature(hook).parameters
        if "bucket" in parameters and parameters["bucket"].annotation not in (inspect.Parameter.empty, GradBucket,
                                                                              "dist.GradBucket", "GradBucket"):
            raise ValueError("Communication hook: bucket annotation should be dist.GradBucket.")
        if getattr(hook, "__name__", "") in ("bf16_compress_hook", "bf16_compress_wrapper_hook"):
            raise TypeError("BF16 all reduce communication hook required CUDA 11+ and NCCL 2.10+ or XPU and XCCL")
        if self.reducer.comm_hook is not None:
            raise RuntimeError("register_comm_hook or register_builtin_comm_hook can only be called once.")
        self.reducer.comm_hook = (state, hook)

    @contextmanager
    def no_sync(self) -> Iterator[None]:
        """Inside, backward accumulates gradients locally; the first synced backward after averages the sum."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

"""Gradient averaging for DistributedDataParallel: buckets, started while backward still runs.

Parameters are grouped into buckets (by dtype, in reverse registration order, roughly the order
backward produces their gradients; the first bucket is small so communication starts early). A
post-accumulate-grad hook on each parameter copies its gradient into its bucket's flat buffer;
when a bucket is full, a non-blocking all-reduce of it starts, so sending one bucket overlaps
the backward computation of the next. Buckets start in index order on every rank, which keeps
MPI's collectives in the same order everywhere. When the last bucket has started, the reducer
waits for all of them and writes the averaged gradients back into `.grad`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ... import distributed as dist
from ... import dtypes, ops
from ...distributed.grad_bucket import GradBucket
from ...engine.grad_mode import no_grad
from ...futures import Future
from ...tensor import Tensor

FIRST_BUCKET_BYTES = 1024 * 1024  # PyTorch's dist._DEFAULT_FIRST_BUCKET_BYTES

_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This error indicates "
    "that your module has parameters that were not used in producing loss. You can enable unused parameter "
    "detection by passing the keyword argument `find_unused_parameters=True` to "
    "`torch.nn.parallel.DistributedDataParallel`, and by \nmaking sure all `forward` function outputs participate "
    "in calculating loss. \nIf you already have done the above, then the distributed data parallel module wasn't "
    "able to locate the output tensors in the return value of your module's `forward` function. Please include "
    "the loss function and the structure of the return value of `forward` of your module when reporting this issue "
    "(e.g. list, dict, iterable).\nParameter indices which did not receive grad for rank {rank}: {indices}"
)


class Bucket:
    """Parameters of one dtype whose gradients travel together in one flat buffer.

    `slots[k]` is a view of the flat buffer shaped like parameter k, so gradients go in and
    averaged gradients come out with one copy each, and the all-reduce sends the flat buffer
    itself (contiguous, so MPI reads and writes its memory directly).
    """

    def __init__(self, params: list[tuple[int, Tensor]]) -> None:
        params = sorted(params, key=lambda item: item[0])  # in the buffer in parameter order, as PyTorch's
        self.indices = [i for i, _ in params]
        self.params = [p for _, p in params]
        offsets = [0]
        for p in self.params:
            offsets.append(offsets[-1] + p.numel())
        with no_grad():
            self.flat = ops.zeros(offsets[-1], dtype=self.params[0].dtype)
            self.slots = [self.flat[a:b].view(p.shape) for a, b, p in zip(offsets, offsets[1:], self.params)]
        self.nbytes = self.flat.numel() * self.flat.element_size()
        self.waiting = 0  # parameters whose gradient has not arrived this iteration
        self.work: Any = None  # the all-reduce in flight, or
        self.future: Any = None  # what a communication hook returned


def assign_buckets(params: list[Tensor], cap_bytes: int, first_bytes: int) -> list[Bucket]:
    """Buckets in reverse parameter order, one dtype each, closed once they reach their size limit."""
    buckets: list[Bucket] = []
    open_: dict[Any, list[tuple[int, Tensor]]] = {}
    sizes: dict[Any, int] = {}
    limit: dict[Any, int] = {}
    for i in reversed(range(len(params))):
        p = params[i]
        key = p.dtype
        open_.setdefault(key, []).append((i, p))
        sizes[key] = sizes.get(key, 0) + p.numel() * p.element_size()
        if sizes[key] >= limit.setdefault(key, first_bytes):
            buckets.append(Bucket(open_.pop(key)))
            sizes[key] = 0
            limit[key] = cap_bytes
    buckets.extend(Bucket(group) for group in open_.values() if group)
    return buckets


class Reducer:
    """Averages the gradients of `params` across `group` after each backward (see the module docstring)."""

    def __init__(
        self, params: Sequence[Tensor], group: Any, cap_bytes: int, find_unused: bool, stats: dict[str, Any]
    ) -> None:
        self.params = list(params)
        self.group = group
        self.world = dist.get_world_size(group)
        self.find_unused = find_unused
        self.stats = stats
        self.buckets = assign_buckets(self.params, cap_bytes, min(FIRST_BUCKET_BYTES, cap_bytes))
        self.where = {}  # parameter index -> (bucket, position in it)
        for b in self.buckets:
            for k, i in enumerate(b.indices):
                self.where[i] = (b, k)
        self.expect_hooks = False  # set by a forward that will be followed by a synced backward
        self.ready = [False] * len(params)
        self.locally_used = np.ones(len(params), dtype=np.uint8)
        self.started = False  # a hook has run this iteration
        self.next_bucket = 0
        self.comm_hook: tuple[Any, Any] | None = None  # (state, hook) from register_comm_hook
        self.gradients_in_buckets = False  # gradient_as_bucket_view: .grad becomes a view of its bucket
        self.handles = [p.register_post_accumulate_grad_hook(self._make_hook(i)) for i, p in enumerate(params)]

    # --- each iteration ------------------------------------------------------------------

    def prepare(self, outputs: Any) -> None:
        """Called by forward before a synced backward: reset the iteration and find unused parameters."""
        if self.started:
            missing = [i for i, r in enumerate(self.ready) if not r]
            raise RuntimeError(_UNFINISHED.format(rank=dist.get_rank(), indices=missing))
        self.expect_hooks = True
        self.ready = [False] * len(self.params)
        self.next_bucket = 0
        for b in self.buckets:
            b.waiting, b.work, b.future = len(b.params), None, None
        if self.find_unused:
            used = _parameters_reached(outputs)
            self.locally_used = np.array([id(p) in used for p in self.params], dtype=np.uint8)

    def _make_hook(self, index: int) -> Any:
        def hook(param: Tensor) -> None:
            if not self.expect_hooks:
                return
            if not self.started:
                self.started = True
                for i in np.flatnonzero(self.locally_used == 0):  # unused here: ready from the start
                    self._mark_ready(int(i))
            self._mark_ready(index)

        return hook

    def _mark_ready(self, index: int) -> None:
        if self.ready[index]:
            raise RuntimeError(
                f"Expected to mark a variable ready only once. Parameter at index {index} has been marked as ready "
                "twice: it was used in more than one backward pass of this iteration (use no_sync(), or one backward "
                "per forward)."
            )
        self.ready[index] = True
        bucket, k = self.where[index]
        grad = self.params[index].grad
        with no_grad():
            if grad is None:
                bucket.slots[k].zero_()
            else:
                bucket.slots[k].copy_(grad)
        bucket.waiting -= 1
        self._start_ready_buckets()
        for b in self.buckets[: self.next_bucket]:
            if b.work is not None:
                b.work.is_completed()  # MPI moves non-blocking collectives along only inside MPI calls
        if self.next_bucket == len(self.buckets):
            self._finish()

    def _start_ready_buckets(self) -> None:
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].waiting == 0:
            b = self.buckets[self.next_bucket]
            if self.comm_hook is None:
                with no_grad():
                    b.flat.div_(self.world)  # average = sum of the shares
                b.work = dist.all_reduce(b.flat, group=self.group, async_op=True)
            else:
                state, hook = self.comm_hook
                is_last = self.next_bucket == len(self.buckets) - 1
                with no_grad():
                    b.future = hook(state, GradBucket(self.next_bucket, b.flat, b.slots, b.params, is_last))
            self.stats["all_reduces"] += 1
            self.stats["bytes"] += b.nbytes
            self.next_bucket += 1

    def _finish(self) -> None:
        started = time.perf_counter()
        for b in self.buckets:
            if b.work is not None:
                b.work.wait()
            else:
                self._take_hook_result(b)
        used = self.locally_used.copy()
        if self.find_unused:
            flags = ops.from_numpy(used)  # shares `used`'s memory: the reduction lands in it
            dist.all_reduce(flags, op=dist.ReduceOp.MAX, group=self.group)
        self.stats["wait_seconds"] += time.perf_counter() - started
        with no_grad():
            for b in self.buckets:
                for i, p, averaged in zip(b.indices, b.params, b.slots):
                    if not used[i]:
                        continue  # no rank used it: its gradient stays as it was, as in PyTorch
                    if self.gradients_in_buckets:
                        if p.grad is not averaged:
                            p.grad = averaged  # no copy; the next backward accumulates in the bucket
                    elif p.grad is None:
                        p.grad = averaged.clone()
                    else:
                        p.grad.copy_(averaged)
        self.started = False
        self.expect_hooks = False

    def shadow_backward(self) -> None:
        """A joined rank's side of one backward's collectives (see `Join`): each bucket with zeros, in order."""
        for index, b in enumerate(self.buckets):
            with no_grad():
                b.flat.zero_()
            if self.comm_hook is None:
                dist.all_reduce(b.flat, group=self.group)
            else:
                state, hook = self.comm_hook
                with no_grad():
                    b.future = hook(state, GradBucket(index, b.flat, b.slots, b.params, index == len(self.buckets) - 1))
                self._take_hook_result(b)
        if self.find_unused:
            dist.all_reduce(ops.zeros(len(self.params), dtype=dtypes.uint8), op=dist.ReduceOp.MAX, group=self.group)

    def _take_hook_result(self, b: Bucket) -> None:
        """Wait for a communication hook's future; its tensor becomes the bucket's averaged gradients."""
        if not isinstance(b.future, Future):
            kind = "torch.Tensor" if isinstance(b.future, Tensor) else type(b.future).__qualname__
            raise RuntimeError(
                f"DDP communication hook's callback must return a torch.futures.Future object, but got {kind}"
            )
        with no_grad():
            result = b.future.wait()
            if isinstance(result, (list, tuple)):  # a hook may hand on all_reduce's own list of outputs
                result = result[0]
            if result is not b.flat:
                if result.numel() != b.flat.numel():
                    raise RuntimeError(
                        f"A communication hook's result must have the bucket's {b.flat.numel()} elements, got "
                        f"{result.numel()}"
                    )
                b.flat.copy_(result.reshape(b.flat.shape))

    def remove_hooks(self) -> None:
        for h in self.handles:
            h.remove()


def _parameters_reached(outputs: Any) -> set[int]:
    """ids of the leaves the autograd graph behind `outputs` reaches (iteratively, no recursion)."""
    tensors: list[Tensor] = []
    pending: list[Any] = [outputs]
    while pending:
        item = pending.pop()
        if isinstance(item, Tensor):
            tensors.append(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    reached: set[int] = {id(t) for t in tensors if t.grad_fn is None}
    stack = [t.grad_fn for t in tensors if t.grad_fn is not None]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if isinstance(variable, Tensor):
            reached.add(id(variable))
        stack.extend(n for n, _ in node.next_functions if n is not None)
    return reached


def broadcast_coalesced(tensors: Iterable[Tensor], group: Any, src: int = 0) -> None:
    """Copy `tensors` from rank `src` to every rank, one broadcast per dtype."""
    by_dtype: dict[Any, list[Tensor]] = {}
    for t in tensors:
        by_dtype.setdefault(t.dtype, []).append(t)
    with no_grad():
        for items in by_dtype.values():
            flat = ops.cat([t.reshape(-1) for t in items])
            dist.broadcast(flat, group=group, group_src=src)
            offset = 0
            for t in items:
                n = t.numel()
                t.copy_(flat[offset : offset + n].view(t.shape))
                offset += n

"""Collectives and point-to-point messages on tensors, with PyTorch's signatures.

Each call checks its arguments, hands the group's transport (MPI or TCP, see `_transport`) the
tensor's own NumPy memory when it is contiguous (zero copy), and writes results in place. MPI's
blocking calls wait under the watchdog (see `_watchdog`); `async_op=True` starts the call and
returns a `Work` to `wait()` on. Before each collective
the ranks compare a fingerprint of the call (kind, shapes, dtypes, root, op), so ranks that
call different collectives, or the same one on different shapes, get a clear RuntimeError
instead of a hang or garbage (TORCH_DISTRIBUTED_DEBUG=OFF skips the check).
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import numpy as np

from ..futures import Future
from ..tensor import Tensor
from ._buffers import Staged, check_tensor, check_tensor_list, checked_op, kind
from .process_group import ProcessGroup, resolve, state
from .reduce_op import RedOpType, ReduceOp

# ---------------------------------------------------------------------------------------------
# waiting, checking, work handles


@contextmanager
def _waiting(g: ProcessGroup, what: str, timeout: timedelta | None = None) -> Iterator[None]:
    limit = (timeout or g.timeout).total_seconds()
    watchdog = state.watchdog
    if watchdog is None or not g.transport.watched:  # a TCP wait times out by itself
        yield
        return
    with watchdog.waiting(f"{what} (group {g.group_name}, rank {g.rank()} of {g.size()})", limit):
        yield


def _checking() -> bool:
    return os.environ.get("TORCH_DISTRIBUTED_DEBUG", "").upper() != "OFF"


def _describe(op_type: str, tensors: Sequence[Tensor] = (), **details: Any) -> str:
    shapes = [list(t.shape) for t in tensors]
    kinds = [kind(t._data) for t in tensors]
    extra = "".join(f", {k}={v}" for k, v in details.items() if v is not None)
    shown = f", TensorShape={shapes[0] if len(shapes) == 1 else shapes}, TensorDtypes={kinds}" if tensors else ""
    return f"OpType={op_type}{shown}{extra}"


def _check_same_call(g: ProcessGroup, description: str) -> None:
    """Compare this call with the other ranks' current call; RuntimeError naming both when they differ."""
    g.sequence += 1
    if not _checking() or g.size() == 1:
        return
    fingerprint = zlib.crc32(description.encode())
    both = np.array([fingerprint, -fingerprint], dtype=np.int64)  # max and -min in one all-reduce
    with _waiting(g, f"the collective check before {description}"):
        g.transport.all_reduce(both, RedOpType.MAX, False)
        if both[0] == fingerprint and -both[1] == fingerprint:
            return
        everyone = g.transport.all_gather_object(description)
    mine = f"CollectiveFingerPrint(SequenceNumber={g.sequence}, {description})"
    other = next(r for r, d in enumerate(everyone) if d != description)
    theirs = f"CollectiveFingerPrint(SequenceNumber={g.sequence}, {everyone[other]})"
    raise RuntimeError(
        f"Detected mismatch between collectives on ranks. Rank {g.global_ranks[g.rank()]} is running collective: "
        f"{mine}, but Rank {g.global_ranks[other]} is running collective: {theirs}."
    )


class Work:
    """A started operation (`async_op=True`, `isend`, `irecv`): `wait()` blocks until it has finished."""

    def __init__(
        self, group: ProcessGroup, what: str, requests: list, finish: Callable[[], None] | None = None,
        outputs: Sequence[Tensor] = (),
    ) -> None:  # fmt: skip
        self._group = group
        self._what = what
        self._requests = requests  # the transport's (see _transport.Request)
        self._finish = finish
        self._outputs = list(outputs)
        self._done = False

    def wait(self, timeout: timedelta | None = None) -> bool:
        """Block until done (at most the group's timeout, or `timeout`), then apply the results."""
        if not self._done:
            limit = (timeout or self._group.timeout).total_seconds()
            with _waiting(self._group, self._what, timeout if timeout else None):
                for request in self._requests:
                    request.wait(limit)
            self._complete()
        return True

    def synchronize(self) -> None:
        self.wait()

    def is_completed(self) -> bool:
        """True when finished (and then its results are in place); also moves MPI's progress along."""
        if not self._done and all(request.test() for request in self._requests):
            self._complete()
        return self._done

    def is_success(self) -> bool:
        return self.is_completed()

    def exception(self) -> None:
        return None

    def result(self) -> list[Tensor]:
        self.wait()
        return self._outputs

    def get_future(self) -> Future[list[Tensor]]:
        """A Future of the output tensors (a list), complete once this work is; its `wait()` waits for the work."""
        future: Future[list[Tensor]] = Future()
        if self.is_completed():
            future.set_result(self._outputs)
        else:
            future._finish = lambda: future.set_result(self.result())
        return future

    def _source_rank(self) -> int:
        self.wait()
        return self._group.global_ranks[self._requests[0].source()]

    def _complete(self) -> None:
        self._done = True
        if self._finish is not None:
            self._finish()


def _execute(
    g: ProcessGroup, what: str, call: Callable[[bool], Any], finish: Callable[[], None] | None, async_op: bool,
    outputs: Sequence[Tensor] = (),
) -> Work | None:  # fmt: skip
    """Run a transport call now (MPI's under the watchdog), or start it and return its Work.

    `call(async_op)` is the transport's method with its arrays bound."""
    if async_op:
        return Work(g, what, [call(True)], finish, outputs)
    with _waiting(g, what):
        call(False)
    if finish is not None:
        finish()
    return None


def _root(g: ProcessGroup, global_rank: int | None, group_rank: int | None, name: str) -> int:
    """A root given as a global rank (`src`/`dst`) or a group rank (`group_src`/`group_dst`), as a group rank."""
    if global_rank is not None and group_rank is not None:
        raise ValueError(f"Can't specify both group_{name} ({group_rank}) and {name} ({global_rank})")
    if group_rank is not None:
        if not 0 <= group_rank < g.size():
            raise ValueError(f"Group rank {group_rank} is not part of group {g.group_name}")
        return group_rank
    if global_rank is None:
        if g is not state.world:
            raise ValueError(f"Either {name} or group_{name} must be given")
        global_rank = 0
    return g.group_rank(global_rank)


def _same_layout(tensors: Sequence[Tensor], like: Tensor, what: str) -> None:
    for t in tensors:
        if t.shape != like.shape or t._data.dtype != like._data.dtype:
            raise RuntimeError(
                f"{what}: every tensor must have the input's shape {list(like.shape)} and dtype {kind(like._data)}, "
                f"got {list(t.shape)} and {kind(t._data)}"
            )


def _average(array: np.ndarray, size: int) -> None:
    np.divide(array, size, out=array)


# ---------------------------------------------------------------------------------------------
# collectives


def all_reduce(tensor: Tensor, op: RedOpType = ReduceOp.SUM, group: ProcessGroup | None = None, async_op: bool = False):
    """Reduce `tensor` across the group's ranks in place, so every rank holds the result."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    staged = Staged(t)
    how = checked_op(op, staged.array.dtype)
    _check_same_call(g, _describe("ALLREDUCE", [t], ReduceOp=op.name))

    def finish() -> None:
        if op == RedOpType.AVG:
            _average(staged.array, g.size())
        staged.write_back()

    return _execute(
        g, "all_reduce", lambda start: g.transport.all_reduce(staged.array, how, start), finish, async_op, [t],
    )  # fmt: skip


def broadcast(
    tensor: Tensor, src: int | None = None, group: ProcessGroup | None = None, async_op: bool = False,
    group_src: int | None = None,
):  # fmt: skip
    """Copy `tensor` from rank `src` to every rank of the group, in place."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    root = _root(g, src, group_src, "src")
    staged = Staged(t)
    _check_same_call(g, _describe("BROADCAST", [t], Root=root))
    finish = staged.write_back if g.rank() != root else None
    return _execute(
        g, "broadcast", lambda start: g.transport.broadcast(staged.array, root, start), finish, async_op, [t]
    )


def reduce(
    tensor: Tensor, dst: int | None = None, op: RedOpType = ReduceOp.SUM, group: ProcessGroup | None = None,
    async_op: bool = False, group_dst: int | None = None,
):  # fmt: skip
    """Reduce `tensor` across the group into rank `dst`'s tensor; the others keep theirs."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    root = _root(g, dst, group_dst, "dst")
    staged = Staged(t)
    how = checked_op(op, staged.array.dtype)
    _check_same_call(g, _describe("REDUCE", [t], Root=root, ReduceOp=op.name))

    def finish() -> None:
        if g.rank() == root:
            if op == RedOpType.AVG:
                _average(staged.array, g.size())
            staged.write_back()

    return _execute(
        g, "reduce", lambda start: g.transport.reduce(staged.array, how, root, start), finish, async_op, [t],
    )  # fmt: skip


def all_gather(tensor_list: list[Tensor], tensor: Tensor, group: ProcessGroup | None = None, async_op: bool = False):
    """Every rank's `tensor`, into `tensor_list[rank]` on every rank."""
    outs = check_tensor_list(tensor_list, "tensor_list")
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    if len(outs) != g.size():
        raise ValueError(f"all_gather: tensor_list must have {g.size()} tensors (one per rank), got {len(outs)}")
    _same_layout(outs, t, "all_gather")
    mine = np.ascontiguousarray(t._data)
    gathered = np.empty((g.size(), *mine.shape), dtype=mine.dtype)
    _check_same_call(g, _describe("ALLGATHER", [t]))

    def finish() -> None:
        for i, out in enumerate(outs):
            np.copyto(out._data, gathered[i])
            out._version_counter.value += 1

    return _execute(
        g, "all_gather", lambda start: g.transport.all_gather(mine, gathered, start), finish, async_op, outs,
    )  # fmt: skip


def all_gather_single(
    output_tensor: Tensor, input_tensor: Tensor, group: ProcessGroup | None = None, async_op: bool = False
):
    """Every rank's `input_tensor`, concatenated (or stacked, except over "gloo") in rank order into `output_tensor`."""
    out, t = check_tensor(output_tensor, "output_tensor"), check_tensor(input_tensor, "input_tensor")
    g = resolve(group)
    if g is None:
        return None
    if g.name() == "gloo":
        _check_gloo_chunks(out, t, g.size())
    if out.numel() != t.numel() * g.size() or out._data.dtype != t._data.dtype:
        raise ValueError(
            f"all_gather_single: output_tensor must have world_size ({g.size()}) times the input's "
            f"{t.numel()} elements and its dtype, got {out.numel()} elements of {kind(out._data)}"
        )
    staged = Staged(out)
    mine = np.ascontiguousarray(t._data)
    _check_same_call(g, _describe("ALLGATHER_INTO_TENSOR", [t]))
    return _execute(
        g, "all_gather_single", lambda start: g.transport.all_gather(mine, staged.array, start),
        staged.write_back, async_op, [out],
    )  # fmt: skip


def _check_gloo_chunks(out: Tensor, t: Tensor, n: int) -> None:
    """PyTorch's gloo takes only the concatenated form: each of `out.chunk(n)` must have the input's shape."""
    rows = out.shape[0] if out.ndim else 1
    step = -(-rows // n)  # Tensor.chunk's sizes
    for i in range(n):
        chunk = (max(0, min(step, rows - i * step)), *out.shape[1:]) if out.ndim else ()
        if chunk != tuple(t.shape):
            raise RuntimeError(
                f"ProcessGroupGloo::allgather: invalid tensor size at index {i} (expected {_shape(t.shape)}, "
                f"got {_shape(chunk)})"
            )


def _shape(shape: Sequence[int]) -> str:
    return f"({', '.join(str(d) for d in shape)})"  # c10's IntArrayRef printing: "(3)", "(1, 3)", "()"


def reduce_scatter(
    output: Tensor, input_list: list[Tensor], op: RedOpType = ReduceOp.SUM, group: ProcessGroup | None = None,
    async_op: bool = False,
):  # fmt: skip
    """Reduce the ranks' `input_list`s element-wise; rank i gets the reduced `input_list[i]` in `output`."""
    out = check_tensor(output, "output")
    ins = check_tensor_list(input_list, "input_list")
    g = resolve(group)
    if g is None:
        return None
    if len(ins) != g.size():
        raise ValueError(f"reduce_scatter: input_list must have {g.size()} tensors (one per rank), got {len(ins)}")
    _same_layout(ins, out, "reduce_scatter")
    staged = Staged(out)
    checked_op(op, staged.array.dtype)
    send = np.stack([np.asarray(i._data) for i in ins])
    _check_same_call(g, _describe("REDUCE_SCATTER", [out], ReduceOp=op.name))
    return _reduce_scatter(g, "reduce_scatter", send, staged, op, async_op)


def reduce_scatter_single(
    output: Tensor, input: Tensor, op: RedOpType = ReduceOp.SUM, group: ProcessGroup | None = None,
    async_op: bool = False,
):  # fmt: skip
    """Reduce the ranks' `input` element-wise; rank i gets the i-th of world_size equal chunks in `output`."""
    out, t = check_tensor(output, "output"), check_tensor(input, "input")
    g = resolve(group)
    if g is None:
        return None
    rows = (out.shape[0] if out.ndim else 1) * g.size(), t.shape[0] if t.ndim else 1
    if g.name() == "gloo" and rows[0] != rows[1]:  # gloo's own check, on the first dimension
        raise RuntimeError(f"Check failed: outputShape[0] * worldSize == inputShape[0] ({rows[0]} vs. {rows[1]}). ")
    if t.numel() != out.numel() * g.size() or out._data.dtype != t._data.dtype:
        raise ValueError(
            f"reduce_scatter_single: input must have world_size ({g.size()}) times the output's {out.numel()} "
            f"elements and its dtype, got {t.numel()} elements of {kind(t._data)}"
        )
    staged = Staged(out)
    checked_op(op, staged.array.dtype)
    _check_same_call(g, _describe("REDUCE_SCATTER_TENSOR", [t], ReduceOp=op.name))
    return _reduce_scatter(g, "reduce_scatter_single", np.ascontiguousarray(t._data), staged, op, async_op)


def _reduce_scatter(
    g: ProcessGroup, what: str, send: np.ndarray, staged: Staged, op: RedOpType, async_op: bool
) -> Work | None:
    how = checked_op(op, staged.array.dtype)

    def finish() -> None:
        if op == RedOpType.AVG:
            _average(staged.array, g.size())
        staged.write_back()

    return _execute(
        g, what, lambda start: g.transport.reduce_scatter(send, staged.array, how, start), finish, async_op,
        [staged.tensor],
    )  # fmt: skip


def gather(
    tensor: Tensor, gather_list: list[Tensor] | None = None, dst: int | None = None,
    group: ProcessGroup | None = None, async_op: bool = False, group_dst: int | None = None,
):  # fmt: skip
    """Every rank's `tensor` into `gather_list` on rank `dst` (which alone passes a list)."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    root = _root(g, dst, group_dst, "dst")
    outs: list[Tensor] = []
    if g.rank() == root:
        if not gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        outs = check_tensor_list(gather_list, "gather_list")
        if len(outs) != g.size():
            raise ValueError(f"gather: gather_list must have {g.size()} tensors (one per rank), got {len(outs)}")
        _same_layout(outs, t, "gather")
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    mine = np.ascontiguousarray(t._data)
    gathered = np.empty((g.size(), *mine.shape), dtype=mine.dtype) if outs else None
    _check_same_call(g, _describe("GATHER", [t], Root=root))

    def finish() -> None:
        for i, out in enumerate(outs):
            assert gathered is not None  # outs is empty off the destination rank
            np.copyto(out._data, gathered[i])
            out._version_counter.value += 1

    return _execute(
        g, "gather", lambda start: g.transport.gather(mine, gathered, root, start), finish, async_op, outs,
    )  # fmt: skip


def scatter(
    tensor: Tensor, scatter_list: list[Tensor] | None = None, src: int | None = None,
    group: ProcessGroup | None = None, async_op: bool = False, group_src: int | None = None,
):  # fmt: skip
    """Rank `src`'s `scatter_list[i]` into rank i's `tensor`."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    root = _root(g, src, group_src, "src")
    send = None
    if g.rank() == root:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        ins = check_tensor_list(scatter_list, "scatter_list")
        if len(ins) != g.size():
            raise ValueError(f"scatter: scatter_list must have {g.size()} tensors (one per rank), got {len(ins)}")
        _same_layout(ins, t, "scatter")
        send = np.stack([np.asarray(i._data) for i in ins])
    elif scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
    staged = Staged(t)
    _check_same_call(g, _describe("SCATTER", [t], Root=root))
    return _execute(
        g, "scatter", lambda start: g.transport.scatter(send, staged.array, root, start), staged.write_back, async_op,
        [t],
    )  # fmt: skip


def all_to_all_single(
    output: Tensor, input: Tensor, output_split_sizes: list[int] | None = None,
    input_split_sizes: list[int] | None = None, group: ProcessGroup | None = None, async_op: bool = False,
):  # fmt: skip
    """Split `input` along dim 0 and send part i to rank i; `output` gets the parts received, in rank order."""
    out, t = check_tensor(output, "output"), check_tensor(input, "input")
    g = resolve(group)
    if g is None:
        return None
    n = g.size()
    mine = np.ascontiguousarray(t._data)
    row = int(np.prod(mine.shape[1:], dtype=np.int64)) if mine.ndim else 1
    sends = _splits(input_split_sizes, mine.shape[0] if mine.ndim else 1, n, "input")
    recvs = _splits(output_split_sizes, out.shape[0] if out.ndim else 1, n, "output")
    staged = Staged(out)
    counts = ([s * row for s in sends], [r * row for r in recvs])
    _check_same_call(g, _describe("ALLTOALL_BASE", []))
    return _execute(
        g, "all_to_all_single", lambda start: g.transport.all_to_all(mine, counts[0], staged.array, counts[1], start),
        staged.write_back, async_op, [out],
    )  # fmt: skip


def _splits(sizes: list[int] | None, rows: int, n: int, name: str) -> list[int]:
    if sizes is None or len(sizes) == 0:
        if rows % n:
            raise ValueError(f"all_to_all_single: the {name}'s first dimension ({rows}) must divide by world_size {n}")
        return [rows // n] * n
    if len(sizes) != n or sum(sizes) != rows:
        raise ValueError(f"all_to_all_single: {name}_split_sizes must have {n} entries summing to {rows}, got {sizes}")
    return [int(s) for s in sizes]


def barrier(
    group: ProcessGroup | None = None, async_op: bool = False, device_ids: Any = None,
    timeout: timedelta | None = None,
):  # fmt: skip
    """Wait until every rank of the group has reached this call."""
    g = resolve(group)
    if g is None:
        return None
    if device_ids is not None:
        raise ValueError("barrier: device_ids is for GPU backends; the CPU backends have none")
    _check_same_call(g, "OpType=BARRIER")
    if async_op:
        return Work(g, "barrier", [g.transport.barrier(True)])
    with _waiting(g, "barrier", timeout):
        g.transport.barrier(False)
    return None


_MONITOR_TAG = -0x6D62  # the messages of monitored_barrier (no user tag is negative)


def monitored_barrier(group: ProcessGroup | None = None, timeout: timedelta | None = None,
                      wait_all_ranks: bool = False) -> None:  # fmt: skip
    """A barrier that names the ranks that did not reach it within `timeout`; "gloo" only, as in PyTorch.

    Rank 0 waits for each other rank in turn (until `timeout`, default the group's, has passed),
    then releases them. A rank that did not arrive makes rank 0 raise "Rank r failed to pass
    monitoredBarrier in T ms"; with `wait_all_ranks`, it waits for all of them and names every
    rank that failed.
    """
    g = resolve(group)
    if g is None:
        return None
    if g.name() != "gloo":
        raise RuntimeError("monitored_barrier is only implemented for GLOO backend.")
    limit = (timeout or g.timeout).total_seconds()
    token = np.zeros(1, np.uint8)
    if g.rank() != 0:
        g.transport.send(token, 0, _MONITOR_TAG, False)
        g.transport.recv(token, 0, _MONITOR_TAG, True).wait(limit)
        return None
    deadline = time.monotonic() + limit
    failed = []
    for r in range(1, g.size()):
        try:
            g.transport.recv(token, r, _MONITOR_TAG, True).wait(max(deadline - time.monotonic(), 0.0))
        except RuntimeError:
            failed.append(g.global_ranks[r])
            if not wait_all_ranks:
                break
    if failed:
        ranks = ", ".join(str(r) for r in failed)
        who = f"Ranks {ranks}" if len(failed) > 1 else f"Rank {ranks}"
        raise RuntimeError(f"[Rank 0]: {who} failed to pass monitoredBarrier in {int(limit * 1000)} ms")
    for r in range(1, g.size()):
        g.transport.send(token, r, _MONITOR_TAG, False)
    return None


# ---------------------------------------------------------------------------------------------
# point to point


def _peer(g: ProcessGroup, global_rank: int | None, group_rank: int | None, name: str, allow_any: bool) -> Any:
    if global_rank is None and group_rank is None and allow_any:
        return None  # any rank
    peer = _root(g, global_rank, group_rank, name) if (global_rank, group_rank) != (None, None) else None
    if peer is None:
        raise ValueError(f"{name} must be given")
    if peer == g.rank():
        kind_ = "destination" if name == "dst" else "source"
        raise ValueError(
            f"Invalid {kind_} rank: {kind_} rank should not be the same as the rank of the current process."
        )
    return peer


def send(
    tensor: Tensor, dst: int | None = None, group: ProcessGroup | None = None, tag: int = 0,
    group_dst: int | None = None,
) -> None:  # fmt: skip
    """Send `tensor` to rank `dst`; returns when the buffer may be reused."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    peer = _peer(g, dst, group_dst, "dst", allow_any=False)
    data = np.ascontiguousarray(t._data)
    with _waiting(g, f"send to rank {g.global_ranks[peer]}"):
        g.transport.send(data, peer, tag, False)
    return None


def recv(
    tensor: Tensor, src: int | None = None, group: ProcessGroup | None = None, tag: int = 0,
    group_src: int | None = None,
) -> int:  # fmt: skip
    """Receive into `tensor` from rank `src` (any rank when None); returns the sender's rank."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return -1
    peer = _peer(g, src, group_src, "src", allow_any=True)
    staged = Staged(t)
    with _waiting(g, "recv"):
        done = g.transport.recv(staged.array, peer, tag, False)
    staged.write_back()
    return g.global_ranks[done.source()]


def isend(
    tensor: Tensor, dst: int | None = None, group: ProcessGroup | None = None, tag: int = 0,
    group_dst: int | None = None,
) -> Work | None:  # fmt: skip
    """Start sending `tensor` to rank `dst`; don't change it before the Work's `wait()`."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    peer = _peer(g, dst, group_dst, "dst", allow_any=False)
    data = np.ascontiguousarray(t._data)
    request = g.transport.send(data, peer, tag, True)
    return Work(g, f"isend to rank {g.global_ranks[peer]}", [request], outputs=[t])


def irecv(
    tensor: Tensor, src: int | None = None, group: ProcessGroup | None = None, tag: int = 0,
    group_src: int | None = None,
) -> Work | None:  # fmt: skip
    """Start receiving into `tensor` from rank `src` (any rank when None)."""
    t = check_tensor(tensor, "tensor")
    g = resolve(group)
    if g is None:
        return None
    peer = _peer(g, src, group_src, "src", allow_any=True)
    staged = Staged(t)
    request = g.transport.recv(staged.array, peer, tag, True)
    return Work(g, "irecv", [request], staged.write_back, [t])


# ---------------------------------------------------------------------------------------------
# Python objects (pickled)


def all_gather_object(object_list: list[Any], obj: Any, group: ProcessGroup | None = None) -> None:
    """Every rank's picklable `obj`, into `object_list[rank]` on every rank."""
    g = resolve(group)
    if g is None:
        return None
    if len(object_list) != g.size():
        raise ValueError(f"all_gather_object: object_list must have {g.size()} entries, got {len(object_list)}")
    _check_same_call(g, "OpType=ALLGATHER_OBJECT")
    with _waiting(g, "all_gather_object"):
        gathered = g.transport.all_gather_object(obj)
    object_list[:] = gathered
    return None


def broadcast_object_list(
    object_list: list[Any], src: int | None = None, group: ProcessGroup | None = None, device: Any = None,
    group_src: int | None = None,
) -> None:  # fmt: skip
    """Rank `src`'s `object_list` entries into every rank's `object_list` (same length everywhere)."""
    g = resolve(group)
    if g is None:
        return None
    if device is not None:
        raise ValueError("broadcast_object_list: device is for GPU backends; the CPU backends have none")
    root = _root(g, src, group_src, "src")
    _check_same_call(g, f"OpType=BROADCAST_OBJECT_LIST, Length={len(object_list)}, Root={root}")
    with _waiting(g, "broadcast_object_list"):
        received = g.transport.broadcast_object(list(object_list) if g.rank() == root else None, root)
    object_list[:] = received
    return None


def gather_object(
    obj: Any, object_gather_list: list[Any] | None = None, dst: int | None = None,
    group: ProcessGroup | None = None, group_dst: int | None = None,
) -> None:  # fmt: skip
    """Every rank's picklable `obj` into `object_gather_list` on rank `dst`."""
    g = resolve(group)
    if g is None:
        return None
    root = _root(g, dst, group_dst, "dst")
    if g.rank() == root and (object_gather_list is None or len(object_gather_list) != g.size()):
        raise ValueError(f"gather_object: object_gather_list must have {g.size()} entries on the destination rank")
    _check_same_call(g, f"OpType=GATHER_OBJECT, Root={root}")
    with _waiting(g, "gather_object"):
        gathered = g.transport.gather_object(obj, root)
    if g.rank() == root and object_gather_list is not None:
        object_gather_list[:] = gathered
    return None


def scatter_object_list(
    scatter_object_output_list: list[Any], scatter_object_input_list: list[Any] | None = None,
    src: int | None = None, group: ProcessGroup | None = None, group_src: int | None = None,
) -> None:  # fmt: skip
    """Rank `src`'s `scatter_object_input_list[i]` into rank i's `scatter_object_output_list[0]`."""
    g = resolve(group)
    if g is None:
        return None
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")
    root = _root(g, src, group_src, "src")
    if g.rank() == root and (scatter_object_input_list is None or len(scatter_object_input_list) != g.size()):
        raise ValueError(f"scatter_object_list: the input list must have {g.size()} entries on the source rank")
    _check_same_call(g, f"OpType=SCATTER_OBJECT_LIST, Root={root}")
    with _waiting(g, "scatter_object_list"):
        scatter_object_output_list[0] = g.transport.scatter_object(
            list(scatter_object_input_list or []) if g.rank() == root else None, root
        )
    return None

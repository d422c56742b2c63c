"""The "mpi" backend: a transport over an MPI communicator, through mpi4py.

Importing `mpi4py.MPI` initialises MPI, so `import retrograd.distributed` must not do it:
`is_available` only looks for the package, and `mpi()` imports it on first real use.

MPI has no half-precision type and no arithmetic on booleans, so float16 travels as 16-bit
words reduced by NumPy callbacks (each pairwise step rounds to float16, as PyTorch's CPU
reduction does), and bool travels as bytes (`checked_op` turned SUM and PRODUCT into MAX and MIN).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

from .reduce_op import RedOpType

_MISSING = (
    "Distributed package doesn't have MPI built in: retrograd.distributed runs on MPI through mpi4py. "
    "Install both with `pip install 'retrograd[distributed]'` (mpi4py and Open MPI wheels)."
)

_HALF_OPS: dict[RedOpType, Any] = {}  # MPI.Op objects for float16, made once per process


def is_available() -> bool:
    """True when mpi4py is installed, so an MPI process group can be made."""
    return importlib.util.find_spec("mpi4py") is not None


def mpi() -> Any:
    """The `mpi4py.MPI` module (initialising MPI on first call); RuntimeError when not installed."""
    if not is_available():
        raise RuntimeError(_MISSING)
    from mpi4py import MPI

    return MPI


def spec(array: np.ndarray) -> list:
    """The `[buffer, MPI datatype]` pair mpi4py sends; float16 and bool travel as raw words."""
    MPI = mpi()
    if array.dtype == np.float16:
        return [array.view(np.uint16), MPI.UINT16_T]
    if array.dtype == np.bool_:
        return [array.view(np.uint8), MPI.UINT8_T]
    return [array, MPI._typedict[array.dtype.char]]


def mpi_op(op: RedOpType, dtype: np.dtype) -> Any:
    """The MPI operator computing (checked) `op` on arrays of `dtype`."""
    MPI = mpi()
    if dtype == np.float16:
        return _half_op(op)
    return {
        RedOpType.SUM: MPI.SUM, RedOpType.PRODUCT: MPI.PROD, RedOpType.MIN: MPI.MIN, RedOpType.MAX: MPI.MAX,
        RedOpType.BAND: MPI.BAND, RedOpType.BOR: MPI.BOR, RedOpType.BXOR: MPI.BXOR,
    }[op]  # fmt: skip


def _half_op(op: RedOpType) -> Any:
    """A user-defined MPI operator that reduces float16 words with NumPy."""
    if op not in _HALF_OPS:
        ufunc = {RedOpType.SUM: np.add, RedOpType.PRODUCT: np.multiply, RedOpType.MIN: np.fmin,
                 RedOpType.MAX: np.fmax}[op]  # fmt: skip

        def combine(inbuf: Any, inoutbuf: Any, datatype: Any) -> None:
            incoming = np.frombuffer(inbuf, dtype=np.float16)
            ufunc(incoming, np.frombuffer(inoutbuf, dtype=np.float16), out=np.frombuffer(inoutbuf, np.float16))

        _HALF_OPS[op] = mpi().Op.Create(combine, commute=True)
    return _HALF_OPS[op]


class MpiRequest:
    """An MPI request (and, for a receive, the status that names its sender)."""

    def __init__(self, request: Any, status: Any = None) -> None:
        self._request = request
        self._status = status

    def wait(self, timeout: float) -> None:  # MPI cannot time out a wait: the watchdog does
        self._request.Wait(self._status)

    def test(self) -> bool:
        return bool(self._request.Test(self._status))

    def source(self) -> int:
        return int(self._status.Get_source())


class MpiTransport:
    """A transport over an MPI communicator (mpi4py's `Comm`)."""

    name = "mpi"
    watched = True

    def __init__(self, comm: Any) -> None:
        self.comm = comm

    @classmethod
    def world(cls) -> MpiTransport:
        """A private copy of MPI's COMM_WORLD: the ranks mpiexec started."""
        return cls(mpi().COMM_WORLD.Dup())

    def rank(self) -> int:
        return int(self.comm.Get_rank())

    def size(self) -> int:
        return int(self.comm.Get_size())

    def _run(self, blocking: Any, started: Any, async_op: bool) -> MpiRequest | None:
        """Call `blocking()`, or `started()` (an MPI `I...` call) wrapped as a request."""
        if async_op:
            return MpiRequest(started())
        blocking()
        return None

    def all_reduce(self, buf: np.ndarray, op: RedOpType, async_op: bool) -> MpiRequest | None:
        b, mop, in_place = spec(buf), mpi_op(op, buf.dtype), mpi().IN_PLACE
        return self._run(lambda: self.comm.Allreduce(in_place, b, mop), lambda: self.comm.Iallreduce(in_place, b, mop),
                         async_op)

    def broadcast(self, buf: np.ndarray, root: int, async_op: bool) -> MpiRequest | None:
        b = spec(buf)
        return self._run(lambda: self.comm.Bcast(b, root), lambda: self.comm.Ibcast(b, root), async_op)

    def reduce(self, buf: np.ndarray, op: RedOpType, root: int, async_op: bool) -> MpiRequest | None:
        b, mop = spec(buf), mpi_op(op, buf.dtype)
        send, recv = (mpi().IN_PLACE, b) if self.rank() == root else (b, None)
        return self._run(lambda: self.comm.Reduce(send, recv, mop, root),
                         lambda: self.comm.Ireduce(send, recv, mop, root), async_op)

    def all_gather(self, mine: np.ndarray, out: np.ndarray, async_op: bool) -> MpiRequest | None:
        a, b = spec(mine), spec(out)
        return self._run(lambda: self.comm.Allgather(a, b), lambda: self.comm.Iallgather(a, b), async_op)

    def reduce_scatter(self, send: np.ndarray, out: np.ndarray, op: RedOpType, async_op: bool) -> MpiRequest | None:
        a, b, mop = spec(send), spec(out), mpi_op(op, out.dtype)
        return self._run(lambda: self.comm.Reduce_scatter_block(a, b, mop),
                         lambda: self.comm.Ireduce_scatter_block(a, b, mop), async_op)

    def gather(self, mine: np.ndarray, out: np.ndarray | None, root: int, async_op: bool) -> MpiRequest | None:
        a, b = spec(mine), (spec(out) if out is not None else None)
        return self._run(lambda: self.comm.Gather(a, b, root), lambda: self.comm.Igather(a, b, root), async_op)

    def scatter(self, send: np.ndarray | None, out: np.ndarray, root: int, async_op: bool) -> MpiRequest | None:
        a, b = (spec(send) if send is not None else None), spec(out)
        return self._run(lambda: self.comm.Scatter(a, b, root), lambda: self.comm.Iscatter(a, b, root), async_op)

    def all_to_all(self, mine: np.ndarray, send_counts: list[int], out: np.ndarray, recv_counts: list[int],
                   async_op: bool) -> MpiRequest | None:
        (a, a_type), (b, b_type) = spec(mine), spec(out)
        sends = [a, (send_counts, _offsets(send_counts)), a_type]
        recvs = [b, (recv_counts, _offsets(recv_counts)), b_type]
        return self._run(lambda: self.comm.Alltoallv(sends, recvs), lambda: self.comm.Ialltoallv(sends, recvs),
                         async_op)

    def barrier(self, async_op: bool) -> MpiRequest | None:
        return self._run(self.comm.Barrier, self.comm.Ibarrier, async_op)

    def send(self, array: np.ndarray, peer: int, tag: int, async_op: bool) -> MpiRequest | None:
        a = spec(array)
        return self._run(lambda: self.comm.Send(a, peer, tag), lambda: self.comm.Isend(a, peer, tag), async_op)

    def recv(self, out: np.ndarray, peer: int | None, tag: int, async_op: bool) -> MpiRequest:
        MPI = mpi()
        b, status = spec(out), MPI.Status()
        source = MPI.ANY_SOURCE if peer is None else peer
        if async_op:
            return MpiRequest(self.comm.Irecv(b, source, tag), status)
        self.comm.Recv(b, source, tag, status)
        return MpiRequest(MPI.REQUEST_NULL, status)

    def all_gather_object(self, obj: Any) -> list:
        return list(self.comm.allgather(obj))

    def broadcast_object(self, obj: Any, root: int) -> Any:
        return self.comm.bcast(obj, root)

    def gather_object(self, obj: Any, root: int) -> list | None:
        return self.comm.gather(obj, root)

    def scatter_object(self, objs: list | None, root: int) -> Any:
        return self.comm.scatter(objs, root)

    def subgroup(self, members: list[int], local: bool) -> MpiTransport | None:
        """A communicator of `members` (ranks of this one); None on the other ranks.

        Every rank calls it, unless `local`: then only the members do (MPI's Create_group).
        """
        group = self.comm.Get_group().Incl(members)
        comm = self.comm.Create_group(group) if local else self.comm.Create(group)
        group.Free()
        return None if self.rank() not in members else MpiTransport(comm)

    def free(self) -> None:
        self.comm.Free()


def _offsets(counts: list[int]) -> list[int]:
    return [int(x) for x in np.concatenate([[0], np.cumsum(counts)[:-1]])]

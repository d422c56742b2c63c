"""The "gloo" backend: a transport over TCP sockets, for ranks started any way at all.

PyTorch's gloo backend is how most data-parallel scripts run on CPUs: the DDP tutorial starts its
ranks with `torch.multiprocessing.spawn` and has them meet at MASTER_ADDR:MASTER_PORT. Here rank 0
listens there; every other rank connects, says its rank and the address of its own listening
socket, and gets the table of all of them back; then each pair of ranks connects directly. The
result is one socket per pair of ranks (`_Mesh`), which every group of the job shares.

A message is a length-prefixed pickle of `(key, payload)`. The key names what it belongs to (the
group, the collective's sequence number or the point-to-point tag), so a rank that reads a message
meant for a later call sets it aside until that call asks for it. Each socket has a sending thread:
posting a message never blocks, so ranks that send each other large arrays at once cannot
deadlock. A call returns only once what it posted has been handed to the operating system, so a
rank may exit right after it.

The algorithms are the simplest correct ones (reductions at rank 0 in rank order, then a
broadcast), which suits the few processes of one machine this backend is for.
"""

from __future__ import annotations

import pickle
import queue
import select
import socket
import struct
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import DistStoreError
from .reduce_op import RedOpType

_LENGTH = struct.Struct("<Q")
_UFUNCS = {
    RedOpType.SUM: np.add, RedOpType.PRODUCT: np.multiply, RedOpType.MIN: np.minimum, RedOpType.MAX: np.maximum,
    RedOpType.BAND: np.bitwise_and, RedOpType.BOR: np.bitwise_or, RedOpType.BXOR: np.bitwise_xor,
}  # fmt: skip


_SMALL = 1 << 16  # bytes: a message this small is sent by the caller when the socket is idle


def _frame(key: Any, payload: Any) -> list:
    """A message as the buffers to send: a length-prefixed pickled header, then an array's own bytes.

    An array travels as raw memory after a header naming its dtype and shape (no pickling copy);
    anything else is pickled into the header.
    """
    if isinstance(payload, np.ndarray) and payload.dtype.kind in "biufc":
        array = payload if payload.flags.c_contiguous else payload.copy()  # (ascontiguousarray makes 0-d 1-d)
        head = pickle.dumps((key, "array", (array.dtype, array.shape)), protocol=pickle.HIGHEST_PROTOCOL)
        if array.nbytes <= _SMALL:  # one buffer: it may go out at once
            return [_LENGTH.pack(len(head)) + head + array.tobytes()]
        return [_LENGTH.pack(len(head)) + head, array.reshape(-1).view(np.uint8).data]
    head = pickle.dumps((key, "object", payload), protocol=pickle.HIGHEST_PROTOCOL)
    return [_LENGTH.pack(len(head)) + head]


def _read_into(sock: socket.socket, view: memoryview, deadline: float, what: str) -> None:
    """Fill `view` from `sock` by `deadline`. It waits in `select`, not in a socket timeout: the
    socket's timeout is fixed when it is made, since the sending thread uses the same socket."""
    got, n = 0, len(view)
    while got < n:
        ready, _, _ = select.select([sock], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            raise RuntimeError(f"Timed out waiting for {what}")
        try:
            count = sock.recv_into(view[got:])
        except ConnectionError:  # reset: the other side died with our data unread
            count = 0
        if count == 0:
            raise RuntimeError(f"Connection closed by peer while waiting for {what}: the other process has exited "
                               "or failed")
        got += count


def _read_frame(sock: socket.socket, deadline: float, what: str) -> tuple[Any, Any]:
    """(key, payload) of the next message on `sock`; an array is received straight into its memory."""
    length = bytearray(_LENGTH.size)
    _read_into(sock, memoryview(length), deadline, what)
    head = bytearray(_LENGTH.unpack(length)[0])
    _read_into(sock, memoryview(head), deadline, what)
    key, kind, payload = pickle.loads(head)
    if kind == "array":
        dtype, shape = payload
        payload = np.empty(shape, dtype)
        _read_into(sock, payload.reshape(-1).view(np.uint8).data, deadline, what)
    return key, payload


_SENT = threading.Event()
_SENT.set()  # what a message sent at once returns


class _Channel:
    """The socket to one other rank: a sending thread, and messages read early, kept by key.

    A small message posted while nothing waits to be sent goes out from the caller at once, if the
    socket takes it whole without waiting (no thread hand-off: a collective's latency); everything
    else goes through the thread, in order, so posting never blocks.
    """

    def __init__(self, sock: socket.socket, peer: int, timeout: float) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(timeout)  # bounds a send the other side never reads
        self.sock = sock
        self.peer = peer
        self.early: defaultdict[Any, deque] = defaultdict(deque)
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._queued = 0  # messages given to the thread and not yet sent
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._send_all, name=f"retrograd-gloo-send-{peer}", daemon=True)
        self._thread.start()

    def post(self, buffers: list) -> threading.Event:
        """Send `buffers` (one message) in order after everything posted before; the event is set once sent."""
        if self.error is not None:
            raise RuntimeError(f"Connection to rank {self.peer} failed: {self.error}")
        with self._lock:
            if self._queued == 0 and len(buffers) == 1 and len(buffers[0]) <= _SMALL:
                data = buffers[0]
                try:
                    _, writable, _ = select.select([], [self.sock], [], 0)
                    sent = self.sock.send(data) if writable else 0
                except OSError as e:  # the other side is gone: the next receive from it says so
                    self.error = e
                    return _SENT
                if sent == len(data):
                    return _SENT
                buffers = [memoryview(data)[sent:]]  # the rest goes through the thread, still in order
            self._queued += 1
            done = threading.Event()
            self._outbox.put((buffers, done))
        return done

    def _send_all(self) -> None:
        while True:
            item = self._outbox.get()
            if item is None:
                return
            buffers, done = item
            try:
                for buffer in buffers:
                    self.sock.sendall(buffer)
            except OSError as e:
                self.error = e
            with self._lock:
                self._queued -= 1
            done.set()

    def close(self) -> None:
        self._outbox.put(None)
        self._thread.join(timeout=10)
        self.sock.close()


class _Mesh:
    """One socket to each other rank of the job, shared by all its groups."""

    def __init__(self, rank: int, channels: dict[int, _Channel]) -> None:
        self.rank = rank
        self.channels = channels
        self.subgroups: defaultdict[tuple, int] = defaultdict(int)  # members -> groups made of them so far

    def post(self, peer: int, key: Any, payload: Any) -> threading.Event:
        return self.channels[peer].post(_frame(key, payload))

    def take(self, peers: Iterable[int], key: Any, deadline: float | None, what: str) -> tuple[int, Any] | None:
        """The first message with `key` from any of `peers`, as (peer, payload); None if there is
        none by `deadline` (None: only what has arrived already)."""
        peers = list(peers)
        for peer in peers:
            early = self.channels[peer].early.get(key)
            if early:
                return peer, early.popleft()
        socks = {self.channels[p].sock: p for p in peers}
        while True:
            left = 0.0 if deadline is None else deadline - time.monotonic()
            if left < 0:
                raise RuntimeError(f"Timed out waiting for {what}")
            ready, _, _ = select.select(list(socks), [], [], left)
            if not ready:
                if deadline is None:
                    return None
                continue
            for sock in ready:
                peer = socks[sock]
                got, payload = _read_frame(sock, time.monotonic() + 60 if deadline is None else deadline, what)
                if got == key:
                    return peer, payload
                self.channels[peer].early[got].append(payload)

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()


class _Done:
    """A request that finished when it was made (the collectives here run when called)."""

    def __init__(self, source: int = -1) -> None:
        self._source = source

    def wait(self, timeout: float) -> None:
        return None

    def test(self) -> bool:
        return True

    def source(self) -> int:
        return self._source


class _Sent:
    """An `isend`: finished once its message has been handed to the operating system."""

    def __init__(self, sent: threading.Event) -> None:
        self._sent = sent

    def wait(self, timeout: float) -> None:
        if not self._sent.wait(timeout):
            raise RuntimeError(f"Timed out after {timeout:g} s waiting for a send to complete")

    def test(self) -> bool:
        return self._sent.is_set()

    def source(self) -> int:
        return -1


class _Receive:
    """A receive into `out`, done when waited on or tested (so `irecv` before `isend` cannot deadlock)."""

    def __init__(self, transport: TcpTransport, out: np.ndarray, peer: int | None, tag: int) -> None:
        self._transport = transport
        self._out = out
        self._peer = peer
        self._tag = tag
        self._source = -1

    def _finish(self, deadline: float | None) -> bool:
        if self._source >= 0:
            return True
        t = self._transport
        peers = [q for q in range(t.size()) if q != t.rank()] if self._peer is None else [self._peer]
        got = t.take_from(peers, (t.key, "p2p", self._tag), deadline, f"recv (tag {self._tag})")
        if got is None:
            return False
        source, payload = got
        flat = np.asarray(payload).reshape(-1)
        if flat.size != self._out.size:
            raise RuntimeError(f"recv: the message from rank {source} has {flat.size} elements, the tensor "
                               f"{self._out.size}")
        np.copyto(self._out.reshape(-1), flat)
        self._source = source
        return True

    def wait(self, timeout: float) -> None:
        self._finish(time.monotonic() + timeout)

    def test(self) -> bool:
        return self._finish(None)

    def source(self) -> int:
        return self._source


class TcpTransport:
    """A group's view of the job's sockets: its members (as ranks of the job) and its own message keys."""

    name = "gloo"
    watched = False

    def __init__(self, mesh: _Mesh, members: list[int], key: Any, timeout: float) -> None:
        self.mesh = mesh
        self.members = members
        self.key = key
        self.timeout = timeout
        self._rank = members.index(mesh.rank)
        self._calls = 0  # collectives run so far: the same count on every member

    @classmethod
    def world(cls, address: str, port: int, rank: int, size: int, timeout: float) -> TcpTransport:
        """Meet the other ranks at `address:port` (rank 0 listens there) and connect every pair."""
        return cls(_rendezvous(address, port, rank, size, timeout), list(range(size)), "world", timeout)

    def rank(self) -> int:
        return self._rank

    def size(self) -> int:
        return len(self.members)

    # -- moving messages between group ranks -------------------------------------------------

    def _post(self, to: int, key: Any, payload: Any, sent: list) -> None:
        sent.append(self.mesh.post(self.members[to], key, payload))

    def take_from(self, ranks: list[int], key: Any, deadline: float | None, what: str) -> tuple[int, Any] | None:
        got = self.mesh.take([self.members[r] for r in ranks], key, deadline, what)
        return None if got is None else (self.members.index(got[0]), got[1])

    def _take(self, source: int, key: Any, what: str) -> Any:
        what = f"{what} from rank {self.members[source]} (timeout {self.timeout:g} s, set by init_process_group)"
        got = self.take_from([source], key, time.monotonic() + self.timeout, what)
        assert got is not None  # a deadline was given: no answer raises
        return got[1]

    def _flush(self, sent: list) -> None:
        """Wait until everything this call posted has left (so the process may exit right after)."""
        deadline = time.monotonic() + self.timeout
        for event in sent:
            if not event.wait(max(deadline - time.monotonic(), 0)):
                raise RuntimeError(f"Timed out after {self.timeout:g} s sending to another rank")

    def _start(self) -> tuple[tuple, list[threading.Event]]:
        """A new collective's message key, and the list of what it posts."""
        self._calls += 1
        return (self.key, self._calls), []

    def _others(self) -> list[int]:
        return [r for r in range(self.size()) if r != self._rank]

    # -- the collectives ---------------------------------------------------------------------

    def _reduced_at(self, root: int, buf: np.ndarray, op: RedOpType, key: Any, sent: list) -> np.ndarray | None:
        """`op` over every rank's `buf`, in rank order, at `root` (None elsewhere)."""
        if self._rank != root:
            self._post(root, key, buf, sent)
            return None
        return self._reduced(op, [buf if r == root else self._take(r, key, "a reduction") for r in range(self.size())])

    def _reduced(self, op: RedOpType, values: list) -> np.ndarray:
        """`op` over `values` in rank order (so every rank that computes it gets the same bits)."""
        total = np.array(values[0], copy=True)
        for value in values[1:]:
            _UFUNCS[op](total, value, out=total)
        return total

    def all_reduce(self, buf: np.ndarray, op: RedOpType, async_op: bool) -> _Done | None:
        """Every rank gets `op` over the ranks' `buf`, reduced in rank order. A small buffer: each rank
        sends it whole to the others and reduces them all (one round trip). Otherwise rank r reduces
        the r-th of n chunks and sends it to all: 2(n-1)/n of `buf` each way per rank."""
        key, sent = self._start()
        n, me = self.size(), self._rank
        if buf.nbytes <= _SMALL:  # one exchange of whole buffers: one round trip instead of two
            for r in self._others():
                self._post(r, key, buf, sent)
            total = self._reduced(op, [buf if r == me else self._take(r, key, "an all_reduce") for r in range(n)])
            self._flush(sent)  # (buf has left before it is overwritten)
            np.copyto(buf, total)
            return _Done() if async_op else None
        flat = buf.reshape(-1)
        bounds = np.linspace(0, flat.size, n + 1).astype(np.int64)
        chunk = [flat[bounds[r]: bounds[r + 1]] for r in range(n)]
        handed = {}
        for r in self._others():
            self._post(r, (key, "part"), chunk[r], sent)
            handed[r] = sent[-1]
        owned = self._reduced(op, [chunk[me] if r == me else self._take(r, (key, "part"), "an all_reduce")
                                   for r in range(n)])
        for r in self._others():
            self._post(r, (key, "sum"), owned, sent)
        for r in self._others():
            reduced = self._take(r, (key, "sum"), "an all_reduce")
            handed[r].wait()  # (its first part has left before it is overwritten)
            np.copyto(chunk[r], reduced)
        np.copyto(chunk[me], owned)
        self._flush(sent)
        return _Done() if async_op else None

    def _broadcast_from(self, root: int, value: np.ndarray, key: Any, sent: list, into: np.ndarray) -> None:
        if self._rank == root:
            for r in self._others():
                self._post(r, key, value, sent)
            if value is not into:
                np.copyto(into, value)
        else:
            np.copyto(into, self._take(root, key, "a broadcast"))

    def broadcast(self, buf: np.ndarray, root: int, async_op: bool) -> _Done | None:
        key, sent = self._start()
        self._broadcast_from(root, buf, key, sent, into=buf)
        self._flush(sent)
        return _Done() if async_op else None

    def reduce(self, buf: np.ndarray, op: RedOpType, root: int, async_op: bool) -> _Done | None:
        key, sent = self._start()
        total = self._reduced_at(root, buf, op, key, sent)
        if total is not None:
            np.copyto(buf, total)
        self._flush(sent)
        return _Done() if async_op else None

    def all_gather(self, mine: np.ndarray, out: np.ndarray, async_op: bool) -> _Done | None:
        key, sent = self._start()
        for r in self._others():
            self._post(r, key, mine, sent)
        rows = out.reshape(self.size(), -1)
        for r in range(self.size()):
            rows[r] = (mine if r == self._rank else self._take(r, key, "an all_gather")).reshape(-1)
        self._flush(sent)
        return _Done() if async_op else None

    def reduce_scatter(self, send: np.ndarray, out: np.ndarray, op: RedOpType, async_op: bool) -> _Done | None:
        key, sent = self._start()
        chunks = send.reshape(self.size(), -1)
        for r in self._others():
            self._post(r, key, chunks[r], sent)
        total = self._reduced(op, [chunks[r] if r == self._rank else self._take(r, key, "a reduce_scatter")
                                   for r in range(self.size())])
        np.copyto(out.reshape(-1), total)
        self._flush(sent)
        return _Done() if async_op else None

    def gather(self, mine: np.ndarray, out: np.ndarray | None, root: int, async_op: bool) -> _Done | None:
        key, sent = self._start()
        if self._rank != root:
            self._post(root, key, mine, sent)
        else:
            assert out is not None
            rows = out.reshape(self.size(), -1)
            for r in range(self.size()):
                rows[r] = (mine if r == root else self._take(r, key, "a gather")).reshape(-1)
        self._flush(sent)
        return _Done() if async_op else None

    def scatter(self, send: np.ndarray | None, out: np.ndarray, root: int, async_op: bool) -> _Done | None:
        key, sent = self._start()
        if self._rank == root:
            assert send is not None
            chunks = send.reshape(self.size(), -1)
            for r in self._others():
                self._post(r, key, chunks[r], sent)
            np.copyto(out.reshape(-1), chunks[root])
        else:
            np.copyto(out.reshape(-1), self._take(root, key, "a scatter"))
        self._flush(sent)
        return _Done() if async_op else None

    def all_to_all(self, mine: np.ndarray, send_counts: list[int], out: np.ndarray, recv_counts: list[int],
                   async_op: bool) -> _Done | None:
        key, sent = self._start()
        flat_in, flat_out = mine.reshape(-1), out.reshape(-1)
        starts_in, starts_out = np.cumsum([0, *send_counts]), np.cumsum([0, *recv_counts])
        for r in self._others():
            self._post(r, key, flat_in[starts_in[r]: starts_in[r + 1]], sent)
        for r in range(self.size()):
            part = flat_in[starts_in[r]: starts_in[r + 1]] if r == self._rank else self._take(r, key, "an all_to_all")
            flat_out[starts_out[r]: starts_out[r + 1]] = part
        self._flush(sent)
        return _Done() if async_op else None

    def barrier(self, async_op: bool) -> _Done | None:
        self.all_gather_object(None)
        return _Done() if async_op else None

    # -- point to point ----------------------------------------------------------------------

    def send(self, array: np.ndarray, peer: int, tag: int, async_op: bool) -> _Sent | None:
        sent: list[threading.Event] = []
        self._post(peer, (self.key, "p2p", tag), array, sent)
        if async_op:
            return _Sent(sent[0])
        self._flush(sent)
        return None

    def recv(self, out: np.ndarray, peer: int | None, tag: int, async_op: bool) -> _Receive:
        request = _Receive(self, out, peer, tag)
        if not async_op:
            request.wait(self.timeout)
        return request

    # -- Python objects ----------------------------------------------------------------------

    def all_gather_object(self, obj: Any) -> list:
        key, sent = self._start()
        for r in self._others():
            self._post(r, key, obj, sent)
        everyone = [obj if r == self._rank else self._take(r, key, "an all_gather_object") for r in range(self.size())]
        self._flush(sent)
        return everyone

    def broadcast_object(self, obj: Any, root: int) -> Any:
        key, sent = self._start()
        if self._rank == root:
            for r in self._others():
                self._post(r, key, obj, sent)
        else:
            obj = self._take(root, key, "a broadcast_object_list")
        self._flush(sent)
        return obj

    def gather_object(self, obj: Any, root: int) -> list | None:
        key, sent = self._start()
        if self._rank != root:
            self._post(root, key, obj, sent)
            self._flush(sent)
            return None
        return [obj if r == root else self._take(r, key, "a gather_object") for r in range(self.size())]

    def scatter_object(self, objs: list | None, root: int) -> Any:
        key, sent = self._start()
        if self._rank != root:
            return self._take(root, key, "a scatter_object_list")
        assert objs is not None
        for r in self._others():
            self._post(r, key, objs[r], sent)
        self._flush(sent)
        return objs[root]

    # -- groups ------------------------------------------------------------------------------

    def subgroup(self, members: list[int], local: bool) -> TcpTransport | None:
        """A group of `members` (ranks of this group) on the same sockets; None on the other ranks.

        Its messages are keyed by its members and how many groups of the same members were made
        before, which the members agree on whether or not the other ranks make the call.
        """
        job_ranks = tuple(self.members[m] for m in members)
        self.mesh.subgroups[job_ranks] += 1
        if self.mesh.rank not in job_ranks:
            return None
        return TcpTransport(self.mesh, list(job_ranks), ("group", job_ranks, self.mesh.subgroups[job_ranks]),
                            self.timeout)

    def free(self) -> None:
        if self.key == "world":
            self.mesh.close()


# --- meeting the other ranks -----------------------------------------------------------------


def _send_now(sock: socket.socket, key: str, payload: Any) -> None:
    """A message of the rendezvous, before the sending threads exist."""
    for buffer in _frame(key, payload):
        sock.sendall(buffer)


def _connect(address: tuple[str, int], deadline: float, what: str) -> socket.socket:
    """A connection to `address`, retried until `deadline` (the other side may not listen yet)."""
    while True:
        try:
            return socket.create_connection(address, timeout=max(deadline - time.monotonic(), 1e-3))
        except OSError as e:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Timed out connecting to {what} at {address[0]}:{address[1]}: {e}") from None
            time.sleep(0.05)


def _rendezvous(address: str, port: int, rank: int, size: int, timeout: float) -> _Mesh:
    deadline = time.monotonic() + timeout
    if size == 1:
        return _Mesh(0, {})
    if rank == 0:
        return _Mesh(0, _host(address, port, size, deadline, timeout))
    master = _connect((address, port), deadline, "the rank-0 process (MASTER_ADDR:MASTER_PORT)")
    listener = socket.create_server((master.getsockname()[0], 0), backlog=size)
    _send_now(master, "hello", (rank, size, listener.getsockname()[:2]))
    _, table = _read_frame(master, deadline, "the table of ranks from rank 0")
    if isinstance(table, str):  # rank 0 refused this rank
        raise ValueError(table)
    socks = {0: master}
    for lower in range(1, rank):  # connect to the ranks below, accept the ranks above
        sock = _connect(tuple(table[lower]), deadline, f"rank {lower}")
        _send_now(sock, "peer", rank)
        socks[lower] = sock
    for _ in range(rank + 1, size):
        listener.settimeout(max(deadline - time.monotonic(), 1e-3))
        try:
            sock, _ = listener.accept()
        except TimeoutError:
            raise DistStoreError("Timed out waiting for the higher ranks to connect") from None
        _, higher = _read_frame(sock, deadline, "a higher rank's greeting")
        socks[higher] = sock
    listener.close()
    return _Mesh(rank, {peer: _Channel(sock, peer, timeout) for peer, sock in socks.items()})


def _host(address: str, port: int, size: int, deadline: float, timeout: float) -> dict[int, _Channel]:
    """Rank 0: listen at `address:port` until every other rank has said hello, then send them the table."""
    try:
        server = socket.create_server((address, port), backlog=size)
    except OSError as e:
        raise RuntimeError(f"The server socket has failed to listen on {address}:{port}: {e}") from None
    socks: dict[int, socket.socket] = {}
    table: dict[int, tuple] = {}
    try:
        while len(socks) < size - 1:
            server.settimeout(max(deadline - time.monotonic(), 1e-3))
            try:
                sock, _ = server.accept()
            except TimeoutError:
                missing = sorted(set(range(1, size)) - set(socks))
                raise DistStoreError(  # PyTorch's words, then which ranks are missing
                    f"Timed out after {timeout:g} seconds waiting for clients. {len(socks) + 1}/{size} clients joined "
                    f"(missing: ranks {missing})."
                ) from None
            _, (rank, their_size, listening) = _read_frame(sock, deadline, "a rank's greeting")
            problem = None
            if their_size != size:
                problem = f"rank {rank} was started with world_size={their_size}, rank 0 with world_size={size}"
            elif not 0 < rank < size or rank in socks:
                problem = f"rank {rank} is out of range or taken (world_size={size})"
            if problem is not None:
                _send_now(sock, "table", problem)
                raise ValueError(problem)
            socks[rank], table[rank] = sock, listening
    finally:
        server.close()
    for sock in socks.values():
        _send_now(sock, "table", table)
    return {peer: _Channel(sock, peer, timeout) for peer, sock in socks.items()}

"""Process groups: the default group made by `init_process_group`, and subgroups from `new_group`.

A `ProcessGroup` is a transport (an MPI communicator, or the TCP sockets of the "gloo" backend;
see `_transport`) plus what PyTorch's API needs around it: the global ranks of its members
(collectives name ranks globally), its timeout, and a count of the collectives it has run (the
fingerprint check compares it across ranks).
"""

from __future__ import annotations

import os
import sys
import warnings
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

from ._mpi import MpiTransport, is_available
from ._tcp import TcpTransport
from ._transport import Transport
from ._watchdog import AbortOnException, Watchdog

default_pg_timeout = timedelta(minutes=30)


class Backend(str):
    """A backend name: "gloo" (TCP sockets, ranks started any way) or "mpi" (ranks started by mpiexec)."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    MPI = "mpi"
    NCCL = "nccl"

    def __new__(cls, name: str) -> Backend:
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        value = name.lower()
        if value == cls.NCCL:
            raise RuntimeError("Distributed package doesn't have NCCL built in: retrograd runs collectives on CPUs; "
                               "use the 'gloo' or 'mpi' backend")
        if value not in (cls.GLOO, cls.MPI, cls.UNDEFINED):
            raise ValueError(f"Invalid backend: '{name}'. retrograd.distributed has the 'gloo' and 'mpi' backends")
        return str.__new__(cls, value)


class ProcessGroup:
    """A set of ranks that run collectives together, over a transport."""

    def __init__(self, transport: Transport, global_ranks: list[int], timeout: timedelta, name: str) -> None:
        self.transport: Any = transport  # None once destroyed
        self.global_ranks = global_ranks
        self.timeout = timeout
        self.group_name = name
        self.sequence = 0  # collectives run so far: the same on every rank unless they diverge

    def rank(self) -> int:
        return self.transport.rank()

    def size(self) -> int:
        return self.transport.size()

    def name(self) -> str:
        return self.transport.name

    def group_rank(self, global_rank: int) -> int:
        """This group's rank for a global rank; ValueError when that rank is not a member."""
        try:
            return self.global_ranks.index(global_rank)
        except ValueError:
            raise ValueError(f"Global rank {global_rank} is not part of group {self.group_name}") from None

    def __repr__(self) -> str:
        return f"<retrograd.distributed.ProcessGroup {self.group_name!r} ranks={self.global_ranks}>"


class GroupMember:
    """PyTorch's markers: `WORLD` (the default group) and `NON_GROUP_MEMBER` (new_group on a non-member)."""

    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER: Any = -100


class _State:
    """The process-wide distributed state."""

    def __init__(self) -> None:
        self.world: ProcessGroup | None = None
        self.groups: list[ProcessGroup] = []
        self.watchdog: Watchdog | None = None
        self.previous_excepthook: Any = None
        # PyTorch files every group a rank is not in under NON_GROUP_MEMBER, so asking for that marker's
        # ranks gives those of the latest such group; kept to answer as it does.
        self.non_member_ranks: list[int] | None = None


state = _State()


def is_mpi_available() -> bool:
    return is_available()


def is_gloo_available() -> bool:
    """True: the "gloo" backend (TCP sockets, no extra package) is always there."""
    return True


def is_nccl_available() -> bool:
    return False


def is_initialized() -> bool:
    """True between `init_process_group` and `destroy_process_group`."""
    return state.world is not None


def world() -> ProcessGroup:
    """The default group; PyTorch's ValueError before `init_process_group`."""
    if state.world is None:
        raise ValueError("Default process group has not been initialized, please make sure to call init_process_group.")
    return state.world


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return None if value in (None, "") else int(value)


def init_process_group(
    backend: str | None = None,
    init_method: str | None = None,
    timeout: timedelta | None = None,
    world_size: int = -1,
    rank: int = -1,
    store: Any = None,
    group_name: str = "",
    pg_options: Any = None,
    device_id: Any = None,
) -> None:
    """Join the job's ranks into the default process group.

    With `backend="gloo"` the ranks meet over TCP at `init_method` ("tcp://host:port", or the
    default "env://": MASTER_ADDR and MASTER_PORT), each giving its `rank` and the `world_size`
    (or RANK and WORLD_SIZE), however they were started: `torch.multiprocessing.spawn`, torchrun's
    launcher, or by hand. With `backend="mpi"` the ranks are the processes `mpiexec` (or
    `python -m retrograd.distributed.run`) started, numbered by MPI; `rank`/`world_size` and RANK/
    WORLD_SIZE, when given, must agree with MPI's numbering. Without a backend: "mpi" under
    mpiexec, "gloo" otherwise. `timeout` bounds every wait for the other ranks.
    """
    if state.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = Backend(backend) if backend is not None else Backend(_default_backend())
    if store is not None or pg_options is not None or device_id is not None:
        raise ValueError("store, pg_options and device_id are not supported by retrograd's CPU backends")
    timeout = default_pg_timeout if timeout is None else timeout
    if not isinstance(timeout, timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {timeout}")
    if name == Backend.MPI:
        transport: Transport = _mpi_world(init_method, rank, world_size)
    else:
        transport = _tcp_world(init_method, rank, world_size, timeout)
    group = ProcessGroup(transport, list(range(transport.size())), timeout, group_name or "0")
    state.world = group
    GroupMember.WORLD = group
    if name == Backend.MPI:  # MPI calls cannot time out or notice a dead rank: the watchdog and abort do
        state.watchdog = Watchdog(transport.rank())
        if transport.size() > 1:
            state.previous_excepthook = sys.excepthook
            sys.excepthook = AbortOnException(transport.rank(), sys.excepthook)


_MPI_LAUNCHED = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK")  # set by mpiexec (Open MPI, MPICH, PMIx)


def _default_backend() -> str:
    return Backend.MPI if is_available() and any(os.environ.get(v) for v in _MPI_LAUNCHED) else Backend.GLOO


def _mpi_world(init_method: str | None, rank: int, world_size: int) -> Transport:
    if init_method not in (None, "env://"):
        raise ValueError(
            f"init_method={init_method!r} is not supported by the MPI backend: its ranks find each other through "
            "the launcher (mpiexec or python -m retrograd.distributed.run); use the default (env://)"
        )
    transport = MpiTransport.world()
    for label, given, actual in (
        ("rank", rank if rank != -1 else _env_int("RANK"), transport.rank()),
        ("world_size", world_size if world_size != -1 else _env_int("WORLD_SIZE"), transport.size()),
    ):
        if given is not None and given != actual:
            raise ValueError(
                f"{label}={given} (from the argument or the environment) but MPI says {actual}: start the ranks "
                "with `mpiexec -n N` or `python -m retrograd.distributed.run --nproc-per-node N`"
            )
    return transport


def _tcp_world(init_method: str | None, rank: int, world_size: int, timeout: timedelta) -> Transport:
    """The "gloo" backend's rendezvous: where rank 0 listens, and this rank's rank and world size."""
    method = init_method or "env://"
    url = urlparse(method)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    if url.scheme == "env":
        for variable in ("MASTER_ADDR", "MASTER_PORT"):
            if not os.environ.get(variable):
                raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment "
                                 f"variable {variable} expected, but not set")
        address, port = os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"])
    elif url.scheme == "tcp":
        address, port = url.hostname, url.port  # type: ignore[assignment]
        if not address or port is None:
            raise ValueError(f"init_method {method!r} must give a host and a port (tcp://host:port)")
    else:
        raise ValueError(f"init_method={method!r} is not supported: use env:// (MASTER_ADDR and MASTER_PORT) or "
                         "tcp://host:port")
    if rank == -1:
        rank = int(query["rank"]) if "rank" in query else _required_env("RANK", url.scheme)
    if world_size == -1:
        world_size = int(query["world_size"]) if "world_size" in query else _required_env("WORLD_SIZE", url.scheme)
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError(f"rank {rank} is out of range for world_size {world_size}")
    return TcpTransport.world(str(address), port, rank, world_size, timeout.total_seconds())


def _required_env(name: str, scheme: str) -> int:
    value = _env_int(name)
    if value is None:
        raise ValueError(f"Error initializing torch.distributed using {scheme}:// rendezvous: environment variable "
                         f"{name} expected, but not set")
    return value


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Free a group, or with no argument all groups and the default one (AssertionError when there is none)."""
    if group is None and state.world is None:
        raise AssertionError("Process group cannot be None")  # PyTorch's, e.g. for a second destroy
    if group is None or group is state.world:
        for g in [*state.groups, state.world]:  # the world last: a TCP world closes the sockets its groups share
            if g is not None and g.transport is not None:
                g.transport.free()
                g.transport = None
        state.groups.clear()
        state.world = None
        GroupMember.WORLD = None
        state.non_member_ranks = None
        if state.watchdog is not None:
            state.watchdog.stop()
            state.watchdog = None
        if state.previous_excepthook is not None:
            sys.excepthook = state.previous_excepthook
            state.previous_excepthook = None
        return
    if group is GroupMember.NON_GROUP_MEMBER:
        return
    if group not in state.groups:
        raise ValueError("Invalid process group specified")
    state.groups.remove(group)
    group.transport.free()
    group.transport = None


def resolve(group: ProcessGroup | None) -> ProcessGroup | None:
    """The group a call runs on, or None (with PyTorch's warning) when this rank is not in it."""
    default = world()
    if group is None:
        return default
    if group is GroupMember.NON_GROUP_MEMBER:
        warnings.warn(
            f"Running on global rank {default.rank()} which does not belong to the given group.", stacklevel=3
        )
        return None
    if not isinstance(group, ProcessGroup) or group.transport is None:
        raise ValueError("Invalid process group specified")
    return group


def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in `group` (default: the world); -1 when it is not a member."""
    g = resolve(group) if group is not GroupMember.NON_GROUP_MEMBER else None
    world()
    return -1 if g is None else g.rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    """How many ranks `group` has (default: the world); -1 for a group this rank is not in."""
    world()
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    g = resolve(group)
    return -1 if g is None else g.size()


def get_backend(group: ProcessGroup | None = None) -> Backend:
    world()
    if group is GroupMember.NON_GROUP_MEMBER:
        raise ValueError("Invalid process group specified")
    return Backend(resolve(group).name())  # type: ignore[union-attr]


def get_group_rank(group: ProcessGroup, global_rank: int) -> int:
    """The rank in `group` of the process with this global rank."""
    if group is None or group is GroupMember.NON_GROUP_MEMBER or not isinstance(group, ProcessGroup):
        raise ValueError("group must be a ProcessGroup")
    return group.group_rank(global_rank)


def get_global_rank(group: ProcessGroup, group_rank: int) -> int:
    """The global rank of the process with this rank in `group`."""
    if group is None or group is GroupMember.NON_GROUP_MEMBER or not isinstance(group, ProcessGroup):
        raise ValueError("group must be a ProcessGroup")
    if not 0 <= group_rank < len(group.global_ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {group.group_name}")
    return group.global_ranks[group_rank]


def get_process_group_ranks(group: ProcessGroup | None) -> list[int]:
    """The global ranks of a group's members, in group-rank order.

    For `GroupMember.NON_GROUP_MEMBER` (what `new_group` gives a non-member), PyTorch's answer: the ranks of
    the latest group made without this rank (KeyError when there is none).
    """
    if group is GroupMember.NON_GROUP_MEMBER:
        world()
        if state.non_member_ranks is None:
            raise KeyError(GroupMember.NON_GROUP_MEMBER)
        return list(state.non_member_ranks)
    g = resolve(group)
    return [] if g is None else list(g.global_ranks)


def new_group(
    ranks: list[int] | None = None,
    timeout: timedelta | None = None,
    backend: str | None = None,
    pg_options: Any = None,
    use_local_synchronization: bool = False,
    group_desc: str | None = None,
    device_id: Any = None,
    sort_ranks: bool = True,
) -> Any:
    """A group of some ranks. Every rank calls it (only the members with `use_local_synchronization`).

    Non-members get `GroupMember.NON_GROUP_MEMBER` (None with `use_local_synchronization`), as in PyTorch.
    """
    default = world()
    if backend is not None and Backend(backend) != default.name():
        raise ValueError(f"new_group(backend={backend!r}): the default group runs {default.name()!r}, and a group "
                         "runs on its transport")
    if pg_options is not None or device_id is not None:
        raise ValueError("pg_options and device_id are not supported by retrograd's CPU backends")
    members = list(range(default.size())) if ranks is None else [int(r) for r in ranks]
    if sort_ranks:
        members.sort()
    if len(set(members)) != len(members):
        raise ValueError(f"ranks must be distinct, got {ranks}")
    for r in members:
        if not 0 <= r < default.size():
            raise ValueError(
                f"The new group's rank should be within the world_size set by init_process_group, got rank {r}"
            )
    timeout = default.timeout if timeout is None else timeout
    if use_local_synchronization and default.rank() not in members:
        return None  # the members alone make it; PyTorch gives the others None, not NON_GROUP_MEMBER
    if default.rank() not in members:
        state.non_member_ranks = members
    transport = default.transport.subgroup(members, use_local_synchronization)
    if transport is None:
        return GroupMember.NON_GROUP_MEMBER
    group = ProcessGroup(transport, members, timeout, group_desc or str(len(state.groups) + 1))
    state.groups.append(group)
    return group

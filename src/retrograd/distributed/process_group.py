"""Process groups: the default group made by `init_process_group`, and subgroups from `new_group`.

A `ProcessGroup` is an MPI communicator plus what PyTorch's API needs around it: the global
ranks of its members (collectives name ranks globally), its timeout, and a count of the
collectives it has run (the fingerprint check compares it across ranks).
"""

from __future__ import annotations

import os
import sys
import warnings
from datetime import timedelta
from typing import Any

from ._mpi import is_available, mpi
from ._watchdog import AbortOnException, Watchdog

default_pg_timeout = timedelta(minutes=30)


class Backend(str):
    """A backend name; the MPI backend is the only one (`Backend.MPI == "mpi"`)."""

    UNDEFINED = "undefined"
    MPI = "mpi"

    def __new__(cls, name: str) -> Backend:
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        value = name.lower()
        if value not in (cls.MPI, cls.UNDEFINED):
            raise ValueError(
                f"Invalid backend: '{name}'. retrograd.distributed has the 'mpi' backend only "
                "(it runs on CPUs through mpi4py)"
            )
        return str.__new__(cls, value)


class ProcessGroup:
    """A set of ranks that run collectives together (an MPI communicator)."""

    def __init__(self, comm: Any, global_ranks: list[int], timeout: timedelta, name: str) -> None:
        self.comm = comm
        self.global_ranks = global_ranks
        self.timeout = timeout
        self.group_name = name
        self.sequence = 0  # collectives run so far: the same on every rank unless they diverge

    def rank(self) -> int:
        return self.comm.Get_rank()

    def size(self) -> int:
        return self.comm.Get_size()

    def name(self) -> str:
        return "mpi"

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


state = _State()


def is_mpi_available() -> bool:
    return is_available()


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
    """Join the job's ranks into the default process group, over MPI.

    The ranks are the processes `mpiexec` (or `python -m retrograd.distributed.run`) started;
    MPI numbers them. `rank`/`world_size` and the torchrun variables RANK and WORLD_SIZE, when
    given, must agree with MPI's numbering. `timeout` bounds every wait for the other ranks.
    """
    if state.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if backend is not None:
        Backend(backend)
    if init_method not in (None, "env://"):
        raise ValueError(
            f"init_method={init_method!r} is not supported: MPI ranks find each other through the launcher "
            "(mpiexec or python -m retrograd.distributed.run); use the default (env://)"
        )
    if store is not None or pg_options is not None or device_id is not None:
        raise ValueError("store, pg_options and device_id are not supported by the MPI backend")
    timeout = default_pg_timeout if timeout is None else timeout
    if not isinstance(timeout, timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {timeout}")
    MPI = mpi()
    comm = MPI.COMM_WORLD
    mpi_rank, mpi_size = comm.Get_rank(), comm.Get_size()
    for label, given, actual in (
        ("rank", rank if rank != -1 else _env_int("RANK"), mpi_rank),
        ("world_size", world_size if world_size != -1 else _env_int("WORLD_SIZE"), mpi_size),
    ):
        if given is not None and given != actual:
            raise ValueError(
                f"{label}={given} (from the argument or the environment) but MPI says {actual}: start the ranks "
                "with `mpiexec -n N` or `python -m retrograd.distributed.run --nproc-per-node N`"
            )
    group = ProcessGroup(comm.Dup(), list(range(mpi_size)), timeout, group_name or "0")
    state.world = group
    GroupMember.WORLD = group
    state.watchdog = Watchdog(mpi_rank)
    if mpi_size > 1:
        state.previous_excepthook = sys.excepthook
        sys.excepthook = AbortOnException(mpi_rank, sys.excepthook)


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Free a group, or with no argument all groups and the default one."""
    if group is None or group is state.world:
        for g in [*state.groups, state.world]:
            if g is not None and g.comm is not None:
                g.comm.Free()
                g.comm = None
        state.groups.clear()
        state.world = None
        GroupMember.WORLD = None
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
    group.comm.Free()
    group.comm = None


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
    if not isinstance(group, ProcessGroup) or group.comm is None:
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
    return Backend("mpi")


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
    """The global ranks of a group's members, in group-rank order."""
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

    Non-members get `GroupMember.NON_GROUP_MEMBER`, as in PyTorch.
    """
    default = world()
    if backend is not None:
        Backend(backend)
    if pg_options is not None or device_id is not None:
        raise ValueError("pg_options and device_id are not supported by the MPI backend")
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
    mpi_group = default.comm.Get_group().Incl(members)
    me = default.rank()
    if use_local_synchronization:
        if me not in members:
            return GroupMember.NON_GROUP_MEMBER
        comm = default.comm.Create_group(mpi_group)
    else:
        comm = default.comm.Create(mpi_group)
    mpi_group.Free()
    if me not in members:
        return GroupMember.NON_GROUP_MEMBER
    group = ProcessGroup(comm, members, timeout, group_desc or str(len(state.groups) + 1))
    state.groups.append(group)
    return group

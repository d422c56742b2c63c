"""Data-parallel training past one process: PyTorch's `torch.distributed` API on CPUs.

Two backends: "gloo", TCP sockets between ranks started any way (`torch.multiprocessing.spawn`,
torchrun's launcher, a shell) that meet at MASTER_ADDR:MASTER_PORT, and "mpi", MPI through
mpi4py for ranks started by `mpiexec` or `python -m retrograd.distributed.run --nproc-per-node N`.
In the script, `init_process_group(backend)` joins the ranks and the collectives (`all_reduce`,
`broadcast`, ...) work on tensors in place. `nn.parallel.DistributedDataParallel` and
`utils.data.DistributedSampler` build on them.
"""

import os

from . import device_mesh  # bound as in PyTorch: diffusers annotates `torch.distributed.device_mesh.DeviceMesh`
from .all_to_all import all_to_all
from .collectives import (
    Work,
    all_gather,
    all_gather_object,
    all_gather_single,
    all_reduce,
    all_to_all_single,
    barrier,
    broadcast,
    broadcast_object_list,
    gather,
    gather_object,
    irecv,
    isend,
    monitored_barrier,
    recv,
    reduce,
    reduce_scatter,
    reduce_scatter_single,
    scatter,
    scatter_object_list,
    send,
)
from .deprecated import all_gather_into_tensor, reduce_scatter_tensor
from .device_mesh import DeviceMesh, init_device_mesh
from .errors import DistBackendError, DistError, DistNetworkError, DistStoreError, QueueEmptyError
from .grad_bucket import GradBucket
from .process_group import (
    Backend,
    GroupMember,
    ProcessGroup,
    default_pg_timeout,
    destroy_process_group,
    get_backend,
    get_global_rank,
    get_group_rank,
    get_process_group_ranks,
    get_rank,
    get_world_size,
    init_process_group,
    is_gloo_available,
    is_initialized,
    is_mpi_available,
    is_nccl_available,
    new_group,
)
from .reduce_op import ReduceOp

group = GroupMember  # PyTorch's `dist.group.WORLD`


def is_available() -> bool:
    """True: the package is always there (the "gloo" backend needs nothing more; "mpi" needs mpi4py).

    Returns:
        bool: True.

    Examples:
        >>> retrograd.distributed.is_available()
        True
    """
    return True


def is_torchelastic_launched() -> bool:
    """True when torchrun (or `python -m retrograd.distributed.run`) started this process: TORCHELASTIC_RUN_ID is set.

    Returns:
        bool: whether the launcher's TORCHELASTIC_RUN_ID is in the environment.
    """
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


__all__ = [
    "Backend", "DeviceMesh", "DistBackendError", "DistError", "DistNetworkError", "DistStoreError", "GradBucket",
    "GroupMember", "ProcessGroup", "QueueEmptyError", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor",
    "all_gather_object", "all_gather_single", "all_reduce", "all_to_all", "all_to_all_single", "barrier",
    "broadcast", "broadcast_object_list", "default_pg_timeout", "destroy_process_group", "gather", "gather_object",
    "get_backend", "get_global_rank", "get_group_rank", "get_process_group_ranks", "get_rank", "get_world_size",
    "group", "init_device_mesh", "init_process_group", "irecv", "is_available", "is_gloo_available", "is_initialized",
    "is_mpi_available", "is_nccl_available", "is_torchelastic_launched", "isend", "monitored_barrier", "new_group",
    "recv", "reduce", "reduce_scatter", "reduce_scatter_single", "reduce_scatter_tensor", "scatter",
    "scatter_object_list", "send",
]  # fmt: skip

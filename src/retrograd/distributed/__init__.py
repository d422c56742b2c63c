"""Data-parallel training past one process: PyTorch's `torch.distributed` API on MPI (mpi4py).

Start the ranks with `python -m retrograd.distributed.run --nproc-per-node N script.py` or
`mpiexec -n N python script.py`; in the script, `init_process_group()` joins them and the
collectives (`all_reduce`, `broadcast`, ...) work on tensors in place. `nn.parallel.
DistributedDataParallel` and `utils.data.DistributedSampler` build on them.
"""

from ._mpi import is_available
from .collectives import (
    Work,
    all_gather,
    all_gather_into_tensor,
    all_gather_object,
    all_reduce,
    all_to_all_single,
    barrier,
    broadcast,
    broadcast_object_list,
    gather,
    gather_object,
    irecv,
    isend,
    recv,
    reduce,
    reduce_scatter,
    reduce_scatter_tensor,
    scatter,
    scatter_object_list,
    send,
)
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
    is_initialized,
    is_mpi_available,
    new_group,
)
from .reduce_op import ReduceOp

group = GroupMember  # PyTorch's `dist.group.WORLD`

__all__ = [
    "Backend", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor",
    "all_gather_object", "all_reduce", "all_to_all_single", "barrier", "broadcast", "broadcast_object_list",
    "default_pg_timeout", "destroy_process_group", "gather", "gather_object", "get_backend", "get_global_rank",
    "get_group_rank", "get_process_group_ranks", "get_rank", "get_world_size", "group", "init_process_group",
    "irecv", "is_available", "is_initialized", "is_mpi_available", "isend", "new_group", "recv", "reduce",
    "reduce_scatter", "reduce_scatter_tensor", "scatter", "scatter_object_list", "send",
]  # fmt: skip

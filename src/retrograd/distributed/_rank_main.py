"""What each rank runs under the launcher: set torchrun's variables from MPI's, then run the script.

`python -m retrograd.distributed._rank_main (--script|-m|--no-python) TARGET ARGS...`
"""

from __future__ import annotations

import os
import runpy
import sys

# Where the MPI launchers put each process's numbering (Open MPI, then MPICH/Hydra and PMIx).
_RANK = ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK")
_SIZE = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE")
_LOCAL_RANK = ("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID")
_LOCAL_SIZE = ("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS")


def _first(names: tuple[str, ...], default: int) -> int:
    for name in names:
        if os.environ.get(name, "") != "":
            return int(os.environ[name])
    return default


def elastic_agent_environment(group_world_size: int) -> dict[str, str]:
    """What torchrun's agent adds for a first attempt: scripts test TORCHELASTIC_RUN_ID to see they were launched."""
    return {
        "GROUP_WORLD_SIZE": str(group_world_size), "ROLE_NAME": "default", "TORCHELASTIC_RUN_ID": "none",
        "TORCHELASTIC_RESTART_COUNT": "0", "TORCHELASTIC_MAX_RESTARTS": "0",
    }  # fmt: skip


def torchrun_environment() -> dict[str, str]:
    """RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK and the agent's variables as torchrun sets them."""
    rank, size = _first(_RANK, 0), _first(_SIZE, 1)
    local_rank, local_size = _first(_LOCAL_RANK, 0), _first(_LOCAL_SIZE, 1)
    per_node = int(os.environ.get("RETROGRAD_NPROC_PER_NODE", local_size))
    values = {
        "RANK": rank, "WORLD_SIZE": size, "LOCAL_RANK": local_rank, "LOCAL_WORLD_SIZE": local_size,
        "GROUP_RANK": rank // max(per_node, 1), "ROLE_RANK": rank, "ROLE_WORLD_SIZE": size,
    }  # fmt: skip
    nodes = -(-size // max(per_node, 1))
    return {**{k: str(v) for k, v in values.items()}, **elastic_agent_environment(nodes)}


def main(argv: list[str]) -> None:
    mode, target, args = argv[0], argv[1], argv[2:]
    os.environ.update(torchrun_environment())
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29500")
    if mode == "--no-python":
        os.execvp(target, [target, *args])
    sys.argv = [target, *args]
    if mode == "-m":
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.path[0] = os.path.dirname(os.path.abspath(target))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
